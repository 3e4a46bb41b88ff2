// A PPO run the page's worker and the command line drive: PpoRun holds the roles, the trainer, the
// prompt stream and the KL coefficient, and takes one step at a time (so it can be started, paused
// and single-stepped, and its reward model replaced between steps); runPpoSteps loops it as a job.

import { Rng, subSeed } from '../world/rng';
import { DEFAULT_PERCEPTION, type Perception } from '../world/render';
import { PromptStream } from '../data/prompts';
import { Trainer } from '../train/trainer';
import { nextStep, type JobHooks } from '../train/job';
import type { VlmModel } from '../model/model';
import { resolvePpoConfig, usesValueModel, type PpoConfig } from './config';
import { goldProbes, measureGold, type GoldFigures, type GoldProbe } from './gold';
import type { PpoMetrics } from './metrics';
import type { RewardRole } from './rm-score';
import { createPpoRoles, disposeRunRoles, type PpoRoles } from './roles';
import { ppoStep, type PpoSample, type PpoStepContext, type PpoStepResult } from './step';

export interface PpoRunOptions {
  /** How the rollout images are rendered (default: the default perception). */
  perception?: Perception;
  /** Sample fixed-length responses, ignoring EOS (timing only). */
  ignoreEos?: boolean;
  /** Called as each timed phase of a step ends (profiling only). */
  onPhase?: PpoStepContext['onPhase'];
}

/** Every problem with running these roles under this config, in words; [] when they fit. */
export function checkRoles(roles: PpoRoles, cfg: PpoConfig): string[] {
  const out: string[] = [];
  if (usesValueModel(cfg) && !roles.value) out.push('GAE needs a value model');
  if (roles.customReward) return out;
  const rm = roles.rm;
  if (cfg.reward === 'plain' && (!rm || rm.fact)) out.push('the plain reward needs a plain reward model (one that reads no facts)');
  if (cfg.reward === 'fact' && !rm?.fact) out.push('the fact reward needs a Fact-RM');
  if (cfg.reward === 'honesty-first' && !rm) out.push('honesty-first needs a reward model for helpfulness');
  if (cfg.reward === 'honesty-first' && cfg.honestyCheck === 'fact-rm' && !(roles.honestyRm ?? rm)?.fact) out.push('honesty-first with the Fact-RM check needs a Fact-RM');
  if (cfg.reward === 'dense' && !roles.sentenceRm) out.push('the dense reward needs a sentence reward model (train-rm --dense)');
  if (cfg.reward !== 'dense' && roles.sentenceRm) out.push(`a sentence reward model scores sentences, not whole answers: only the dense reward reads it, not ${cfg.reward}`);
  return out;
}

/** One step's result with the step number (steps applied so far, this one included when applied). */
export type PpoRunStep = PpoStepResult & { step: number };

export class PpoRun {
  readonly cfg: PpoConfig;
  readonly roles: PpoRoles;
  private readonly state: PpoStepContext;
  private readonly owned: boolean;
  private probes: GoldProbe[] | undefined;
  private applied = 0;
  /** Responses sampled so far, and when the first step started (for TRL's episode and eps). */
  private sampled = 0;
  private startedAt: number | undefined;

  /** A run over the caller's roles (the caller frees them); throws naming what does not fit. */
  constructor(roles: PpoRoles, cfg: Partial<PpoConfig> = {}, opts: PpoRunOptions = {}, owned = false) {
    this.cfg = resolvePpoConfig(cfg);
    const problems = checkRoles(roles, this.cfg);
    if (problems.length) throw new Error(`ppo: ${problems.join('; ')}`);
    this.roles = roles;
    this.owned = owned;
    const policy = roles.policy;
    const vars = [...policy.trainableVariables(), ...(roles.value?.trainableVariables() ?? [])];
    const trainer = new Trainer(vars, {
      lr: this.cfg.learningRate, warmupSteps: 0, decay: 'constant', clipNorm: this.cfg.maxGradNorm, epsilon: 1e-5,
    }, { onApplied: () => policy.bumpGeneration() });
    this.state = {
      roles, cfg: this.cfg, trainer, klCoef: this.cfg.klCoef,
      prompts: new PromptStream(new Rng(subSeed(this.cfg.seed, 0x9907)), { mix: this.cfg.promptMix }),
      rng: new Rng(subSeed(this.cfg.seed, 0x57e9)),
      perception: { ...(opts.perception ?? DEFAULT_PERCEPTION) },
      ...(opts.ignoreEos ? { ignoreEos: true } : {}),
      ...(opts.onPhase ? { onPhase: opts.onPhase } : {}),
    };
  }

  /** Steps applied so far. */
  get steps(): number {
    return this.applied;
  }

  /** The KL coefficient the next step uses. */
  get klCoef(): number {
    return this.state.klCoef;
  }

