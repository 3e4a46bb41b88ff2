// The World stage's state: which scene is on show (a page of seeds, or a scene pasted as
// JSON), how imperfectly the camera sees it, the question asked about it and the user's
// answer. Everything else (images, facts, the question, the judge's verdict) is derived.

import { judge, type Verdict } from '../../engine/judge/judge';
import { absentPartner, makeQuestion, type Question } from '../../engine/data/questions';
import { parseResponse, type ParsedSentence } from '../../engine/language/parser';
import { QUESTION_TYPES, type QuestionType } from '../../engine/language/question';
import { writeClaim } from '../../engine/language/writer';
import { factSentences } from '../../engine/world/facts';
import { CLEAN_PERCEPTION, DEFAULT_PERCEPTION, renderScene, type Perception, type RgbImage } from '../../engine/world/render';
import { Rng, subSeed } from '../../engine/world/rng';
import { BENCH_SEED_BASE, sampleScene } from '../../engine/world/sampler';
import { validateScene, type Scene } from '../../engine/world/scene';
import { normaliseAnswer } from './normalise';

/** Scenes per gallery page. */
export const PAGE_SIZE = 8;
/** The largest seed: the generator reads seeds as unsigned 32-bit integers. */
export const MAX_SEED = 2 ** 32 - 1;

export type PerceptionPreset = 'default' | 'clean' | 'custom';

/** One thumbnail of the gallery. */
export interface Thumb {
  seed: number;
  scene: Scene;
  image: RgbImage;
}

/** Returns the seed as an integer in [0, MAX_SEED], or null if the text is not one. */
export function parseSeed(text: string): number | null {
  return seedProblem(text) === null ? Number(text.trim()) : null;
}

/** Why the text is not a scene seed, in words, or null when it is one. */
export function seedProblem(text: string): string | null {
  const t = text.trim();
  if (t === '') return 'type a seed: a whole number from 0';
  if (/^-/.test(t)) return 'a seed is never negative';
  if (!/^\d+$/.test(t)) return `a seed is a whole number (digits only), not “${t.length > 16 ? `${t.slice(0, 16)}…` : t}”`;
  const n = Number(t);
  return Number.isSafeInteger(n) && n <= MAX_SEED ? null : `the largest seed is ${MAX_SEED.toLocaleString('en')}`;
}

/** Returns the scene as JSON, one object per line (the contract of docs/design.md, section 1). */
export function sceneToJson(scene: Scene): string {
  const objects = scene.objects.map((o) => `    ${JSON.stringify(o).replace(/":/g, '": ').replace(/,"/g, ', "')}`);
  const lines = ['{', `  "background": ${JSON.stringify(scene.background)},`, `  "objects": [`, objects.join(',\n'), `  ]${scene.seed === undefined ? '' : ','}`];
  if (scene.seed !== undefined) lines.push(`  "seed": ${scene.seed}`);
  lines.push('}');
  return lines.filter((l) => l !== '').join('\n');
}

export class WorldState {
  /** The seed of the selected scene. */
  seed = $state(7);
  /** The first seed of the gallery page on show (a multiple of PAGE_SIZE). */
  pageStart = $state(0);
  /** A scene pasted as JSON; when set, it replaces the seed's scene. */
  customScene = $state.raw<Scene | null>(null);
  /** How the camera sees every scene on the page. */
  perception = $state<Perception>({ ...DEFAULT_PERCEPTION });
  questionType = $state<QuestionType>('holistic');
  /** Bumped by "new question", so the same scene and type give another question. */
  questionDraw = $state(0);
  /** The answer as typed. */
  answer = $state('');
  showReference = $state(false);

  readonly scene: Scene = $derived(this.customScene ?? sampleScene(this.seed));
  readonly facts: string[] = $derived(factSentences(this.scene));
  readonly json: string = $derived(sceneToJson(this.scene));
  /** The scene through the camera, and with perfect pixels, both 48×48. */
  readonly image: RgbImage = $derived(renderScene(this.scene, this.perception));
  readonly cleanImage: RgbImage = $derived(renderScene(this.scene, CLEAN_PERCEPTION));
  /** Benchmark seeds are never sampled for training. */
  readonly isBenchmark: boolean = $derived(this.customScene === null && this.seed >= BENCH_SEED_BASE);

