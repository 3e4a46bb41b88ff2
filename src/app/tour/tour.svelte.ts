// The guided first run: the whole pipeline with the shipped model in five steps a newcomer takes
// with one click each (see it hallucinate, label pairs, train the reward model, run PPO, read what
// it learnt: the true hallucination rate, and whether it fell by saying less), each saying what
// happens and why. The step reached is
// kept in this browser, so the tour can be left and resumed at any time.

import { tick, untrack } from 'svelte';
import type { Session } from '../session.svelte';
import type { PpoState } from '../ppo/ppo.svelte';
import { PPO_CHARTS } from '../ppo/metrics.svelte';
import type { StageId } from '../stages';
import { atChance } from '../../engine/ppo/alarms';

const STEP_KEY = 'rlhf-playground/tour-step';

export interface TourStep {
  id: string;
  title: string;
  /** What happens and why, for someone who has never heard of RLHF. */
  why: string;
  /** The stage the step happens on. */
  stage: StageId;
  /** Where its result shows (a CSS selector on that stage): scrolled into view, never under the panel. */
  target: string;
  /** The button's words. */
  action: string;
  /** Does the step (the page's own actions, nothing special). */
  run(s: Session): Promise<void>;
  /** Whether the step's result is there (it can also be done by hand). */
  done(s: Session): boolean;
  /** How far it has come, in words, while it runs or once done. */
  status?(s: Session): string;
}

/** Labels the tour asks for before it trains the reward model. */
const TOUR_LABELS = 160;
/** PPO steps of the tour's run. */
const TOUR_PPO_STEPS = 20;

const pct = (x: number) => `${Math.round(100 * x)}%`;

export const TOUR_STEPS: readonly TourStep[] = [
  {
    id: 'hallucinate',
    title: 'See it hallucinate',
    why: 'The model was fine-tuned (SFT) on answers that are fluent but partly invented, as machine-written instruction data is. Asked to describe a picture, it often names objects that are not there: the judge marks each false claim in red.',
    stage: 'sft',
    target: '[data-testid="sample-results"]',
    action: 'Load the model and ask it',
    async run(s) {
      if (s.engine.policy === null) await s.sft.policy.loadShipped('sft');
      s.sft.sample.questionType = 'holistic';
      s.sft.sample.n = 3;
      await s.sft.sample.sample();
    },
    done: (s) => s.sft.sample.batch !== null,
    status: (s) => {
      const b = s.sft.sample.batch;
      if (!b) return '';
      const bad = b.answers.filter((a) => a.verdict.hallucination).length;
      return `${bad} of ${b.answers.length} answers name something that is not there.`;
    },
  },
  {
    id: 'label',
    title: 'Label pairs of answers',
    why: 'RLHF starts from people saying which of two answers is better. Label a few yourself (keys 1 and 2) to see what it asks of you; then a simulated annotator with the paper’s instruction (fewer hallucinations first) labels enough for a reward model.',
    stage: 'label',
    target: '[data-testid="auto-note"]',
    action: `Let the careful annotator label ${TOUR_LABELS}`,
    async run(s) {
      s.label.auto.usePreset('careful');
      s.label.auto.n = Math.max(1, TOUR_LABELS - s.label.prefs.records.length);
      await s.label.auto.run();
    },
    done: (s) => s.label.prefs.records.length >= TOUR_LABELS,
    status: (s) => `${s.label.prefs.records.length} of ${TOUR_LABELS} labels`,
  },
  {
    id: 'reward',
    title: 'Train the reward model',
    why: 'A reward model learns to score answers so the preferred one scores higher. This one is a Fact-RM: it also reads the scene’s facts, the paper’s remedy for a reward model the policy could fool.',
    stage: 'reward',
    target: '[data-testid="rm-acc-chart"]',
    action: 'Train the Fact-RM',
    async run(s) {
      s.reward.choice = 'fact';
      s.reward.minSteps = 25;
      s.reward.epochs = 2;
      s.reward.probeItems = 16;
      await s.reward.start();
    },
    done: (s) => s.reward.results.fact !== undefined,
    status: (s) => {
      const r = s.reward.results.fact;
      if (!r) return s.reward.progress ? `step ${s.reward.progress.step} of ${s.reward.progress.total}` : '';
      const { accuracy, decided } = r.run.heldOut;
      const measured = `held-out accuracy ${accuracy === null ? '—' : pct(accuracy)} on ${decided} pairs`;
      return atChance(accuracy, decided)
        ? `${measured}: on so few pairs that cannot be told from a coin toss (50%). Go back and label more, then train again; or go on and see PPO chase a reward that is mostly noise.`
        : `${measured}: clearly better than a coin toss.`;
    },
  },
  {
    id: 'ppo',
    title: 'Run PPO',
    why: 'PPO samples answers, lets the reward model score them, and moves the model towards higher scores, while a KL penalty keeps it close to where it started. The charts show the reward, and, what no real system can show, the true hallucination rate.',
    stage: 'ppo',
    target: '[data-testid="ppo-chart-gold-rate"]',
    action: `Run ${TOUR_PPO_STEPS} PPO steps`,
    async run(s) {
      s.ppo.usePreset('fact-rlhf');
      s.ppo.steps = TOUR_PPO_STEPS;
      s.ppo.config = { ...s.ppo.config, goldEvery: 2 };
      await s.ppo.start();
    },
    done: (s) => s.ppo.result !== null && s.ppo.result.steps > 0,
    status: (s) => (s.ppo.metrics.last ? `step ${s.ppo.metrics.last.step}` : ''),
  },
  {
    id: 'fall',
    title: 'Read what it learnt',
    why: 'The judge checks the tuned model on questions it never trained on. The share of answers with a false claim should fall; but read the answers in the sample feed too: a policy can stop hallucinating by saying nothing useful ("i am not sure ."), which a reward model trained on few labels may pay for. True-and-informative is the figure that silence cannot raise. Next, try the reward-hacking preset (its Set up button) and watch the answers grow longer while the gold score falls.',
    stage: 'ppo',
    target: '[data-testid="ppo-status"]',
    action: 'Show the figures',
    async run() {},
    done: (s) => goldMoved(s.ppo) !== null,
    status: (s) => {
      const f = goldMoved(s.ppo);
      if (!f) return '';
      const rate = `gold hallucination rate ${pct(f.from)} → ${pct(f.to)}`;
      const t = f.trueInformative;
      const ti = t ? `true and informative ${pct(t.from)} → ${pct(t.to)}` : '';
      if (f.to >= f.from) return `${rate}: it did not fall in this run${ti ? ` (${ti})` : ''}.`;
      if (t && t.to < t.from) return `${rate}, but ${ti}: it says less, not more that is true. The sample feed shows what this reward model pays for; the honesty-first preset pays only for answers that are true and informative.`;
      return `${rate}, ${ti || 'true and informative not measured'}: fewer false claims, and no fewer useful answers.`;
    },
  },
];

