// A step's metrics under TRL's names (objective/*, policy/*, loss/*, val/*, tokens/*, time/ppo/*)
// plus the parts of the score and, every goldEvery steps, the gold figures the judge measures.

import type { GoldFigures } from './gold';
import type { ScoreParts } from './reward-shaping';
import type { UpdateStats } from './update';

/** The timed phases of a step, in seconds (TRL's legacy time/ppo/* names, plus rollout). */
export interface PhaseTimes {
  'time/ppo/rollout': number;
  'time/ppo/forward_pass': number;
  'time/ppo/compute_rewards': number;
  'time/ppo/compute_advantages': number;
  'time/ppo/optimize_step': number;
  'time/ppo/total': number;
}

export type PpoMetrics = {
  /** Mean score at the last token: the reward option's plus the symbolic terms. */
  'objective/scores': number;
  /** Mean over responses of the summed per-token KL estimate (nats per response). */
  'objective/kl': number;
  /** The KL coefficient used this step. */
  'objective/kl_coef': number;
  /**
   * TRL's sampled estimate of the policy's entropy: −log p of each sampled token, summed over the
   * response and averaged over responses (nats per response), as TRL's (−logprobs).sum(1).mean().
   */
  'objective/entropy': number;
  /** Ours: the exact entropy of each next-token distribution, summed and averaged the same way (nats per response). */
  'objective/entropy_exact': number;
  /** Mean over responses of the summed −klCoef·KL (0 when the KL is in the loss). */
  'objective/non_score_reward': number;
  /** scores + non_score_reward: the reward PPO maximises. */
  'objective/rlhf_reward': number;
  /** Parts of objective/scores: the reward option's score, the length penalty, the correctness bonus, the missing-EOS penalty. */
  'objective/base_score': number;
  'objective/length_penalty': number;
  'objective/correctness': number;
  'objective/missing_eos_penalty': number;
  /** Mean no-answer penalty over the batch (−noAnswerPenalty × the share of empty responses). */
  'objective/no_answer_penalty': number;
  /** EOS tokens in the batch's responses. */
  'val/num_eos_tokens': number;
  /** Mean response length in tokens (EOS included), as TRL's legacy trainer names it. */
  'tokens/responses_len_mean': number;
  /** The learning rate of the step. */
  lr: number;
  /** Responses sampled by the run so far, this step's included (TRL's episode). */
  episode: number;
  /** Responses sampled per second since the run started (TRL's eps, a whole number). */
  eps: number;
} & Omit<UpdateStats, 'updates'> & PhaseTimes & Partial<GoldFigures>;

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i] as number;
  return xs.length ? s / xs.length : 0;
}

/**
 * The rollout-side metrics from per-response figures (each [B]); `logprobPerResponse` is the summed
 * log-prob of each sampled response (its negation is TRL's entropy estimate).
 */
export function rolloutMetrics(parts: ScoreParts, klPerResponse: Float32Array, entropyPerResponse: Float32Array, logprobPerResponse: Float32Array, nonScorePerResponse: Float32Array, lengths: readonly number[], eosTokens: number, klCoef: number) {
  const scores = mean(parts.total);
  const nonScore = mean(nonScorePerResponse);
  return {
    'objective/scores': scores,
    'objective/kl': mean(klPerResponse),
    'objective/kl_coef': klCoef,
    'objective/entropy': -mean(logprobPerResponse),
    'objective/entropy_exact': mean(entropyPerResponse),
    'objective/non_score_reward': nonScore,
    'objective/rlhf_reward': scores + nonScore,
    'objective/base_score': mean(parts.base),
    'objective/length_penalty': mean(parts.length),
    'objective/correctness': mean(parts.correctness),
    'objective/missing_eos_penalty': mean(parts.missingEos),
    'objective/no_answer_penalty': mean(parts.noAnswer),
    'val/num_eos_tokens': eosTokens,
    'tokens/responses_len_mean': mean(lengths),
  };
}

/** The first named array holding a NaN or an infinity, or undefined when all are finite. */
export function firstNonFinite(named: Record<string, ArrayLike<number> | undefined>): string | undefined {
  for (const [name, xs] of Object.entries(named)) {
    if (!xs) continue;
    for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i] as number)) return name;
  }
  return undefined;
}
