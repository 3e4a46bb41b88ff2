// What a benchmark report's numbers mean beside each other, in words: the figures one column
// alone would misread. A policy that says little scores well on hallucination and on the 0–6
// score while it helps no one; one that never says "yes" on POPE gets 50% accuracy from the absent
// half alone. Each warning names the figure that shows it.

import { POPE_SPLITS } from './pope';
import type { StoredBenchReport } from './report';

export type WarningId = 'says-little' | 'no-answer' | 'pope-never-yes' | 'pope-always-yes';

export interface BenchWarning {
  id: WarningId;
  text: string;
}

/** Where the warnings start. POPE asks about a present object half the time, so a yes-ratio near 50% is healthy. */
export const READING_LIMITS = { informative: 0.25, noAnswer: 0.2, yesLow: 0.1, yesHigh: 0.9 } as const;

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

/** The warnings a report's figures raise, in a fixed order; [] when they read as they look. */
export function benchWarnings(report: StoredBenchReport): BenchWarning[] {
  const out: BenchWarning[] = [];
  const s = report.shapesHal;
  if (s.informativeness < READING_LIMITS.informative) {
    out.push({ id: 'says-little', text: `says little: only ${pct(s.informativeness)} informative, so its hallucination rate and score flatter it` });
  }
  if (s.noAnswerRate !== undefined && s.noAnswerRate >= READING_LIMITS.noAnswer) out.push({ id: 'no-answer', text: `leaves ${pct(s.noAnswerRate)} of questions unanswered` });
  const yes = POPE_SPLITS.map((k) => report.pope[k].yesRatio);
  const [low, high] = [Math.min(...yes), Math.max(...yes)];
  if (low <= READING_LIMITS.yesLow) {
    out.push({ id: 'pope-never-yes', text: `POPE: says “yes” to ${pct(low)} where about 50% is healthy, so it finds almost none of the objects that are there (F1 ${report.pope.adversarial.f1.toFixed(2)}); its accuracy is the absent half` });
  } else if (high >= READING_LIMITS.yesHigh) {
    out.push({ id: 'pope-always-yes', text: `POPE: says “yes” to ${pct(high)} where about 50% is healthy, so it claims objects that are not there` });
  }
  return out;
}
