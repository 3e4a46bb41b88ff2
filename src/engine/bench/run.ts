// Runs a policy on the benchmarks: answers every item, then scores the answers with the judge.

import type { VlmModel } from '../model/model';
import { allPrompts, benchSuite, scoreBench, type BenchReport, type BenchSuite } from './report';
import { scoreShapesHal, shapesHalItems, type ShapesHalReport } from './shapes-hal';
import { answerAll, type AnswerOptions } from '../data/answer';

/** Answers every item of the suite and returns the report with the responses by id. */
export async function runBench(model: VlmModel, suite: BenchSuite = benchSuite(), opts: Partial<AnswerOptions> = {}, onBatch?: (done: number, total: number) => void): Promise<{ report: BenchReport; responses: Map<string, string> }> {
  const prompts = allPrompts(suite);
  const answers = await answerAll(model, prompts, opts, onBatch);
  const responses = new Map(prompts.map((p, i) => [p.id, answers[i] as string]));
  return { report: scoreBench(suite, responses), responses };
}

/** ShapesHal-Bench only (96 items): the quick check used during training. */
export async function runShapesHal(model: VlmModel, opts: Partial<AnswerOptions> = {}): Promise<ShapesHalReport> {
  const items = shapesHalItems();
  const answers = await answerAll(model, items, opts);
  return scoreShapesHal(items, new Map(items.map((it, i) => [it.id, answers[i] as string])));
}