  readonly thumbs: Thumb[] = $derived.by(() => {
    const out: Thumb[] = [];
    for (let seed = this.pageStart; seed < this.pageStart + PAGE_SIZE && seed <= MAX_SEED; seed++) {
      const scene = sampleScene(seed);
      out.push({ seed, scene, image: renderScene(scene, this.perception) });
    }
    return out;
  });

  readonly preset: PerceptionPreset = $derived.by(() => {
    const same = (p: Readonly<Perception>) => (Object.keys(p) as (keyof Perception)[]).every((k) => this.perception[k] === p[k]);
    return same(DEFAULT_PERCEPTION) ? 'default' : same(CLEAN_PERCEPTION) ? 'clean' : 'custom';
  });

  /** The question of the chosen type, or undefined when this scene cannot support one. */
  readonly question: Question | undefined = $derived(
    makeQuestion(this.scene, this.questionType, this.rng(1 + QUESTION_TYPES.indexOf(this.questionType))),
  );

  /** The answer as the judge reads it. */
  readonly judgedText: string = $derived(normaliseAnswer(this.answer));
  /** The judge's verdict on the answer; null while there is no answer or no question. */
  readonly verdict: Verdict | null = $derived(
    this.question && this.judgedText !== '' ? judge(this.scene, this.question.text, this.judgedText) : null,
  );
  /** The answer's sentences, as the judge split them (its claims' `sentence` indexes into these). */
  readonly sentences: ParsedSentence[] = $derived(this.judgedText === '' ? [] : parseResponse(this.judgedText));

  /** Returns a generator for this scene, question draw and purpose, so every draw is reproducible. */
  private rng(stream: number): Rng {
    return new Rng(subSeed(this.scene.seed ?? 0, stream * 0x10000 + this.questionDraw));
  }

  /** Shows the scene of a seed (dropping any pasted scene); keeps the gallery page. */
  select(seed: number): void {
    this.seed = seed;
    this.customScene = null;
  }

  /** Shows the scene of a seed and turns the gallery to its page. */
  jumpTo(seed: number): void {
    this.select(seed);
    this.pageStart = seed - (seed % PAGE_SIZE);
  }

  /** Selects the scene `delta` seeds away, turning the page if needed. */
  step(delta: number): void {
    this.jumpTo(Math.min(MAX_SEED, Math.max(0, this.seed + delta)));
  }

  /** Turns the gallery by `delta` pages; the selection stays. */
  turnPage(delta: number): void {
    const last = MAX_SEED - (MAX_SEED % PAGE_SIZE);
    this.pageStart = Math.min(last, Math.max(0, this.pageStart + delta * PAGE_SIZE));
  }

  setPreset(preset: 'default' | 'clean'): void {
    Object.assign(this.perception, preset === 'clean' ? CLEAN_PERCEPTION : DEFAULT_PERCEPTION);
  }

  /** Asks another question of the same type. */
  newQuestion(): void {
    this.questionDraw++;
  }

  /** Appends a sentence about an absent object, the kind a co-occurrence prior makes a model say. */
  addHallucination(): void {
    const absent = absentPartner(this.scene, this.rng(0x77 + this.sentences.length));
    const sentence = writeClaim({ kind: 'exists', obj: { color: absent.color, shape: absent.shape } });
    this.answer = [this.answer.trim(), sentence].filter((s) => s !== '').join(' ');
  }

  /**
   * Reads a scene from JSON text; on success shows it in place of the seed's scene and
   * returns no errors, otherwise returns what is wrong (and changes nothing).
   */
  loadJson(text: string): string[] {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return [`not valid JSON: ${(e as Error).message}`];
    }
    const result = validateScene(value);
    if ('errors' in result) return result.errors.map((e) => `${e.path} ${e.message}`);
    this.customScene = result.scene;
    return [];
  }
}
