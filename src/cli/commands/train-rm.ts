// `train-rm`: trains a reward model (plain, or Fact-RM with --fact) from preference records,
// starting from the SFT policy; saves it and ends with one JSON line: held-out accuracy, probe
// accuracy, the pair counts and the annotator's ceiling.

import { intFlag, UsageError, type CommandSpec, type Flags } from '../args';
import { initNodeBackend } from '../backend-node';
import { loadModelDir, saveModelDir } from '../model-files';
import { labelCounts } from '../../engine/prefs/label';
import { annotatorCeiling } from '../../engine/reward/ceiling';
import { HEADLINE_PROBE, probeItems, probePerception, runProbes } from '../../engine/reward/probes';
import { REWARD_LOSS_DEFAULTS } from '../../engine/reward/loss';
import { createRewardModel, REWARD_RUN_DEFAULTS, rewardRunSteps, splitHeldOut, trainRewardModel, type RewardRunConfig } from '../../engine/reward/train-run';
import { policyVersionOf, readPrefsFile } from './label';
import { SCORE_READOUTS, type ScoreReadout } from '../../engine/model/config';

export const spec: CommandSpec = {
  name: 'train-rm',
  summary: 'Train a reward model (plain, or Fact-RM with --fact) from preference pairs and save it.',
  usage: 'train-rm --prefs FILE [--fact] --out DIR [--policy DIR] [--readout last|sum] [--epochs N] [--held-out SHARE]',
  flags: {
    prefs: { type: 'string', help: 'preference file (JSONL, as `label` writes it); bad lines are reported and skipped' },
    fact: { type: 'boolean', help: "Fact-RM: the scene's facts, sentences shuffled, go in front of the question" },
    out: { type: 'string', help: 'directory to save the reward model in' },
    policy: { type: 'string', help: 'SFT policy the trunk starts from', default: 'models/sft' },
    'held-out': { type: 'number', help: 'share of prompts held out for accuracy', default: 0.2 },
    epochs: { type: 'number', help: 'passes over the training pairs', default: REWARD_RUN_DEFAULTS.epochs },
    'min-steps': { type: 'number', help: 'at least this many steps, however few the pairs', default: REWARD_RUN_DEFAULTS.minSteps },
    batch: { type: 'number', help: 'pairs per step', default: REWARD_RUN_DEFAULTS.batchPairs },
    lr: { type: 'number', help: 'peak learning rate', default: REWARD_RUN_DEFAULTS.optim.lr },
    'tie-weight': { type: 'number', help: 'weight of a tie (pulls its two scores together) relative to a decided pair', default: REWARD_LOSS_DEFAULTS.tieWeight },
    'both-bad-weight': { type: 'number', help: 'weight of a both-bad pair (pushes both scores below 0) relative to a decided pair', default: REWARD_LOSS_DEFAULTS.bothBadWeight },
    readout: { type: 'string', help: `where the score is read: ${SCORE_READOUTS.join(' or ')} (last token, as the paper; or summed over the response tokens)`, default: 'last' },
    'head-only': { type: 'boolean', help: 'train the score head alone (the trunk stays as the policy left it)' },
    'probe-n': { type: 'number', help: 'probe items for probeAccuracy', default: 64 },
    seed: { type: 'number', help: 'seed of the split, the batch order and the augmentation', default: 1 },
    backend: { type: 'string', help: 'wasm or cpu', default: 'wasm' },
    quiet: { type: 'boolean', help: 'print only the final JSON line' },
  },
};

/** Reads --readout; throws a UsageError naming the command on an unknown value. */
export function readoutFlag(flags: Flags, command: string): ScoreReadout {
  const v = String(flags.readout);
  if (!(SCORE_READOUTS as readonly string[]).includes(v)) throw new UsageError(`${command}: --readout must be ${SCORE_READOUTS.join(' or ')}, got "${v}"`);
  return v as ScoreReadout;
}

