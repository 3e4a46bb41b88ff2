// How each kind of experiment row runs on one seed, apart from the loop over seeds (job.ts): a DPO
// row on its labels, a PPO row against its reward model, an online PPO row whose reward model is
// retrained on pairs of the policy as it learns; and the small pieces they share with the loop
// (the phase clock, labelling by a simulated annotator, a step's curve point).

import { ANNOTATOR_PRESETS, type AnnotatorName } from '../prefs/annotator';
import { runLabelJob, type VersionedPair } from '../prefs/label-job';
import { annotatePair, simulatedLabeller } from '../prefs/label';
import { markAnswer, simulatedMarker } from '../prefs/marker';
import { MARKER_PRESETS, type MarkerName } from '../prefs/marker-settings';
import type { VersionedAnswer } from '../prefs/mark-job';
import type { MarkRecord } from '../prefs/mark';
import type { PreferenceRecord } from '../prefs/record';
import type { RewardJobConfig } from '../reward/config';
import { DEFAULT_PERCEPTION } from '../world/render';
import { subSeed } from '../world/rng';
import type { VlmModel } from '../model/model';
import type { RewardRole, SentenceRole } from '../ppo/rm-score';
import { createPpoRun, runPpoSteps, type PpoPoint, type PpoRun } from '../ppo/run';
import { OnlineRewardModel } from '../ppo/online';
import { runDenseDpoJob, runDpoJob, type DpoJobResult, type DpoPoint } from '../dpo/job';
import { JobControl, type JobHooks, type JobProgress } from '../train/job';
import type { ExperimentConfig } from './config';
import { dpoRowAnnotator, labelSetId, markSetId, rmId, rowDenseDpoConfig, rowDpoConfig, rowMarker, rowPpoConfig, rowRm, type DenseDpoRowSpec, type DpoRowSpec, type PpoRowSpec, type RmKey } from './rows';
import type { CurvePoint, DpoRowRun, PpoRowRun } from './row-results';
import type { PhaseSeconds } from './table';

/** A PPO or DPO row's step, live: which seed and row it belongs to. */
export type ExperimentPoint = { seed: number; row: string } & ({ kind: 'ppo'; point: PpoPoint } | { kind: 'dpo'; point: DpoPoint });

/**
 * The control one row's training runs under: the experiment's control stops (or pauses) it, while
 * a hold of the row's own (a PPO run pauses its control on a step that went non-finite) ends only
 * the row, with its last good weights, as a run without a control ends there.
 */
export class RowControl extends JobControl {
  constructor(private readonly outer: JobControl | undefined) {
    super();
    this.onHold = async () => this.stop();
  }

  override async next(): Promise<boolean> {
    return (await super.next()) && (this.outer ? this.outer.next() : true);
  }

  /** Whether the experiment itself was stopped (not just this row). */
  get interrupted(): boolean {
    return this.outer?.state === 'stopping';
  }
}

/** One step's point as a curve point. */
export function curvePoint(p: PpoPoint): CurvePoint {
  const m = p.metrics;
  const out: CurvePoint = { step: p.step };
  if (m['objective/base_score'] !== undefined) out.rmScore = m['objective/base_score'];
  if (m['objective/kl'] !== undefined) out.kl = m['objective/kl'];
  if (m['tokens/responses_len_mean'] !== undefined) out.length = m['tokens/responses_len_mean'];
  if (p.gold) {
    out.goldScore = p.gold['gold/score'];
    out.goldHallucination = p.gold['gold/hallucination_rate'];
    out.goldTrueInformative = p.gold['gold/true_informative'];
    out.goldNoAnswer = p.gold['gold/no_answer_rate'];
  }
  return out;
}

/** Seconds spent per phase of a seed. */
export class Clock {
  readonly seconds: PhaseSeconds = { sft: 0, label: 0, rm: 0, ppo: 0, dpo: 0, bench: 0 };
  async time<T>(phase: keyof PhaseSeconds, f: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await f();
    } finally {
      this.seconds[phase] += (performance.now() - t0) / 1000;
    }
  }
}

/** The pairs labelled by a simulated annotator (its seed the experiment's). */
export function labelWith(pairs: readonly VersionedPair[], annotator: AnnotatorName, seed: number, at: string): PreferenceRecord[] {
  const labeller = simulatedLabeller(annotator, ANNOTATOR_PRESETS[annotator], seed);
  return pairs.map(({ policyVersion, ...pair }) => annotatePair(pair, labeller, policyVersion, at));
}

