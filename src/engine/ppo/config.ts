// The PPO run's one config, as one table (train/fields.ts): each field's default (the paper's
// settings, with sizes and rates tuned for the toy), bounds or choices, label on the page, one line
// of help and TRL's name where TRL has one; the type, the defaults and the check come from it. No
// TensorFlow.js: the page reads it for its knobs, tooltips and checks, as the engine and the
// command line do.
//
// The defaults are the paper's PPO settings (klCoef 0.1, clip 0.2, value clip 0.2, vfCoef 0.1,
// γ = λ = 1, temperature 1, 2 epochs), with sizes and rates tuned for the toy on WASM (docs/ppo.md
// has the runs behind them): 32 responses a step in 2 minibatches keep a step under two seconds; a
// learning rate of 3e-4 halves the gold hallucination rate within ten steps and keeps lowering it
// over a hundred (1e-4 stalls near 40-50%, 3e-5 barely moves in thirty).

import * as v from 'valibot';
import type { ConfigProblem } from '../train/bounds';
import { choice, defaultsOf, fieldsOf, flag, num, problemsOf } from '../train/fields';
import { PROMPT_MIXES } from '../data/prompts';

/** How a response's advantage is estimated: GAE with a value model, or a baseline from the other samples of its prompt. */
export const ADVANTAGE_ESTIMATORS = ['gae', 'grpo', 'rloo'] as const;
export type AdvantageEstimator = (typeof ADVANTAGE_ESTIMATORS)[number];

/**
 * Where a response's score comes from (before the symbolic terms). All but dense score the whole
 * answer once, at its last token; dense rewards each sentence at its end (dense-reward.ts).
 */
export const REWARD_OPTIONS = ['plain', 'fact', 'gold', 'honesty-first', 'dense'] as const;

/** How the dense reward turns a sentence's logit into a reward: a cost for false sentences only, or signed (true ones paid too). */
export const SENTENCE_REWARDS = ['penalty', 'signed'] as const;
export type SentenceRewardShape = (typeof SENTENCE_REWARDS)[number];
export type RewardOption = (typeof REWARD_OPTIONS)[number];

/** Who catches a false claim for the honesty-first reward. */
export const HONESTY_CHECKS = ['judge', 'fact-rm'] as const;
export type HonestyCheck = (typeof HONESTY_CHECKS)[number];

/** The per-token KL estimators (Schulman's k1 and k3). */
export const KL_ESTIMATORS = ['k1', 'k3'] as const;
export type KlEstimator = (typeof KL_ESTIMATORS)[number];

/** Where the KL penalty goes: into each token's reward, or into the loss as its own term (GRPO's). */
export const KL_PENALTIES = ['reward', 'loss'] as const;
export type KlPenalty = (typeof KL_PENALTIES)[number];

const share = (def: number, help: string, more: { trl?: string; paper?: number } = {}) => num(def, { min: 0, max: 1 }, { help, ...more });
const penalty = (def: number, label: string | undefined, help: string, trl?: string) => num(def, { min: 0, max: 10 }, { ...(label ? { label } : {}), help, ...(trl ? { trl } : {}) });

