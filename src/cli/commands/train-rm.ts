// `train-rm`: trains a reward model (plain, or Fact-RM with --fact) from preference records,
// starting from the SFT policy; saves it and ends with one JSON line: held-out accuracy, probe
// accuracy, the pair counts and the annotator's ceiling. The job itself is the engine's.

import { COMMON_FLAGS, notes, type CommandSpec, type Flags } from '../args';
import { initNodeBackend } from '../backend-node';
import { loadModelDir, saveModelDir } from '../model-files';
import { labelCounts } from '../../engine/prefs/label';
import { HEADLINE_PROBE } from '../../engine/reward/probes';
import { REWARD_JOB_BOUNDS as B, REWARD_JOB_DEFAULTS as D, planRewardJob, rewardRunOf, type RewardJobConfig } from '../../engine/reward/config';
import { runRewardJob } from '../../engine/reward/job';
import { SCORE_READOUTS, type ScoreReadout } from '../../engine/model/config';
import { readPrefsFile } from './label';

export const spec: CommandSpec = {
  name: 'train-rm',
  summary: 'Train a reward model (plain, or Fact-RM with --fact) from preference pairs and save it.',
  usage: 'train-rm --in FILE [--fact] --out DIR [--policy DIR] [--readout last|sum] [--epochs N] [--held-out SHARE]',
  flags: {
    in: { type: 'string', required: true, aliases: ['prefs'], help: 'preference file (JSONL, as `label` writes it); bad lines are reported and skipped' },
    fact: { type: 'boolean', help: "Fact-RM: the scene's facts, sentences shuffled, go in front of the question" },
    out: { type: 'string', required: true, help: 'directory to save the reward model in' },
    policy: { ...COMMON_FLAGS.policy, help: 'SFT policy the trunk starts from' },
    'held-out': { type: 'number', help: 'share of prompts held out for accuracy', default: D.heldOutShare, bound: B.heldOutShare },
    epochs: { type: 'number', help: 'passes over the training pairs', default: D.epochs, bound: B.epochs },
    'min-steps': { type: 'number', help: 'at least this many steps, however few the pairs', default: D.minSteps, bound: B.minSteps },
    batch: { type: 'number', help: 'pairs per step', default: D.batchPairs, bound: B.batchPairs },
    lr: { type: 'number', help: 'peak learning rate', default: D.lr, bound: B.lr },
    'tie-weight': { type: 'number', help: 'weight of a tie (pulls its two scores together) relative to a decided pair', default: D.tieWeight, bound: B.tieWeight },
    'both-bad-weight': { type: 'number', help: 'weight of a both-bad pair (pushes both scores below 0) relative to a decided pair', default: D.bothBadWeight, bound: B.bothBadWeight },
    readout: { type: 'string', help: 'where the score is read: the last token (as the paper) or the sum over the response tokens', default: D.readout, choices: SCORE_READOUTS },
    'head-only': { type: 'boolean', help: 'train the score head alone (the trunk stays as the policy left it)' },
    'eval-every': { type: 'number', help: 'held-out accuracy every N steps (0: a fifth of the run, at least 10)', default: 0, bound: B.evalEvery },
    'probe-n': { type: 'number', help: 'probe items for probeAccuracy', default: D.probeItems, bound: B.probeItems },
    seed: { type: 'number', help: 'seed of the split, the batch order and the augmentation', default: 1, bound: B.seed },
    backend: COMMON_FLAGS.backend,
    quiet: COMMON_FLAGS.quiet,
    json: COMMON_FLAGS.json,
  },
};

