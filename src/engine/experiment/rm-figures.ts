// A trained reward model's figures as the experiment's table keeps them: a pairwise one's (pairs,
// held-out accuracy beside the annotator's ceiling, the probes) and a sentence one's (answers for
// pairs, accuracy per sentence beside calling every sentence true, the one-false-sentence probe).

import { labelCounts } from '../prefs/label';
import type { PreferenceRecord } from '../prefs/record';
import type { runRewardJob } from '../reward/job';
import type { runSentenceJob } from '../reward/dense-job';
import type { RmFigures } from './table';

/** A sentence reward model's figures in the table's terms: answers for pairs, per-sentence held-out accuracy, and the probe. */
export function sentenceRmFigures(seed: number, id: string, res: Awaited<ReturnType<typeof runSentenceJob>>): RmFigures {
  const h = res.run.heldOut;
  return {
    seed, id, trainPairs: res.trainAnswers, heldOutPairs: res.heldOutAnswers, labels: { A: 0, B: 0, tie: 0, 'both-bad': 0 },
    heldOutAccuracy: h.accuracy, accuracyCeiling: null,
    probes: res.probe.falseBelowZero === null ? {} : { oneFalseBelowZero: res.probe.falseBelowZero },
    steps: res.run.steps, seconds: res.seconds,
    sentences: { heldOut: h.sentences, falseSentences: h.falseSentences, alwaysTrue: h.alwaysTrue, falseCaught: h.falseCaught, trueKept: h.trueKept },
  };
}

/** A pairwise reward model's figures: its pairs, held-out accuracy, the annotator's ceiling and the probes. */
export function rmFigures(seed: number, id: string, res: Awaited<ReturnType<typeof runRewardJob>>, records: readonly PreferenceRecord[]): RmFigures {
  return {
    seed, id, trainPairs: res.trainPairs, heldOutPairs: res.heldOutPairs, labels: labelCounts(records),
    heldOutAccuracy: res.run.heldOut.accuracy, accuracyCeiling: res.ceiling?.accuracyCeiling ?? null,
    probes: { ...res.probes.pairAccuracy }, steps: res.run.steps, seconds: res.seconds,
  };
}
