// Answers and pairs from the loaded policy, all read-only (they run beside a training job):
// answers to one question, pairs to label by hand, pairs labelled by a simulated annotator (the
// engine's labelling job, asked for the loaded policy anew each round), answers to mark by hand
// and answers marked by a simulated marker (the engine's marking job, the same way).

import { answerAll } from '../../engine/data/answer';
import { runLabelJob } from '../../engine/prefs/label-job';
import { runMarkJob } from '../../engine/prefs/mark-job';
import type { JobHooks } from '../../engine/train/job';
import { progress, requirePolicy } from '../state';
import type { HandlerSet } from './types';

const hooksFor = (id: number, control: JobHooks['control']): JobHooks => ({ ...(control ? { control } : {}), onProgress: (p) => progress(id, { kind: 'progress', progress: p }) });

export const labelHandlers: HandlerSet<'sample' | 'sample-pairs' | 'auto-label' | 'sample-answers' | 'auto-mark'> = {
  async sample(req) {
    const model = requirePolicy();
    const prompts = Array.from({ length: req.n }, () => ({ scene: req.scene, question: req.question }));
    const responses = await answerAll(model, prompts, { temperature: req.temperature, seed: req.seed, ...(req.perception ? { perception: req.perception } : {}) });
    return { responses };
  },
  async 'sample-pairs'(req, control) {
    const { pairs, dropped } = await runLabelJob(requirePolicy, req, hooksFor(req.id, control));
    return { pairs, dropped };
  },
  async 'auto-label'(req, control) {
    const { records, dropped } = await runLabelJob(requirePolicy, req, hooksFor(req.id, control));
    return { records: records ?? [], dropped };
  },
  async 'sample-answers'(req, control) {
    const { marker: _marker, ...cfg } = req as typeof req & { marker?: unknown };
    const { answers } = await runMarkJob(requirePolicy, cfg, hooksFor(req.id, control));
    return { answers };
  },
  async 'auto-mark'(req, control) {
    const { marks } = await runMarkJob(requirePolicy, req, hooksFor(req.id, control));
    return { marks: marks ?? [] };
  },
};
