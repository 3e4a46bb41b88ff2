// SFT in the page: continue training the loaded policy, or train a fresh decoder on its frozen,
// pretrained vision encoder; the page hears the points and the policy's new version as it goes.

import { createModel } from '../../engine/model/model';
import { runSft, type SftPoint } from '../../engine/sft/run';
import { announcePolicy, pointSender, policyInfo, progress, requirePolicy, setPolicy } from '../state';
import type { HandlerSet } from './types';

export const sftHandlers: HandlerSet<'train-sft'> = {
  async 'train-sft'(req, control) {
    const base = requirePolicy();
    const before = policyInfo();
    const c = req.config;
    // A fresh decoder on the pretrained, frozen vision encoder (as LLaVA keeps CLIP); the loaded
    // policy stays loaded (and can be sampled) until the new one is done.
    const model = c.fresh ? createModel(base.config, { seed: c.seed, vision: base.vision, freezeVision: true }) : base;
    const sender = pointSender<SftPoint>(req.id, (points) => ({ kind: 'sft', points }), 150, model === base ? announcePolicy : undefined);
    try {
      const result = await runSft(model, { steps: c.steps, batchSize: c.batchSize, mixture: c.mixture, seed: c.seed, optim: { lr: c.lr }, evalEvery: Math.max(10, Math.round(c.steps / 20)), trainSize: 4000 }, {
        control,
        onPoint: (p) => sender.push(p),
        onProgress: (p) => progress(req.id, { kind: 'progress', progress: p }),
      });
      sender.flush();
      const metadata = { ...(model === base ? before.metadata : {}), recipe: 'trained in the page', mixture: c.mixture, seed: c.seed, sftSteps: result.steps, heldOutLoss: result.heldOutLoss, from: before.name };
      const policy = setPolicy(model, model === base ? before.name : `sft (page, seed ${c.seed})`, metadata);
      return { steps: result.steps, heldOutLoss: result.heldOutLoss, policy };
    } catch (e) {
      if (model !== base) model.dispose();
      throw e;
    }
  },
};
