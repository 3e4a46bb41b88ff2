// Best-of-n in the page (the engine's sweep): one pool of answers from the loaded policy, read by
// the reward models kept here, each normalised on the labels as PPO normalises it. Only reads.

import { runBestOfNJob, type BonRewardModel } from '../../engine/bon/job';
import { rewardNorm } from '../../engine/ppo/rm-score';
import { probePerception } from '../../engine/reward/probes';
import type { RewardKind } from '../../engine/reward/config';
import { progress, requirePolicy, rewardModels } from '../state';
import type { HandlerSet } from './types';

const NAMES: Record<RewardKind, string> = { plain: 'plain RM', fact: 'Fact-RM' };

export const bonHandlers: HandlerSet<'bon'> = {
  async bon(req, control) {
    const policy = requirePolicy();
    if (req.kinds.length === 0) throw new Error('best-of-n: pick at least one reward model');
    const missing = req.kinds.filter((k) => !rewardModels.has(k));
    if (missing.length) throw new Error(`best-of-n: no ${missing.map((k) => NAMES[k]).join(' and no ')} here: train it in the Reward stage first`);
    progress(req.id, { kind: 'progress', progress: { phase: 'normalising the reward models on the labels', done: 0, total: 0 } });
    const rms: BonRewardModel[] = [];
    for (const kind of req.kinds) {
      const { model } = rewardModels.get(kind)!;
      const fact = kind === 'fact';
      rms.push({ model, fact, name: NAMES[kind], ...(req.records.length ? { norm: await rewardNorm(model, fact, req.records) } : {}) });
    }
    // The images as the labels' pairs were rendered, so the RMs read what they learnt on.
    const perception = probePerception(req.records);
    const { pool: _pool, ...res } = await runBestOfNJob(policy, rms, req.config, { control, onProgress: (p) => progress(req.id, { kind: 'progress', progress: p }) }, { perception });
    return res;
  },
};
