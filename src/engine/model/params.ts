// A model's named parameters: seeded, backend-independent initialisation, cloning, freezing
// and disposal. Names ("block0/attn/wqkv") are what checkpoints store.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../world/rng';

/** How to initialise one parameter: normal(0, std), all zeros or all ones. */
export interface ParamSpec {
  name: string;
  shape: number[];
  init: 'normal' | 'zeros' | 'ones';
  std?: number;
}

export class Params {
  /** Variables by name, in a fixed order (insertion order = spec order). */
  readonly vars: Map<string, tf.Variable>;

  constructor(vars: Map<string, tf.Variable>) {
    this.vars = vars;
  }

  /**
   * Creates variables for the specs. Values are drawn with the project's seeded Rng in plain JS,
   * so the same seed gives the same weights on every backend.
   */
  static init(specs: ParamSpec[], seed: number): Params {
    const rng = new Rng(seed);
    const vars = new Map<string, tf.Variable>();
    for (const s of specs) {
      const size = s.shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(size);
      if (s.init === 'ones') values.fill(1);
      else if (s.init === 'normal') {
        const std = s.std ?? 0.02;
        for (let i = 0; i < size; i++) values[i] = rng.normal() * std;
      }
      const t = tf.tensor(values, s.shape, 'float32');
      vars.set(s.name, tf.variable(t, true));
      t.dispose(); // the variable keeps its own reference to the data
    }
    return new Params(vars);
  }

  /** Returns the variable called `name`; throws if there is none. */
  get<T extends tf.Tensor = tf.Tensor>(name: string): T {
    const v = this.vars.get(name);
    if (!v) throw new Error(`model parameter '${name}' does not exist`);
    return v as unknown as T;
  }

  /** Returns a deep copy: new variables holding the same values. */
  clone(): Params {
    const vars = new Map<string, tf.Variable>();
    for (const [name, v] of this.vars) vars.set(name, tf.variable(v, v.trainable));
    return new Params(vars);
  }

  /** Overwrites every variable with the value of the same-named one in `other` (same shapes required). */
  assignFrom(other: Params): void {
    for (const [name, v] of this.vars) v.assign(other.get(name));
  }

  /** Marks every variable trainable or not (a frozen variable is also left out of trainable lists). */
  setTrainable(trainable: boolean): void {
    for (const v of this.vars.values()) v.trainable = trainable;
  }

  /** Number of scalar parameters. */
  count(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}
