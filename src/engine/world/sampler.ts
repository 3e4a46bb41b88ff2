// The scene sampler. Training scenes follow a co-occurrence prior (some object pairs appear
// together often), the bias that makes a model guess absent objects; benchmark scenes come
// from a seed range that training never samples.

import { Rng } from './rng';
import { COLORS, GRID, SHAPES, SIZES, type Color, type Scene, type SceneObject, type Shape } from './scene';

/** An object category as the benchmarks count it: colour and shape. */
export interface Category {
  color: Color;
  shape: Shape;
}

/** Pairs that the training distribution puts together often (the co-occurrence prior). */
export const COOCCURRING: readonly [Category, Category][] = [
  [{ color: 'red', shape: 'circle' }, { color: 'yellow', shape: 'triangle' }],
  [{ color: 'blue', shape: 'square' }, { color: 'green', shape: 'cross' }],
  [{ color: 'purple', shape: 'diamond' }, { color: 'orange', shape: 'circle' }],
  [{ color: 'green', shape: 'triangle' }, { color: 'red', shape: 'square' }],
  [{ color: 'yellow', shape: 'cross' }, { color: 'blue', shape: 'diamond' }],
];

/** Seeds below this are training scenes; seeds from it up are benchmark scenes. */
export const BENCH_SEED_BASE = 2 ** 31;

export interface SamplerOptions {
  /** Probability that a scene with two or more objects holds one co-occurring pair. */
  cooccurrence: number;
  minObjects: number;
  maxObjects: number;
}

export const DEFAULT_SAMPLER: SamplerOptions = { cooccurrence: 0.6, minObjects: 1, maxObjects: 5 };

/** Every colour-shape category, in a fixed order. */
export const CATEGORIES: readonly Category[] = COLORS.flatMap((color) => SHAPES.map((shape) => ({ color, shape })));

export const categoryKey = (c: Category): string => `${c.color} ${c.shape}`;

/** Marginal weights: the categories in the prior's pairs are more popular than the rest. */
const CATEGORY_WEIGHTS = CATEGORIES.map((c) => (COOCCURRING.some(([a, b]) => categoryKey(a) === categoryKey(c) || categoryKey(b) === categoryKey(c)) ? 2 : 1));

/** Draws a category by the marginal weights. */
export function drawCategory(rng: Rng): Category {
  return CATEGORIES[rng.weighted(CATEGORY_WEIGHTS)] as Category;
}

function makeObject(rng: Rng, cat: Category, cell: number): SceneObject {
  return {
    shape: cat.shape,
    color: cat.color,
    size: rng.pick(SIZES),
    row: Math.floor(cell / GRID),
    col: cell % GRID,
    jitterX: Math.round((rng.next() * 2 - 1) * 100) / 100,
    jitterY: Math.round((rng.next() * 2 - 1) * 100) / 100,
  };
}

/** Returns the scene for a seed; the same seed gives the same scene everywhere. */
export function sampleScene(seed: number, opts: SamplerOptions = DEFAULT_SAMPLER): Scene {
  const rng = new Rng(seed);
  const n = opts.minObjects + rng.int(opts.maxObjects - opts.minObjects + 1);
  const background = rng.chance(0.5) ? 'day' : 'night';
  const cells = rng.shuffle([...Array(GRID * GRID).keys()]).slice(0, n);
  const cats: Category[] = [];
  if (n >= 2 && rng.chance(opts.cooccurrence)) {
    const pair = rng.pick(COOCCURRING);
    cats.push(...(rng.chance(0.5) ? pair : [pair[1], pair[0]]));
  }
  while (cats.length < n) cats.push(drawCategory(rng));
  const objects = cats.map((c, i) => makeObject(rng, c, cells[i] as number));
  objects.sort((a, b) => a.row - b.row || a.col - b.col);
  return { background, objects, seed };
}

/** Returns the seed of the i-th benchmark scene of a named stream (0 to 15). */
export function benchSeed(stream: number, i: number): number {
  return BENCH_SEED_BASE + stream * 1_000_000 + i;
}

/** Returns a training-range seed drawn from the generator. */
export function trainSeed(rng: Rng): number {
  return rng.int(BENCH_SEED_BASE);
}

/** The categories present in a scene, each once. */
export function sceneCategories(scene: Scene): Category[] {
  const seen = new Map<string, Category>();
  for (const o of scene.objects) seen.set(categoryKey(o), { color: o.color, shape: o.shape });
  return [...seen.values()];
}

/** Category frequencies and co-occurrence counts of the training distribution, measured once. */
export interface CategoryStats {
  /** Share of scenes holding each category, by key. */
  frequency: Map<string, number>;
  /** How many scenes hold both categories, by "a|b" key. */
  together: Map<string, number>;
}

let cachedStats: CategoryStats | undefined;

/** Returns the statistics of 20,000 training scenes (seeds 0 up), computed on first use. */
export function trainingStats(): CategoryStats {
  if (cachedStats) return cachedStats;
  const frequency = new Map<string, number>();
  const together = new Map<string, number>();
  const n = 20_000;
  for (let s = 0; s < n; s++) {
    const keys = sceneCategories(sampleScene(s)).map(categoryKey);
    for (const k of keys) frequency.set(k, (frequency.get(k) ?? 0) + 1 / n);
    for (const a of keys) for (const b of keys) if (a !== b) together.set(`${a}|${b}`, (together.get(`${a}|${b}`) ?? 0) + 1);
  }
  cachedStats = { frequency, together };
  return cachedStats;
}

/** Returns the prior's partners of a category (the objects a model learns to expect beside it). */
export function partnersOf(cat: Category): Category[] {
  const k = categoryKey(cat);
  return COOCCURRING.flatMap(([a, b]) => (categoryKey(a) === k ? [b] : categoryKey(b) === k ? [a] : []));
}