export async function run(flags: Flags): Promise<number> {
  if (typeof flags.prefs !== 'string') throw new UsageError('train-rm: --prefs FILE is required');
  if (typeof flags.out !== 'string') throw new UsageError('train-rm: --out DIR is required');
  const share = Number(flags['held-out']);
  if (!(share > 0 && share < 1)) throw new UsageError('train-rm: --held-out must be between 0 and 1');
  const lr = Number(flags.lr);
  if (!(lr > 0)) throw new UsageError('train-rm: --lr must be > 0');
  const tieWeight = Number(flags['tie-weight']);
  const bothBadWeight = Number(flags['both-bad-weight']);
  if (!(tieWeight >= 0) || !(bothBadWeight >= 0)) throw new UsageError('train-rm: --tie-weight and --both-bad-weight must be ≥ 0');
  const fact = flags.fact === true;
  const seed = intFlag(flags, 'seed', 'train-rm');
  const readout = readoutFlag(flags, 'train-rm');
  const runCfg: Partial<RewardRunConfig> = {
    fact, seed,
    epochs: Number(flags.epochs), minSteps: intFlag(flags, 'min-steps', 'train-rm'), batchPairs: intFlag(flags, 'batch', 'train-rm'),
    trainTrunk: !flags['head-only'],
    loss: { ...REWARD_LOSS_DEFAULTS, tieWeight, bothBadWeight },
    optim: { ...REWARD_RUN_DEFAULTS.optim, lr },
  };
  if (!(runCfg.batchPairs! >= 1)) throw new UsageError('train-rm: --batch must be at least 1');
  const log = flags.quiet ? () => {} : (s: string) => console.error(s);

  const imported = readPrefsFile(flags.prefs);
  if (imported.problems.length) log(`train-rm: ${new Set(imported.problems.map((p) => p.line)).size} bad lines in ${flags.prefs} were skipped`);
  const records = imported.records;
  if (records.length === 0) throw new Error(`no usable preference pairs in ${flags.prefs}`);
  const { train, heldOut } = splitHeldOut(records, share, seed);

  await initNodeBackend(String(flags.backend));
  const policyDir = String(flags.policy);
  const { model: policy, manifest } = loadModelDir(policyDir);
  const policyVersion = policyVersionOf(policyDir, manifest);
  const versions = new Set(records.map((r) => r.policyVersion));
  if (!versions.has(policyVersion) || versions.size > 1) log(`train-rm: note: the pairs were sampled from ${[...versions].join(', ')}; the trunk starts from ${policyVersion}`);
  const rm = createRewardModel(policy, readout);
  policy.dispose();
  const steps = rewardRunSteps({ ...REWARD_RUN_DEFAULTS, ...runCfg }, train.length);
  log(`train-rm: ${fact ? 'Fact-RM' : 'plain RM'} (score read at ${readout}) from ${policyVersion}; ${train.length} training pairs ${JSON.stringify(labelCounts(train))}, ${heldOut.length} held out; ${steps} steps`);
  const started = performance.now();
  const res = await trainRewardModel(rm, train, heldOut, { ...runCfg, evalEvery: Math.max(10, Math.round(steps / 5)) }, {
    onPoint: (p) => {
      if (p.heldOut) log(`  step ${p.step}: loss ${p.loss.toFixed(3)}, held-out accuracy ${p.heldOut.accuracy?.toFixed(3) ?? '-'}, lr ${p.lr.toExponential(2)}`);
    },
  });
  const probe = await runProbes(rm, probeItems(intFlag(flags, 'probe-n', 'train-rm'), 0, probePerception(train)), fact);
  const ceiling = annotatorCeiling(heldOut);
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    out: flags.out,
    fact,
    readout,
    heldOutAccuracy: res.heldOut.accuracy,
    trainAccuracy: res.train.accuracy,
    probeAccuracy: probe.pairAccuracy[HEADLINE_PROBE],
    probes: probe.pairAccuracy,
    pairs: {
      total: records.length, train: train.length, heldOut: heldOut.length,
      heldOutDecided: res.heldOut.decided, labels: labelCounts(records), skippedLines: new Set(imported.problems.map((p) => p.line)).size, duplicates: imported.duplicates,
    },
    heldOut: { tieGap: res.heldOut.tieGap, bothBadBelow: res.heldOut.bothBadBelow, loss: res.heldOut.loss },
    ceiling: ceiling ? { accuracyCeiling: ceiling.accuracyCeiling, selfAgreement: ceiling.selfAgreement } : null,
    gapToCeiling: ceiling?.accuracyCeiling != null && res.heldOut.accuracy != null ? ceiling.accuracyCeiling - res.heldOut.accuracy : null,
    steps: res.steps,
    seconds: Math.round(seconds),
  };
  await saveModelDir(rm, flags.out, {
    role: 'reward-model',
    rewardModel: { fact, readout },
    policyVersion,
    prefs: flags.prefs,
    command: `npm run cli -- train-rm --prefs ${flags.prefs}${fact ? ' --fact' : ''} --readout ${readout} --out ${flags.out} --policy ${policyDir} --seed ${seed}`,
    config: { ...REWARD_RUN_DEFAULTS, ...runCfg, heldOutShare: share },
    result: summary,
  });
  rm.dispose();
  if (!flags.quiet) {
    log(`held-out accuracy ${summary.heldOutAccuracy?.toFixed(3) ?? '- (no decided held-out pairs)'} (ceiling ${ceiling?.accuracyCeiling?.toFixed(3) ?? '-'}), probe "${HEADLINE_PROBE}" ${summary.probeAccuracy.toFixed(3)}`);
  }
  console.log(JSON.stringify(summary));
  return 0;
}