/** The answers marked by a simulated marker (its seed the experiment's). */
export function markWith(answers: readonly VersionedAnswer[], name: MarkerName, seed: number, at: string): MarkRecord[] {
  const marker = simulatedMarker(name, MARKER_PRESETS[name], seed);
  return answers.map(({ policyVersion, ...a }) => markAnswer(a, marker, policyVersion, at));
}

/** A DPO job's gold figures before and after, as a row's run keeps them. */
function goldOf(g: DpoJobResult['start']) {
  return { goldScore: g.gold['gold/score'], goldHallucination: g.gold['gold/hallucination_rate'], ...(g.kl !== undefined ? { kl: g.kl } : {}) };
}

/**
 * Runs one DPO row: a copy of its start policy tuned on the row's labels, the start policy the
 * reference; each step's point goes to hooks.onPoint; `stopped` when the experiment's control
 * ended it part way (the policy is that of its last finished step). The caller frees the policy.
 */
export async function runDpoRow(spec: DpoRowSpec, seed: number, start: VlmModel, records: readonly PreferenceRecord[], cfg: ExperimentConfig, clock: Clock, hooks: JobHooks<ExperimentPoint>, progress: (phase: string, p?: Pick<JobProgress, 'done' | 'total'>) => void) {
  const config = rowDpoConfig(spec, cfg.dpo, seed);
  const annotator = dpoRowAnnotator(spec);
  const control = new RowControl(hooks.control);
  const res = await clock.time('dpo', () => runDpoJob(start, records, config, {
    control,
    onPoint: (p) => hooks.onPoint?.({ seed, row: spec.name, kind: 'dpo', point: p }),
    onProgress: (p) => progress(p.phase, p),
  }, { perception: { ...DEFAULT_PERCEPTION } }));
  const run: DpoRowRun = {
    config, labels: labelSetId({ start: spec.start, annotator }), annotator, steps: res.steps, trainPairs: res.trainPairs,
    heldOutAccuracy: res.heldOut.stats?.['rewards/accuracies'] ?? null, start: goldOf(res.start), end: goldOf(res.end), seconds: res.seconds,
  };
  return { policy: res.policy, stopped: res.stopped && control.interrupted, run };
}

/**
 * Runs one dense DPO row: a copy of its start policy tuned on the corrected pairs of the row's
 * marks, the start policy the reference; as runDpoRow otherwise. The caller frees the policy.
 */
export async function runDenseDpoRow(spec: DenseDpoRowSpec, seed: number, start: VlmModel, marks: readonly MarkRecord[], cfg: ExperimentConfig, clock: Clock, hooks: JobHooks<ExperimentPoint>, progress: (phase: string, p?: Pick<JobProgress, 'done' | 'total'>) => void) {
  const config = rowDenseDpoConfig(spec, cfg.dpo, seed);
  const marker = rowMarker(spec);
  const control = new RowControl(hooks.control);
  const res = await clock.time('dpo', () => runDenseDpoJob(start, marks, config, {
    control,
    onPoint: (p) => hooks.onPoint?.({ seed, row: spec.name, kind: 'dpo', point: p }),
    onProgress: (p) => progress(p.phase, p),
  }, { perception: { ...DEFAULT_PERCEPTION } }));
  const run: DpoRowRun = {
    config, labels: markSetId({ start: spec.start, marker }), marker, steps: res.steps, trainPairs: res.trainPairs,
    heldOutAccuracy: res.heldOut.stats?.['rewards/accuracies'] ?? null, start: goldOf(res.start), end: goldOf(res.end), seconds: res.seconds,
  };
  return { policy: res.policy, stopped: res.stopped && control.interrupted, run };
}

/**
 * An online row's reward model: trained on the first part of the row's labels (the experiment's
 * pairs cut into rounds + 1 parts, the first taking what does not divide), then at rounds evenly
 * spaced steps the next part is sampled from the policy as it is, labelled by the same annotator,
 * and a reward model trained on every label so far is swapped in (OnlineRewardModel). The reward
 * models are freed by `dispose`, after the run.
 */
