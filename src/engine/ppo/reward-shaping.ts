// Reward shaping (docs/design.md, section 4): −klCoef·KL on every token, and at each response's last
// token its score (the reward option's) plus the symbolic terms: a length penalty per token, the
// correctness bonus, the missing-EOS penalty and the no-answer penalty. With the dense reward the
// score is placed sentence by sentence instead (each sentence's reward at its end) and the last
// token gets the symbolic terms alone. Plain numbers, row-major [B, R].

import type { PpoConfig } from './config';
import type { SentencePlacement } from './dense-reward';

/** What makes up the score a response gets at its last token. */
export interface ScoreParts {
  /** [B] the reward option's score (normalised RM, gold, honesty-first; dense: the sum of the response's sentence rewards). */
  base: Float32Array;
  /** [B] −lengthPenalty · response tokens. */
  length: Float32Array;
  /** [B] ±correctnessBonus, or 0. */
  correctness: Float32Array;
  /** [B] −missingEosPenalty for a response cut off before its EOS, else 0. */
  missingEos: Float32Array;
  /** [B] −noAnswerPenalty for an empty response (its EOS alone), else 0. */
  noAnswer: Float32Array;
  /** [B] the sum of the five: the response's score (what the last token is rewarded, but for a placed base). */
  total: Float32Array;
  /** Dense only, one per row: where the base is paid, sentence by sentence (its values sum to base). */
  placed?: SentencePlacement[];
}

/**
 * Adds the symbolic terms to the base scores. lengths [B] are response tokens (EOS included),
 * correct [B] is +1, −1 or 0 (correctness.ts), finished [B] whether the response ended in EOS
 * (a finished response of one token is the EOS alone: no answer).
 */
export function scoreParts(
  base: Float32Array, lengths: readonly number[], correct: readonly number[], finished: readonly boolean[],
  cfg: Pick<PpoConfig, 'lengthPenalty' | 'correctnessBonus' | 'missingEosPenalty' | 'noAnswerPenalty'>, placed?: SentencePlacement[],
): ScoreParts {
  const b = base.length;
  const length = Float32Array.from({ length: b }, (_, i) => -cfg.lengthPenalty * (lengths[i] as number));
  const correctness = Float32Array.from({ length: b }, (_, i) => cfg.correctnessBonus * (correct[i] as number));
  const missingEos = Float32Array.from({ length: b }, (_, i) => (finished[i] ? 0 : -cfg.missingEosPenalty));
  const noAnswer = Float32Array.from({ length: b }, (_, i) => (finished[i] && (lengths[i] as number) <= 1 ? -cfg.noAnswerPenalty : 0));
  const total = base.map((s, i) => s + (length[i] as number) + (correctness[i] as number) + (missingEos[i] as number) + (noAnswer[i] as number));
  return { base, length, correctness, missingEos, noAnswer, total, ...(placed ? { placed } : {}) };
}

/** What each response's last token is rewarded: its total, or with a placed base its symbolic terms alone. */
export function lastTokenScores(parts: ScoreParts): Float32Array {
  if (!parts.placed) return parts.total;
  return parts.total.map((_, i) => (parts.length[i] as number) + (parts.correctness[i] as number) + (parts.missingEos[i] as number) + (parts.noAnswer[i] as number));
}

export interface ShapedRewards {
  /** [B·R] the reward of every token: non-score plus the score at the last one; 0 on pads. */
  rewards: Float32Array;
  /** [B·R] −klCoef · KL per token (0 everywhere when the KL goes into the loss instead). */
  nonScore: Float32Array;
}

/**
 * Per-token rewards: −klCoef·kl_t on every real token (when klInReward), and scores[i] added at
 * row i's last real token (index lengths[i] − 1); with `placed`, row i's values[k] added at token
 * ends[k] too (clipped to its last token). kl, mask: [B·R]; scores, lengths, placed: [B].
 */
export function shapeRewards(scores: Float32Array, kl: Float32Array, mask: Float32Array, lengths: readonly number[], r: number, klCoef: number, klInReward: boolean, placed?: readonly SentencePlacement[]): ShapedRewards {
  const nonScore = kl.map((k, i) => (klInReward && (mask[i] as number) > 0 ? -klCoef * k : 0));
  const rewards = Float32Array.from(nonScore);
  placed?.forEach((p, row) => {
    const last = (lengths[row] as number) - 1;
    p.ends.forEach((e, k) => {
      if (last < 0) return;
      const at = row * r + Math.min(e, last);
      rewards[at] = (rewards[at] as number) + (p.values[k] as number);
    });
  });
  scores.forEach((s, row) => {
    const last = (lengths[row] as number) - 1;
    if (last >= 0) rewards[row * r + last] = (rewards[row * r + last] as number) + s;
  });
  return { rewards, nonScore };
}

/** Each row's sum over its tokens: [B·R] → [B]. */
export function rowSums(x: Float32Array, b: number, r: number): Float32Array {
  const out = new Float32Array(b);
  for (let row = 0; row < b; row++) {
    let s = 0;
    for (let t = 0; t < r; t++) s += x[row * r + t] as number;
    out[row] = s;
  }
  return out;
}
