// Measuring: the benchmarks on the loaded policy (read-only), and the model's speed on this backend.

import { runBenchJob } from '../../engine/bench/run';
import { VOCAB } from '../../engine/language/vocab';
import { makeConfig } from '../../engine/model/config';
import { measureModelPerf } from '../../engine/perf/model';
import { measurePpoPerf } from '../../engine/perf/ppo';
import { policyInfo, progress, requirePolicy } from '../state';
import { modelFrom } from './policy';
import type { HandlerSet } from './types';

export const benchHandlers: HandlerSet<'bench' | 'perf' | 'perf-ppo'> = {
  async 'perf-ppo'(req) {
    return measurePpoPerf(makeConfig(req.preset, VOCAB.length), { steps: req.steps ?? 3 });
  },
  async bench(req) {
    const other = req.source ? await modelFrom(req.source) : undefined;
    const model = other?.model ?? requirePolicy();
    try {
      const { report } = await runBenchJob(model, { ...(req.size ? { size: req.size } : {}), ...(req.facts ? { facts: true } : {}) }, { onProgress: (p) => progress(req.id, { kind: 'progress', progress: p }) });
      return { report, policy: other ? { name: other.name, version: model.version } : { name: policyInfo().name, version: model.version } };
    } finally {
      other?.model.dispose();
    }
  },
  async perf(req) {
    return measureModelPerf(makeConfig(req.preset, VOCAB.length), { repeats: req.repeats ?? 3 });
  },
};
