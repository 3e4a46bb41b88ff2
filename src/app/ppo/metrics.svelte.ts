// A PPO run's figures on the page: every step's metrics (TRL's names) for the CSV and the kept run,
// the charts' feeds, the newest point and gold figures, the feed of sampled answers (as the worker
// judged them), and whether the engine held the run after a step it did not apply.

import { ppoAlarms, type Alarm, type AlarmId, type RmHeldOut } from '../../engine/ppo/alarms';
import type { GoldFigures } from '../../engine/ppo/gold';
import type { MetricRow } from '../../engine/ppo/run-record';
import type { PpoPoint } from '../../engine/ppo/run';
import type { PpoSample } from '../../engine/ppo/step';
import { LineFeed, type ChartMark, type XY } from '../charts/line-chart';
import { saveFile, toCsv } from '../files';

/** The charts, each a metric (or two) under its TRL name. */
export const PPO_CHARTS = [
  { id: 'reward', title: 'Reward (RM score)', yLabel: 'score', series: [{ key: 'objective/scores', label: 'score at the last token', color: '#3451b2' }, { key: 'objective/rlhf_reward', label: 'score − β·KL', color: '#74c0fc' }], caption: 'What PPO maximises: the reward model’s normalised score with the symbolic terms (objective/scores), and that minus the KL penalty (objective/rlhf_reward).' },
  { id: 'gold-rate', title: 'Gold answers (the judge)', yLabel: 'share of answers', percent: true, series: [{ key: 'gold/true_informative', label: 'judge: true and informative', color: '#2f9e44', dots: true }, { key: 'gold/hallucination_rate', label: 'judge: a false claim', color: '#e03131', dots: true }, { key: 'gold/no_answer_rate', label: 'judge: no answer', color: '#868e96', dots: true }], caption: 'The truth no real RLHF system has: the judge on greedy answers to fixed probe questions, every few steps. True and informative should rise as hallucination falls; hallucination falling while true-and-informative falls too, or no answer rising, means the policy is learning to say nothing, which the reward is paying for.' },
  { id: 'gold-score', title: 'Gold score (0–6)', yLabel: 'score', series: [{ key: 'gold/score', label: 'judge: MMHal-style score', color: '#2f9e44', dots: true }], caption: 'The judge’s 0–6 score on the same probes (6: informative and true). Reward going up with this going down is reward hacking.' },
  { id: 'kl', title: 'KL from the reference', yLabel: 'nats / answer', series: [{ key: 'objective/kl', label: 'KL(policy ‖ reference)', color: '#7048e8' }], caption: 'How far the policy has moved from the frozen SFT reference, per answer (objective/kl). The KL penalty β keeps it in check.' },
  { id: 'entropy', title: 'Entropy', yLabel: 'nats / answer', series: [{ key: 'objective/entropy_exact', label: 'policy entropy', color: '#f08c00' }, { key: 'objective/entropy', label: '−log p of the sampled answer', color: '#ffc078' }], caption: 'How spread out the policy’s sampling is, per answer: the exact entropy of each next-token distribution, summed (objective/entropy_exact), and TRL’s estimate of it, −log p of the tokens it sampled (objective/entropy). A collapse towards 0 means it says the same thing every time.' },
  { id: 'clip', title: 'Clip fraction', yLabel: 'share', percent: true, series: [{ key: 'policy/clipfrac_avg', label: 'policy', color: '#1098ad' }, { key: 'val/clipfrac_avg', label: 'value', color: '#adb5bd' }], caption: 'Share of tokens whose probability ratio was clipped (policy/clipfrac_avg): high means each update moves the policy a lot.' },
  { id: 'value', title: 'Value loss', yLabel: 'loss', series: [{ key: 'loss/value_avg', label: 'clipped value loss', color: '#495057' }], caption: 'How well the value model (started from the reward model) predicts the return (loss/value_avg). GRPO and RLOO have none.' },
  { id: 'length', title: 'Answer length', yLabel: 'tokens', series: [{ key: 'tokens/responses_len_mean', label: 'mean tokens per answer', color: '#c2255c' }], caption: 'Mean answer length in tokens. Growing by half or more while the gold score falls is the classic reward hack: padding pays.' },
] as const satisfies readonly { id: string; title: string; yLabel: string; percent?: boolean; caption: string; series: readonly { key: string; label: string; color: string; dots?: boolean }[] }[];

/** Where each alarm is marked (the charts that show it) and its words on the mark. */
export const ALARM_MARKS: Record<AlarmId, { charts: readonly PpoChartId[]; label: string }> = {
  gamed: { charts: ['reward', 'gold-score'], label: 'reward gamed' },
  'no-answer': { charts: ['gold-rate'], label: 'going empty' },
  'says-less': { charts: ['gold-rate'], label: 'saying less' },
  'yes-collapse': { charts: ['gold-rate'], label: 'yes collapsed' },
  'rm-chance': { charts: ['reward'], label: 'RM at chance' },
};

