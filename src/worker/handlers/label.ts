// Answers and pairs from the loaded policy, all read-only (they run beside a training job):
// answers to one question, pairs to label by hand, and pairs labelled by a simulated annotator.

import type { JobControl } from '../../engine/train/job';
import { answerAll } from '../../engine/data/answer';
import { samplePairs } from '../../engine/prefs/collect';
import { annotatePair, simulatedLabeller } from '../../engine/prefs/label';
import { subSeed } from '../../engine/world/rng';
import type { PairRequest, VersionedPair } from '../protocol';
import { progress, requirePolicy } from '../state';
import type { HandlerSet } from './types';

/** Pairs per round of sampling: progress and Stop are seen between rounds. */
const PAIR_ROUND = 16;

/**
 * Samples pairs from the loaded policy in rounds (each with its own seed) until `n` or Stop;
 * returns them with the policy version that wrote them (read before each round: a policy trained
 * meanwhile writes later rounds, and each pair keeps the version of its round).
 */
async function samplePairRounds(id: number, req: PairRequest, control: JobControl): Promise<{ pairs: VersionedPair[]; dropped: number }> {
  const pairs: VersionedPair[] = [];
  let dropped = 0;
  progress(id, { kind: 'progress', progress: { phase: 'sampling pairs', done: 0, total: req.n } });
  for (let round = 0; pairs.length < req.n; round++) {
    if (!(await control.next())) break;
    const model = requirePolicy();
    const policyVersion = model.version;
    const n = Math.min(PAIR_ROUND, req.n - pairs.length);
    const r = await samplePairs(model, { n, seed: subSeed(req.seed, round), batchSize: n, temperature: req.temperature ?? 1, mix: req.mix ?? 0 });
    pairs.push(...r.pairs.map((p) => ({ ...p, policyVersion })));
    dropped += r.dropped;
    progress(id, { kind: 'progress', progress: { phase: 'sampling pairs', done: pairs.length, total: req.n } });
  }
  return { pairs, dropped };
}

export const labelHandlers: HandlerSet<'sample' | 'sample-pairs' | 'auto-label'> = {
  async sample(req) {
    const model = requirePolicy();
    const prompts = Array.from({ length: req.n }, () => ({ scene: req.scene, question: req.question }));
    const responses = await answerAll(model, prompts, { temperature: req.temperature, seed: req.seed, ...(req.perception ? { perception: req.perception } : {}) });
    return { responses };
  },
  async 'sample-pairs'(req, control) {
    return samplePairRounds(req.id, req, control);
  },
  async 'auto-label'(req, control) {
    const { pairs, dropped } = await samplePairRounds(req.id, req, control);
    const a = req.annotator;
    const labeller = simulatedLabeller(a.name, a.settings, a.seed);
    const at = new Date().toISOString();
    const records = pairs.map(({ policyVersion, ...pair }) => annotatePair(pair, labeller, policyVersion, at));
    return { records, dropped };
  },
};
