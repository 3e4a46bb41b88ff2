// The reward options that do not come straight from a reward model, as plain numbers: the judge
// as a gold reward, and honesty-first (a caught false claim outranks any helpfulness). In both an
// unparseable answer scores below an honest "i am not sure": it is never a safe haven.

import type { Verdict } from '../judge/judge';
import type { PpoConfig } from './config';

/** The judge's score (0 to 6) that the unsure answer gets: honest, not informative. */
const UNSURE_SCORE = 3;

/**
 * The gold reward: the judge's rubric score (0 to 6) centred on an honest "i am not sure" (3) and
 * scaled to about unit spread, (s − 3) / 1.5, so it sits beside a normalised RM score. An answer
 * the grammar cannot parse is moved down into the hallucination band (s − 3), below the unsure one.
 */
export function goldScore(v: Pick<Verdict, 'score' | 'unparseable'>): number {
  const s = v.unparseable && v.score >= UNSURE_SCORE ? v.score - UNSURE_SCORE : v.score;
  return (s - UNSURE_SCORE) / 1.5;
}

/** The score every caught answer gets: below tanh's floor of −1, so below every honest answer. */
export const CAUGHT_SCORE = -2;

/**
 * Honesty-first, the piecewise reward the paper suggests: an honest answer scores its helpfulness
 * squashed into (−1, 1), tanh(z) of the normalised RM score z; a caught one (a false claim, or
 * text the grammar cannot parse) scores CAUGHT_SCORE, whatever its helpfulness.
 */
export function honestyFirstScore(helpfulness: number, caught: boolean): number {
  return caught ? CAUGHT_SCORE : Math.tanh(helpfulness);
}

/** Whether the judge catches the answer: a false claim, or a sentence outside the grammar. */
export function judgeCatches(v: Pick<Verdict, 'hallucination' | 'unparseable'>): boolean {
  return v.hallucination || v.unparseable;
}

/**
 * The base score of each response under the reward option: the normalised RM score (plain,
 * fact), the gold score, or honesty-first (helpfulness from `rmZ`, a false claim caught by the
 * judge or by the Fact-RM's normalised score `honestyZ` falling below honestyThreshold).
 */
export function baseScores(
  cfg: Pick<PpoConfig, 'reward' | 'honestyCheck' | 'honestyThreshold'>, verdicts: readonly Verdict[], rmZ?: Float32Array, honestyZ?: Float32Array,
): Float32Array {
  const need = (x: Float32Array | undefined, what: string): Float32Array => {
    if (!x) throw new Error(`baseScores: the ${cfg.reward} reward needs ${what}`);
    return x;
  };
  switch (cfg.reward) {
    case 'plain':
    case 'fact':
      return Float32Array.from(need(rmZ, 'reward-model scores'));
    case 'gold':
      return Float32Array.from(verdicts, goldScore);
    case 'honesty-first': {
      const help = need(rmZ, 'reward-model scores for helpfulness');
      const caught = cfg.honestyCheck === 'judge'
        ? verdicts.map(judgeCatches)
        : verdicts.map((v, i) => v.unparseable || (need(honestyZ, 'Fact-RM scores for the honesty check')[i] as number) < cfg.honestyThreshold);
      return Float32Array.from(verdicts, (_, i) => honestyFirstScore(help[i] as number, caught[i] as boolean));
    }
    case 'dense':
      throw new Error('baseScores: the dense reward is paid sentence by sentence (densePlacements), not once per answer');
  }
}
