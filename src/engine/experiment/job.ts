// The experiment job, written once for the command line and (one day) the page: for each seed,
// the start policies (shipped, or remade by their recipes), pairs sampled from them and labelled
// by each annotator the rows name, the reward models the rows need, then every row (a start
// policy as it is, or a PPO preset run from a fresh copy of one), benchmarked; and the table.
// Checkpoints come and go through the caller's ExperimentIO, so the engine touches no files.

import { ANNOTATOR_PRESETS, type AnnotatorName } from '../prefs/annotator';
import { runLabelJob, type VersionedPair } from '../prefs/label-job';
import { annotatePair, labelCounts, simulatedLabeller } from '../prefs/label';
import type { PreferenceRecord } from '../prefs/record';
import { runRewardJob } from '../reward/job';
import { runBenchJob } from '../bench/run';
import type { BenchReport } from '../bench/report';
import { sampleAnswers, shapesHalItems, type SampleAnswer } from '../bench/shapes-hal';
import { runPretrainJob } from '../sft/pretrain';
import { encode } from '../language/vocab';
import { DEFAULT_PERCEPTION } from '../world/render';
import type { VlmModel } from '../model/model';
import { rewardNorm, type RewardRole } from '../ppo/reward-model';
import { createPpoRun, runPpoSteps, type PpoPoint, type PpoRun } from '../ppo/run';
import { OnlineRewardModel } from '../ppo/online';
import type { RewardJobConfig } from '../reward/config';
import { subSeed } from '../world/rng';
import { runDpoJob } from '../dpo/job';
import { nextStep, type JobHooks, type JobProgress } from '../train/job';
import { checkExperimentConfig, type ExperimentConfig } from './config';
import { dpoRowAnnotator, labelSetId, planRows, rmId, rowDpoConfig, rowPpoConfig, rowRm, rowSlug, type DpoRowSpec, type PpoRowSpec, type RmKey, type RowSpec, type StartPolicy } from './rows';
import { buildTable, type CurvePoint, type DpoRowRun, type ExperimentTable, type PpoRowRun, type PhaseSeconds, type RmFigures, type SeedResult, type SeedRow } from './table';

/** Where the job gets its start policies and leaves each row's policy: files for the CLI, IndexedDB for the page. */
export interface ExperimentIO {
  /** A fresh copy of a shipped start policy; the job owns it (and frees it). Not called with retrainSft. */
  loadPolicy(start: StartPolicy): VlmModel | Promise<VlmModel>;
  /** Keeps a row's policy after it is benchmarked (its seed-S/ROW checkpoint); the model is only read. */
  keepPolicy(kept: KeptRow): void | Promise<void>;
  /** Keeps a trained reward model and the labels it learnt from (the CLI writes seed-S/rm-ID/ and its labels); the model is only read. */
  keepRewardModel?(kept: KeptRewardModel): void | Promise<void>;
}

/** A reward model, its labels and its figures, handed to ExperimentIO.keepRewardModel. */
export interface KeptRewardModel {
  seed: number;
  /** Start policy, annotator and kind: "sft-plus/careful/fact". */
  id: string;
  fact: boolean;
  model: VlmModel;
  records: readonly PreferenceRecord[];
  figures: RmFigures;
}

/** A row's policy and its record, handed to ExperimentIO.keepPolicy. */
export interface KeptRow {
  seed: number;
  spec: RowSpec;
  slug: string;
  model: VlmModel;
  result: SeedRow;
  /** PPO rows: every step's point (metrics and samples), for a metrics file. */
  points?: PpoPoint[];
}

/** A PPO row's step, live: which seed and row it belongs to. */
export interface ExperimentPoint {
  seed: number;
  row: string;
  point: PpoPoint;
}

export interface ExperimentResult {
  table: ExperimentTable;
  seeds: SeedResult[];
  stopped: boolean;
}

/** The folder of a row's checkpoint, relative to the experiment's: seed-S/ROW. */
export function rowCheckpoint(seed: number, name: string): string {
  return `seed-${seed}/${rowSlug(name)}`;
}

