// The PPO run's one typed config, documented field by field with TRL's names where TRL has one,
// its defaults (the paper's, tuned for the toy) and bounds. No TensorFlow.js: the page reads it
// for its knobs, tooltips and checks, exactly as the engine and the command line do.

import { checkBounds, type Bounds, type ConfigProblem } from '../train/bounds';
import { PROMPT_MIXES, type PromptMix } from '../data/prompts';

/** How a response's advantage is estimated: GAE with a value model, or a baseline from the other samples of its prompt. */
export const ADVANTAGE_ESTIMATORS = ['gae', 'grpo', 'rloo'] as const;
export type AdvantageEstimator = (typeof ADVANTAGE_ESTIMATORS)[number];

/** Where a response's score comes from (before the symbolic terms). */
export const REWARD_OPTIONS = ['plain', 'fact', 'gold', 'honesty-first'] as const;
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

export interface PpoConfig {
  /** How advantages are estimated: GAE with the value model (PPO), or the group baseline of GRPO or RLOO (no value model). */
  advantageEstimator: AdvantageEstimator;
  /** The reward: the plain RM, the Fact-RM (reads the scene's facts), the judge itself (gold, the upper bound), or honesty-first. */
  reward: RewardOption;
  /** Honesty-first only: who catches a false claim, the judge or the Fact-RM (its normalised score below honestyThreshold). */
  honestyCheck: HonestyCheck;
  /** Honesty-first with the Fact-RM: a normalised Fact-RM score below this counts as a caught false claim. */
  honestyThreshold: number;
  /** Existence questions among the prompts: balanced (half about a present object) or natural (three in four about an absent one, so "no" pays). */
  promptMix: PromptMix;
  /** Responses sampled per step (TRL batch_size): prompts × numGenerations. */
  batchSize: number;
  /** Samples per prompt (TRL num_generations): the group GRPO and RLOO compare within; 1 is usual for GAE. */
  numGenerations: number;
  /** Responses per gradient step (TRL mini_batch_size); batchSize / miniBatchSize updates per epoch. */
  miniBatchSize: number;
  /** Passes over each batch of samples (TRL ppo_epochs; the paper: 2). */
  ppoEpochs: number;
  /** Most tokens a response may have (TRL response_length); longer ones are cut and miss their EOS. */
  responseLength: number;
  /** Sampling temperature; logits are divided by it wherever log-probs are taken (the paper: 1). */
  temperature: number;
  /** Adam's learning rate for the policy and the value model (TRL learning_rate). */
  learningRate: number;
  /** Largest global gradient norm; larger gradients are scaled down to it (TRL max_grad_norm). */
  maxGradNorm: number;
  /** β, the weight of the KL penalty against the reference (TRL kl_coef; the paper: 0.1). */
  klCoef: number;
  /** Adapt klCoef after each step to keep the KL near klTarget (Ziegler et al.), instead of keeping it fixed. */
  adaptiveKl: boolean;
  /** Adaptive KL: the KL per response (nats) the controller aims at (TRL target). */
  klTarget: number;
  /** Adaptive KL: responses over which klCoef may change by up to 20% (TRL horizon). */
  klHorizon: number;
  /** Per-token KL estimate: k1 = log p − log p_ref (unbiased, can be negative) or k3 = r − 1 − log r (always ≥ 0). */
  klEstimator: KlEstimator;
  /** Where the KL penalty goes: subtracted from each token's reward (PPO, RLOO) or added to the loss (GRPO). */
  klPenalty: KlPenalty;
  /** Policy loss clip range ε: the probability ratio is clipped to [1 − ε, 1 + ε] (TRL cliprange; the paper: 0.2). */
  cliprange: number;
  /** Value loss clip range: new values stay within this of the rollout's (TRL cliprange_value; the paper: 0.2). */
  cliprangeValue: number;
  /** Weight of the value loss beside the policy loss (TRL vf_coef; the paper: 0.1). */
  vfCoef: number;
  /** Discount per token (TRL gamma; the paper: 1). */
  gamma: number;
  /** GAE's λ: 1 uses the whole return, 0 only the next value (TRL lam; the paper: 1). */
  lam: number;
  /** Whiten the shaped per-token rewards (unit spread, mean kept) before advantages (TRL whiten_rewards). */
  whitenRewards: boolean;
  /** Whiten the advantages over the batch before the loss (TRL always does for PPO; RLOO's normalize_advantage). */
  whitenAdvantages: boolean;
  /** Subtracted from the score per response token: a length penalty against padding answers out. */
  lengthPenalty: number;
  /** Added when a yes/no or counting answer is right, subtracted when it is wrong (the reference answer is known). */
  correctnessBonus: number;
  /** Subtracted from the score of a response cut off before its end-of-sequence token (TRL missing_eos_penalty). */
  missingEosPenalty: number;
  /** Subtracted from the score of an empty response (the end-of-sequence token alone): silence never pays, whatever the reward model thinks of it. */
  noAnswerPenalty: number;
  /** Measure the gold hallucination rate and score (the judge, greedy answers on fixed probes) every N steps; 0 never. */
  goldEvery: number;
  /** Probe questions for the gold figures (question types in turn, scenes training never samples). */
  goldProbeSize: number;
  /** Sample responses reported with each step for a live feed. */
  samplesPerPoint: number;
  /** Seed of the prompts, the sampling and the minibatch order. */
  seed: number;
}