/**
 * The gold hallucination rate at the start of the PPO stage's run and now, once measured twice,
 * with the share true and informative at the same two points (so a fall bought by saying less shows).
 */
function goldMoved(ppo: PpoState): { from: number; to: number; trueInformative?: { from: number; to: number } } | null {
  const feed = ppo.metrics.feeds['gold-rate'];
  const keys = GOLD_SERIES.map((s) => s.key as string);
  const rate = feed.data[keys.indexOf('gold/hallucination_rate')] ?? [];
  const ti = feed.data[keys.indexOf('gold/true_informative')] ?? [];
  void ppo.metrics.lastGold; // the feed is not reactive; the newest gold figures are
  const first = rate[0]?.y;
  const last = rate.at(-1)?.y;
  if (first === undefined || last === undefined || rate.length < 2) return null;
  const [a, b] = [ti[0]?.y, ti.at(-1)?.y];
  return { from: first, to: last, ...(a !== undefined && b !== undefined && ti.length > 1 ? { trueInformative: { from: a, to: b } } : {}) };
}

/** Whether two boxes on screen share any area. */
export function overlaps(a: { left: number; right: number; top: number; bottom: number }, b: { left: number; right: number; top: number; bottom: number }): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** The series of the PPO stage's gold chart: true and informative, hallucination, no answer. */
const GOLD_SERIES = PPO_CHARTS.find((c) => c.id === 'gold-rate')!.series;

export class TourState {
  /** The step reached (kept in this browser). */
  index = $state(0);
  running = $state(false);
  error = $state<string | null>(null);
  /** The side of the window the panel sits on: it moves to the left when on the right it would cover the step's result. */
  side = $state<'right' | 'left'>('right');
  /** The panel shows only the step's title, status and buttons (its why folded away), to leave a tall result in the clear. */
  compact = $state(false);

