// Reward models in the page: the engine's reward job on the loaded policy and the given labels
// (the trained model stays in the worker under its kind, for PPO), and the sentence reward model's
// job on the given marks (kept in the worker beside them; nothing later reads it).

import { runRewardJob } from '../../engine/reward/job';
import { runSentenceJob } from '../../engine/reward/dense-job';
import type { SentencePoint } from '../../engine/reward/dense';
import type { RewardPoint } from '../../engine/reward/train-run';
import type { JobProgress } from '../../engine/train/job';
import { keepRewardModel, keepSentenceModel, pointSender, progress, requirePolicy, rewardModels } from '../state';
import { loadRewardModel } from '../persist';
import type { RewardModelInfo } from '../../engine/reward/job';
import type { HandlerSet } from './types';

export const rewardHandlers: HandlerSet<'train-rm' | 'restore-rms' | 'train-srm'> = {
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
  async 'train-srm'(req, control) {
    let sender: ReturnType<typeof pointSender<SentencePoint>> | undefined;
    let last: JobProgress | undefined;
    control.onHold = async () => {
      sender?.flush();
      if (last) progress(req.id, { kind: 'progress', progress: { ...last, phase: 'paused' } });
    };
    const policy = requirePolicy();
    const pairwise = rewardModels.get(req.config.kind);
    try {
      const res = await runSentenceJob(policy, req.marks, req.config, {
        control,
        onProgress: (p) => {
          last = p;
          if (!sender) {
            const total = p.total;
            sender = pointSender<SentencePoint>(req.id, (points) => ({ kind: 'srm', total, points }));
            sender.flush();
          }
          progress(req.id, { kind: 'progress', progress: p });
        },
        onPoint: (p) => sender?.push(p),
      }, pairwise ? { rm: pairwise.model, fact: pairwise.info.kind === 'fact' } : undefined);
      const model = { kind: req.config.kind, policyVersion: policy.version, steps: res.run.steps, heldOutAccuracy: res.run.heldOut.accuracy };
      keepSentenceModel(res.rm, model);
      return { model, total: res.total, stopped: res.stopped, trainAnswers: res.trainAnswers, heldOutAnswers: res.heldOutAnswers, run: res.run, probe: res.probe, seconds: res.seconds };
    } finally {
      sender?.flush();
    }
  },
};