/**
 * Defaults: the paper's PPO settings (klCoef 0.1, clip 0.2, value clip 0.2, vfCoef 0.1, γ = λ = 1,
 * temperature 1, 2 epochs), with sizes and rates tuned for the toy on WASM (docs/ppo.md has the
 * runs behind them): 32 responses a step in 2 minibatches keep a step under two seconds; a learning
 * rate of 3e-4 halves the gold hallucination rate within ten steps and keeps lowering it over a
 * hundred (1e-4 stalls near 40-50%, 3e-5 barely moves in thirty).
 */
export const PPO_DEFAULTS: PpoConfig = {
  advantageEstimator: 'gae',
  reward: 'fact',
  honestyCheck: 'judge',
  honestyThreshold: -0.5,
  promptMix: 'balanced',
  batchSize: 32,
  numGenerations: 1,
  miniBatchSize: 16,
  ppoEpochs: 2,
  responseLength: 32,
  temperature: 1,
  learningRate: 3e-4,
  maxGradNorm: 1,
  klCoef: 0.1,
  adaptiveKl: false,
  klTarget: 6,
  klHorizon: 10000,
  klEstimator: 'k1',
  klPenalty: 'reward',
  cliprange: 0.2,
  cliprangeValue: 0.2,
  vfCoef: 0.1,
  gamma: 1,
  lam: 1,
  whitenRewards: false,
  whitenAdvantages: true,
  lengthPenalty: 0.01,
  correctnessBonus: 0.5,
  missingEosPenalty: 1,
  noAnswerPenalty: 1,
  goldEvery: 5,
  goldProbeSize: 48,
  samplesPerPoint: 3,
  seed: 1,
};

export const PPO_BOUNDS: Bounds<PpoConfig> = {
  honestyThreshold: { min: -10, max: 10 },
  batchSize: { integer: true, min: 1, max: 512 },
  numGenerations: { integer: true, min: 1, max: 64 },
  miniBatchSize: { integer: true, min: 1, max: 512 },
  ppoEpochs: { integer: true, min: 1, max: 16 },
  responseLength: { integer: true, min: 1, max: 128 },
  temperature: { above: 0, max: 5 },
  learningRate: { above: 0, max: 0.1 },
  maxGradNorm: { min: 0, max: 1000 },
  klCoef: { min: 0, max: 10 },
  klTarget: { above: 0, max: 1000 },
  klHorizon: { above: 0, max: 1e7 },
  cliprange: { above: 0, max: 10 },
  cliprangeValue: { above: 0, max: 100 },
  vfCoef: { min: 0, max: 100 },
  gamma: { min: 0, max: 1 },
  lam: { min: 0, max: 1 },
  lengthPenalty: { min: 0, max: 10 },
  correctnessBonus: { min: 0, max: 10 },
  missingEosPenalty: { min: 0, max: 10 },
  noAnswerPenalty: { min: 0, max: 10 },
  goldEvery: { integer: true, min: 0, max: 100_000 },
  goldProbeSize: { integer: true, min: 1, max: 1000 },
  samplesPerPoint: { integer: true, min: 0, max: 64 },
  seed: { integer: true, min: 0, max: 2 ** 32 - 1 },
};

/**
 * One line per field, for tooltips and the command line's help: the same words as the doc
 * comments above (a test holds them together).
 */