export const PPO_TABLE = v.object({
  advantageEstimator: choice(ADVANTAGE_ESTIMATORS, 'gae', { label: 'Advantages', help: 'How advantages are estimated: GAE with the value model (PPO), or the group baseline of GRPO or RLOO (no value model).' }),
  reward: choice(REWARD_OPTIONS, 'fact', { label: 'Reward', help: 'The reward: the plain RM, the Fact-RM (reads the scene\'s facts), the judge itself (gold, the upper bound), honesty-first, or dense: the sentence Fact-RM\'s reward at every sentence\'s end (a sentence repeated word for word earns nothing).' }),
  honestyCheck: choice(HONESTY_CHECKS, 'judge', { help: 'Honesty-first only: who catches a false claim, the judge or the Fact-RM (its normalised score below honestyThreshold).' }),
  honestyThreshold: num(-0.5, { min: -10, max: 10 }, { help: 'Honesty-first with the Fact-RM: a normalised Fact-RM score below this counts as a caught false claim.' }),
  sentenceRewardWeight: num(1, { min: 0, max: 10 }, { help: 'Dense only: the weight w of each sentence\'s reward at its end (see sentenceReward); a repeated sentence earns 0.' }),
  sentenceReward: choice(SENTENCE_REWARDS, 'penalty', { label: 'Sentence reward', help: 'Dense only: penalty, w · min(0, 2σ(s) − 1), costs a sentence the model reads as false and pays nothing for a true one, so extra sentences never pay; signed, w · (2σ(s) − 1), pays for true ones too, and a policy learns to pad its answers with cheap true sentences ("it is day .") and "i am not sure .".' }),
  promptMix: choice(PROMPT_MIXES, 'balanced', { label: 'Prompt mix', help: 'Existence questions among the prompts: balanced (half about a present object) or natural (three in four about an absent one, so "no" pays).' }),
  batchSize: num(32, { integer: true, min: 1, max: 512 }, { help: 'Responses sampled per step: prompts × numGenerations.', trl: 'batch_size' }),
  numGenerations: num(1, { integer: true, min: 1, max: 64 }, { help: 'Samples per prompt: the group GRPO and RLOO compare within; 1 is usual for GAE.', trl: 'num_generations' }),
  miniBatchSize: num(16, { integer: true, min: 1, max: 512 }, { help: 'Responses per gradient step; batchSize / miniBatchSize updates per epoch.', trl: 'mini_batch_size' }),
  ppoEpochs: num(2, { integer: true, min: 1, max: 16 }, { help: 'Passes over each batch of samples.', trl: 'ppo_epochs', paper: 2 }),
  responseLength: num(32, { integer: true, min: 1, max: 128 }, { help: 'Most tokens a response may have; longer ones are cut and miss their EOS.', trl: 'response_length' }),
  temperature: num(1, { above: 0, max: 5 }, { help: 'Sampling temperature; logits are divided by it wherever log-probs are taken.', paper: 1 }),
  learningRate: num(3e-4, { above: 0, max: 0.1 }, { label: 'Learning rate', help: 'Adam\'s learning rate for the policy and the value model.', trl: 'learning_rate' }),
  maxGradNorm: num(1, { min: 0, max: 1000 }, { help: 'Largest global gradient norm; larger gradients are scaled down to it.', trl: 'max_grad_norm' }),
  klCoef: num(0.1, { min: 0, max: 10 }, { label: 'KL coef β', help: 'β, the weight of the KL penalty against the reference.', trl: 'kl_coef', paper: 0.1 }),
  adaptiveKl: flag(false, { help: 'Adapt klCoef after each step to keep the KL near klTarget (Ziegler et al.), instead of keeping it fixed.' }),
  klTarget: num(6, { above: 0, max: 1000 }, { help: 'Adaptive KL: the KL per response (nats) the controller aims at.', trl: 'target' }),
  klHorizon: num(10000, { above: 0, max: 1e7 }, { help: 'Adaptive KL: responses over which klCoef may change by up to 20%.', trl: 'horizon' }),
  klEstimator: choice(KL_ESTIMATORS, 'k1', { help: 'Per-token KL estimate: k1 = log p − log p_ref (unbiased, can be negative) or k3 = r − 1 − log r (always ≥ 0).' }),
  klPenalty: choice(KL_PENALTIES, 'reward', { help: 'Where the KL penalty goes: subtracted from each token\'s reward (PPO, RLOO) or added to the loss (GRPO).' }),
  cliprange: num(0.2, { above: 0, max: 10 }, { help: 'Policy loss clip range ε: the probability ratio is clipped to [1 − ε, 1 + ε].', trl: 'cliprange', paper: 0.2 }),
  cliprangeValue: num(0.2, { above: 0, max: 100 }, { help: 'Value loss clip range: new values stay within this of the rollout\'s.', trl: 'cliprange_value', paper: 0.2 }),
  vfCoef: num(0.1, { min: 0, max: 100 }, { help: 'Weight of the value loss beside the policy loss.', trl: 'vf_coef', paper: 0.1 }),
  gamma: share(1, 'Discount per token.', { trl: 'gamma', paper: 1 }),
  lam: share(1, 'GAE\'s λ: 1 uses the whole return, 0 only the next value.', { trl: 'lam', paper: 1 }),
  whitenRewards: flag(false, { help: 'Whiten the shaped per-token rewards (unit spread, mean kept) before advantages.', trl: 'whiten_rewards' }),
  whitenAdvantages: flag(true, { help: 'Whiten the advantages over the batch before the loss (TRL always does for PPO; RLOO\'s normalize_advantage).' }),
  lengthPenalty: penalty(0.01, 'Length penalty', 'Subtracted from the score per response token: a length penalty against padding answers out.'),
  correctnessBonus: penalty(0.5, 'Correctness bonus', 'Added when a yes/no or counting answer is right, subtracted when it is wrong (the reference answer is known).'),
  missingEosPenalty: penalty(1, undefined, 'Subtracted from the score of a response cut off before its end-of-sequence token.', 'missing_eos_penalty'),
  noAnswerPenalty: penalty(1, undefined, 'Subtracted from the score of an empty response (the end-of-sequence token alone): silence never pays, whatever the reward model thinks of it.'),
  goldEvery: num(5, { integer: true, min: 0, max: 100_000 }, { help: 'Measure the gold hallucination rate and score (the judge, greedy answers on fixed probes) every N steps; 0 never.' }),
  goldProbeSize: num(48, { integer: true, min: 1, max: 1000 }, { help: 'Probe questions for the gold figures (question types in turn, scenes training never samples).' }),
  samplesPerPoint: num(3, { integer: true, min: 0, max: 64 }, { help: 'Sample responses reported with each step for a live feed.' }),
  seed: num(1, { integer: true, min: 0, max: 2 ** 32 - 1 }, { help: 'Seed of the prompts, the sampling and the minibatch order.' }),
});

