// The multimodal model: vision encoder → projector → pre-LayerNorm causal decoder, with three heads
// on one trunk (LM, scalar score, per-token value). Cloned four times in PPO (policy, reference, RM, value).
import type * as tf from '@tensorflow/tfjs-core';
import { subSeed } from '../world/rng';
import { validateConfig, type ModelConfig } from './config';
import { Params, type ParamSpec } from './params';
import { policyVersion, runOrigin } from './version';
import { createVisionEncoder, visionParamSpecs, type VisionEncoder } from './vision';

function decoderSpecs(cfg: ModelConfig): ParamSpec[] {
  const { dModel: d, dFF: f, nLayers: n } = cfg;
  // GPT-2 initialisation: std 0.02, residual output projections scaled by 1/sqrt(2·layers).
  const resid = 0.02 / Math.sqrt(2 * n);
  const specs: ParamSpec[] = [
    { name: 'proj/w', shape: [cfg.visionDim, d], init: 'normal', std: 1 / Math.sqrt(cfg.visionDim) },
    { name: 'proj/b', shape: [d], init: 'zeros' },
    { name: 'tok/emb', shape: [cfg.vocabSize, d], init: 'normal', std: 0.02 },
    { name: 'pos/emb', shape: [cfg.maxLen, d], init: 'normal', std: 0.02 },
  ];
  for (let i = 0; i < n; i++) {
    const p = `block${i}`;
    specs.push(
      { name: `${p}/ln1/g`, shape: [d], init: 'ones' },
      { name: `${p}/ln1/b`, shape: [d], init: 'zeros' },
      { name: `${p}/attn/wqkv`, shape: [d, 3 * d], init: 'normal', std: 0.02 },
      { name: `${p}/attn/bqkv`, shape: [3 * d], init: 'zeros' },
      { name: `${p}/attn/wo`, shape: [d, d], init: 'normal', std: resid },
      { name: `${p}/attn/bo`, shape: [d], init: 'zeros' },
      { name: `${p}/ln2/g`, shape: [d], init: 'ones' },
      { name: `${p}/ln2/b`, shape: [d], init: 'zeros' },
      { name: `${p}/mlp/w1`, shape: [d, f], init: 'normal', std: 0.02 },
      { name: `${p}/mlp/b1`, shape: [f], init: 'zeros' },
      { name: `${p}/mlp/w2`, shape: [f, d], init: 'normal', std: resid },
      { name: `${p}/mlp/b2`, shape: [d], init: 'zeros' },
    );
  }
  specs.push(
    { name: 'lnf/g', shape: [d], init: 'ones' },
    { name: 'lnf/b', shape: [d], init: 'zeros' },
    // The LM head is tied to tok/emb; the scalar (reward) and value heads are their own.
    { name: 'head/score/w', shape: [d, 1], init: 'normal', std: 0.02 },
    { name: 'head/score/b', shape: [1], init: 'zeros' },
    { name: 'head/value/w', shape: [d, 1], init: 'normal', std: 0.02 },
    { name: 'head/value/b', shape: [1], init: 'zeros' },
  );
  return specs;
}

/** Every parameter's name and shape, vision ones prefixed "vision/": what a checkpoint must hold. */
export function modelParamSpecs(cfg: ModelConfig): ParamSpec[] {
  return [...visionParamSpecs(cfg).map((s) => ({ ...s, name: `vision/${s.name}` })), ...decoderSpecs(cfg)];
}

export class VlmModel {
  readonly config: ModelConfig;
  readonly vision: VisionEncoder;
  /** Decoder, projector and head parameters (everything but the vision encoder). */
  readonly params: Params;
  /**
   * Counts the changes to the weights since the model was made or loaded: every optimiser step
   * (a Trainer's onApplied) and every copyWeightsFrom bumps it. With the model's origin it names
   * the policy's version (version.ts).
   */
  generation = 0;
  /** Where the weights came from: a checkpoint's "recipe@crc32", a fresh model's seed, or a clone's source version. */
  origin: string;
  /** A run's name waiting for the run's first update (startRun). */
  private pendingRun: string | undefined;

