// The experiment job, written once for the command line and (one day) the page: for each seed,
// the start policies (shipped, or remade by their recipes), pairs sampled from them and labelled
// by each annotator the rows name, the reward models the rows need, then every row (a start
// policy as it is, or a PPO preset run from a fresh copy of one), benchmarked; and the table.
// Checkpoints come and go through the caller's ExperimentIO, so the engine touches no files. How
// each kind of row runs is in row-runs.ts.

import { runLabelJob } from '../prefs/label-job';
import type { PreferenceRecord } from '../prefs/record';
import { runRewardJob } from '../reward/job';
import { runSentenceJob } from '../reward/dense-job';
import { runMarkJob } from '../prefs/mark-job';
import type { MarkRecord } from '../prefs/mark';
import { runBenchJob } from '../bench/run';
import type { BenchReport } from '../bench/report';
import { sampleAnswers, shapesHalItems, type SampleAnswer } from '../bench/shapes-hal';
import { runPretrainJob } from '../sft/pretrain';
import { encode } from '../language/vocab';
import { DEFAULT_PERCEPTION } from '../world/render';
import type { VlmModel } from '../model/model';
import { rewardNorm, type RewardRole, type SentenceRole } from '../ppo/rm-score';
import type { PpoPoint } from '../ppo/run';
import { nextStep, type JobHooks, type JobProgress } from '../train/job';
import { checkExperimentConfig, type ExperimentConfig } from './config';
import { dpoRowAnnotator, labelSetId, markSetId, planRows, rmId, rowMarker, rowRm, rowSlug, type RowSpec, type StartPolicy } from './rows';
import { Clock, labelWith, markWith, runDenseDpoRow, runDpoRow, runPpoRow, type ExperimentPoint } from './row-runs';
import type { SeedRow } from './row-results';
import { buildTable, type ExperimentTable, type RmFigures, type SeedResult } from './table';
import { rmFigures, sentenceRmFigures } from './rm-figures';

export type { ExperimentPoint } from './row-runs';

/** Where the job gets its start policies and leaves each row's policy: files for the CLI, IndexedDB for the page. */
export interface ExperimentIO {
  /** A fresh copy of a shipped start policy; the job owns it (and frees it). Not called with retrainSft. */
  loadPolicy(start: StartPolicy): VlmModel | Promise<VlmModel>;
  /** Keeps a row's policy after it is benchmarked (its seed-S/ROW checkpoint); the model is only read. */
  keepPolicy(kept: KeptRow): void | Promise<void>;
  /**
   * Keeps the policy of a PPO or DPO row the control stopped part way, as of its last finished step
   * (not benchmarked, not in the table), before the job ends; the model is only read.
   */
  keepStopped?(kept: StoppedRow): void | Promise<void>;
  /** Keeps a trained reward model and the labels it learnt from (the CLI writes seed-S/rm-ID/ and its labels); the model is only read. */
  keepRewardModel?(kept: KeptRewardModel): void | Promise<void>;
}

