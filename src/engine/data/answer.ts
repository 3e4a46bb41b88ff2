// Answers prompts with a policy, in batches: greedy by default (benchmarks), or sampled.

import type { Perception } from '../world/render';
import { DEFAULT_PERCEPTION } from '../world/render';
import { decode } from '../language/vocab';
import { promptIds } from './encode';
import { generate } from '../model/generate';
import type { VlmModel } from '../model/model';
import { renderImages, type PromptExample } from './batches';

export interface AnswerOptions {
  /** 0 = greedy (the benchmarks' default). */
  temperature: number;
  maxNewTokens: number;
  batchSize: number;
  seed: number;
  perception: Partial<Perception>;
}

export const ANSWER_DEFAULTS: AnswerOptions = { temperature: 0, maxNewTokens: 48, batchSize: 64, seed: 0, perception: DEFAULT_PERCEPTION };

/** Returns one response text per prompt, in order. `onBatch` reports progress (done, total). */
export async function answerAll(model: VlmModel, prompts: readonly PromptExample[], opts: Partial<AnswerOptions> = {}, onBatch?: (done: number, total: number) => void): Promise<string[]> {
  const o = { ...ANSWER_DEFAULTS, ...opts };
  const out: string[] = [];
  for (let start = 0; start < prompts.length; start += o.batchSize) {
    const chunk = prompts.slice(start, start + o.batchSize);
    const gen = await generate(model, renderImages(chunk, o.perception), chunk.map((p) => promptIds(p.question, p.facts)), {
      maxNewTokens: o.maxNewTokens,
      temperature: o.temperature,
      seed: o.seed + start,
    });
    for (const r of gen.responses) out.push(decode(r));
    onBatch?.(Math.min(start + o.batchSize, prompts.length), prompts.length);
  }
  return out;
}