async function startOnline(rounds: number, key: Extract<RmKey, { annotator: unknown }>, seed: number, start: VlmModel, records: readonly PreferenceRecord[], cfg: ExperimentConfig, progress: (phase: string) => void) {
  const part = Math.floor(cfg.pairs / (rounds + 1));
  const first = records.slice(0, cfg.pairs - rounds * part);
  const rmCfg: RewardJobConfig = { ...cfg.rm, kind: key.kind, seed };
  progress(`online: reward model on the first ${first.length} labels`);
  const book = new OnlineRewardModel(start, first, rmCfg, part);
  const { model, role } = await book.train();
  const owned: VlmModel[] = [model];
  const every = Math.max(1, Math.floor(cfg.ppoSteps / (rounds + 1)));
  const log: NonNullable<PpoRowRun['online']> = { rounds, firstLabels: first.length, refreshes: [] };
  let round = 0;
  const between = async (run: PpoRun, policy: VlmModel) => {
    if (round >= rounds || run.steps === 0 || run.steps % every !== 0) return;
    round++;
    progress(`online round ${round}/${rounds}: labelling ${part} pairs of the current policy`);
    const sampled = await runLabelJob(policy, { n: part, seed: subSeed(seed, 0x0e1 + round), temperature: cfg.labelTemperature, mix: cfg.labelMix, degenerate: cfg.labelDegenerate, perception: { ...DEFAULT_PERCEPTION }, round: 32 });
    book.add(labelWith(sampled.pairs, key.annotator, subSeed(seed, 0x1ab + round), new Date().toISOString()));
    progress(`online round ${round}/${rounds}: retraining the reward model`);
    const fresh = await book.maybeRefresh(run);
    if (fresh) {
      owned.push(fresh.model);
      log.refreshes.push({ step: run.steps, labels: fresh.labels, heldOutAccuracy: fresh.heldOutAccuracy });
    }
  };
  return { role, between, log, dispose: () => owned.forEach((m) => m.dispose()) };
}

/**
 * Runs one PPO row from a fresh copy of its start policy; each step's point goes to hooks.onPoint.
 * A step that goes non-finite ends the row (halted, with its last good weights); the experiment's
 * control ending it part way marks it stopped. The caller frees the returned policy.
 */
export async function runPpoRow(spec: PpoRowSpec, seed: number, start: VlmModel, rms: ReadonlyMap<string, RewardRole>, sentenceRms: ReadonlyMap<string, SentenceRole>, records: readonly PreferenceRecord[], cfg: ExperimentConfig, clock: Clock, hooks: JobHooks<ExperimentPoint>, progress: (phase: string, p?: Pick<JobProgress, 'done' | 'total'>) => void) {
  const key = rowRm(spec);
  const online = spec.online && key && !('marker' in key) ? await clock.time('rm', () => startOnline(spec.online!.rounds, key, seed, start, records, cfg, progress)) : undefined;
  const rm = online ? online.role : key ? rms.get(rmId(key)) : undefined;
  const sentenceRm = key ? sentenceRms.get(rmId(key)) : undefined;
  const config = rowPpoConfig(spec, cfg.ppo, seed);
  const policy = start.clone();
  const points: PpoPoint[] = [];
  const control = new RowControl(hooks.control);
  try {
    const t0 = performance.now();
    const run = createPpoRun(policy, rm, config, { perception: { ...DEFAULT_PERCEPTION }, ...(sentenceRm ? { sentenceRm } : {}) });
    let res;
    try {
      res = await clock.time('ppo', () => runPpoSteps(run, cfg.ppoSteps, {
        control,
        onPoint: (p) => {
          points.push(p);
          hooks.onPoint?.({ seed, row: spec.name, kind: 'ppo', point: p });
        },
        onProgress: (p) => progress(p.phase, p),
      }, online ? () => online.between(run, policy) : undefined));
    } finally {
      run.dispose();
      online?.dispose();
    }
    return {
      policy, points,
      run: {
        preset: spec.preset, config, rm: key ? (online ? `${rmId(key)}/online` : rmId(key)) : null, steps: res.steps, stopped: res.stopped && control.interrupted,
        ...(res.halted ? { halted: res.halted } : {}),
        ...(online ? { online: online.log } : {}),
        curve: points.filter((p) => !p.nonFinite).map(curvePoint), seconds: (performance.now() - t0) / 1000,
      },
    };
  } catch (e) {
    policy.dispose();
    throw e;
  }
}
