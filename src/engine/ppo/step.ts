// One PPO step, read top to bottom as docs/design.md lists it: sample, log-probs and values, score,
// shape the rewards, (whiten), advantages, then epochs of minibatch updates; the KL controller
// moves last. Each stage is a small named function; a non-finite quantity stops the step unapplied.
import type { Rng } from '../world/rng';
import type { Perception } from '../world/render';
import type { PromptStream } from '../data/prompts';
import { judgeSpec, type Verdict } from '../judge/judge';
import { judgedWith, type JudgedAnswer } from '../judge/judged';
import { answerSentences } from '../prefs/mark';
import { disposeBatch } from '../model/batch';
import { disposeCheckpoint, type Trainer } from '../train/trainer';
import type { PpoConfig } from './config';
import { computeAdvantages, type AdvantageResult } from './advantages';
import { answerCorrectness } from './correctness';
import { forwardRollout, type RolloutForward } from './forward';
import { nextKlCoef, perTokenKl } from './kl';
import { firstNonFinite, rolloutMetrics, type PhaseTimes, type PpoMetrics } from './metrics';
import { normaliseScores, rolloutRmScores, type RewardRole } from './rm-score';
import { lastTokenScores, rowSums, scoreParts, shapeRewards, type ScoreParts } from './reward-shaping';
import { densePlacements, placedSums, type SentencePlacement } from './dense-reward';
import type { PpoRoles } from './roles';
import { packRollout, sampleRollout, type Rollout } from './rollout';
import { baseScores } from './judge-reward';
import { ppoUpdate } from './update';
import { whiten } from './whiten';

/** Everything a step reads and the little it changes (the models' weights, the trainer, klCoef, the generators). */
export interface PpoStepContext {
  roles: PpoRoles;
  cfg: PpoConfig;
  /** Over the policy's trainable variables and the value model's. */
  trainer: Trainer;
  prompts: PromptStream;
  /** Seeds of the sampler and the minibatch order. */
  rng: Rng;
  klCoef: number;
  perception: Perception;
  /** Sample fixed-length responses (timing only). */
  ignoreEos?: boolean;
  /** Called as each timed phase ends, with its name (a profiler splits the step's kernels by phase here). */
  onPhase?: (phase: keyof PhaseTimes) => void;
}

/** One response of the step, for a live feed. */
export interface PpoSample {
  scene: Rollout['prompts'][number]['scene'];
  noiseSeed: number;
  question: string;
  type: Rollout['prompts'][number]['type'];
  response: string;
  /** The response's score with its symbolic terms (what the last token was rewarded; dense: its sentence rewards summed in). */
  score: number;
  /** The answer as the judge read it when the step was scored: its verdict and its sentences. */
  judged: JudgedAnswer;
  /** Dense only: the reward of each of judged.sentences, in their order (a repeated sentence's is 0). */
  sentenceRewards?: number[];
}

export interface PpoStepResult {
  /** False when a quantity was not finite: the weights are as before the step. */
  applied: boolean;
  /** With applied false: the quantity that went bad ("objective/scores", "loss/value_avg", ...). */
  nonFinite?: string;
  /** Complete when applied; the rollout's part only when not. */
  metrics: Partial<PpoMetrics>;
  samples: PpoSample[];
}

/** Stage 1: prompts for the step and the policy's responses to them. */
async function rolloutStage(s: PpoStepContext): Promise<Rollout> {
  const { cfg } = s;
  return sampleRollout(s.roles.policy, s.prompts.take(cfg.batchSize / cfg.numGenerations), {
    numGenerations: cfg.numGenerations, responseLength: cfg.responseLength, temperature: cfg.temperature,
    seed: s.rng.int(2 ** 31), perception: s.perception, ignoreEos: s.ignoreEos ?? false,
  });
}

/** Stage 2: log-probs under the reference, and values (the policy's log-probs came with the rollout). */
async function forwardStage(s: PpoStepContext, ro: Rollout): Promise<RolloutForward> {
  const batch = packRollout(s.roles.policy, ro);
  try {
    return await forwardRollout(s.roles.reference, s.roles.value, batch, s.cfg.temperature);
  } finally {
    disposeBatch(batch);
  }
}

