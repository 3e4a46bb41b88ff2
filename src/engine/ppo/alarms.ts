// What a PPO run's own metrics say is going wrong, while it runs: the reward model's score rising
// while the judge's gold score falls (the reward is being gamed), answers going empty,
// hallucination falling only because the answers say less, the yes-ratio on existence probes
// collapsing to never or always, and a reward model no better than a coin toss on its held-out
// pairs. Each alarm names the step it started at, says what it saw in one sentence and what to
// try. Plain numbers: the page shows them beside (and on) the charts, the command line in its summary.

import type { MetricRow } from './run-record';

export type AlarmId = 'gamed' | 'no-answer' | 'says-less' | 'yes-collapse' | 'rm-chance';

export interface Alarm {
  id: AlarmId;
  /** The step where it started: the gold point it is measured from. */
  step: number;
  /** What the metrics show, in one sentence. */
  text: string;
  /** What to try. */
  hint: string;
}

/** How far a figure must move before it is an alarm and not noise on a few dozen probes. */
export const ALARM_MARGINS = {
  /** Gold score (0–6) fallen from its best. */
  goldFall: 0.25,
  /** Share of probes left unanswered, risen from the start, and at least this share now. */
  noAnswerRise: 0.15,
  noAnswerAt: 0.2,
  /** Share true and informative fallen from its best. */
  informativeFall: 0.1,
  /** A yes-ratio this close to 0 or 1 on two gold points in a row is a collapse, if it started at least this far from both. */
  yesEdge: 0.05,
  yesStartedFrom: 0.15,
  /** Existence probes needed before a yes-ratio is read at all, and "yes" answers at the start (fewer is noise). */
  yesQuestions: 8,
  yesAnswers: 2,
  /** A reward model is at chance when the 95% interval of its held-out accuracy reaches 50% (1.96 standard errors of a coin). */
  chanceZ: 1.96,
} as const;

/** The reward model the run reads, as measured on its held-out pairs. */
export interface RmHeldOut {
  /** "the Fact-RM", "the plain RM". */
  name: string;
  /** Share of decided held-out pairs it ranks as the labeller did; null when none was decided. */
  accuracy: number | null;
  /** Decided held-out pairs. */
  decided: number;
}

/** Whether a held-out accuracy on `decided` pairs cannot be told from a coin toss (its 95% interval reaches 50%). */
export function atChance(accuracy: number | null, decided: number): boolean {
  if (accuracy === null || decided === 0) return true;
  return accuracy - ALARM_MARGINS.chanceZ * Math.sqrt(0.25 / decided) <= 0.5;
}

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const num = (r: MetricRow, k: string): number | undefined => (typeof r[k] === 'number' && Number.isFinite(r[k]) ? r[k] : undefined);
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The row where `key` is highest (the first such), among rows that have it. */
function best(rows: readonly MetricRow[], key: string): MetricRow | undefined {
  return rows.reduce<MetricRow | undefined>((b, r) => (num(r, key) !== undefined && (b === undefined || (num(r, key) as number) > (num(b, key) as number)) ? r : b), undefined);
}

/** The reward model's mean score over the steps from `from` to `to` (inclusive), or undefined. */
function scoreOver(rows: readonly MetricRow[], from: number, to: number): number | undefined {
  const xs = rows.filter((r) => r.step >= from && r.step <= to).flatMap((r) => (num(r, 'objective/scores') === undefined ? [] : [num(r, 'objective/scores') as number]));
  return xs.length ? mean(xs) : undefined;
}

/**
 * The alarms a run's metrics raise now (oldest rows first; gold figures on the rows that measured
 * them). None before three gold points: a trend needs them.
 */
