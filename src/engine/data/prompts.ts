// Drawing prompts to answer: a training scene, a question about it of a type taken in turn (or at
// random), and the seed of its pixel noise. Pair sampling, `sample`, best-of-n and the rollouts of
// PPO, GRPO and RLOO draw from here, with one setting for the existence questions' mix.

import { Rng } from '../world/rng';
import { sampleScene, trainSeed } from '../world/sampler';
import type { Scene } from '../world/scene';
import { QUESTION_TYPES, type QuestionType } from '../language/question';
import { ABSENT_POOLS, existenceQuestion, makeQuestion, type Question } from './questions';

export interface DrawnPrompt {
  scene: Scene;
  question: string;
  type: QuestionType;
  /** The question's reference answer and what it asks (for checkable-answer bonuses). */
  asked: Question;
  /** Seed of the image's pixel noise. */
  noiseSeed: number;
}

/**
 * How existence questions are drawn. `natural`: as the question types make them, which asks about
 * an absent object three times in four (every `adversarial` question, half of `other`), so a policy
 * that always says "no" is right three times in four. `balanced`: an existence question is about a
 * present object half the time, and about an absent one from POPE's three pools (random, popular,
 * co-occurring) in equal shares otherwise, as the SFT data asks them.
 */
export const PROMPT_MIXES = ['balanced', 'natural'] as const;
export type PromptMix = (typeof PROMPT_MIXES)[number];

/** The mix every sampler uses unless told otherwise. */
export const DEFAULT_PROMPT_MIX: PromptMix = 'balanced';

/** The question types that ask whether an object is there. */
const EXISTENCE_TYPES: readonly QuestionType[] = ['adversarial', 'other'];

export interface PromptDrawOptions {
  /** Question types to ask. */
  types: readonly QuestionType[];
  /** Take the types in turn (each type equally often, in order) or pick one at random each time. */
  order: 'turn' | 'random';
  /** How existence questions are drawn (see PromptMix). */
  mix: PromptMix;
}

export const PROMPT_DRAW_DEFAULTS: PromptDrawOptions = { types: QUESTION_TYPES, order: 'turn', mix: DEFAULT_PROMPT_MIX };

/**
 * A stream of prompts from training scenes, drawn with `rng` (advanced as prompts are drawn): the
 * same generator state gives the same prompts. A scene with no question of the type is skipped.
 */
export class PromptStream {
  private readonly o: PromptDrawOptions;
  private drawn = 0;

  constructor(private readonly rng: Rng, options: Partial<PromptDrawOptions> = {}) {
    this.o = { ...PROMPT_DRAW_DEFAULTS, ...options };
    if (this.o.types.length === 0) throw new Error('PromptStream: no question types to ask');
  }

  /**
   * The next prompt. With the balanced mix an existence slot asks about a present object or one
   * from an absent pool by a coin; its type is then the question's own (`adversarial` for a
   * co-occurring absent object, `other` for the rest).
   */
  next(): DrawnPrompt {
    for (;;) {
      const scene = sampleScene(trainSeed(this.rng));
      const slot = this.o.order === 'turn' ? (this.o.types[this.drawn++ % this.o.types.length] as QuestionType) : this.rng.pick(this.o.types);
      const q = this.o.mix === 'balanced' && EXISTENCE_TYPES.includes(slot) && scene.objects.length > 0
        ? existenceQuestion(scene, this.rng.chance(0.5) ? 'present' : this.rng.pick(ABSENT_POOLS), this.rng)
        : makeQuestion(scene, slot, this.rng);
      if (q) return { scene, question: q.text, type: q.type, asked: q, noiseSeed: this.rng.int(2 ** 31) };
    }
  }

  /** The next n prompts. */
  take(n: number): DrawnPrompt[] {
    return Array.from({ length: n }, () => this.next());
  }
}

/** n prompts drawn from a seed (see PromptStream). */
export function drawPrompts(n: number, seed: number, options: Partial<PromptDrawOptions> = {}): DrawnPrompt[] {
  return new PromptStream(new Rng(seed), options).take(n);
}