/** The RM's normalised scores of the rollout, or undefined without one. */
async function rmZ(role: RewardRole | undefined, ro: Rollout): Promise<Float32Array | undefined> {
  return role ? normaliseScores(await rolloutRmScores(role, ro), role.norm) : undefined;
}

/**
 * Stage 3: each response's score: the reward option's (or a custom one) plus the symbolic terms;
 * for the dense reward the base is its sentence rewards, placed at the sentences' ends.
 */
async function scoreStage(s: PpoStepContext, ro: Rollout, verdicts: Verdict[]): Promise<ScoreParts> {
  const { cfg, roles } = s;
  let base: Float32Array;
  let placed: SentencePlacement[] | undefined;
  if (roles.customReward) base = Float32Array.from(roles.customReward(ro.texts.map((response, index) => ({ question: ro.prompts[index]!.question, response, tokens: ro.responses[index]!, index }))));
  else if (cfg.reward === 'dense') {
    if (!roles.sentenceRm) throw new Error('ppo: the dense reward needs a sentence reward model (train-rm --dense) in roles.sentenceRm');
    placed = await densePlacements(roles.sentenceRm, ro, cfg);
    base = placedSums(placed);
  } else {
    const needsRm = cfg.reward !== 'gold';
    const help = needsRm ? await rmZ(roles.rm, ro) : undefined;
    const honesty = cfg.reward === 'honesty-first' && cfg.honestyCheck === 'fact-rm' ? await rmZ(roles.honestyRm ?? roles.rm, ro) : undefined;
    base = baseScores(cfg, verdicts, help, honesty);
  }
  const correct = ro.prompts.map((p, i) => answerCorrectness(p.asked.spec, verdicts[i] as Verdict));
  return scoreParts(base, ro.responses.map((x) => x.length), correct, ro.finished, cfg, placed);
}

/** Stages 4-6: shaped per-token rewards (KL in the reward or not), optional whitening, advantages. */
function advantageStage(s: PpoStepContext, ro: Rollout, fwd: RolloutForward, parts: ScoreParts) {
  const { cfg } = s;
  const kl = perTokenKl(ro.logprobs, fwd.refLogprobs, ro.mask, cfg.klEstimator); // [B·R]
  const shaped = shapeRewards(lastTokenScores(parts), kl, ro.mask, ro.responses.map((x) => x.length), ro.r, s.klCoef, cfg.klPenalty === 'reward', parts.placed);
  const rewards = cfg.whitenRewards ? whiten(shaped.rewards, ro.mask, false) : shaped.rewards;
  const adv: AdvantageResult = computeAdvantages(rewards, ro.mask, fwd.values, ro.b, ro.r, cfg);
  return { kl, nonScore: shaped.nonScore, rewards, adv };
}