  /**
   * Samples, scores and updates once. A step where some quantity is NaN or infinite changes no
   * weight and says which quantity it was (applied false, nonFinite); the next call tries again.
   * Its metrics carry the responses sampled so far (episode) and per second (eps), as TRL's do.
   */
  async step(): Promise<PpoRunStep> {
    this.startedAt ??= performance.now();
    const r = await ppoStep(this.state);
    if (r.applied) this.applied += 1;
    this.sampled += this.cfg.batchSize;
    const seconds = Math.max((performance.now() - this.startedAt) / 1000, 1e-6);
    return { ...r, metrics: { ...r.metrics, episode: this.sampled, eps: Math.floor(this.sampled / seconds) }, step: this.applied };
  }

  /** The gold figures now: the policy's greedy answers to the fixed probes, judged. */
  async gold(): Promise<GoldFigures> {
    this.probes ??= goldProbes(this.cfg.goldProbeSize);
    return measureGold(this.roles.policy, this.probes, this.state.perception, Math.max(48, this.cfg.responseLength));
  }

  /**
   * Replaces the reward model from the next step on (online RLHF: new labels, the RM refreshed);
   * the value model keeps what it has learnt. The caller keeps both models.
   */
  setRewardModel(rm: RewardRole): void {
    const roles = { ...this.roles, rm };
    const problems = checkRoles(roles, this.cfg);
    if (problems.length) throw new Error(`ppo: ${problems.join('; ')}`);
    this.roles.rm = rm;
  }

  /** Frees the trainer (and the reference and value model when the run made them). */
  dispose(): void {
    this.state.trainer.dispose();
    if (this.owned) disposeRunRoles(this.roles);
  }
}

/**
 * A run around the caller's policy (trained in place) and reward model (only read; for the dense
 * reward, opts.sentenceRm and no `rm`): the reference and the value model are made here and freed
 * by the run's dispose().
 */
export function createPpoRun(policy: VlmModel, rm: RewardRole | undefined, cfg: Partial<PpoConfig> = {}, opts: PpoRunOptions & Pick<PpoRoles, 'honestyRm' | 'customReward' | 'sentenceRm'> = {}): PpoRun {
  const full = resolvePpoConfig(cfg);
  const { honestyRm, customReward, sentenceRm, ...runOpts } = opts;
  const roles = createPpoRoles(policy, rm, usesValueModel(full), { ...(honestyRm ? { honestyRm } : {}), ...(customReward ? { customReward } : {}), ...(sentenceRm ? { sentenceRm } : {}) });
  try {
    return new PpoRun(roles, full, runOpts, true);
  } catch (e) {
    disposeRunRoles(roles);
    throw e;
  }
}

/** One point per step for charts and a live feed; step 0 carries the gold figures before training. */
export interface PpoPoint {
  step: number;
  metrics: Partial<PpoMetrics>;
  samples: PpoSample[];
  /** Every goldEvery steps (and at step 0). */
  gold?: GoldFigures;
  /** The step was not applied: this quantity was NaN or infinite (the run has paused). */
  nonFinite?: string;
}

export interface PpoJobResult {
  /** Steps applied. */
  steps: number;
  /** Ended by the control before `steps`. */
  stopped: boolean;
  /** The last step that went bad and its quantity, when one did. */
  halted?: { step: number; quantity: string };
  /** The last applied step's metrics. */
  last?: Partial<PpoMetrics>;
  /** The last gold figures measured. */
  gold?: GoldFigures;
}

/**
 * Runs `steps` steps (Infinity: until stopped) of `run`, consulting hooks.control before each,
 * reporting progress and a point per step, and the gold figures at the start and every goldEvery
 * steps. A step that goes non-finite is reported and pauses the control (the weights stay the
 * last good ones); without a control the job ends there. `betweenSteps` runs before each step
 * (online RLHF refreshes the reward model there).
 */
export async function runPpoSteps(run: PpoRun, steps: number, hooks: JobHooks<PpoPoint> = {}, betweenSteps?: () => Promise<void>): Promise<PpoJobResult> {
  const every = run.cfg.goldEvery;
  const out: PpoJobResult = { steps: 0, stopped: false };
  const total = Number.isFinite(steps) ? steps : 0;
  if (every > 0) {
    hooks.onProgress?.({ phase: 'measuring the gold figures', done: run.steps, total });
    out.gold = await run.gold();
    hooks.onPoint?.({ step: run.steps, metrics: { ...out.gold }, samples: [], gold: out.gold });
  }
  const first = run.steps;
  while (run.steps - first < steps) {
    if (!(await nextStep(hooks.control))) {
      out.stopped = true;
      break;
    }
    await betweenSteps?.();
    const r = await run.step();
    const point: PpoPoint = { step: r.step, metrics: r.metrics, samples: r.samples };
    if (!r.applied) {
      point.nonFinite = r.nonFinite as string;
      out.halted = { step: r.step + 1, quantity: r.nonFinite as string };
      hooks.control?.pause();
      hooks.onPoint?.(point);
      hooks.onProgress?.({ phase: 'PPO', done: run.steps - first, total });
      if (!hooks.control) break;
      continue;
    }
    out.last = r.metrics;
    if (every > 0 && r.step % every === 0) {
      point.gold = out.gold = await run.gold();
      Object.assign(point.metrics, point.gold);
    }
    hooks.onPoint?.(point);
    hooks.onProgress?.({ phase: 'PPO', done: run.steps - first, total });
  }
  out.steps = run.steps - first;
  return out;
}