  /** Puts back the settings the tour's steps changed; null until a step has changed them. */
  private putBack: (() => void) | null = null;

  constructor(private readonly session: Session) {
    // Closed (or finished): the person's settings come back; what the steps made stays.
    $effect.root(() => {
      $effect(() => {
        if (!this.session.tourOpen) untrack(() => this.restoreSettings());
      });
    });
    let stored: string | null = null;
    try {
      stored = localStorage.getItem(STEP_KEY);
    } catch {
      // No storage: the tour starts at the beginning.
    }
    const n = Number(stored);
    if (stored !== null && Number.isInteger(n) && n >= 0 && n < TOUR_STEPS.length) this.index = n;
  }

  readonly step: TourStep = $derived(TOUR_STEPS[this.index] as TourStep);

  /** Does the step on show, on its stage; the visitor looks at the result, then goes on. */
  async act(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.error = null;
    const step = this.step;
    location.hash = `#/${step.stage}`;
    this.keepSettings();
    try {
      await step.run(this.session);
      if (!step.done(this.session)) this.error = this.whyNotDone() ?? 'That did not finish; the stage itself says why.';
      else await this.reveal();
    } catch (e) {
      this.error = (e as Error).message;
    } finally {
      this.running = false;
    }
  }

  /** Puts back the settings the tour changed (it sets short runs and small sizes for its steps). */
  restoreSettings(): void {
    this.putBack?.();
    this.putBack = null;
  }

  /** Notes the settings the steps change, once, so closing the tour can put them back. */
  private keepSettings(): void {
    if (this.putBack) return;
    const { sft, label, reward, ppo } = this.session;
    const [sample, auto] = [sft.sample, label.auto];
    const was = {
      questionType: sample.questionType, n: sample.n, autoPreset: auto.preset, autoSettings: { ...auto.settings }, autoN: auto.n,
      choice: reward.choice, minSteps: reward.minSteps, epochs: reward.epochs, probeItems: reward.probeItems,
      ppoPreset: ppo.preset, ppoConfig: $state.snapshot(ppo.config), ppoSteps: ppo.steps,
    };
    this.putBack = () => {
      Object.assign(sample, { questionType: was.questionType, n: was.n });
      Object.assign(auto, { preset: was.autoPreset, settings: was.autoSettings, n: was.autoN });
      Object.assign(reward, { choice: was.choice, minSteps: was.minSteps, epochs: was.epochs, probeItems: was.probeItems });
      Object.assign(ppo, { preset: was.ppoPreset, config: was.ppoConfig, steps: was.ppoSteps });
    };
  }

  goTo(i: number): void {
    this.index = Math.max(0, Math.min(TOUR_STEPS.length - 1, i));
    try {
      localStorage.setItem(STEP_KEY, String(this.index));
    } catch {
      // The tour still goes on; it starts over after a reload.
    }
    location.hash = `#/${this.step.stage}`;
    this.compact = false;
    // A step already done shows its result again, once its stage is on show.
    if (this.step.done(this.session)) setTimeout(() => void this.reveal(), 60);
  }

  /**
   * Scrolls the step's result to the top of the window, under the header, and puts the panel on the
   * side where it covers none of it (the right, unless the result reaches under it there).
   */
  async reveal(): Promise<void> {
    await tick();
    const el = document.querySelector(this.step.target);
    const panel = document.querySelector('[data-testid="tour"]');
    if (!el || !panel) return;
    const header = document.querySelector('header')?.getBoundingClientRect().bottom ?? 0;
    window.scrollTo({ top: window.scrollY + el.getBoundingClientRect().top - header - 12, behavior: 'instant' });
    for (const compact of [false, true]) {
      for (const side of ['right', 'left'] as const) {
        this.side = side;
        this.compact = compact;
        await tick();
        if (!overlaps(el.getBoundingClientRect(), panel.getBoundingClientRect())) return;
      }
    }
    this.side = 'right';
  }

  private whyNotDone(): string | null {
    const s = this.session;
    return s.sft.policy.error ?? s.sft.sample.error ?? s.label.auto.error ?? s.reward.error ?? s.ppo.error ?? s.ppo.blocked ?? s.reward.blocked;
  }
}
