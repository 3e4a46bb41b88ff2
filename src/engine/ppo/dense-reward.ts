// The dense reward (Fine-Grained RLHF, Wu et al. 2023): instead of one score at a response's last
// token, each of its sentences (as the judge splits them) is rewarded at its own last token by the
// sentence reward model, from t = 2σ(s) − 1 = tanh(s / 2) in (−1, 1), s the sentence's logit (s > 0:
// the model reads the sentence as true). Signed, r = w · t: a true sentence pays. Penalty (the
// default), r = w · min(0, t): only a sentence read as false costs, since a signed reward is gamed
// by padding answers with cheap true sentences (docs/ppo.md). A sentence that repeats an earlier
// sentence of the same answer word for word earns 0: saying a true thing twice pays once.
//
//   response:  there is a red circle .  there is a red circle .  <eos>
//   index:       0   1  2  3    4    5   6   7  8  9    10    11   12
//   rewarded:                       r₀                        0        (+ the symbolic terms at 12)

import { answerSentences } from '../prefs/mark';
import { PAD, EOS } from '../language/vocab';
import { sentenceEnds } from '../reward/dense';
import type { PpoConfig, SentenceRewardShape } from './config';
import { rolloutSentenceScores, type SentenceRole } from './rm-score';
import type { Rollout } from './rollout';

/** One response's sentence rewards: `values[k]` goes to the token at `ends[k]` (an index among its response tokens). */
export interface SentencePlacement {
  ends: number[];
  values: number[];
}

/**
 * A sentence's reward from its logit s: signed, weight · (2σ(s) − 1), written as weight · tanh(s / 2)
 * (the same number, stable for large |s|); penalty (the default), its negative part only.
 */
export function sentenceReward(s: number, weight: number, shape: SentenceRewardShape = 'penalty'): number {
  const t = weight * Math.tanh(s / 2);
  return shape === 'signed' ? t : Math.min(0, t);
}

/** For each sentence, whether an earlier sentence of the same answer is the same word for word. */
export function repeatedSentences(sentences: readonly string[]): boolean[] {
  const seen = new Set<string>();
  return sentences.map((s) => {
    const key = s.trim().split(/\s+/).join(' ');
    const again = seen.has(key);
    seen.add(key);
    return again;
  });
}

/** The reward of each sentence from its logit: sentenceReward, and 0 for a repeat. */
export function sentenceRewards(sentences: readonly string[], logits: readonly number[], weight: number, shape: SentenceRewardShape = 'penalty'): number[] {
  if (logits.length !== sentences.length) throw new Error(`sentenceRewards: ${logits.length} logits for ${sentences.length} sentences`);
  const again = repeatedSentences(sentences);
  return logits.map((s, k) => (again[k] ? 0 : sentenceReward(s, weight, shape)));
}

/**
 * A sampled response's sentences (answerSentences of its text) and the index of each one's last
 * token among the sampled tokens: sentenceEnds on the text, each word mapped back to the token it
 * came from (decoding drops pads and stops at EOS), clipped to the response. No sentence: [] and [].
 */
export function responseSentences(text: string, tokens: readonly number[]): { sentences: string[]; ends: number[] } {
  const sentences = answerSentences(text);
  if (sentences.length === 0 || tokens.length === 0) return { sentences: [], ends: [] };
  const at: number[] = []; // at[w]: the token index of the text's w-th word
  for (let t = 0; t < tokens.length && tokens[t] !== EOS; t++) if (tokens[t] !== PAD) at.push(t);
  const last = tokens.length - 1;
  const ends = sentenceEnds(text, sentences).map((w) => Math.min(at[w] ?? w, last));
  return { sentences, ends };
}

/** Each placement's values summed: the base score a dense response reports. */
export function placedSums(placed: readonly SentencePlacement[]): Float32Array {
  return Float32Array.from(placed, (p) => p.values.reduce((a, v) => a + v, 0));
}

/** The dense reward of every rollout row: its sentences read by the sentence reward model, each reward placed at the sentence's end. */
export async function densePlacements(role: SentenceRole, ro: Rollout, cfg: Pick<PpoConfig, 'sentenceRewardWeight' | 'sentenceReward'>): Promise<SentencePlacement[]> {
  const rows = ro.texts.map((text, i) => responseSentences(text, ro.responses[i] as number[]));
  const logits = await rolloutSentenceScores(role, ro, rows.map((x) => x.ends));
  return rows.map((x, i) => ({ ends: x.ends, values: sentenceRewards(x.sentences, logits[i] as number[], cfg.sentenceRewardWeight, cfg.sentenceReward) }));
}