/** A sampled answer in the feed, with the step that sampled it. */
export interface FeedItem {
  step: number;
  sample: PpoSample;
}

const FEED_LENGTH = 12;

/** The last gold figures shown under the charts; a run kept before true-and-informative was measured has only the first two. */
export type LastGold = Pick<GoldFigures, 'gold/hallucination_rate' | 'gold/score'> & Partial<GoldFigures>;

function goldOf(m: Record<string, number>): LastGold {
  const out: LastGold = { 'gold/hallucination_rate': m['gold/hallucination_rate'] as number, 'gold/score': m['gold/score'] as number };
  for (const k of ['gold/true_informative', 'gold/no_answer_rate'] as const) if (typeof m[k] === 'number') out[k] = m[k];
  return out;
}

export type PpoChartId = (typeof PPO_CHARTS)[number]['id'];

export class PpoMetrics {
  /** The newest point and the newest gold figures. */
  last = $state.raw<PpoPoint | null>(null);
  lastGold = $state.raw<LastGold | null>(null);
  /** The newest sampled answers, newest first. */
  feed = $state.raw<FeedItem[]>([]);
  /** Steps with metrics (the rows themselves are not reactive; their count is). */
  count = $state(0);
  /** The last step was not applied (a quantity was not finite): the run holds until resumed or stopped. */
  halt = $state.raw<{ step: number; quantity: string } | null>(null);
  /** What the metrics say is going wrong (the reward gamed, answers going empty, saying less). */
  alarms = $state.raw<Alarm[]>([]);
  /** The reward model the run reads, as measured on its held-out pairs (for the alarm at chance); undefined for the gold reward. */
  rm: RmHeldOut | undefined = undefined;
  /** Every step's metrics, oldest first. */
  private rows: MetricRow[] = [];

  readonly feeds: Record<PpoChartId, LineFeed> = Object.fromEntries(
    PPO_CHARTS.map((c) => [c.id, new LineFeed(c.series, 'percent' in c && c.percent ? { min: 0, max: 1, percent: true } : {})]),
  ) as Record<PpoChartId, LineFeed>;

  /** Forgets everything, for a run of `steps` steps (0: until stopped) or a kept run shown. */
  clear(steps: number): void {
    this.last = null;
    this.lastGold = null;
    this.feed = [];
    this.halt = null;
    this.alarms = [];
    this.rows = [];
    this.count = 0;
    for (const f of Object.values(this.feeds)) {
      f.clear();
      if (steps > 0) f.setXMax(steps);
    }
  }

  /** Adds points to the charts, the metrics and the feed. */
  plot(points: readonly PpoPoint[]): void {
    const newest = points.at(-1);
    if (!newest) return;
    for (const c of PPO_CHARTS) {
      const added = c.series.map((s) => points.flatMap((p): XY[] => {
        const v = (p.metrics as Record<string, number | undefined>)[s.key];
        return typeof v === 'number' && Number.isFinite(v) ? [{ x: p.step, y: v }] : [];
      }));
      if (added.some((a) => a.length)) this.feeds[c.id].append(added);
    }
    for (const p of points) this.rows.push({ step: p.step, ...(p.metrics as Record<string, number>) });
    this.count = this.rows.length;
    this.last = newest;
    if (points.some((p) => typeof (p.metrics as Record<string, unknown>)['gold/score'] === 'number')) this.setAlarms(ppoAlarms(this.rows, this.rm));
    // A point with gold figures carries them among its metrics too (a kept run has only those).
    const gold = [...points].reverse().find((p) => typeof (p.metrics as Record<string, unknown>)['gold/score'] === 'number')?.metrics as Record<string, number> | undefined;
    if (gold) this.lastGold = goldOf(gold);
    const items = points.flatMap((p) => p.samples.map((sample) => ({ step: p.step, sample })));
    if (items.length) this.feed = [...items.reverse(), ...this.feed].slice(0, FEED_LENGTH);
    // The engine's safety net held the run after a step it did not apply; a later step clears it.
    this.halt = newest.nonFinite ? { step: newest.step + 1, quantity: newest.nonFinite } : null;
  }

  /** Shows the alarms, each marked on the charts that show it where it started. */
  private setAlarms(alarms: Alarm[]): void {
    this.alarms = alarms;
    for (const c of PPO_CHARTS) {
      const marks: ChartMark[] = alarms.flatMap((a) => (ALARM_MARKS[a.id].charts.includes(c.id) ? [{ x: a.step, label: ALARM_MARKS[a.id].label }] : []));
      this.feeds[c.id].setMarks(marks);
    }
  }

  /** Every step's metrics up to `step`. */
  upTo(step: number): MetricRow[] {
    return this.rows.filter((m) => m.step <= step);
  }

  /** Downloads every step's metrics as CSV (TRL's names as the columns). */
  exportCsv(): void {
    saveFile('ppo-metrics.csv', new Blob([toCsv(this.rows)], { type: 'text/csv' }));
  }
}
