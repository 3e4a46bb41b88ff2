// Drawing prompts to answer: a training scene, a question about it of a type taken in turn (or at
// random), and the seed of its pixel noise. Pair sampling, `sample` and PPO rollouts draw from here.

import { Rng } from '../world/rng';
import { sampleScene, trainSeed } from '../world/sampler';
import type { Scene } from '../world/scene';
import { QUESTION_TYPES, type QuestionType } from '../language/question';
import { makeQuestion, type Question } from './questions';

export interface DrawnPrompt {
  scene: Scene;
  question: string;
  type: QuestionType;
  /** The question's reference answer and what it asks (for checkable-answer bonuses). */
  asked: Question;
  /** Seed of the image's pixel noise. */
  noiseSeed: number;
}

export interface PromptDrawOptions {
  /** Question types to ask. */
  types: readonly QuestionType[];
  /** Take the types in turn (each type equally often, in order) or pick one at random each time. */
  order: 'turn' | 'random';
}

export const PROMPT_DRAW_DEFAULTS: PromptDrawOptions = { types: QUESTION_TYPES, order: 'turn' };

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

  /** The next prompt. */
  next(): DrawnPrompt {
    for (;;) {
      const scene = sampleScene(trainSeed(this.rng));
      const type = this.o.order === 'turn' ? (this.o.types[this.drawn++ % this.o.types.length] as QuestionType) : this.rng.pick(this.o.types);
      const q = makeQuestion(scene, type, this.rng);
      if (q) return { scene, question: q.text, type, asked: q, noiseSeed: this.rng.int(2 ** 31) };
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
