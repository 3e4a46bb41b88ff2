// Runs a policy on the benchmarks: answers every item, then scores the answers with the judge.

import type { VlmModel } from '../model/model';
import { allPrompts, benchSuite, scoreBench, type BenchReport, type BenchSuite } from './report';
import { scoreShapesHal, shapesHalItems, SHAPES_HAL_SIZES, type BenchSize, type ShapesHalReport } from './shapes-hal';
import type { JobHooks } from '../train/job';
import { answerAll, type AnswerOptions } from '../data/answer';

/** How the benchmark asks: the answering options, and whether each prompt carries its scene's facts. */
export type BenchAnswerOptions = Partial<AnswerOptions> & { facts?: boolean };

/** Answers every item of the suite and returns the report with the responses by id. */
export async function runBench(model: VlmModel, suite: BenchSuite = benchSuite(), opts: BenchAnswerOptions = {}, onBatch?: (done: number, total: number) => void): Promise<{ report: BenchReport; responses: Map<string, string> }> {
  const { facts = false, ...answer } = opts;
  const prompts = allPrompts(suite, facts);
  const answers = await answerAll(model, prompts, answer, onBatch);
  const responses = new Map(prompts.map((p, i) => [p.id, answers[i] as string]));
  return { report: scoreBench(suite, responses), responses };
}

/** ShapesHal-Bench only (96 items): the quick check used during training. */
export async function runShapesHal(model: VlmModel, opts: Partial<AnswerOptions> = {}): Promise<ShapesHalReport> {
  const items = shapesHalItems();
  const answers = await answerAll(model, items, opts);
  return scoreShapesHal(items, new Map(items.map((it, i) => [it.id, answers[i] as string])));
}

export interface BenchJobConfig {
  size: BenchSize;
  /** 0: greedy (the benchmarks' default); above 0 samples. */
  temperature: number;
  /** Sampling seed (with a temperature above 0). */
  seed: number;
  /**
   * Put each scene's facts caption in front of its question: a policy told what is there should
   * stop hallucinating, so the gap to the plain run is what its eyes fail to give it.
   */
  facts: boolean;
}

export const BENCH_JOB_DEFAULTS: BenchJobConfig = { size: 'standard', temperature: 0, seed: 0, facts: false };

/** The benchmark run as one job for the page and the CLI: progress in answered items; throws on a bad config. */
export async function runBenchJob(model: VlmModel, config: Partial<BenchJobConfig> = {}, hooks: JobHooks = {}): Promise<{ report: BenchReport; responses: Map<string, string> }> {
  const cfg = { ...BENCH_JOB_DEFAULTS, ...config };
  if (!Object.hasOwn(SHAPES_HAL_SIZES, cfg.size)) throw new Error(`benchmark: size must be ${Object.keys(SHAPES_HAL_SIZES).join(' or ')}, got "${cfg.size}"`);
  if (!(cfg.temperature >= 0 && cfg.temperature <= 10)) throw new Error(`benchmark: temperature must be from 0 to 10, got ${cfg.temperature}`);
  if (typeof cfg.facts !== 'boolean') throw new Error(`benchmark: facts must be true or false, got ${String(cfg.facts)}`);
  const suite = benchSuite(cfg.size);
  hooks.onProgress?.({ phase: 'benchmark', done: 0, total: allPrompts(suite).length });
  return runBench(model, suite, { temperature: cfg.temperature, seed: cfg.seed, facts: cfg.facts }, (done, total) => hooks.onProgress?.({ phase: 'benchmark', done, total }));
}
