// DPO in the page (the engine's DPO job): a copy of the loaded policy tuned on the labels, the
// loaded one its frozen reference; a point per step for the charts; at the end the tuned copy
// becomes the loaded policy (the page hears its new version), kept in this browser as PPO's is.

import { newRunName } from '../../engine/model/version';
import { runDpoJob, type DpoPoint } from '../../engine/dpo/job';
import { pointSender, policyInfo, progress, requirePolicy, setPolicy } from '../state';
import type { HandlerSet } from './types';

export const dpoHandlers: HandlerSet<'dpo'> = {
  async dpo(req, control) {
    const reference = requirePolicy();
    const before = policyInfo();
    const sender = pointSender<DpoPoint>(req.id, (points) => ({ kind: 'dpo', points }));
    const res = await runDpoJob(reference, req.records, req.config, {
      control,
      onPoint: (p) => sender.push(p),
      onProgress: (p) => progress(req.id, { kind: 'progress', progress: p }),
    }, { runName: newRunName('dpo') }).finally(() => sender.flush());
    const { policy: tuned, ...figures } = res;
    const beta = req.config.beta;
    // The reference's own benchmark figures are not the tuned policy's.
    const { bench: _bench, ...kept } = before.metadata;
    const metadata = { ...kept, recipe: 'dpo', from: before.name, fromVersion: before.version, dpo: { config: req.config, steps: res.steps, gold: res.end.gold } };
    // The reference is disposed here: the tuned copy replaces it as the loaded policy.
    const policy = await setPolicy(tuned, `dpo${beta !== undefined ? ` β ${beta}` : ''} (from ${before.name})`, metadata);
    return { ...figures, policy, from: before.version };
  },
};
