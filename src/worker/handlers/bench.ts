// Measuring: the benchmarks on the loaded policy (read-only), and the model's speed on this backend.

import { benchSuite } from '../../engine/bench/report';
import { runBench } from '../../engine/bench/run';
import { VOCAB } from '../../engine/language/vocab';
import { makeConfig } from '../../engine/model/config';
import { measureModelPerf } from '../../engine/perf/model';
import { progress, requirePolicy } from '../state';
import type { HandlerSet } from './types';

export const benchHandlers: HandlerSet<'bench' | 'perf'> = {
  async bench(req) {
    const model = requirePolicy();
    const { report } = await runBench(model, benchSuite(req.size ?? 'standard'), {}, (done, total) => progress(req.id, { kind: 'progress', progress: { phase: 'benchmark', done, total } }));
    return { report };
  },
  async perf(req) {
    return measureModelPerf(makeConfig(req.preset, VOCAB.length), { repeats: req.repeats ?? 3 });
  },
};
