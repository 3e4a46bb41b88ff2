// SFT in the page (the engine's SFT job): the page hears the points and, while the loaded policy
// itself is trained, its new version as it goes; a fresh model becomes the policy when done.

import { newRunName } from '../../engine/model/version';
import { runSftJob } from '../../engine/sft/job';
import type { SftPoint } from '../../engine/sft/run';
import { announceVersion, pointSender, policyInfo, progress, requirePolicy, setPolicy } from '../state';
import type { HandlerSet } from './types';

export const sftHandlers: HandlerSet<'train-sft'> = {
  async 'train-sft'(req, control) {
    const base = requirePolicy();
    const before = policyInfo();
    const c = req.config;
    const sender = pointSender<SftPoint>(req.id, (points) => ({ kind: 'sft', points }), 150, c.fresh ? undefined : announceVersion);
    if (!c.fresh) base.startRun(newRunName('sft'));
    const res = await runSftJob(base, c, {
      control,
      onPoint: (p) => sender.push(p),
      onProgress: (p) => progress(req.id, { kind: 'progress', progress: p }),
    });
    sender.flush();
    const kept = res.model === base;
    const metadata = { ...(kept ? before.metadata : {}), recipe: 'trained in the page', ...res.metadata, from: before.name };
    const policy = await setPolicy(res.model, kept ? before.name : `sft (page, seed ${c.seed})`, metadata);
    return { steps: res.steps, heldOutLoss: res.heldOutLoss, policy };
  },
};
