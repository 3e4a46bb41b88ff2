// The best-of-n card's state: which of the session's reward models pick (the plain RM, the
// Fact-RM), the n list, the benchmark size and the sampling knobs (checked by the engine's own
// check), the sweep in the worker (progress, stop), its rows per reward model, and the
// over-optimisation chart: gold and RM score against √KL per RM with the fitted forms, and the
// PPO stage's run beside them when it has gold points. One per session, so a sweep outlives a visit.

import { BON_DEFAULTS, BON_FIELDS, BON_TABLE, bonConfig, checkBonConfig, parseNs, type BonConfig } from '../../engine/bon/config';
import { problemLines } from '../../engine/train/fields';
import type { BenchSize } from '../../engine/bench/shapes-hal';
import type { Calls, RewardKind } from '../../worker/protocol';
import { LineFeed, type SeriesSpec, type XY } from '../charts/line-chart';
import { KIND_INFO } from '../reward/explain';
import type { EngineState } from '../engine/engine.svelte';
import type { PrefsStore } from '../label/prefs.svelte';
import type { PpoState } from '../ppo/ppo.svelte';
import type { RewardState } from '../reward/reward.svelte';
import { StageJob } from '../engine/stage-job.svelte';
import { bonSeries, ppoCurve, type CurveSeries, type PpoCurve } from './overopt-series';

export type BonRunResult = Calls['bon']['res'];

const KINDS: readonly RewardKind[] = ['plain', 'fact'];
const PPO_COLOR = '#2f9e44';

/** The n lists offered as one click: the full sweep and a quick look. */
export const N_LISTS = { full: BON_DEFAULTS.ns.join(','), quick: '1,2,4,8' } as const;

/** The chart's series, four per curve: measured gold, fitted form, RM score (right axis), measured gold peak. */
function curveSpecs(name: string, color: string, form: string): SeriesSpec[] {
  return [
    { label: `${name}: gold`, color, scatter: true },
    { label: `${name}: fit ${form}`, color },
    { label: `${name}: RM score (right)`, color, dashed: true, dots: true, right: true },
    { label: `${name}: gold peak`, color, scatter: true, marker: true },
  ];
}
const CURVES = [...KINDS.map((k) => ({ id: k as string, specs: curveSpecs(KIND_INFO[k].name, KIND_INFO[k].color, 'd(α − βd)') })), { id: 'ppo', specs: curveSpecs('PPO run', PPO_COLOR, 'd(α − β log d)') }];
const seriesOf = (c: CurveSeries): XY[][] => [c.gold, c.fit, c.rm, c.peak];

export class BonState {
  /** Reward models left out of the sweep (the others the session has all pick). */
  excluded = $state.raw<RewardKind[]>([]);
  ns = $state<string>(N_LISTS.full);
  size = $state<BenchSize>(BON_DEFAULTS.size);
  temperature = $state(BON_DEFAULTS.temperature);
  maxNewTokens = $state(BON_DEFAULTS.maxNewTokens);
  seed = $state(BON_DEFAULTS.seed);

  /** The sweep in the worker: Run and Stop. */
  readonly job: StageJob<'bon'>;
  result = $state.raw<BonRunResult | null>(null);
  error = $state<string | null>(null);

  /** Gold score (left) and RM score (right) against √KL: every curve's series, empty until it has points. */
  readonly feed = new LineFeed(CURVES.flatMap((c) => c.specs), { min: 0, max: 6 }, { y2: {}, xDecimals: true, legendHidesEmpty: true });

  /** The reward models this session has trained (or restored). */
  readonly available: RewardKind[] = $derived(KINDS.filter((k) => this.reward.results[k] !== undefined));
  /** Those that will pick. */
  readonly picked: RewardKind[] = $derived(this.available.filter((k) => !this.excluded.includes(k)));

  /** The sweep's config from the knobs, or the reason the n list cannot be read. */
  readonly config: BonConfig | string = $derived.by(() => {
    let ns: number[];
    try {
      ns = parseNs(this.ns);
    } catch (e) {
      return `${BON_FIELDS.ns.label} must be whole numbers separated by commas: ${(e as Error).message}`;
    }
    return bonConfig({ ns, size: this.size, temperature: this.temperature, maxNewTokens: this.maxNewTokens, seed: this.seed });
  });

  /** What is wrong with the knobs, in words (the engine's check). */
  readonly problems: string[] = $derived(typeof this.config === 'string' ? [this.config] : problemLines(checkBonConfig(this.config), BON_TABLE));

  /** Why a sweep cannot start now, or null. */
  readonly blocked: string | null = $derived.by(() => {
    const e = this.engine;
    if (e.note !== null) return e.note;
    if (e.policy === null) return 'Load a policy first (at the top of the page): best-of-n samples from it.';
    if (this.available.length === 0) return 'Train a reward model first (in the Reward stage): best-of-n keeps its favourite answer.';
    if (this.picked.length === 0) return 'Pick at least one reward model.';
    return null;
  });

  /** The PPO stage's run as a curve (gold against √KL from its start), or null before it has two gold points. */
  readonly ppo: PpoCurve | null = $derived.by(() => {
    const ppo = this.ppoStage;
    void ppo.metrics.count; // the metrics themselves are not reactive; their count is
    void ppo.metrics.last;
    const curve = ppoCurve(ppo.metrics.upTo(Infinity));
    return curve.points.length >= 2 ? curve : null;
  });

  constructor(
    private readonly engine: EngineState,
    private readonly prefs: PrefsStore,
    /** The reward models that pick. */
    private readonly reward: RewardState,
    /** The PPO stage, whose run is drawn beside the sweep. */
    private readonly ppoStage: PpoState,
  ) {
    this.job = new StageJob(engine, 'bon', 'running best-of-n');
    // The chart follows the sweep and the PPO run: both redrawn whenever either changes.
    $effect.root(() => {
      $effect(() => {
        const res = this.result;
        const ppo = this.ppo;
        this.redraw(res, ppo);
      });
    });
  }

  /** Whether a reward model picks in the next sweep; toggles it. */
  toggle(kind: RewardKind): void {
    this.excluded = this.excluded.includes(kind) ? this.excluded.filter((k) => k !== kind) : [...this.excluded, kind];
  }

  /** Runs the sweep on the loaded policy with the picked reward models; resolves when it ends. */
  async start(): Promise<void> {
    if (this.job.running || this.blocked !== null || this.problems.length > 0 || typeof this.config === 'string') return;
    this.error = null;
    const config = $state.snapshot(this.config) as BonConfig;
    try {
      this.result = await this.job.run({ config, kinds: [...this.picked], records: [...this.prefs.records] });
    } catch (e) {
      this.error = `Best-of-n failed: ${(e as Error).message}`;
    }
  }

  private redraw(res: BonRunResult | null, ppo: PpoCurve | null): void {
    const empty = (): XY[][] => [[], [], [], []];
    const byCurve = new Map<string, XY[][]>();
    for (const s of res?.sweeps ?? []) byCurve.set(s.fact ? 'fact' : 'plain', seriesOf(bonSeries(s.rows, s.fit)));
    if (ppo) byCurve.set('ppo', seriesOf(ppo.series));
    this.feed.clear();
    if (byCurve.size) this.feed.append(CURVES.flatMap((c) => byCurve.get(c.id) ?? empty()));
  }
}
