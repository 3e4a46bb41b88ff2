// The paper's four roles: the policy (trained), a frozen reference copy of it (for the KL), the
// reward model, and the value model, initialised from the reward model with its value head set to
// the score head in normalised units, so its first values are the RM's normalised score of the prefix.
// The dense reward reads a sentence reward model instead, whose head means a per-sentence logit: its
// value model starts from the policy.
import * as tf from '@tensorflow/tfjs-core';
import type { VlmModel } from '../model/model';
import type { RewardRole, SentenceRole } from './rm-score';

/** Scores the rows of a rollout in place of the reward option (tests, custom rewards); may return NaN (the safety net stops the step). */
export type CustomReward = (rows: { question: string; response: string; tokens: readonly number[]; index: number }[]) => ArrayLike<number>;

export interface PpoRoles {
  /** Trained in place. */
  policy: VlmModel;
  /** Frozen: log-probs only. */
  reference: VlmModel;
  /** The reward model (absent for the gold reward). */
  rm?: RewardRole;
  /** For honesty-first with the Fact-RM check, when the helpfulness RM is not itself a Fact-RM. */
  honestyRm?: RewardRole;
  /** The sentence reward model (train-rm --dense) the dense reward reads, and only it. */
  sentenceRm?: SentenceRole;
  /** Trained in place (GAE only). */
  value?: VlmModel;
  /** Replaces the reward option's base score when given. */
  customReward?: CustomReward;
}

/**
 * Sets the value head to the score head in normalised units: w/σ and (b − μ)/σ, so the value head's
 * output is the score head's normalised by the RM's mean μ and spread σ. Changes `value` in place.
 */
export function initValueFromScore(value: VlmModel, norm: { mean: number; std: number }): void {
  value.initValueHeadFromScoreHead();
  const w = value.params.get<tf.Variable>('head/value/w');
  const b = value.params.get<tf.Variable>('head/value/b');
  tf.tidy(() => {
    w.assign(tf.div(w, norm.std));
    b.assign(tf.div(tf.sub(b, norm.mean), norm.std));
  });
}

/**
 * The roles of a run around the caller's policy and RM: a frozen reference cloned from the policy,
 * and (when `withValue`) a value model cloned from the RM (from the policy when there is none, or
 * when a sentence reward model is given: its head scores sentences, not the answer so far).
 * The caller keeps the policy and RMs; the reference and value model are the run's, freed by
 * disposeRunRoles.
 */
export function createPpoRoles(policy: VlmModel, rm: RewardRole | undefined, withValue: boolean, extra: Pick<PpoRoles, 'honestyRm' | 'customReward' | 'sentenceRm'> = {}): PpoRoles {
  const reference = policy.clone();
  reference.vision.setFrozen(true);
  const roles: PpoRoles = { policy, reference, ...extra };
  if (rm) roles.rm = rm;
  if (withValue) {
    const from = extra.sentenceRm ? undefined : rm;
    const value = (from?.model ?? policy).clone({ scoreReadout: 'last' });
    value.vision.setFrozen(true);
    if (from) initValueFromScore(value, from.norm);
    roles.value = value;
  }
  return roles;
}

/** Frees what createPpoRoles made (the reference and the value model), not the caller's models. */
export function disposeRunRoles(roles: PpoRoles): void {
  roles.reference.dispose();
  roles.value?.dispose();
}
