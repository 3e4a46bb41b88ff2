// One optimisation step, shared by SFT, vision pretraining, the reward model and PPO:
// Adam with linear warm-up then cosine or linear decay, and gradient clipping by global norm.
import * as tf from '@tensorflow/tfjs-core';

export interface OptimConfig {
  /** Peak learning rate, reached at the end of warm-up. */
  lr: number;
  /** Steps of linear warm-up from lr/warmupSteps to lr; 0 starts at lr. */
  warmupSteps: number;
  /** Length of the schedule; after it the rate stays at its floor. */
  totalSteps: number;
  /** Shape of the decay after warm-up. */
  decay: 'cosine' | 'linear' | 'constant';
  /** Floor of the decay as a share of lr (0.1 = decays to lr/10). */
  minLrRatio: number;
  /** Largest global L2 norm of the gradients; larger ones are scaled down to it. 0 turns clipping off. */
  clipNorm: number;
  /** Adam's moment decay rates and epsilon. */
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const DEFAULT_OPTIM: OptimConfig = {
  lr: 1e-3, warmupSteps: 20, totalSteps: 1000, decay: 'cosine', minLrRatio: 0.1, clipNorm: 1,
  beta1: 0.9, beta2: 0.999, epsilon: 1e-8,
};

/** The learning rate for a 0-based step number under the schedule. */
export function learningRateAt(cfg: OptimConfig, step: number): number {
  if (step < cfg.warmupSteps) return (cfg.lr * (step + 1)) / cfg.warmupSteps;
  const floor = cfg.lr * cfg.minLrRatio;
  if (cfg.decay === 'constant') return cfg.lr;
  const span = Math.max(1, cfg.totalSteps - cfg.warmupSteps);
  const t = Math.min(1, (step - cfg.warmupSteps) / span); // 0 → 1 over the decay
  const shape = cfg.decay === 'cosine' ? 0.5 * (1 + Math.cos(Math.PI * t)) : 1 - t;
  return floor + (cfg.lr - floor) * shape;
}

/** What tfjs's AdamOptimizer keeps out of sight: the moments (made on its first update), the beta powers and the update count. */
interface AdamInternals {
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  iterations_: number;
}

/** Adam's state at one moment: copies of its moments and beta powers (the caller disposes them), and its update count. */
export interface AdamState {
  first: tf.Tensor[];
  second: tf.Tensor[];
  accBeta1: tf.Tensor;
  accBeta2: tf.Tensor;
  iterations: number;
}

/** Adam whose learning rate can be changed between steps and whose state can be kept and put back (tfjs keeps both protected). */
export class ScheduledAdam extends tf.AdamOptimizer {
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }

  private get internals(): AdamInternals {
    return this as unknown as AdamInternals;
  }

  /** Copies of the moments and beta powers as they are now, and the update count; changes nothing. */
  keepState(): AdamState {
    const a = this.internals;
    return {
      first: a.accumulatedFirstMoment.map((m) => tf.clone(m.variable)),
      second: a.accumulatedSecondMoment.map((m) => tf.clone(m.variable)),
      accBeta1: tf.clone(a.accBeta1),
      accBeta2: tf.clone(a.accBeta2),
      iterations: this.iterations,
    };
  }

  /**
   * Puts the state `kept` back: the moments it holds, its beta powers and update count. Moments
   * made since (by the first updates ever) are freed, so the next update makes them afresh from zeros.
   */
  restoreState(kept: AdamState): void {
    const a = this.internals;
    for (const [moments, saved] of [[a.accumulatedFirstMoment, kept.first], [a.accumulatedSecondMoment, kept.second]] as const) {
      saved.forEach((t, i) => moments[i]!.variable.assign(t));
      tf.dispose(moments.splice(saved.length).map((m) => m.variable));
    }
    a.accBeta1.assign(kept.accBeta1);
    a.accBeta2.assign(kept.accBeta2);
    a.iterations_ = kept.iterations;
  }
}

/** A trainer's state at one moment, to go back to: copies of its variables and of Adam's state, and its step count. */
export interface TrainerCheckpoint {
  variables: tf.Tensor[];
  adam: AdamState;
  steps: number;
}

/** Frees a checkpoint's copies. */
export function disposeCheckpoint(cp: TrainerCheckpoint): void {
  tf.dispose([...cp.variables, ...cp.adam.first, ...cp.adam.second, cp.adam.accBeta1, cp.adam.accBeta2]);
}

/**
 * Scales all gradients by min(1, maxNorm / globalNorm). Returns new tensors (the caller disposes
 * them and the inputs) and the global norm before clipping as a scalar tensor.
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): { grads: tf.NamedTensorMap; norm: tf.Scalar } {
  return tf.tidy(() => {
    const list = Object.values(grads);
    const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
    const scale = maxNorm > 0 ? tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6))) : tf.scalar(1);
    const out: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) out[name] = tf.mul(g, scale);
    return { grads: out, norm };
  });
}

/** Named scalar tensors a loss function reports beside its loss (kept past the gradient tape). */
export class StepStats {
  readonly tensors = new Map<string, tf.Scalar>();

  /** Records a scalar under a name (a later one of the same name replaces it); returns it. */
  add(name: string, t: tf.Tensor): tf.Tensor {
    const s = tf.keep(t.size === 1 ? (t.reshape([]) as tf.Scalar) : (tf.mean(t) as tf.Scalar));
    this.tensors.get(name)?.dispose();
    this.tensors.set(name, s);
    return t;
  }