  constructor(config: ModelConfig, vision: VisionEncoder, params: Params, origin = 'new') {
    this.origin = origin;
    this.config = config;
    this.vision = vision;
    this.params = params;
  }

  /** Variables an optimiser should update: the decoder's, plus the vision trunk's unless it is frozen. */
  trainableVariables(): tf.Variable[] {
    const own = [...this.params.vars.values()].filter((v) => v.trainable);
    return this.vision.frozen ? own : [...this.vision.trunkVariables(), ...own];
  }

  /** Every weight by checkpoint name, vision first, in a fixed order. */
  namedWeights(): [string, tf.Variable][] {
    return [
      ...[...this.vision.params.vars].map(([n, v]): [string, tf.Variable] => [`vision/${n}`, v]),
      ...this.params.vars,
    ];
  }

  /** Number of scalar parameters, vision included. */
  paramCount(): number {
    return this.vision.params.count() + this.params.count();
  }

  /** A deep copy with its own variables (frozen flags kept), optionally reading its score elsewhere; its origin is this model's version. */
  clone(overrides: Pick<Partial<ModelConfig>, 'scoreReadout'> = {}): VlmModel {
    const config = { ...this.config, ...overrides };
    validateConfig(config);
    return new VlmModel(config, this.vision.clone(), this.params.clone(), this.version);
  }

  /** The weights' version: the origin, and the generation once they have changed (version.ts). */
  get version(): string {
    return policyVersion(this.origin, this.generation);
  }

  /** Overwrites this model's weights with another's of the same config (e.g. reset policy to reference). */
  copyWeightsFrom(other: VlmModel): void {
    this.vision.params.assignFrom(other.vision.params);
    this.params.assignFrom(other.params);
    this.bumpGeneration();
  }

  /** Marks the weights as changed (see generation); the first change of a named run starts its own origin. */
  bumpGeneration(): void {
    if (this.pendingRun !== undefined) {
      this.origin = runOrigin(this.version, this.pendingRun);
      this.generation = 0;
      this.pendingRun = undefined;
    }
    this.generation += 1;
  }

  /**
   * Names the run about to train these weights: from its first update on, their origin is the
   * version they had then and the run's name ("sft@1a2b3c4d/ppo-3f9a"), so two runs from the same
   * weights never share a version. A run that changes nothing leaves the version as it was.
   */
  startRun(name: string): void {
    this.pendingRun = name;
  }

  /** Sets the value head to the score head's weights (the value model starts from the reward model). */
  initValueHeadFromScoreHead(): void {
    this.params.get<tf.Variable>('head/value/w').assign(this.params.get('head/score/w'));
    this.params.get<tf.Variable>('head/value/b').assign(this.params.get('head/score/b'));
  }

  dispose(): void {
    this.vision.dispose();
    this.params.dispose();
  }
}

export interface CreateModelOptions {
  /** Seed for the initial weights; the same seed gives the same weights on every backend. */
  seed: number;
  /** A (pretrained) vision encoder to copy in place of a fresh one; the caller keeps theirs. */
  vision?: VisionEncoder;
  /** Freeze the vision encoder (its weights get no gradient). */
  freezeVision?: boolean;
}

/** Creates a freshly initialised model. */
export function createModel(config: ModelConfig, opts: CreateModelOptions): VlmModel {
  validateConfig(config);
  if (opts.vision) {
    const vc = opts.vision.config;
    if (vc.imageSize !== config.imageSize || vc.grid !== config.grid || vc.visionDim !== config.visionDim || vc.visionHidden !== config.visionHidden) {
      throw new Error('the vision encoder was built for a different imageSize/grid/visionDim/visionHidden');
    }
  }
  const vision = opts.vision ? opts.vision.clone() : createVisionEncoder(config, opts.seed);
  if (opts.freezeVision !== undefined) vision.setFrozen(opts.freezeVision);
  return new VlmModel(config, vision, Params.init(decoderSpecs(config), subSeed(opts.seed, 202)), `new@seed${opts.seed}`);
}