/** Mean length in tokens (EOS not counted) of the answers to these items. */
function meanLength(responses: ReadonlyMap<string, string>, ids: readonly string[]): number {
  const xs = ids.map((id) => encode(responses.get(id) ?? '').length);
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

/** One step's point as a curve point. */
function curvePoint(p: PpoPoint): CurvePoint {
  const m = p.metrics;
  const out: CurvePoint = { step: p.step };
  if (m['objective/base_score'] !== undefined) out.rmScore = m['objective/base_score'];
  if (m['objective/kl'] !== undefined) out.kl = m['objective/kl'];
  if (m['tokens/response_len_mean'] !== undefined) out.length = m['tokens/response_len_mean'];
  if (p.gold) {
    out.goldScore = p.gold['gold/score'];
    out.goldHallucination = p.gold['gold/hallucination_rate'];
    out.goldTrueInformative = p.gold['gold/true_informative'];
    out.goldNoAnswer = p.gold['gold/no_answer_rate'];
  }
  return out;
}

class Clock {
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

/**
 * Runs the experiment: every seed in turn, every row on each, and the table over them. Throws,
 * naming the field, on a bad config. hooks.control stops (the table has what finished) or pauses
 * it between steps of any phase; progress counts units (a start policy, a label set, a reward
 * model, a row) over all seeds; points are the PPO rows' steps.
 */
export async function runExperiment(cfg: ExperimentConfig, io: ExperimentIO, hooks: JobHooks<ExperimentPoint> = {}): Promise<ExperimentResult> {
  const problems = checkExperimentConfig(cfg);
  if (problems.length) throw new Error(`experiment: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  const plan = planRows(cfg.rows);
  const labelStarts = [...new Set(plan.labelSets.map((k) => k.start))];
  const perSeed = (cfg.retrainSft ? plan.starts.length : 0) + labelStarts.length + plan.rms.length + cfg.rows.length;
  const total = perSeed * cfg.seeds.length;
  let done = 0;
  const progress = (phase: string, extra?: Pick<JobProgress, 'done' | 'total'>) => hooks.onProgress?.({ phase: extra ? `${phase} ${extra.done}/${extra.total}` : phase, done, total });
  // A shipped start policy's benchmarks: greedy answers, so the same on every seed.
  const shippedBench = new Map<StartPolicy, { report: BenchReport; meanResponseLength: number; samples: SampleAnswer[] }>();
  const shapesHal = shapesHalItems(cfg.benchSize);
  const shapesHalIds = shapesHal.map((it) => it.id);
  const seeds: SeedResult[] = [];
  let stopped = false;

  const bench = async (clock: Clock, model: VlmModel, tag: string) => {
    const res = await clock.time('bench', () => runBenchJob(model, { size: cfg.benchSize }, { onProgress: (p) => progress(`${tag}: benchmarks`, p) }));
    return { report: res.report, meanResponseLength: meanLength(res.responses, shapesHalIds), samples: sampleAnswers(shapesHal, res.responses) };
  };

  for (const seed of cfg.seeds) {
    const clock = new Clock();
    const starts = new Map<StartPolicy, VlmModel>();
    const rms = new Map<string, RewardRole>();
    const result: SeedResult = { seed, starts: {}, rows: [], rms: [], seconds: clock.seconds };
    const tag = `seed ${seed}`;
    try {
      // Start policies.
      for (const start of plan.starts) {
        if (!(await nextStep(hooks.control))) throw STOP;
        if (cfg.retrainSft) {
          progress(`${tag}: making ${start}`);
          const made = await clock.time('sft', () => runPretrainJob({ recipe: start, seed, bench: false, ...(cfg.sftSteps !== undefined ? { sftSteps: cfg.sftSteps } : {}), ...(cfg.visionSteps !== undefined ? { visionSteps: cfg.visionSteps } : {}), ...(cfg.groundingSteps !== undefined ? { groundingSteps: cfg.groundingSteps } : {}) }, {
            ...(hooks.control ? { control: hooks.control } : {}),
            onProgress: (p) => progress(`${tag}: making ${start}, ${p.phase}`, p),
          }));
          starts.set(start, made.model);
          done += 1;
        } else starts.set(start, await io.loadPolicy(start));
        result.starts[start] = { version: starts.get(start)!.version, source: cfg.retrainSft ? 'retrained' : 'shipped' };
      }

      // Pairs from each start policy a reward model needs, labelled by each annotator that names them.
      const labels = new Map<string, PreferenceRecord[]>();
      for (const start of labelStarts) {
        if (!(await nextStep(hooks.control))) throw STOP;
        const policy = starts.get(start)!;
        const sampled = await clock.time('label', () => runLabelJob(policy, { n: cfg.pairs, seed, temperature: cfg.labelTemperature, mix: cfg.labelMix, degenerate: cfg.labelDegenerate, perception: { ...DEFAULT_PERCEPTION }, round: 32 }, {
          ...(hooks.control ? { control: hooks.control } : {}),
          onProgress: (p) => progress(`${tag}: sampling pairs from ${start}`, p),
        }));
        if (sampled.pairs.length < cfg.pairs) throw STOP;
        const at = new Date().toISOString();
        for (const key of plan.labelSets.filter((k) => k.start === start)) labels.set(labelSetId(key), labelWith(sampled.pairs, key.annotator, seed, at));
        done += 1;
      }

      // Reward models, each from its start policy's trunk, normalised on its own labels.
      for (const key of plan.rms) {
        if (!(await nextStep(hooks.control))) throw STOP;
        const id = rmId(key);
        const records = labels.get(labelSetId(key))!;
        const policy = starts.get(key.start)!;
        const res = await clock.time('rm', () => runRewardJob(policy, records, { ...cfg.rm, kind: key.kind, seed }, {
          ...(hooks.control ? { control: hooks.control } : {}),
          onProgress: (p) => progress(`${tag}: reward model ${id}`, p),
        }));
        const fact = key.kind === 'fact';
        const norm = await clock.time('rm', () => rewardNorm(res.rm, fact, records));
        rms.set(id, { model: res.rm, fact, norm });
        const figures = rmFigures(seed, id, res, records);
        result.rms.push(figures);
        await io.keepRewardModel?.({ seed, id, fact, model: res.rm, records, figures });
        if (res.stopped) throw STOP;
        done += 1;
      }

      // The rows.
      for (const spec of cfg.rows) {
        if (!(await nextStep(hooks.control))) throw STOP;
        const slug = rowSlug(spec.name);
        const startModel = starts.get(spec.start)!;
        if (spec.kind === 'start') {
          const b = shippedBench.get(spec.start) ?? (await bench(clock, startModel, `${tag} · ${spec.name}`));
          if (!cfg.retrainSft) shippedBench.set(spec.start, b);
          const row: SeedRow = { seed, ...b, policyVersion: startModel.version, checkpoint: rowCheckpoint(seed, spec.name) };
          await io.keepPolicy({ seed, spec, slug, model: startModel, result: row });
          result.rows.push({ name: spec.name, ...row });
        } else if (spec.kind === 'dpo') {
          const records = labels.get(labelSetId({ start: spec.start, annotator: dpoRowAnnotator(spec) }))!;
          const ran = await runDpoRow(spec, seed, startModel, records, cfg, clock, hooks, (phase, p) => progress(`${tag} · ${spec.name}: ${phase}`, p));
          try {
            if (ran.stopped) throw STOP;
            const b = await bench(clock, ran.policy, `${tag} · ${spec.name}`);
            const row: SeedRow = { seed, ...b, policyVersion: ran.policy.version, checkpoint: rowCheckpoint(seed, spec.name), dpo: ran.run };
            await io.keepPolicy({ seed, spec, slug, model: ran.policy, result: row });
            result.rows.push({ name: spec.name, ...row });
          } finally {
            ran.policy.dispose();
          }
        } else {
          const key = rowRm(spec);
          const ran = await runPpoRow(spec, seed, startModel, rms, key ? labels.get(labelSetId(key)) ?? [] : [], cfg, clock, hooks, (phase, p) => progress(`${tag} · ${spec.name}: ${phase}`, p));
          try {
            if (ran.run.stopped) throw STOP;
            const b = await bench(clock, ran.policy, `${tag} · ${spec.name}`);
            const row: SeedRow = { seed, ...b, policyVersion: ran.policy.version, checkpoint: rowCheckpoint(seed, spec.name), ppo: ran.run };
            await io.keepPolicy({ seed, spec, slug, model: ran.policy, result: row, points: ran.points });
            result.rows.push({ name: spec.name, ...row });
          } finally {
            ran.policy.dispose();
          }
        }
        done += 1;
      }
    } catch (e) {
      if (e !== STOP) throw e;
      stopped = true;
    } finally {
      for (const rm of rms.values()) rm.model.dispose();
      for (const m of starts.values()) m.dispose();
    }
    seeds.push(result);
    if (stopped) break;
  }
  progress('done');
  const table = buildTable({
    preset: cfg.preset, description: cfg.description, seeds: cfg.seeds, benchSize: cfg.benchSize, rows: cfg.rows, targets: cfg.targets,
    settings: { pairs: cfg.pairs, labelTemperature: cfg.labelTemperature, labelMix: cfg.labelMix, labelDegenerate: cfg.labelDegenerate, ppoSteps: cfg.ppoSteps, ppo: cfg.ppo, dpo: cfg.dpo, rm: cfg.rm, retrainSft: cfg.retrainSft, ...(cfg.sftSteps !== undefined ? { sftSteps: cfg.sftSteps } : {}), ...(cfg.visionSteps !== undefined ? { visionSteps: cfg.visionSteps } : {}), ...(cfg.groundingSteps !== undefined ? { groundingSteps: cfg.groundingSteps } : {}) },
  }, seeds, stopped, rowSlug);
  return { table, seeds, stopped };
}

/** Thrown inside the job when the control stops it; caught at the seed. */
const STOP = Symbol('stopped');

/** The pairs labelled by a simulated annotator (its seed the experiment's). */
function labelWith(pairs: readonly VersionedPair[], annotator: AnnotatorName, seed: number, at: string): PreferenceRecord[] {
  const labeller = simulatedLabeller(annotator, ANNOTATOR_PRESETS[annotator], seed);
  return pairs.map(({ policyVersion, ...pair }) => annotatePair(pair, labeller, policyVersion, at));
}

function rmFigures(seed: number, id: string, res: Awaited<ReturnType<typeof runRewardJob>>, records: readonly PreferenceRecord[]): RmFigures {
  return {
    seed, id, trainPairs: res.trainPairs, heldOutPairs: res.heldOutPairs, labels: labelCounts(records),
    heldOutAccuracy: res.run.heldOut.accuracy, accuracyCeiling: res.ceiling?.accuracyCeiling ?? null,
    probes: { ...res.probes.pairAccuracy }, steps: res.run.steps, seconds: res.seconds,
  };
}

/** Runs one DPO row: a copy of its start policy tuned on the row's labels, the start policy the reference; the caller frees the returned policy. */
async function runDpoRow(spec: DpoRowSpec, seed: number, start: VlmModel, records: readonly PreferenceRecord[], cfg: ExperimentConfig, clock: Clock, hooks: JobHooks<ExperimentPoint>, progress: (phase: string, p?: Pick<JobProgress, 'done' | 'total'>) => void) {
  const config = rowDpoConfig(spec, cfg.dpo, seed);
  const annotator = dpoRowAnnotator(spec);
  const res = await clock.time('dpo', () => runDpoJob(start, records, config, {
    ...(hooks.control ? { control: hooks.control } : {}),
    onProgress: (p) => progress(p.phase, p),
  }, { perception: { ...DEFAULT_PERCEPTION } }));
  const gold = (g: typeof res.start) => ({ goldScore: g.gold['gold/score'], goldHallucination: g.gold['gold/hallucination_rate'], ...(g.kl !== undefined ? { kl: g.kl } : {}) });
  const run: DpoRowRun = {
    config, labels: labelSetId({ start: spec.start, annotator }), annotator, steps: res.steps, trainPairs: res.trainPairs,
    heldOutAccuracy: res.heldOut.stats?.['rewards/accuracies'] ?? null, start: gold(res.start), end: gold(res.end), seconds: res.seconds,
  };
  return { policy: res.policy, stopped: res.stopped, run };
}

/**
 * An online row's reward model: trained on the first part of the row's labels (the experiment's
 * pairs cut into rounds + 1 parts, the first taking what does not divide), then at rounds evenly
 * spaced steps the next part is sampled from the policy as it is, labelled by the same annotator,
 * and a reward model trained on every label so far is swapped in (OnlineRewardModel). The reward
 * models are freed by `dispose`, after the run.
 */
async function startOnline(rounds: number, key: RmKey, seed: number, start: VlmModel, records: readonly PreferenceRecord[], cfg: ExperimentConfig, progress: (phase: string) => void) {
  const part = Math.floor(cfg.pairs / (rounds + 1));
  const first = records.slice(0, cfg.pairs - rounds * part);
  const rmCfg: RewardJobConfig = { ...cfg.rm, kind: key.kind, seed };
  progress(`online: reward model on the first ${first.length} labels`);
  const job = await runRewardJob(start, first, rmCfg);
  const fact = key.kind === 'fact';
  const role: RewardRole = { model: job.rm, fact, norm: await rewardNorm(job.rm, fact, first) };
  const owned: VlmModel[] = [job.rm];
  const book = new OnlineRewardModel(start, first, rmCfg, part);
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

/** Runs one PPO row from a fresh copy of its start policy; the caller frees the returned policy. */
async function runPpoRow(spec: PpoRowSpec, seed: number, start: VlmModel, rms: ReadonlyMap<string, RewardRole>, records: readonly PreferenceRecord[], cfg: ExperimentConfig, clock: Clock, hooks: JobHooks<ExperimentPoint>, progress: (phase: string, p?: Pick<JobProgress, 'done' | 'total'>) => void) {
  const key = rowRm(spec);
  const online = spec.online && key ? await clock.time('rm', () => startOnline(spec.online!.rounds, key, seed, start, records, cfg, progress)) : undefined;
  const rm = online ? online.role : key ? rms.get(rmId(key)) : undefined;
  const config = rowPpoConfig(spec, cfg.ppo, seed);
  const policy = start.clone();
  const points: PpoPoint[] = [];
  try {
    const t0 = performance.now();
    const run = createPpoRun(policy, rm, config, { perception: { ...DEFAULT_PERCEPTION } });
    let res;
    try {
      res = await clock.time('ppo', () => runPpoSteps(run, cfg.ppoSteps, {
        ...(hooks.control ? { control: hooks.control } : {}),
        onPoint: (p) => {
          points.push(p);
          hooks.onPoint?.({ seed, row: spec.name, point: p });
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
        preset: spec.preset, config, rm: key ? (online ? `${rmId(key)}/online` : rmId(key)) : null, steps: res.steps, stopped: res.stopped,
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
