// A best-of-n policy on the benchmarks: every item (ShapesHal-Bench, POPE, CHAIR) answered by
// sampling n answers and keeping the reward model's favourite, then scored like any policy's
// answers. What an experiment's "BoN-16" row is.

import { DEFAULT_PERCEPTION, type Perception } from '../world/render';
import { allPrompts, benchSuite, scoreBench, type BenchReport } from '../bench/report';
import type { BenchSize } from '../bench/shapes-hal';
import type { VlmModel } from '../model/model';
import type { JobHooks } from '../train/job';
import { BON_DEFAULTS, BON_FIELDS as F } from './config';
import { checkBounds } from '../train/bounds';
import { samplePool, scorePool, withNoiseSeeds } from './pool';
import { bestOfN } from './select';

export interface BonBenchConfig {
  /** Answers sampled per item; the RM's favourite is kept. */
  n: number;
  size: BenchSize;
  temperature: number;
  maxNewTokens: number;
  batchRows: number;
  seed: number;
}

export const BON_BENCH_DEFAULTS: BonBenchConfig = { n: 16, size: 'standard', temperature: BON_DEFAULTS.temperature, maxNewTokens: BON_DEFAULTS.maxNewTokens, batchRows: BON_DEFAULTS.batchRows, seed: 0 };

/**
 * Answers every benchmark item best-of-n with `rm` (plain or Fact-RM; both models only read) and
 * scores the kept answers; returns the bench report and the answers by item id, as runBenchJob
 * does. Throws naming the field on a bad config. Progress in items, through sampling then scoring.
 */
export async function runBestOfNBench(
  policy: VlmModel, rm: { model: VlmModel; fact: boolean }, config: Partial<BonBenchConfig> = {}, hooks: JobHooks = {}, opts: { perception?: Perception } = {},
): Promise<{ report: BenchReport; responses: Map<string, string> }> {
  const cfg = { ...BON_BENCH_DEFAULTS, ...config };
  const problems = checkBounds(cfg, { n: F.samples.bound, temperature: F.temperature.bound, maxNewTokens: F.maxNewTokens.bound, batchRows: F.batchRows.bound, seed: F.seed.bound });
  if (problems.length) throw new Error(`best-of-n bench: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  const suite = benchSuite(cfg.size);
  const prompts = withNoiseSeeds(allPrompts(suite), cfg.seed);
  const perception = { ...(opts.perception ?? DEFAULT_PERCEPTION) };
  const pool = await samplePool(policy, prompts, cfg.n, { temperature: cfg.temperature, maxNewTokens: cfg.maxNewTokens, batchRows: cfg.batchRows, seed: cfg.seed, perception }, hooks.control, (done, total) =>
    hooks.onProgress?.({ phase: `sampling ${cfg.n} answers per item`, done, total }),
  );
  const scores = await scorePool(rm.model, rm.fact, pool, 64, (done, total) => hooks.onProgress?.({ phase: 'scoring the answers', done, total }));
  const responses = new Map(pool.prompts.map((p, i) => {
    const a = pool.answers[i]!;
    return [p.id, a.texts[a.sample[bestOfN(scores[i]!)]!]!] as const;
  }));
  return { report: scoreBench(suite, responses), responses };
}