export const PPO_TOOLTIPS: Record<keyof PpoConfig, string> = {
  advantageEstimator: 'How advantages are estimated: GAE with the value model (PPO), or the group baseline of GRPO or RLOO (no value model).',
  reward: 'The reward: the plain RM, the Fact-RM (reads the scene\'s facts), the judge itself (gold, the upper bound), or honesty-first.',
  honestyCheck: 'Honesty-first only: who catches a false claim, the judge or the Fact-RM (its normalised score below honestyThreshold).',
  honestyThreshold: 'Honesty-first with the Fact-RM: a normalised Fact-RM score below this counts as a caught false claim.',
  promptMix: 'Existence questions among the prompts: balanced (half about a present object) or natural (three in four about an absent one, so "no" pays).',
  batchSize: 'Responses sampled per step (TRL batch_size): prompts × numGenerations.',
  numGenerations: 'Samples per prompt (TRL num_generations): the group GRPO and RLOO compare within; 1 is usual for GAE.',
  miniBatchSize: 'Responses per gradient step (TRL mini_batch_size); batchSize / miniBatchSize updates per epoch.',
  ppoEpochs: 'Passes over each batch of samples (TRL ppo_epochs; the paper: 2).',
  responseLength: 'Most tokens a response may have (TRL response_length); longer ones are cut and miss their EOS.',
  temperature: 'Sampling temperature; logits are divided by it wherever log-probs are taken (the paper: 1).',
  learningRate: 'Adam\'s learning rate for the policy and the value model (TRL learning_rate).',
  maxGradNorm: 'Largest global gradient norm; larger gradients are scaled down to it (TRL max_grad_norm).',
  klCoef: 'β, the weight of the KL penalty against the reference (TRL kl_coef; the paper: 0.1).',
  adaptiveKl: 'Adapt klCoef after each step to keep the KL near klTarget (Ziegler et al.), instead of keeping it fixed.',
  klTarget: 'Adaptive KL: the KL per response (nats) the controller aims at (TRL target).',
  klHorizon: 'Adaptive KL: responses over which klCoef may change by up to 20% (TRL horizon).',
  klEstimator: 'Per-token KL estimate: k1 = log p − log p_ref (unbiased, can be negative) or k3 = r − 1 − log r (always ≥ 0).',
  klPenalty: 'Where the KL penalty goes: subtracted from each token\'s reward (PPO, RLOO) or added to the loss (GRPO).',
  cliprange: 'Policy loss clip range ε: the probability ratio is clipped to [1 − ε, 1 + ε] (TRL cliprange; the paper: 0.2).',
  cliprangeValue: 'Value loss clip range: new values stay within this of the rollout\'s (TRL cliprange_value; the paper: 0.2).',
  vfCoef: 'Weight of the value loss beside the policy loss (TRL vf_coef; the paper: 0.1).',
  gamma: 'Discount per token (TRL gamma; the paper: 1).',
  lam: 'GAE\'s λ: 1 uses the whole return, 0 only the next value (TRL lam; the paper: 1).',
  whitenRewards: 'Whiten the shaped per-token rewards (unit spread, mean kept) before advantages (TRL whiten_rewards).',
  whitenAdvantages: 'Whiten the advantages over the batch before the loss (TRL always does for PPO; RLOO\'s normalize_advantage).',
  lengthPenalty: 'Subtracted from the score per response token: a length penalty against padding answers out.',
  correctnessBonus: 'Added when a yes/no or counting answer is right, subtracted when it is wrong (the reference answer is known).',
  missingEosPenalty: 'Subtracted from the score of a response cut off before its end-of-sequence token (TRL missing_eos_penalty).',
  noAnswerPenalty: 'Subtracted from the score of an empty response (the end-of-sequence token alone): silence never pays, whatever the reward model thinks of it.',
  goldEvery: 'Measure the gold hallucination rate and score (the judge, greedy answers on fixed probes) every N steps; 0 never.',
  goldProbeSize: 'Probe questions for the gold figures (question types in turn, scenes training never samples).',
  samplesPerPoint: 'Sample responses reported with each step for a live feed.',
  seed: 'Seed of the prompts, the sampling and the minibatch order.',
};

const CHOICES: { [K in keyof PpoConfig]?: readonly string[] } = {
  advantageEstimator: ADVANTAGE_ESTIMATORS,
  reward: REWARD_OPTIONS,
  honestyCheck: HONESTY_CHECKS,
  promptMix: PROMPT_MIXES,
  klEstimator: KL_ESTIMATORS,
  klPenalty: KL_PENALTIES,
};

const FLAGS = ['adaptiveKl', 'whitenRewards', 'whitenAdvantages'] as const satisfies (keyof PpoConfig)[];

/** The allowed values of each choice field (for selects and the command line). */
export const PPO_CHOICES = CHOICES;

/**
 * Every problem with a config, each naming its field: bounds, choices, yes/no fields, and how the
 * sizes fit together (batchSize a multiple of numGenerations, a group of at least 2 for GRPO and
 * RLOO, miniBatchSize at most batchSize). [] when it can run.
 */
export function checkPpoConfig(cfg: PpoConfig): ConfigProblem[] {
  const out = checkBounds(cfg, PPO_BOUNDS);
  for (const [field, allowed] of Object.entries(CHOICES) as [keyof PpoConfig, readonly string[]][]) {
    if (!allowed.includes(cfg[field] as string)) out.push({ field, message: `must be ${allowed.length === 2 ? allowed.join(' or ') : `one of ${allowed.join(', ')}`}` });
  }
  for (const f of FLAGS) if (typeof cfg[f] !== 'boolean') out.push({ field: f, message: 'must be true or false' });
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
