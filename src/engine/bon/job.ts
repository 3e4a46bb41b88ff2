// The best-of-n sweep as one job for the page and the command line: sample a pool of answers to
// the ShapesHal-Bench prompts, score it with each reward model (normalised as PPO normalises),
// judge it, and read a row per n off the pool: the RM's score of the kept answer (the proxy), the
// judge's score and hallucination rate (the gold), and the KL log n − (n − 1)/n; then fit Gao et
// al.'s best-of-n form to the gold against √KL. No training, so it shows over-optimisation at once.

import { DEFAULT_PERCEPTION, type Perception } from '../world/render';
import { shapesHalItems } from '../bench/shapes-hal';
import type { VlmModel } from '../model/model';
import { scoreStats, type ScoreNorm } from '../ppo/rm-score';
import type { JobHooks } from '../train/job';
import { fitOveropt, type OveroptFit } from '../overopt/fit';
import { curvePoints, measuredPeak, type MeasuredPeak } from '../overopt/points';
import { bonConfig, checkBonConfig, type BonConfig } from './config';
import { bonKl, bestOfNWeights } from './select';
import { judgePool, meanDistinct, samplePool, scorePool, withNoiseSeeds, type BonPrompt, type PoolGold, type SamplePool } from './pool';

/** A reward model to pick with: plain or Fact-RM, its normalisation (absent: measured on the pool itself), and a name for the report. */
export interface BonRewardModel {
  model: VlmModel;
  fact: boolean;
  norm?: ScoreNorm;
  name?: string;
}

/** One n of a sweep: means over the prompts of the expected kept answer's figures. */
export interface BonRow {
  n: number;
  /** log n − (n − 1)/n, nats per answer from the policy that samples. */
  kl: number;
  /** The reward model's normalised score of the kept answer (the proxy). */
  rmScore: number;
  /** The judge's score 0-6 of the kept answer (the gold). */
  goldScore: number;
  /** Share of kept answers scoring below 3. */
  hallucinationRate: number;
  informativeness: number;
}

/** One reward model's sweep. */
export interface BonSweep {
  name: string;
  fact: boolean;
  norm: ScoreNorm;
  rows: BonRow[];
  /** Gao et al.'s d(α − βd) fitted to goldScore against √kl; null with fewer than three ns. */
  fit: OveroptFit | null;
  /** Where the measured gold peaks and how far it falls by the largest n. */
  peak: MeasuredPeak | null;
}

export interface BonResult {
  config: BonConfig;
  sweeps: BonSweep[];
  /** Prompts in the pool (fewer than the benchmark's when stopped). */
  prompts: number;
  /** Mean distinct answers per prompt, of `samples`. */
  distinct: number;
  policyVersion: string;
  stopped: boolean;
  /** Seconds by phase: sampling (the KV cache), scoring (every RM), judging, and all. */
  seconds: { sampling: number; scoring: number; judging: number; total: number };
  /** With opts.keepPool: the pool, every RM's raw score of each sample (by RM, then prompt) and the judge's figures. */
  pool?: { pool: SamplePool; scores: Float32Array[][]; gold: PoolGold };
}

/** A point per row, as each sweep is read. */
export interface BonPoint {
  sweep: number;
  name: string;
  row: BonRow;
}

/** The rows of a sweep: for each n, the expected figures of best-of-n over every n-subset of each prompt's pool. */
export function sweepRows(ns: readonly number[], scores: readonly Float32Array[], norm: Pick<ScoreNorm, 'mean' | 'std'>, gold: PoolGold): BonRow[] {
  const p = scores.length;
  return ns.map((n) => {
    let rm = 0, g = 0, h = 0, inf = 0;
    scores.forEach((s, i) => {
      const w = bestOfNWeights(s, n);
      for (let j = 0; j < w.length; j++) {
        const wj = w[j] as number;
        if (wj === 0) continue;
        rm += (wj * ((s[j] as number) - norm.mean)) / norm.std;
        g += wj * (gold.score[i]![j] as number);
        h += wj * (gold.hallucination[i]![j] as number);
        inf += wj * (gold.informativeness[i]![j] as number);
      }
    });
    const m = Math.max(1, p);
    return { n, kl: bonKl(n), rmScore: rm / m, goldScore: g / m, hallucinationRate: h / m, informativeness: inf / m };
  });
}