  /** Reads every statistic back and frees the tensors. */
  async read(): Promise<Record<string, number>> {
    const names = [...this.tensors.keys()];
    const values = await Promise.all(names.map((n) => (this.tensors.get(n) as tf.Scalar).data()));
    this.dispose();
    return Object.fromEntries(names.map((n, i) => [n, values[i]![0] as number]));
  }

  dispose(): void {
    for (const t of this.tensors.values()) t.dispose();
    this.tensors.clear();
  }
}

export interface StepResult {
  /** The loss before the update. */
  loss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Learning rate used for this step. */
  lr: number;
  /** Steps taken so far, this one included (a step not applied is not counted). */
  step: number;
  /** What the loss function reported through its StepStats, read back. */
  stats: Record<string, number>;
  /** False when the guard found a NaN or an infinity and the update was not applied. */
  applied: boolean;
  /** With applied false: the first quantity that was not finite ("loss", "gradNorm" or a stat's name). */
  nonFinite?: string;
}

export interface StepOptions {
  /**
   * Read the loss, gradient norm and stats before updating, and skip the update (weights and Adam
   * moments untouched) if any is NaN or infinite. Costs one readback before the update.
   */
  guard?: boolean;
}

export interface TrainerOptions {
  /** Called after every applied update (a model bumps its weight generation here). */
  onApplied?: () => void;
}

/** Owns an optimiser over a fixed list of variables; each `step` changes those variables in place. */
export class Trainer {
  readonly variables: tf.Variable[];
  readonly config: OptimConfig;
  private readonly optimizer: ScheduledAdam;
  private readonly onApplied: (() => void) | undefined;
  private steps = 0;

  constructor(variables: tf.Variable[], config: Partial<OptimConfig> = {}, options: TrainerOptions = {}) {
    if (variables.length === 0) throw new Error('Trainer: no trainable variables');
    this.variables = variables;
    this.config = { ...DEFAULT_OPTIM, ...config };
    this.optimizer = new ScheduledAdam(this.config.lr, this.config.beta1, this.config.beta2, this.config.epsilon);
    this.onApplied = options.onApplied;
  }

  get stepCount(): number {
    return this.steps;
  }

  /**
   * variableGrads → clip by global norm → applyGradients → dispose. `lossFn` may report named
   * statistics through the StepStats it is given; returns the loss, norm and stats read back.
   */
  async step(lossFn: (stats: StepStats) => tf.Scalar, options: StepOptions = {}): Promise<StepResult> {
    const lr = learningRateAt(this.config, this.steps);
    this.optimizer.setLearningRate(lr);
    const stats = new StepStats();
    let value: tf.Scalar;
    let grads: tf.NamedTensorMap;
    try {
      ({ value, grads } = tf.variableGrads(() => lossFn(stats), this.variables) as { value: tf.Scalar; grads: tf.NamedTensorMap });
    } catch (e) {
      stats.dispose();
      throw e;
    }
    const present: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) if (g) present[name] = g;
    const clipped = clipByGlobalNorm(present, this.config.clipNorm);
    tf.dispose(present);
    const readBack = async () => {
      const [loss, norm] = await Promise.all([value.data(), clipped.norm.data()]);
      return { loss: loss[0] as number, gradNorm: norm[0] as number, stats: await stats.read() };
    };
    let read: Awaited<ReturnType<typeof readBack>> | undefined;
    if (options.guard) {
      read = await readBack();
      const bad = !Number.isFinite(read.loss) ? 'loss' : !Number.isFinite(read.gradNorm) ? 'gradNorm' : Object.entries(read.stats).find(([, v]) => !Number.isFinite(v))?.[0];
      if (bad !== undefined) {
        tf.dispose([clipped.grads, value, clipped.norm]);
        return { ...read, lr, step: this.steps, applied: false, nonFinite: bad };
      }
    }
    // tfjs types the map as variables; it only reads gradient tensors from it.
    this.optimizer.applyGradients(clipped.grads as unknown as Parameters<ScheduledAdam['applyGradients']>[0]);
    tf.dispose(clipped.grads);
    this.steps += 1;
    this.onApplied?.();
    read ??= await readBack();
    value.dispose();
    clipped.norm.dispose();
    return { ...read, lr, step: this.steps, applied: true };
  }

  /**
   * Copies the variables and the optimiser's state as they are now (one copy of the weights and
   * two of their size for Adam's moments), to go back to with `restore`; the caller frees it with
   * disposeCheckpoint.
   */
  checkpoint(): TrainerCheckpoint {
    return { variables: this.variables.map((v) => tf.clone(v)), adam: this.optimizer.keepState(), steps: this.steps };
  }

  /** Puts the variables, Adam's moments, beta powers and update count, and the step count (so the schedule) back as `cp` kept them. */
  restore(cp: TrainerCheckpoint): void {
    this.variables.forEach((v, i) => v.assign(cp.variables[i] as tf.Tensor));
    this.optimizer.restoreState(cp.adam);
    this.steps = cp.steps;
  }

  /** The optimiser's state read back (update count, beta powers, moments in order), for checks; changes nothing. */
  async optimizerState(): Promise<{ iterations: number; values: Float32Array[] }> {
    const kept = this.optimizer.keepState();
    try {
      const values = await Promise.all([kept.accBeta1, kept.accBeta2, ...kept.first, ...kept.second].map((t) => t.data() as Promise<Float32Array>));
      return { iterations: kept.iterations, values };
    } finally {
      tf.dispose([kept.accBeta1, kept.accBeta2, ...kept.first, ...kept.second]);
    }
  }

  /** Frees the optimiser's moment estimates (not the variables). */
  dispose(): void {
    this.optimizer.dispose();
  }
}
