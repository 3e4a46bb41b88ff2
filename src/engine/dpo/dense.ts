// Dense DPO (RLHF-V's DDPO, Yu et al. 2024) on marked answers: a mark whose false sentences were
// corrected gives a pair, chosen y_w the corrected answer (correctedAnswer), rejected y_l the answer
// as written. The tokens of the corrected sentences in y_w and of the marked-false sentences in y_l
// are the changed segment y_c, the rest (and <eos>) the unchanged y_u; each answer's sequence
// log-prob is the weighted average
//
//   log π(y|x) = (1/N) [ Σ_{t∈y_u} log p(y_t|…) + γ Σ_{t∈y_c} log p(y_t|…) ],   N = |y_u| + γ|y_c|
//
// under the policy and the frozen reference alike (logps.ts), and the loss is DPO's on decided pairs.
// A false sentence without a correction is dropped from y_w, as correctedAnswer drops it, and
// weighs γ in y_l; a mark gives a pair only when at least one false sentence has a correction.
// The weights follow the DPO log-probs' tokens: a response's words, then <eos>. No TensorFlow.js.

import { encode } from '../language/vocab';
import { correctedAnswer, type MarkRecord } from '../prefs/mark';
import { rewardRunSteps, splitHeldOut } from '../reward/config';
import type { DenseDpoConfig } from './config';

/** A mark's dense pair: the two answers and one weight per response token of each (words, then <eos>). */
export interface DenseWeights {
  /** y_w: the corrected answer. */
  chosen: string;
  /** y_l: the answer as written. */
  rejected: string;
  chosenWeights: number[];
  rejectedWeights: number[];
}

/** A dense pair with the mark it came from (its scene, image and question). */
export interface DenseMarkPair extends DenseWeights {
  mark: MarkRecord;
}

const fill = (text: string, w: number): number[] => new Array<number>(encode(text).length).fill(w);

/**
 * The dense pair of a mark for γ = `gamma`: y_w's corrected sentences and y_l's marked-false ones
 * weigh γ, every other token (<eos> too) 1. Undefined when no false sentence has a correction, or
 * when the corrected answer is the answer as written. Throws when the sentences are not the answer's.
 */
export function denseWeights(m: Pick<MarkRecord, 'answer' | 'sentences'>, gamma: number): DenseWeights | undefined {
  if (!m.sentences.some((s) => s.false && s.correction !== undefined)) return undefined;
  const chosen = correctedAnswer(m);
  if (chosen === m.answer) return undefined;
  const chosenWeights: number[] = [];
  const rejectedWeights: number[] = [];
  for (const s of m.sentences) {
    rejectedWeights.push(...fill(s.text, s.false ? gamma : 1));
    if (!s.false) chosenWeights.push(...fill(s.text, 1));
    else if (s.correction !== undefined) chosenWeights.push(...fill(s.correction, gamma));
  }
  chosenWeights.push(1);
  rejectedWeights.push(1);
  if (rejectedWeights.length !== encode(m.answer).length + 1) throw new Error(`dense dpo: the mark's sentences are not its answer ${JSON.stringify(m.answer)}`);
  return { chosen, rejected: m.answer, chosenWeights, rejectedWeights };
}

/** What a dense DPO job will do with these marks: its pairs split by prompt, the marks that gave none, and its steps (0 when no pair). */
export interface DenseDpoPlan {
  train: DenseMarkPair[];
  heldOut: DenseMarkPair[];
  /** Marks with no sentence marked false. */
  unmarked: number;
  /** Marks with a sentence marked false but none corrected (or corrected to the answer as written). */
  uncorrected: number;
  /** Training pairs (every one is decided). */
  usable: number;
  steps: number;
}

/** Plans a dense job on these marks (the config is assumed checked): the marks' pairs split by prompt as preference pairs are, and its length as DPO's. */
export function planDenseDpoJob(marks: readonly MarkRecord[], cfg: DenseDpoConfig): DenseDpoPlan {
  const pairs: DenseMarkPair[] = [];
  let unmarked = 0;
  for (const mark of marks) {
    const w = denseWeights(mark, cfg.ddpoWeight);
    if (w) pairs.push({ ...w, mark });
    else if (mark.sentences.some((s) => s.false)) continue;
    else unmarked++;
  }
  const held = new Set(splitHeldOut(pairs.map((p) => p.mark), cfg.heldOutShare, cfg.seed).heldOut);
  const train = pairs.filter((p) => !held.has(p.mark));
  const heldOut = pairs.filter((p) => held.has(p.mark));
  const usable = train.length;
  return {
    train, heldOut, unmarked, uncorrected: marks.length - pairs.length - unmarked,
    usable, steps: usable === 0 ? 0 : rewardRunSteps(cfg, usable),
  };
}