export type PpoConfig = v.InferOutput<typeof PPO_TABLE>;

export const PPO_FIELDS = fieldsOf(PPO_TABLE);
export const PPO_DEFAULTS: PpoConfig = defaultsOf(PPO_TABLE);

/**
 * Every problem with a config, each naming its field: the table's (bounds, choices, yes/no), then,
 * when those are fine, how the sizes fit together (batchSize a multiple of numGenerations, a group
 * of at least 2 for GRPO and RLOO, miniBatchSize at most batchSize). [] when it can run.
 */
export function checkPpoConfig(cfg: PpoConfig): ConfigProblem[] {
  const out = problemsOf(PPO_TABLE, cfg);
  if (out.length) return out;
  if (cfg.batchSize % cfg.numGenerations !== 0) out.push({ field: 'batchSize', message: `must be a multiple of numGenerations (${cfg.numGenerations})` });
  if (cfg.advantageEstimator !== 'gae' && cfg.numGenerations < 2) out.push({ field: 'numGenerations', message: `must be at least 2 for ${cfg.advantageEstimator.toUpperCase()} (it compares the samples of one prompt)` });
  if (cfg.miniBatchSize > cfg.batchSize) out.push({ field: 'miniBatchSize', message: `must be at most batchSize (${cfg.batchSize})` });
  return out;
}

/** The defaults with `overrides` on top; throws an Error naming every bad field. */
export function resolvePpoConfig(overrides: Partial<PpoConfig> = {}): PpoConfig {
  const cfg: PpoConfig = { ...PPO_DEFAULTS, ...overrides };
  const problems = checkPpoConfig(cfg);
  if (problems.length) throw new Error(`ppo config: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  return cfg;
}

/** Whether the run trains a value model (GAE needs one; GRPO and RLOO do not). */
export function usesValueModel(cfg: Pick<PpoConfig, 'advantageEstimator'>): boolean {
  return cfg.advantageEstimator === 'gae';
}
