// Auto-labelling: sample N pairs from the loaded policy and label them with a simulated
// annotator (a preset, or its settings changed by hand), in the worker; the records join the
// stored ones. Stop ends the sampling after its current round and keeps what was labelled.

import { ANNOTATOR_PRESETS, type AnnotatorName, type AnnotatorSettings } from '../../engine/prefs/annotator';
import { labelCounts } from '../../engine/prefs/label';
import { checkLabelJob, LABEL_JOB_DEFAULTS, LABEL_JOB_TABLE } from '../../engine/prefs/label-config';
import { problemLines } from '../../engine/train/fields';
import { SETTING_INFO } from './explain';
import type { ProgressEvent } from '../../worker/protocol';
import type { EngineState } from '../engine/engine.svelte';
import { StageJob } from '../engine/stage-job.svelte';
import type { PrefsStore } from './prefs.svelte';
import type { PreferenceRecord } from '../../engine/prefs/record';

export const MAX_AUTO = 2000;

/** The annotator's settings by their names on the card, for the engine's problems. */
const SETTING_NAMES = Object.fromEntries(Object.entries(SETTING_INFO).map(([k, s]) => [`annotator.${k}`, s.label]));

/** The numeric settings, in the order the card shows them. */
export const NUMERIC_SETTINGS = ['hallucinationWeight', 'informativenessWeight', 'lengthBias', 'noise', 'tieMargin'] as const satisfies readonly (keyof AnnotatorSettings)[];

const sameSettings = (a: AnnotatorSettings, b: AnnotatorSettings) =>
  NUMERIC_SETTINGS.every((k) => Math.abs(a[k] - b[k]) < 1e-12) && a.flagBothBad === b.flagBothBad;

export class AutoLabelState {
  private readonly prefs: PrefsStore;
  private readonly nextSeed: () => Promise<number>;

  preset = $state<AnnotatorName>('careful');
  settings = $state<AnnotatorSettings>({ ...ANNOTATOR_PRESETS.careful });
  n = $state(20);
  /** Share of pairs made as (a sample, the same with one hallucinated object). */
  mix = $state(0);
  /** Share of pairs made as (a sample, a degenerate answer: empty, "i am not sure ." or the sample scrambled). */
  degenerate = $state(0.25);
  /** The labelling in the worker: Run and Stop. */
  readonly job: StageJob<'auto-label'>;
  progress = $state.raw<{ done: number; total: number } | null>(null);
  note = $state<string | null>(null);
  error = $state<string | null>(null);

  /** The labeller's name in the records: the preset's, or "custom" once a setting is changed. */
  readonly name: string = $derived(sameSettings(this.settings, ANNOTATOR_PRESETS[this.preset]) ? this.preset : 'custom');

  /** What is wrong with the knobs, in words: the engine's checks of the labelling job, with the page's names. */
  readonly problems: string[] = $derived.by(() => {
    const out = checkLabelJob({ ...LABEL_JOB_DEFAULTS, n: this.n, mix: this.mix, degenerate: this.degenerate, annotator: { name: this.name, settings: this.settings, seed: 0 } });
    if (this.n > MAX_AUTO) out.push({ field: 'n', message: `must be at most ${MAX_AUTO} here (the command line's \`label\` takes more)` });
    return problemLines(out, LABEL_JOB_TABLE, SETTING_NAMES);
  });

  constructor(engine: EngineState, prefs: PrefsStore, nextSeed: () => Promise<number>) {
    this.prefs = prefs;
    this.nextSeed = nextSeed;
    this.job = new StageJob(engine, 'auto-label', 'auto-labelling pairs');
  }

  usePreset(name: AnnotatorName): void {
    this.preset = name;
    this.settings = { ...ANNOTATOR_PRESETS[name] };
  }

  /** Samples and labels N pairs; adds the records to the store and returns them (null when it failed or could not start). */
  async run(): Promise<PreferenceRecord[] | null> {
    if (this.job.running || this.problems.length > 0) return null;
    this.error = null;
    this.note = null;
    this.progress = { done: 0, total: this.n };
    const name = this.name;
    try {
      const seed = await this.nextSeed();
      const res = await this.job.run(
        { n: this.n, seed, mix: this.mix, degenerate: this.degenerate, annotator: { name, settings: $state.snapshot(this.settings), seed } },
        {
          label: `auto-labelling ${this.n} pairs`,
          onProgress: (e: ProgressEvent) => {
            if (e.kind === 'progress') this.progress = { done: e.progress.done, total: e.progress.total };
          },
        },
      );
      const added = this.prefs.add(res.records);
      const c = labelCounts(res.records);
      const stopped = res.records.length < this.n ? ` (stopped after ${res.records.length} of ${this.n})` : '';
      const dropped = res.dropped ? `; ${res.dropped} prompts dropped: the policy gave the same answer twice every try` : '';
      this.note = `${name} labelled ${added} pairs${stopped}: A ${c.A}, B ${c.B}, tie ${c.tie}, both bad ${c['both-bad']}${dropped}.`;
      return res.records;
    } catch (e) {
      this.error = `Auto-labelling failed: ${(e as Error).message}`;
      return null;
    }
  }
}
