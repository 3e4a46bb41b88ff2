// The labelling job, written once for the page and the command line: sample pairs from the
// policy in rounds (progress, Stop and pause between rounds), each pair keeping the version of the
// weights that wrote it, and label them with a simulated annotator when the config names one.

import type { VlmModel } from '../model/model';
import { nextStep, type JobHooks } from '../train/job';
import { subSeed } from '../world/rng';
import { samplePairs, type UnlabelledPair } from './collect';
import { annotatePair, simulatedLabeller } from './label';
import { checkLabelJob, LABEL_JOB_DEFAULTS, type LabelJobConfig } from './label-config';
import type { PreferenceRecord } from './record';

/** A pair and the version of the policy that wrote it. */
export type VersionedPair = UnlabelledPair & { policyVersion: string };

export interface LabelJobResult {
  pairs: VersionedPair[];
  /** The labelled records, in the pairs' order, when the config names an annotator. */
  records?: PreferenceRecord[];
  /** Prompts dropped after maxTries rounds of equal responses. */
  dropped: number;
  /** Prompts whose first try gave two equal responses. */
  resampled: number;
  /** Seconds spent sampling and labelling. */
  sampleSeconds: number;
  labelSeconds: number;
}

/**
 * Samples cfg.n pairs from `policy` (only read; a function is asked again each round, so a policy
 * trained meanwhile writes the later rounds) and labels them if an annotator is given.
 * Throws, naming the field, on a bad config. A stopped job returns what it has.
 */
export async function runLabelJob(policy: VlmModel | (() => VlmModel), config: Partial<LabelJobConfig>, hooks: JobHooks = {}): Promise<LabelJobResult> {
  const cfg = { ...LABEL_JOB_DEFAULTS, ...config };
  const problems = checkLabelJob(cfg);
  if (problems.length) throw new Error(`labelling: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  const model = typeof policy === 'function' ? policy : () => policy;
  const pairs: VersionedPair[] = [];
  let dropped = 0;
  let resampled = 0;
  let t0 = performance.now();
  hooks.onProgress?.({ phase: 'sampling pairs', done: 0, total: cfg.n });
  for (let round = 0; pairs.length < cfg.n; round++) {
    if (!(await nextStep(hooks.control))) break;
    const m = model();
    const policyVersion = m.version;
    const n = Math.min(cfg.round, cfg.n - pairs.length);
    const r = await samplePairs(m, { n, seed: subSeed(cfg.seed, round), batchSize: n, temperature: cfg.temperature, mix: cfg.mix, degenerate: cfg.degenerate, maxTries: cfg.maxTries, perception: cfg.perception });
    pairs.push(...r.pairs.map((p) => ({ ...p, policyVersion })));
    dropped += r.dropped;
    resampled += r.resampled;
    hooks.onProgress?.({ phase: 'sampling pairs', done: pairs.length, total: cfg.n });
  }
  const sampleSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  let records: PreferenceRecord[] | undefined;
  if (cfg.annotator) {
    const a = cfg.annotator;
    const labeller = simulatedLabeller(a.name, a.settings, a.seed);
    const at = new Date().toISOString();
    records = pairs.map(({ policyVersion, ...pair }) => annotatePair(pair, labeller, policyVersion, at));
  }
  return { pairs, ...(records ? { records } : {}), dropped, resampled, sampleSeconds, labelSeconds: (performance.now() - t0) / 1000 };
}
