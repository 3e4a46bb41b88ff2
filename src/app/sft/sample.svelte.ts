// The sample card's state: a scene (by seed) as the camera sees it, a question of a chosen
// MMHal-Bench type, the sampler's temperature and count, and the policy's answers, each with
// the judge's verdict.

import { makeQuestion, type Question } from '../../engine/data/questions';
import { judgeAnswer, type JudgedAnswer } from '../../engine/judge/judged';
import { QUESTION_TYPES, type QuestionType } from '../../engine/language/question';
import { DEFAULT_PERCEPTION, renderScene, type RgbImage } from '../../engine/world/render';
import { Rng, subSeed } from '../../engine/world/rng';
import { sampleScene } from '../../engine/world/sampler';
import type { Scene } from '../../engine/world/scene';
import type { EngineState } from '../engine/engine.svelte';
import { MAX_SEED } from '../world/world.svelte';

export const MAX_SAMPLES = 8;
export const MAX_TEMPERATURE = 2;

export interface SampleBatch {
  /** Counts the batches sampled, so a new batch is told from the last. */
  id: number;
  scene: Scene;
  question: Question;
  temperature: number;
  answers: JudgedAnswer[];
}

export class SampleState {
  private readonly engine: EngineState;

  sceneSeed = $state(7);
  questionType = $state<QuestionType>('holistic');
  /** Bumped by "another question", so the same scene and type give another question. */
  questionDraw = $state(0);
  /** 0 is greedy. */
  temperature = $state(1);
  n = $state(2);
  batch = $state.raw<SampleBatch | null>(null);
  error = $state<string | null>(null);
  /** Each press of Sample draws with a new sampler seed. */
  private draws = 0;

  /** The seed in use: the typed one when it is valid, else 0 (while the box is being edited). */
  private readonly seed: number = $derived(Number.isInteger(this.sceneSeed) && this.sceneSeed >= 0 && this.sceneSeed <= MAX_SEED ? this.sceneSeed : 0);
  readonly scene: Scene = $derived(sampleScene(this.seed));
  /** What the policy sees: the scene through the default (imperfect) camera. */
  readonly image: RgbImage = $derived(renderScene(this.scene, DEFAULT_PERCEPTION));
  /** The question (drawn as the World stage draws it), or undefined when the scene cannot support the type. */
  readonly question: Question | undefined = $derived(
    makeQuestion(
      this.scene,
      this.questionType,
      new Rng(subSeed(this.seed, (1 + QUESTION_TYPES.indexOf(this.questionType)) * 0x10000 + this.questionDraw)),
    ),
  );

  readonly problems: string[] = $derived.by(() => {
    const out: string[] = [];
    if (!Number.isInteger(this.sceneSeed) || this.sceneSeed < 0 || this.sceneSeed > MAX_SEED) out.push(`the scene seed must be a whole number from 0 to ${MAX_SEED}`);
    if (!Number.isInteger(this.n) || this.n < 1 || this.n > MAX_SAMPLES) out.push(`the number of answers must be from 1 to ${MAX_SAMPLES}`);
    if (!(this.temperature >= 0 && this.temperature <= MAX_TEMPERATURE)) out.push(`the temperature must be from 0 to ${MAX_TEMPERATURE}`);
    return out;
  });

  constructor(engine: EngineState, seed: number) {
    this.engine = engine;
    this.sceneSeed = seed;
  }

  /** Selects the scene `delta` seeds away. */
  step(delta: number): void {
    this.sceneSeed = Math.min(MAX_SEED, Math.max(0, this.sceneSeed + delta));
  }

  /** Samples `n` answers from the loaded policy and judges each. */
  async sample(): Promise<void> {
    const question = this.question;
    if (!question || this.problems.length > 0) return;
    const scene = this.scene;
    const temperature = this.temperature;
    this.error = null;
    try {
      const { responses } = await this.engine.run('sampling answers', 'sample', {
        scene: $state.snapshot(scene),
        question: question.text,
        n: this.n,
        temperature,
        seed: subSeed(this.seed, 0x5a3 + this.draws++),
      });
      this.batch = { id: this.draws, scene, question, temperature, answers: responses.map((r) => judgeAnswer(scene, question.text, r)) };
    } catch (e) {
      this.error = `Sampling failed: ${(e as Error).message}`;
    }
  }
}
