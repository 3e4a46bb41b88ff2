// Scores the probe items (probes.ts) with a reward model.

import type { VlmModel } from '../model/model';
import { PROBE_VARIANTS, probeReport, type ProbeItem, type ProbeReport } from './probes';
import { scoreItems, type ScoreItem } from './inputs';

/** Scores every variant of every item with the reward model (only read); returns the report. */
export async function runProbes(rm: VlmModel, items: readonly ProbeItem[], fact: boolean): Promise<ProbeReport> {
  const flat: ScoreItem[] = items.flatMap((it) => PROBE_VARIANTS.map((v) => ({ scene: it.scene, image: it.image, question: it.question, response: it.variants[v] })));
  return probeReport(items, await scoreItems(rm, flat, fact));
}
