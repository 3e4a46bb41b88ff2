// Pairs to label: for a scene and a question, two distinct responses sampled from the policy
// (equal ones are resampled a bounded number of times, then dropped), or, for a share of the
// pairs when asked, a sample and the same sample with one hallucinated object added, or a sample
// and a degenerate answer (none at all, "i am not sure .", or the sample's words reversed, out of
// the grammar), in random order. The degenerate pairs show a reward model what its policy may
// drift to under PPO but never writes at the start.

import { Rng, subSeed } from '../world/rng';
import { DEFAULT_PERCEPTION, type Perception } from '../world/render';
import { QUESTION_TYPES, type QuestionType } from '../language/question';
import { decode } from '../language/vocab';
import { writeClaim } from '../language/writer';
import { PromptStream } from '../data/prompts';
import { promptIds, sceneImage } from '../data/encode';
import { generate } from '../model/generate';
import type { VlmModel } from '../model/model';
import { scrambled, withHallucination } from './variants';
import type { PairSource, PreferenceRecord } from './record';

export interface PairSamplingOptions {
  /** Pairs wanted. */
  n: number;
  /** Seed of the scenes, questions, pixel noise and sampling. */
  seed: number;
  /** Sampling temperature (the issue's: 1). */
  temperature: number;
  maxNewTokens: number;
  /** Prompts per generate call (each goes in twice). */
  batchSize: number;
  /** Rounds of sampling a prompt gets before a pair of equal responses is dropped. */
  maxTries: number;
  perception: Perception;
  /** Question types to ask, in turn. */
  types: readonly QuestionType[];
  /** Share of pairs made as (policy sample, the same with one hallucinated object): 0 for policy pairs only. */
  mix: number;
  /** Share of pairs made as (policy sample, a degenerate answer: empty, "i am not sure ." or the sample scrambled); mix + degenerate ≤ 1. */
  degenerate: number;
}

/** The kinds of degenerate answer, drawn in equal shares: saying nothing, the honest evasion, the sample's words reversed. */
export const DEGENERATE_KINDS = ['empty', 'unsure', 'scrambled'] as const;

/** A degenerate answer of a kind drawn by `rng`, made from the policy's sample. */
export function degenerateAnswer(sample: string, rng: Rng): string {
  const kind = rng.pick(DEGENERATE_KINDS);
  return kind === 'empty' ? '' : kind === 'unsure' ? writeClaim({ kind: 'unsure' }) : scrambled(sample);
}

export const PAIR_SAMPLING_DEFAULTS: PairSamplingOptions = {
  n: 100, seed: 0, temperature: 1, maxNewTokens: 48, batchSize: 32, maxTries: 4,
  perception: { ...DEFAULT_PERCEPTION }, types: QUESTION_TYPES, mix: 0, degenerate: 0,
};

/** A pair ready for a labeller: everything of a record but the label and who gave it. */
export type UnlabelledPair = Pick<PreferenceRecord, 'scene' | 'image' | 'question' | 'questionType' | 'responseA' | 'responseB' | 'source'>;

export interface PairSampling {
  pairs: UnlabelledPair[];
  /** Prompts given up after maxTries rounds of equal responses. */
  dropped: number;
  /** Prompts whose first round gave two equal responses (sampled again, or dropped if maxTries is 1). */
  resampled: number;
  /** Responses generated in all. */
  generated: number;
}

interface Prompt {
  scene: UnlabelledPair['scene'];
  noiseSeed: number;
  question: string;
  type: QuestionType;
  /** How the second answer is made: sampled, the first with a hallucination, or a degenerate answer. */
  edit: 'none' | PairSource;
  tries: number;
}

/**
 * Samples `n` pairs from the policy (the model is only read). Prompts are drawn from training
 * scenes with question types in turn; `onProgress` gets (pairs so far, n).
 */
export async function samplePairs(model: VlmModel, options: Partial<PairSamplingOptions> = {}, onProgress?: (done: number, total: number) => void): Promise<PairSampling> {
  const o = { ...PAIR_SAMPLING_DEFAULTS, ...options };
  if (!(o.temperature > 0)) throw new Error('samplePairs: temperature must be > 0 (greedy decoding gives one response per prompt)');
  if (!(o.mix >= 0 && o.mix <= 1)) throw new Error(`samplePairs: mix must be in [0, 1], got ${o.mix}`);
  if (!(o.degenerate >= 0 && o.mix + o.degenerate <= 1)) throw new Error(`samplePairs: degenerate must be in [0, 1 − mix], got ${o.degenerate} with mix ${o.mix}`);
  const rng = new Rng(subSeed(o.seed, 0x70a1));
  const pairs: UnlabelledPair[] = [];
  let dropped = 0;
  let resampled = 0;
  let generated = 0;
  let call = 0;
  const prompts = new PromptStream(rng, { types: o.types });
  const newPrompt = (): Prompt => {
    const p = prompts.next();
    // The degenerate share is drawn only when asked for, so runs without it draw as before.
    const edit = rng.chance(o.mix) ? 'perturbed' : o.degenerate > 0 && rng.chance(o.degenerate / (1 - o.mix)) ? 'degenerate' : 'none';
    return { scene: p.scene, noiseSeed: p.noiseSeed, question: p.question, type: p.type, edit, tries: 0 };
  };
  let queue: Prompt[] = [];
  // Bounded: every prompt yields a pair or is dropped after maxTries rounds, and too many drops end the run.
  while (pairs.length < o.n) {
    while (queue.length < Math.min(o.batchSize, o.n - pairs.length)) queue.push(newPrompt());
    const batch = queue;
    queue = [];
    const rows = batch.flatMap((p) => (p.edit !== 'none' ? [p] : [p, p]));
    const gen = await generate(
      model,
      rows.map((p) => sceneImage(p.scene, o.perception, p.noiseSeed)),
      rows.map((p) => promptIds(p.question)),
      { maxNewTokens: o.maxNewTokens, temperature: o.temperature, seed: subSeed(o.seed, 1000 + call++) },
    );
    generated += rows.length;
    const texts = gen.responses.map(decode);
    let row = 0;
    for (const p of batch) {
      let a = texts[row++] as string;
      let b: string;
      let source: PairSource = 'policy';
      if (p.edit !== 'none') {
        // The made answer goes first or second by a coin, so "A is the sample" is no tell.
        const rng = new Rng(subSeed(p.noiseSeed, 7));
        b = p.edit === 'perturbed' ? withHallucination(p.scene, a, rng) : degenerateAnswer(a, rng);
        if (rng.chance(0.5)) [a, b] = [b, a];
        source = p.edit;
      } else b = texts[row++] as string;
      p.tries++;
      if (a === b) {
        if (p.tries === 1) resampled++;
        if (p.tries < o.maxTries) queue.push(p);
        else if (++dropped > Math.max(20, 2 * o.n)) {
          throw new Error(`samplePairs: the policy gave two equal responses ${o.maxTries} times in a row for ${dropped} prompts; raise the temperature`);
        }
        continue;
      }
      if (pairs.length >= o.n) continue;
      pairs.push({
        scene: p.scene,
        image: { perception: { ...o.perception }, noiseSeed: p.noiseSeed },
        question: p.question,
        questionType: p.type,
        responseA: a,
        responseB: b,
        source,
      });
    }
    onProgress?.(pairs.length, o.n);
  }
  return { pairs, dropped, resampled, generated };
}
