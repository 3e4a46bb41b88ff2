// Measuring: the benchmarks on the loaded policy (read-only), and the model's speed on this backend.

import { runBenchJob } from '../../engine/bench/run';
import { VOCAB } from '../../engine/language/vocab';
import { makeConfig } from '../../engine/model/config';
import { measureModelPerf } from '../../engine/perf/model';
import { progress, requirePolicy } from '../state';
import type { HandlerSet } from './types';

export const benchHandlers: HandlerSet<'bench' | 'perf'> = {
  async bench(req) {
    const { report } = await runBenchJob(requirePolicy(), req.size ? { size: req.size } : {}, { onProgress: (p) => progress(req.id, { kind: 'progress', progress: p }) });
    return { report };
  },
  async perf(req) {
    return measureModelPerf(makeConfig(req.preset, VOCAB.length), { repeats: req.repeats ?? 3 });
  },
};
