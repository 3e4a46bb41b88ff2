// POPE: "is there a X in the image ?" with three present and three absent objects per scene;
// the absent ones drawn at random, by popularity, or by co-occurrence (adversarial).
// "yes" is the positive class.

import { Rng } from '../world/rng';
import type { Scene } from '../world/scene';
import { benchSeed, CATEGORIES, categoryKey, sampleScene, sceneCategories, trainingStats, type Category } from '../world/sampler';
import { parseResponse } from '../language/parser';
import { refImplies, type ObjectRef } from '../language/phrases';
import { writeQuestion } from '../language/question';

export const POPE_SPLITS = ['random', 'popular', 'adversarial'] as const;
export type PopeSplit = (typeof POPE_SPLITS)[number];

export interface PopeItem {
  id: string;
  split: PopeSplit;
  scene: Scene;
  question: string;
  object: Category;
  /** The right answer. */
  present: boolean;
}

/** Scenes per split: the standard set and a larger one. */
export const POPE_SIZES = { standard: 30, large: 150 } as const;

function absentBy(split: PopeSplit, present: Category[], rng: Rng): Category[] {
  const have = new Set(present.map(categoryKey));
  const absent = CATEGORIES.filter((c) => !have.has(categoryKey(c)));
  if (split === 'random') return rng.shuffle(absent).slice(0, 3);
  const stats = trainingStats();
  const weight = (c: Category) =>
    split === 'popular' ? (stats.frequency.get(categoryKey(c)) ?? 0) : present.reduce((s, p) => s + (stats.together.get(`${categoryKey(p)}|${categoryKey(c)}`) ?? 0), 0);
  // Ties broken by a shuffle first, so equal weights do not always favour the same colours.
  return rng
    .shuffle(absent)
    .sort((a, b) => weight(b) - weight(a))
    .slice(0, 3);
}

/** Returns the POPE items of all three splits; fixed for a given size. */
export function popeItems(size: keyof typeof POPE_SIZES = 'standard'): PopeItem[] {
  const items: PopeItem[] = [];
  POPE_SPLITS.forEach((split, s) => {
    const rng = new Rng(7000 + s);
    let n = 0;
    for (let i = 0; n < POPE_SIZES[size]; i++) {
      const scene = sampleScene(benchSeed(8 + s, i));
      const cats = sceneCategories(scene);
      if (cats.length < 3) continue;
      const present = rng.shuffle(cats).slice(0, 3);
      const asked = rng.shuffle([...present.map((c) => ({ c, present: true })), ...absentBy(split, cats, rng).map((c) => ({ c, present: false }))]);
      asked.forEach(({ c, present: p }, k) => {
        items.push({ id: `pope-${split}-${String(n).padStart(3, '0')}-${k}`, split, scene, question: writeQuestion({ kind: 'exists', obj: { color: c.color, shape: c.shape } }), object: c, present: p });
      });
      n++;
    }
  });
  return items;
}

/**
 * Reads a yes/no answer: a leading "yes"/"no", else the first claim that says the asked object
 * is there (exists, a count above zero, a definite phrase) or not (absent, a count of zero). Returns undefined when the response says neither (POPE counts that as "no").
 */
export function readYesNo(response: string, asked: ObjectRef): boolean | undefined {
  for (const s of parseResponse(response)) {
    for (const c of s.claims ?? []) {
      if (c.kind === 'answer') return c.yes;
      if (c.kind === 'exists' && refImplies(c.obj, asked)) return true;
      if (c.kind === 'absent' && refImplies(asked, c.obj)) return false;
      // "there are two red circles ." and "the red circle is small ." both say it is there.
      if (c.kind === 'count' && refImplies(c.obj, asked)) return c.n > 0;
      if (c.kind === 'attribute' && refImplies(c.obj, asked)) return true;
    }
  }
  return undefined;
}

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface PopeMetrics {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  yesRatio: number;
  n: number;
  /** Responses that said neither yes nor no (counted as "no"). */
  unclear: number;
}

/** Returns the metrics of a confusion matrix, "yes" positive; 0 where a ratio is undefined. */
export function popeMetrics(m: Confusion, unclear = 0): PopeMetrics {
  const n = m.tp + m.fp + m.tn + m.fn;
  const precision = m.tp + m.fp === 0 ? 0 : m.tp / (m.tp + m.fp);
  const recall = m.tp + m.fn === 0 ? 0 : m.tp / (m.tp + m.fn);
  return {
    accuracy: n === 0 ? 0 : (m.tp + m.tn) / n,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    yesRatio: n === 0 ? 0 : (m.tp + m.fp) / n,
    n,
    unclear,
  };
}

/** Scores responses (by item id) per split; items without a response are left out. */
export function scorePope(items: PopeItem[], responses: ReadonlyMap<string, string>): Record<PopeSplit, PopeMetrics> {
  const out = {} as Record<PopeSplit, PopeMetrics>;
  for (const split of POPE_SPLITS) {
    const m: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
    let unclear = 0;
    for (const it of items) {
      const r = it.split === split ? responses.get(it.id) : undefined;
      if (r === undefined) continue;
      const said = readYesNo(r, { color: it.object.color, shape: it.object.shape });
      if (said === undefined) unclear++;
      const yes = said === true;
      if (yes && it.present) m.tp++;
      else if (yes) m.fp++;
      else if (it.present) m.fn++;
      else m.tn++;
    }
    out[split] = popeMetrics(m, unclear);
  }
  return out;
}

/** The asked object as it stands in the scene: present and large (any instance), present and only small, or absent. */
export type PopeTruth = 'present-large' | 'present-small' | 'absent';

/** Which truth an item asks about. */
export function popeTruth(item: PopeItem): PopeTruth {
  if (!item.present) return 'absent';
  const large = item.scene.objects.some((o) => o.color === item.object.color && o.shape === item.object.shape && o.size === 'large');
  return large ? 'present-large' : 'present-small';
}

/** How often a policy said "yes" to one group of POPE questions. */
export interface YesCount {
  n: number;
  yes: number;
}

/**
 * POPE split by the truth, what a policy perceives: "yes" to present objects that are large, to
 * those that are only small, and to absent ones by the pool they came from (the absent objects of
 * the random, popular and adversarial splits). A policy that sees says yes to nearly every present
 * large object and to few absent ones; one that guesses says yes at about the same rate to all.
 */
export interface PopeByTruth {
  presentLarge: YesCount;
  presentSmall: YesCount;
  absent: Record<PopeSplit, YesCount>;
}

/** Counts "yes" answers per truth group (an unclear answer counts as "no", as POPE counts it); items without a response are left out. */
export function popeByTruth(items: readonly PopeItem[], responses: ReadonlyMap<string, string>): PopeByTruth {
  const zero = (): YesCount => ({ n: 0, yes: 0 });
  const out: PopeByTruth = { presentLarge: zero(), presentSmall: zero(), absent: { random: zero(), popular: zero(), adversarial: zero() } };
  for (const it of items) {
    const r = responses.get(it.id);
    if (r === undefined) continue;
    const truth = popeTruth(it);
    const cell = truth === 'absent' ? out.absent[it.split] : truth === 'present-large' ? out.presentLarge : out.presentSmall;
    cell.n++;
    if (readYesNo(r, { color: it.object.color, shape: it.object.shape }) === true) cell.yes++;
  }
  return out;
}