export async function run(flags: Flags): Promise<number> {
  const inFile = String(flags.in);
  const out = String(flags.out);
  const log = notes(flags);
  const cfg: RewardJobConfig = {
    kind: flags.fact ? 'fact' : 'plain',
    epochs: Number(flags.epochs), minSteps: Number(flags['min-steps']), batchPairs: Number(flags.batch), lr: Number(flags.lr),
    heldOutShare: Number(flags['held-out']), seed: Number(flags.seed), trainTrunk: !flags['head-only'],
    tieWeight: Number(flags['tie-weight']), bothBadWeight: Number(flags['both-bad-weight']),
    evalEvery: Number(flags['eval-every']), probeItems: Number(flags['probe-n']), readout: String(flags.readout) as ScoreReadout,
  };

  const imported = readPrefsFile(inFile);
  const skippedLines = new Set(imported.problems.map((p) => p.line)).size;
  if (skippedLines) log(`train-rm: ${skippedLines} bad lines in ${inFile} were skipped`);
  const records = imported.records;
  if (records.length === 0) throw new Error(`no usable preference pairs in ${inFile}`);

  await initNodeBackend(String(flags.backend));
  const policyDir = String(flags.policy);
  const { model: policy } = loadModelDir(policyDir);
  const versions = new Set(records.map((r) => r.policyVersion));
  if (!versions.has(policy.version) || versions.size > 1) log(`train-rm: note: the pairs were sampled from ${[...versions].join(', ')}; the trunk starts from ${policy.version}`);
  const plan = planRewardJob(records, cfg);
  if (cfg.evalEvery === 0) cfg.evalEvery = Math.max(10, Math.round(plan.steps / 5));
  log(`train-rm: ${cfg.kind === 'fact' ? 'Fact-RM' : 'plain RM'} (score read at ${cfg.readout}) from ${policy.version}; ${plan.train.length} training pairs ${JSON.stringify(labelCounts(plan.train))} (${plan.usable} usable), ${plan.heldOut.length} held out; ${plan.steps} steps`);
  const res = await runRewardJob(policy, records, cfg, {
    onPoint: (p) => {
      if (p.heldOut) log(`  step ${p.step}: loss ${p.loss.toFixed(3)}, held-out accuracy ${p.heldOut.accuracy?.toFixed(3) ?? '-'}, lr ${p.lr.toExponential(2)}`);
    },
  });
  policy.dispose();
  const { ceiling, run: r } = res;
  const summary = {
    out,
    fact: cfg.kind === 'fact',
    readout: cfg.readout,
    heldOutAccuracy: r.heldOut.accuracy,
    trainAccuracy: r.train.accuracy,
    probeAccuracy: res.probes.pairAccuracy[HEADLINE_PROBE],
    probes: res.probes.pairAccuracy,
    pairs: {
      total: records.length, train: res.trainPairs, heldOut: res.heldOutPairs,
      heldOutDecided: r.heldOut.decided, labels: labelCounts(records), skippedLines, duplicates: imported.duplicates,
    },
    heldOut: { tieGap: r.heldOut.tieGap, bothBadBelow: r.heldOut.bothBadBelow, loss: r.heldOut.loss },
    ceiling: ceiling ? { accuracyCeiling: ceiling.accuracyCeiling, selfAgreement: ceiling.selfAgreement } : null,
    gapToCeiling: ceiling?.accuracyCeiling != null && r.heldOut.accuracy != null ? ceiling.accuracyCeiling - r.heldOut.accuracy : null,
    steps: r.steps,
    seconds: Math.round(res.seconds),
  };
  await saveModelDir(res.rm, out, {
    role: 'reward-model',
    rewardModel: { fact: cfg.kind === 'fact', readout: cfg.readout },
    policyVersion: res.info.policyVersion,
    prefs: inFile,
    command: `npm run cli -- train-rm --in ${inFile}${cfg.kind === 'fact' ? ' --fact' : ''} --readout ${cfg.readout} --out ${out} --policy ${policyDir} --seed ${cfg.seed}`,
    config: { ...rewardRunOf(cfg), heldOutShare: cfg.heldOutShare },
    result: summary,
  });
  res.rm.dispose();
  log(`held-out accuracy ${summary.heldOutAccuracy?.toFixed(3) ?? '- (no decided held-out pairs)'} (ceiling ${ceiling?.accuracyCeiling?.toFixed(3) ?? '-'}), probe "${HEADLINE_PROBE}" ${summary.probeAccuracy.toFixed(3)}`);
  console.log(JSON.stringify(summary));
  return 0;
}
