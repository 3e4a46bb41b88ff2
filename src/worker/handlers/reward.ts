// Reward models in the page: the engine's reward job on the loaded policy and the given labels;
// the trained model stays in the worker under its kind, for PPO.

import { runRewardJob } from '../../engine/reward/job';
import type { RewardPoint } from '../../engine/reward/train-run';
import type { JobProgress } from '../../engine/train/job';
import { keepRewardModel, pointSender, progress, requirePolicy } from '../state';
import { loadRewardModel } from '../persist';
import type { RewardModelInfo } from '../../engine/reward/job';
import type { HandlerSet } from './types';

export const rewardHandlers: HandlerSet<'train-rm' | 'restore-rms'> = {
  async 'restore-rms'(req) {
    const models: RewardModelInfo[] = [];
    for (const kind of req.kinds) {
      const got = await loadRewardModel(kind);
      if (!got) continue;
      await keepRewardModel(got.model, got.info, false);
      models.push(got.info);
    }
    return { models };
  },
  async 'train-rm'(req, control) {
    const kind = req.config.kind;
    let sender: ReturnType<typeof pointSender<RewardPoint>> | undefined;
    let last: JobProgress | undefined;
    // At a hold (paused, no step granted): the last step's point at once, then the phase "paused",
    // so the page knows the run holds there.
    control.onHold = async () => {
      sender?.flush();
      if (last) progress(req.id, { kind: 'progress', progress: { ...last, phase: 'paused' } });
    };
    try {
      const res = await runRewardJob(requirePolicy(), req.records, req.config, {
        control,
        onProgress: (p) => {
          last = p;
          if (!sender) {
            const total = p.total;
            sender = pointSender<RewardPoint>(req.id, (points) => ({ kind: 'rm', model: kind, total, points }));
            sender.flush(); // tells the page the run's length before the first step
          }
          progress(req.id, { kind: 'progress', progress: p });
        },
        onPoint: (p) => sender?.push(p),
      });
      const { scores: _scores, ...probes } = res.probes; // per-item scores stay here: the page shows the means
      await keepRewardModel(res.rm, res.info);
      return { model: res.info, total: res.total, stopped: res.stopped, trainPairs: res.trainPairs, heldOutPairs: res.heldOutPairs, run: res.run, probes, seconds: res.seconds };
    } finally {
      sender?.flush();
    }
  },
};