/** A reward model, its labels (or a sentence reward model's marks) and its figures, handed to ExperimentIO.keepRewardModel. */
export interface KeptRewardModel {
  seed: number;
  /** Start policy, annotator (marker) and kind: "sft-plus/careful/fact", "sft-plus/careful/sentence-fact". */
  id: string;
  fact: boolean;
  model: VlmModel;
  /** A pairwise reward model's labels ([] for a sentence reward model). */
  records: readonly PreferenceRecord[];
  /** A sentence reward model's marks. */
  marks?: readonly MarkRecord[];
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

/** A row stopped part way, handed to ExperimentIO.keepStopped. */
export interface StoppedRow {
  seed: number;
  spec: RowSpec;
  slug: string;
  model: VlmModel;
  /** Steps it finished. */
  steps: number;
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

/**
 * Runs the experiment: every seed in turn, every row on each, and the table over them. Throws,
 * naming the field, on a bad config. hooks.control stops (the table has what finished; a PPO or
 * DPO row under way goes to io.keepStopped at its last finished step) or pauses it between steps
 * of any phase, while a row whose step goes non-finite ends only that row; progress counts units (a start policy, a label set, a reward
 * model, a row) over all seeds; points are the PPO rows' steps.
 */
export async function runExperiment(cfg: ExperimentConfig, io: ExperimentIO, hooks: JobHooks<ExperimentPoint> = {}): Promise<ExperimentResult> {
  const problems = checkExperimentConfig(cfg);
  if (problems.length) throw new Error(`experiment: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  const plan = planRows(cfg.rows);
  const labelStarts = [...new Set(plan.labelSets.map((k) => k.start))];
  const markStarts = [...new Set(plan.markSets.map((k) => k.start))];
  const perSeed = (cfg.retrainSft ? plan.starts.length : 0) + labelStarts.length + markStarts.length + plan.rms.length + cfg.rows.length;
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
    const sentenceRms = new Map<string, SentenceRole>();
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

      // Answers from each start policy a mark set needs, as many as the pairs (the same number of
      // labels), marked by each marker that names them.
      const marks = new Map<string, MarkRecord[]>();
      for (const start of markStarts) {
        if (!(await nextStep(hooks.control))) throw STOP;
        const policy = starts.get(start)!;
        const sampled = await clock.time('label', () => runMarkJob(policy, { n: cfg.pairs, seed, temperature: cfg.labelTemperature, perception: { ...DEFAULT_PERCEPTION }, round: 32 }, {
          ...(hooks.control ? { control: hooks.control } : {}),
          onProgress: (p) => progress(`${tag}: sampling answers to mark from ${start}`, p),
        }));
        if (sampled.answers.length < cfg.pairs) throw STOP;
        const at = new Date().toISOString();
        for (const key of plan.markSets.filter((k) => k.start === start)) marks.set(markSetId(key), markWith(sampled.answers, key.marker, seed, at));
        done += 1;
      }

      // Reward models, each from its start policy's trunk: a pairwise one normalised on its own
      // labels; a sentence one trained on its marks, read raw.
      for (const key of plan.rms) {
        if (!(await nextStep(hooks.control))) throw STOP;
        const id = rmId(key);
        if ('marker' in key) {
          const fact = key.kind === 'sentence-fact';
          const set = marks.get(markSetId(key))!;
          const res = await clock.time('rm', () => runSentenceJob(starts.get(key.start)!, set, { ...cfg.rm, kind: fact ? 'fact' : 'plain', seed }, {
            ...(hooks.control ? { control: hooks.control } : {}),
            onProgress: (p) => progress(`${tag}: sentence reward model ${id}`, p),
          }));
          sentenceRms.set(id, { model: res.rm, fact });
          const figures = sentenceRmFigures(seed, id, res);
          result.rms.push(figures);
          await io.keepRewardModel?.({ seed, id, fact, model: res.rm, records: [], marks: set, figures });
          if (res.stopped) throw STOP;
          done += 1;
          continue;
        }
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
        } else if (spec.kind === 'dpo' || spec.kind === 'dense-dpo') {
          const rowProgress = (phase: string, p?: Pick<JobProgress, 'done' | 'total'>) => progress(`${tag} · ${spec.name}: ${phase}`, p);
          const ran = spec.kind === 'dpo'
            ? await runDpoRow(spec, seed, startModel, labels.get(labelSetId({ start: spec.start, annotator: dpoRowAnnotator(spec) }))!, cfg, clock, hooks, rowProgress)
            : await runDenseDpoRow(spec, seed, startModel, marks.get(markSetId({ start: spec.start, marker: rowMarker(spec) }))!, cfg, clock, hooks, rowProgress);
          try {
            if (ran.stopped) {
              await io.keepStopped?.({ seed, spec, slug, model: ran.policy, steps: ran.run.steps });
              throw STOP;
            }
            const b = await bench(clock, ran.policy, `${tag} · ${spec.name}`);
            const row: SeedRow = { seed, ...b, policyVersion: ran.policy.version, checkpoint: rowCheckpoint(seed, spec.name), dpo: ran.run };
            await io.keepPolicy({ seed, spec, slug, model: ran.policy, result: row });
            result.rows.push({ name: spec.name, ...row });
          } finally {
            ran.policy.dispose();
          }
        } else {
          const key = rowRm(spec);
          const ran = await runPpoRow(spec, seed, startModel, rms, sentenceRms, key && !('marker' in key) ? labels.get(labelSetId(key)) ?? [] : [], cfg, clock, hooks, (phase, p) => progress(`${tag} · ${spec.name}: ${phase}`, p));
          try {
            if (ran.run.stopped) {
              await io.keepStopped?.({ seed, spec, slug, model: ran.policy, steps: ran.run.steps });
              throw STOP;
            }
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
      for (const rm of sentenceRms.values()) rm.model.dispose();
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