/** Runs one step; changes the policy and value model (unless a quantity goes bad), the trainer, s.klCoef and the generators. */
export async function ppoStep(s: PpoStepContext): Promise<PpoStepResult> {
  const times: Partial<PhaseTimes> = {};
  let t0 = performance.now();
  const start = t0;
  const lap = (k: keyof PhaseTimes) => {
    const now = performance.now();
    times[k] = (now - t0) / 1000;
    t0 = now;
    s.onPhase?.(k);
  };
  const ro = await rolloutStage(s);
  lap('time/ppo/rollout');
  const fwd = await forwardStage(s, ro);
  lap('time/ppo/forward_pass');
  const verdicts = ro.prompts.map((p, i) => judgeSpec(p.scene, p.asked.spec, ro.texts[i] as string));
  const parts = await scoreStage(s, ro, verdicts);
  lap('time/ppo/compute_rewards');
  const { kl, nonScore, rewards, adv } = advantageStage(s, ro, fwd, parts);
  lap('time/ppo/compute_advantages');

  const lengths = ro.responses.map((x) => x.length);
  const eos = ro.responses.reduce((n, x) => n + x.filter((t) => t === s.roles.policy.config.eosId).length, 0);
  const rolled = rolloutMetrics(parts, rowSums(kl, ro.b, ro.r), rowSums(ro.entropy, ro.b, ro.r), rowSums(ro.logprobs, ro.b, ro.r), rowSums(nonScore, ro.b, ro.r), lengths, eos, s.klCoef);
  const samples = feedSamples(ro, parts, verdicts, s.cfg.samplesPerPoint, s.cfg.numGenerations);
  const bad = firstNonFinite({
    'policy/logprobs': ro.logprobs, 'ref/logprobs': fwd.refLogprobs, 'objective/entropy_exact': ro.entropy, 'val/values': fwd.values,
    'objective/scores': parts.total, rewards, advantages: adv.advantages, returns: adv.returns,
  });
  if (bad) return { applied: false, nonFinite: bad, metrics: { ...rolled, ...times }, samples };

  // Each minibatch's update is checked before it is applied; a bad one after good ones undoes
  // those: the weights, Adam's moments and beta powers, and the step count go back to this
  // checkpoint (a copy of them all), taken only when there are updates to undo.
  const saved = s.cfg.ppoEpochs * Math.ceil(ro.b / s.cfg.miniBatchSize) > 1 ? s.trainer.checkpoint() : null;
  const lr = s.trainer.config.lr;
  try {
    const upd = await ppoUpdate(s.roles, s.trainer, {
      rollout: ro, oldLogprobs: ro.logprobs, refLogprobs: fwd.refLogprobs, advantages: adv.advantages,
      ...(fwd.values && adv.returns ? { oldValues: fwd.values, returns: adv.returns } : {}),
    }, s.cfg, s.klCoef, s.rng);
    lap('time/ppo/optimize_step');
    if (!upd.ok) {
      // Keep the last good state: undo this step's earlier minibatch updates too.
      if (saved) s.trainer.restore(saved);
      s.roles.policy.bumpGeneration();
      return { applied: false, nonFinite: upd.nonFinite, metrics: { ...rolled, ...times }, samples };
    }
    const { updates: _updates, ...stats } = upd.stats;
    times['time/ppo/total'] = (performance.now() - start) / 1000;
    const metrics = { ...rolled, ...stats, lr, ...times } as PpoMetrics;
    s.klCoef = nextKlCoef({ value: s.klCoef, adaptive: s.cfg.adaptiveKl, target: s.cfg.klTarget, horizon: s.cfg.klHorizon }, metrics['objective/kl'], ro.b);
    return { applied: true, metrics, samples };
  } finally {
    if (saved) disposeCheckpoint(saved);
  }
}

/** The first response of each of the first n prompts, for a live feed. */
function feedSamples(ro: Rollout, parts: ScoreParts, verdicts: readonly Verdict[], n: number, group: number): PpoSample[] {
  const out: PpoSample[] = [];
  for (let row = 0; row < ro.b && out.length < n; row += group) {
    const p = ro.prompts[row]!;
    const v = verdicts[row]!;
    const text = ro.texts[row] as string;
    const judged = judgedWith(text, v);
    const placed = parts.placed?.[row];
    out.push({
      scene: p.scene, noiseSeed: p.noiseSeed, question: p.question, type: p.type, response: text, score: parts.total[row] as number, judged,
      ...(placed ? { sentenceRewards: alignedRewards(judged, text, placed) } : {}),
    });
  }
  return out;
}

/**
 * A dense response's sentence rewards, one per sentence the judge split: both splits are the
 * parser's (answerSentences and judgedWith), so they match one for one; should they ever differ,
 * each judged sentence takes the reward of the same text at the same place, else 0.
 */
function alignedRewards(judged: JudgedAnswer, text: string, placed: SentencePlacement): number[] {
  const mine = answerSentences(text);
  return judged.sentences.map((s, k) => (mine[k] === s.text ? (placed.values[k] ?? 0) : 0));
}