/** The ShapesHal-Bench prompts of a sweep, each with its pixel-noise seed. */
export function bonPrompts(cfg: Pick<BonConfig, 'size' | 'seed'>): BonPrompt[] {
  return withNoiseSeeds(shapesHalItems(cfg.size), cfg.seed);
}

/** A sweep's name when none is given. */
const nameOf = (rm: BonRewardModel, i: number) => rm.name ?? `${rm.fact ? 'Fact-RM' : 'plain RM'}${i > 0 ? ` ${i + 1}` : ''}`;

/**
 * Runs the sweep: one pool of `samples` answers per prompt from `policy`, read by each reward
 * model in `rms` (all only read). Throws naming the field on a bad config. Stopped through
 * hooks.control while sampling, it reads the rows off the prompts sampled so far (stopped: true).
 * Images are rendered with `perception` (default: the default perception; give the one the RMs'
 * labels were made with). With `keepPool`, the result keeps the pool and its scores.
 */
export async function runBestOfNJob(
  policy: VlmModel, rms: readonly BonRewardModel[], config: Partial<BonConfig> = {}, hooks: JobHooks<BonPoint> = {}, opts: { perception?: Perception; keepPool?: boolean } = {},
): Promise<BonResult> {
  const cfg = bonConfig(config);
  const problems = checkBonConfig(cfg);
  if (problems.length) throw new Error(`best-of-n: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  if (rms.length === 0) throw new Error('best-of-n: needs at least one reward model');
  const t0 = performance.now();
  const prompts = bonPrompts(cfg);
  const perception = { ...(opts.perception ?? DEFAULT_PERCEPTION) };
  hooks.onProgress?.({ phase: 'sampling answers', done: 0, total: prompts.length });
  const pool: SamplePool = await samplePool(policy, prompts, cfg.samples, { temperature: cfg.temperature, maxNewTokens: cfg.maxNewTokens, batchRows: cfg.batchRows, seed: cfg.seed, perception }, hooks.control, (done, total) =>
    hooks.onProgress?.({ phase: 'sampling answers', done, total }),
  );
  const t1 = performance.now();
  const allScores: Float32Array[][] = [];
  for (const [i, rm] of rms.entries()) {
    const phase = `scoring with the ${nameOf(rm, i)}`;
    allScores.push(await scorePool(rm.model, rm.fact, pool, 64, (done, total) => hooks.onProgress?.({ phase, done, total })));
  }
  const t2 = performance.now();
  const gold = judgePool(pool);
  const t3 = performance.now();
  const sweeps = rms.map((rm, i): BonSweep => {
    const scores = allScores[i] as Float32Array[];
    const norm = rm.norm ?? poolNorm(scores);
    const rows = sweepRows(cfg.ns, scores, norm, gold);
    rows.forEach((row) => hooks.onPoint?.({ sweep: i, name: nameOf(rm, i), row }));
    const points = curvePoints(rows.map((r) => ({ kl: r.kl, goldScore: r.goldScore, n: r.n })));
    return { name: nameOf(rm, i), fact: rm.fact, norm, rows, fit: rows.length >= 3 ? fitOveropt('bon', points) : null, peak: measuredPeak(points) };
  });
  const sec = (a: number, b: number) => (b - a) / 1000;
  const result: BonResult = {
    config: cfg, sweeps, prompts: pool.prompts.length, distinct: meanDistinct(pool), policyVersion: policy.version,
    stopped: pool.prompts.length < prompts.length,
    seconds: { sampling: sec(t0, t1), scoring: sec(t1, t2), judging: sec(t2, t3), total: sec(t0, performance.now()) },
  };
  if (opts.keepPool) result.pool = { pool, scores: allScores, gold };
  return result;
}

/** The normalisation when none is given: the RM's mean and spread over every sample of the pool (the policy's own answers). */
export function poolNorm(scores: readonly Float32Array[]): ScoreNorm {
  const flat = Float32Array.from(scores.flatMap((s) => [...s]));
  const { mean, std } = scoreStats(flat);
  return { mean, std, source: `${flat.length} policy samples` };
}