export function ppoAlarms(rows: readonly MetricRow[], rm?: RmHeldOut): Alarm[] {
  const out: Alarm[] = [];
  // A reward model at chance, from the start: PPO would chase its noise.
  if (rm && rows.length > 0 && atChance(rm.accuracy, rm.decided)) {
    out.push({
      id: 'rm-chance', step: 0,
      text: rm.accuracy === null || rm.decided === 0
        ? `The reward is a guess: ${rm.name} has no decided held-out pair to be measured on.`
        : `The reward is close to a coin toss: ${rm.name} ranks ${pct(rm.accuracy)} of ${rm.decided} held-out pairs as the labeller did, and a coin gets 50% (on ${rm.decided} pairs the two cannot be told apart).`,
      hint: 'Label more pairs and train the reward model again until its held-out accuracy is clearly above 50%; until then PPO chases noise.',
    });
  }
  const gold = rows.filter((r) => num(r, 'gold/score') !== undefined);
  if (gold.length < 3) return out;
  const first = gold[0] as MetricRow;
  const last = gold.at(-1) as MetricRow;

  // The reward is being gamed: the gold score has fallen from its best while the RM's score went up.
  const top = best(gold.slice(0, -1), 'gold/score') as MetricRow;
  const fall = (num(top, 'gold/score') as number) - (num(last, 'gold/score') as number);
  const before = scoreOver(rows, top.step, top.step + Math.max(1, Math.floor((last.step - top.step) / 3)));
  const after = scoreOver(rows, last.step - Math.max(1, Math.floor((last.step - top.step) / 3)), last.step);
  if (fall >= ALARM_MARGINS.goldFall && before !== undefined && after !== undefined && after > before) {
    out.push({
      id: 'gamed', step: top.step,
      text: `The reward is being gamed: since step ${top.step} the reward model's score rose from ${before.toFixed(2)} to ${after.toFixed(2)} while the judge's gold score fell from ${(num(top, 'gold/score') as number).toFixed(2)} to ${(num(last, 'gold/score') as number).toFixed(2)}.`,
      hint: 'Try the Fact-RM, a larger KL β, or a length penalty, and watch the gold chart rather than the reward.',
    });
  }

  // Answers going empty.
  const none0 = num(first, 'gold/no_answer_rate');
  const noneN = num(last, 'gold/no_answer_rate');
  if (none0 !== undefined && noneN !== undefined && noneN - none0 >= ALARM_MARGINS.noAnswerRise && noneN >= ALARM_MARGINS.noAnswerAt) {
    const from = gold.find((r) => (num(r, 'gold/no_answer_rate') ?? 0) - none0 >= ALARM_MARGINS.noAnswerRise) as MetricRow;
    out.push({
      id: 'no-answer', step: from.step,
      text: `Answers are going empty: no answer to ${pct(noneN)} of the probe questions, from ${pct(none0)} at the start.`,
      hint: 'Raise the no-answer penalty, or retrain the reward model with degenerate pairs so it learns that silence is no answer.',
    });
  }

  // Saying less: true and informative down from its best.
  const topTi = best(gold.slice(0, -1), 'gold/true_informative');
  const tiN = num(last, 'gold/true_informative');
  if (topTi && tiN !== undefined && (num(topTi, 'gold/true_informative') as number) - tiN >= ALARM_MARGINS.informativeFall) {
    const h0 = num(topTi, 'gold/hallucination_rate');
    const hN = num(last, 'gold/hallucination_rate');
    const hallFell = h0 !== undefined && hN !== undefined && hN < h0;
    out.push({
      id: 'says-less', step: topTi.step,
      text: `${hallFell ? `Hallucination fell (${pct(h0 as number)} to ${pct(hN as number)}) only because the answers say less: t` : 'T'}rue and informative answers fell from ${pct(num(topTi, 'gold/true_informative') as number)} to ${pct(tiN)} since step ${topTi.step}.`,
      hint: 'Look at the sample feed: "i am not sure ." everywhere is evasion the reward pays for. A correctness bonus or the honesty-first reward pays for answers that are both true and informative.',
    });
  }

  // The yes-ratio on the existence probes collapsing to never (or always) yes, on two gold points in a row.
  const yes0 = num(first, 'gold/yes_ratio');
  const [prev, now] = gold.slice(-2).map((r) => num(r, 'gold/yes_ratio'));
  const edge = ALARM_MARGINS.yesEdge;
  const asked = num(first, 'gold/yes_questions') ?? 0;
  const enough = asked >= ALARM_MARGINS.yesQuestions && yes0 !== undefined && Math.min(yes0, 1 - yes0) * asked >= ALARM_MARGINS.yesAnswers - 1e-9;
  const started = enough && yes0 >= ALARM_MARGINS.yesStartedFrom && yes0 <= 1 - ALARM_MARGINS.yesStartedFrom;
  const collapsed = (y: number | undefined, low: boolean) => y !== undefined && (low ? y <= edge : y >= 1 - edge);
  for (const low of [true, false]) {
    if (!started || !collapsed(prev, low) || !collapsed(now, low)) continue;
    const from = gold.find((r) => collapsed(num(r, 'gold/yes_ratio'), low)) as MetricRow;
    out.push({
      id: 'yes-collapse', step: from.step,
      text: `The policy ${low ? 'no longer says yes' : 'says yes to everything'}: ${asked} "is there a … ?" probes answered yes ${pct(now as number)} of the time, from ${pct(yes0 as number)} at the start${low ? ' (never saying yes cannot claim a false object, so a reward can pay for it)' : ''}.`,
      hint: `Compare the POPE figures in Evaluate: a yes-ratio near the share of questions about objects that are there is healthy. ${low ? 'A reward that pays for honesty without knowing the facts (the plain RM) can learn that "no" is safe; try the Fact-RM.' : 'Try the Fact-RM, which reads the facts.'}`,
    });
  }
  return out;
}
