// The storage panel's state: everything this browser keeps for the page (labels, marks, benchmark runs,
// reward-model figures in idb-keyval; the policy and reward models in TensorFlow.js's IndexedDB
// store, listed by the worker; settings in localStorage), each with its approximate size, to
// export as a file or delete; with the browser's own estimate of what the site uses.

import { del, entries, get } from 'idb-keyval';
import { exportNative } from '../../engine/prefs/native';
import { SESSION_POLICY_KEY, rewardModelKey, type StoredModel } from '../../worker/protocol';
import { RUNS_KEY, RUNS_LAYOUT } from '../evaluate/runs';
import { saveFile } from '../files';
import { DRAWS_KEY, DRAWS_LAYOUT } from '../label/label.svelte';
import { LABELS_KEY, PREFS_KEY, deleteStoredLabels, readStoredLabels, readStoredPrefs, type LabelsIndex } from '../label/label-chunks';
import { RM_LAYOUT, RM_STORE_KEY } from '../reward/reward.svelte';
import { SRM_LAYOUT, SRM_STORE_KEY } from '../reward/sentence.svelte';
import { MARKS_KEY, readStoredMarks, type MarksStore } from '../label/marks.svelte';
import { exportMarks } from '../../engine/prefs/mark-file';
import { readKept } from './layouts';
import { OLDER_RUN_KEY } from '../ppo/keep.svelte';
import { readStoredRun } from '../../engine/ppo/run-record';
import { STORED_KEY, checkpointFileName } from '../sft/policy.svelte';
import type { EngineState } from '../engine/engine.svelte';
import type { EvaluateState } from '../evaluate/evaluate.svelte';
import type { PrefsStore } from '../label/prefs.svelte';
import { approxBytes, formatBytes } from './size';

/** localStorage keys of the page's settings start with this. */
const SETTINGS_PREFIX = 'rlhf-playground/';

/** Where an item is kept. */
type Place = { in: 'keyval'; key: string } | { in: 'model'; key: string } | { in: 'settings'; keys: string[] };

/** One thing this browser keeps, as the panel lists it. */
export interface StoredItem {
  /** Unique within the list ("keyval:rlhf-playground/preferences"). */
  id: string;
  name: string;
  /** What it holds, in words ("12 pairs"). */
  detail: string;
  /** Approximate size in bytes. */
  bytes: number;
  /** What deleting it does beyond losing it, in words. */
  deleting: string;
  place: Place;
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'item';
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The panel's words for a value kept in idb-keyval under `key`. */
function describeKeyval(key: string, value: unknown): Pick<StoredItem, 'name' | 'detail' | 'deleting'> {
  switch (key) {
    case LABELS_KEY: {
      const count = (value as Partial<LabelsIndex> | null)?.count;
      return { name: 'Labels', detail: Number.isInteger(count) ? plural(count as number, 'labelled pair') : 'in a layout this page does not know', deleting: 'The Reward stage has nothing to train on until you label again.' };
    }
    case PREFS_KEY: {
      const { records } = readStoredPrefs(value);
      return { name: 'Labels (earlier layout)', detail: plural(records.length, 'labelled pair'), deleting: 'The Reward stage has nothing to train on until you label again.' };
    }
    case RUNS_KEY: {
      const read = readKept(RUNS_LAYOUT, value);
      return { name: 'Benchmark runs', detail: read.problem ?? plural(read.value.length, 'run'), deleting: 'Evaluate forgets the runs it compares.' };
    }
    case RM_STORE_KEY: {
      const read = readKept(RM_LAYOUT, value);
      return {
        name: 'Reward-model figures',
        detail: read.problem ?? `accuracy, probes and curves of ${Object.keys(read.value).join(' and ') || 'no'} model(s)`,
        deleting: 'They stay on screen until you leave the page; after a reload the reward models are not restored.',
      };
    }
    case MARKS_KEY: {
      const marks = (value as { marks?: unknown } | null)?.marks;
      return { name: 'Marks', detail: Array.isArray(marks) ? plural(marks.length, 'marked answer') : 'in a layout this page does not know', deleting: 'The sentence reward model has nothing to train on until you mark again.' };
    }
    case SRM_STORE_KEY: {
      const read = readKept(SRM_LAYOUT, value);
      return { name: 'Sentence RM figures', detail: read.problem ?? 'held-out accuracy and probe of the last sentence reward model', deleting: 'They stay on screen until you leave the page; a reload shows none.' };
    }
    case OLDER_RUN_KEY: {
      const read = readStoredRun(value);
      const detail = 'run' in read ? `kept by an earlier version of this page: config and ${plural(read.run.metrics.length, 'metric row')} up to step ${read.run.step} (policy ${read.run.policy.version})` : `unreadable: ${read.problem}`;
      return { name: 'PPO run (earlier layout)', detail, deleting: 'A reload no longer brings back this run’s charts; runs since are kept with their policy.' };
    }
    case DRAWS_KEY: {
      const read = readKept(DRAWS_LAYOUT, value);
      return { name: 'Labelling draws', detail: read.problem ?? `${read.value} sampling seeds drawn, so pairs after a reload are new`, deleting: 'Pairs shown after a reload may repeat earlier ones.' };
    }
    default:
      return { name: key, detail: 'kept by this page', deleting: '' };
  }
}

/** The panel's words for a model kept in TensorFlow.js's IndexedDB store under `key`. */
function describeModel(key: string): Pick<StoredItem, 'name' | 'detail' | 'deleting'> {
  const stays = 'A copy loaded now stays loaded until you leave the page.';
  if (key === SESSION_POLICY_KEY) return { name: 'Policy (this session)', detail: 'the policy last loaded or trained, with its PPO run if it has one, restored after a reload', deleting: `A reload starts with no policy and no PPO run. ${stays}` };
  if (key === rewardModelKey('plain')) return { name: 'Plain RM weights', detail: 'restored after a reload for PPO', deleting: `A reload does not restore the plain RM. ${stays}` };
  if (key === rewardModelKey('fact')) return { name: 'Fact-RM weights', detail: 'restored after a reload for PPO', deleting: `A reload does not restore the Fact-RM. ${stays}` };
  if (key === STORED_KEY) return { name: 'Saved policy', detail: 'saved with "Save in this browser"', deleting: stays };
  return { name: key, detail: 'a model kept by this page', deleting: stays };
}

export class StorageState {
  items = $state.raw<StoredItem[]>([]);
  /** The browser's own estimate of what this site uses and may use, where it gives one. */
  estimate = $state.raw<{ usage: number; quota: number } | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  /** What the last action did, in words. */
  note = $state<string | null>(null);

  readonly total: number = $derived(this.items.reduce((n, i) => n + i.bytes, 0));

  constructor(
    private readonly engine: EngineState,
    private readonly prefs: PrefsStore,
    private readonly evaluate: EvaluateState,
    private readonly marks?: MarksStore,
  ) {}

  /** Lists what this browser keeps now (models once the engine has started). */
  async refresh(): Promise<void> {
    this.loading = true;
    this.error = null;
    const items: StoredItem[] = [];
    const problems: string[] = [];
    try {
      // The labels' chunks are listed as one item with their index.
      let chunkBytes = 0;
      for (const [k, value] of await entries()) {
        const key = String(k);
        if (key.startsWith(`${LABELS_KEY}/`)) chunkBytes += approxBytes(value);
        else items.push({ id: `keyval:${key}`, ...describeKeyval(key, value), bytes: approxBytes(value), place: { in: 'keyval', key } });
      }
      const labels = items.find((i) => i.id === `keyval:${LABELS_KEY}`);
      if (labels) labels.bytes += chunkBytes;
      else if (chunkBytes > 0) items.push({ id: `keyval:${LABELS_KEY}`, ...describeKeyval(LABELS_KEY, undefined), bytes: chunkBytes, place: { in: 'keyval', key: LABELS_KEY } });
    } catch (e) {
      problems.push(`could not read IndexedDB (${(e as Error).message})`);
    }
    let models: StoredModel[] = [];
    try {
      models = (await this.engine.run('listing the models kept in this browser', 'stored-models', {})).models;
    } catch (e) {
      problems.push(`could not list the stored models (${(e as Error).message})`);
    }
    for (const m of models) items.push({ id: `model:${m.key}`, ...describeModel(m.key), detail: `${describeModel(m.key).detail}; saved ${new Date(m.savedAt).toLocaleString()}`, bytes: m.bytes, place: { in: 'model', key: m.key } });
    const keys = settingsKeys();
    if (keys.length) {
      const bytes = keys.reduce((n, k) => n + k.length + (localStorage.getItem(k)?.length ?? 0), 0);
      items.push({ id: 'settings', name: 'Settings', detail: keys.map((k) => k.slice(SETTINGS_PREFIX.length)).join(', '), bytes, deleting: 'The page goes back to its defaults (backend, theme, tour) from the next load.', place: { in: 'settings', keys } });
    }
    this.items = items;
    const est = await navigator.storage?.estimate?.().catch(() => undefined);
    this.estimate = est?.usage !== undefined && est.quota !== undefined ? { usage: est.usage, quota: est.quota } : null;
    if (problems.length) this.error = `Some of what is stored is not listed: ${problems.join('; ')}.`;
    this.loading = false;
  }

  /** Downloads an item as a file: labels as JSONL, models as a .ckpt, anything else as JSON. */
  async exportItem(item: StoredItem): Promise<void> {
    this.error = null;
    try {
      const p = item.place;
      let file: string;
      if (p.in === 'model') {
        const { bytes } = await this.engine.run(`exporting ${item.name}`, 'export-stored-model', { key: p.key });
        file = checkpointFileName(slug(item.name));
        saveFile(file, new Blob([bytes], { type: 'application/octet-stream' }));
      } else if (p.in === 'keyval' && (p.key === PREFS_KEY || p.key === LABELS_KEY)) {
        const read = p.key === PREFS_KEY ? readStoredPrefs(await get<unknown>(p.key)) : await readStoredLabels();
        if (read.problem) throw new Error(read.problem);
        file = 'preferences.jsonl';
        saveFile(file, new Blob([exportNative(read.records)], { type: 'application/x-ndjson' }));
      } else if (p.in === 'keyval' && p.key === MARKS_KEY) {
        const read = await readStoredMarks();
        if (read.problem) throw new Error(read.problem);
        file = 'marks.jsonl';
        saveFile(file, new Blob([exportMarks(read.marks)], { type: 'application/x-ndjson' }));
      } else {
        const value = p.in === 'keyval' ? await get<unknown>(p.key) : Object.fromEntries(p.keys.map((k) => [k, localStorage.getItem(k)]));
        file = `${slug(item.name)}.json`;
        saveFile(file, new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }));
      }
      this.note = `Exported ${item.name} to ${file} (${formatBytes(item.bytes)}).`;
    } catch (e) {
      this.error = `Could not export ${item.name}: ${(e as Error).message}`;
    }
  }

  /** Deletes an item from this browser (and from the page, where the page holds it too); lists again. */
  async remove(item: StoredItem): Promise<void> {
    this.error = null;
    try {
      const p = item.place;
      if (p.in === 'model') await this.engine.run(`deleting ${item.name}`, 'remove-stored-model', { key: p.key });
      else if (p.in === 'settings') for (const k of p.keys) localStorage.removeItem(k);
      else {
        // The page's own copy goes too, or its next save would bring the item back.
        if (p.key === PREFS_KEY || p.key === LABELS_KEY) await this.prefs.clear();
        if (p.key === RUNS_KEY) this.evaluate.runs = [];
        if (p.key === MARKS_KEY) await this.marks?.clear();
        // Labels in a layout this page does not know are left by the store's clear; deleting them here is asked for.
        if (p.key === LABELS_KEY) await deleteStoredLabels();
        await del(p.key);
      }
      this.note = `Deleted ${item.name} from this browser.`;
    } catch (e) {
      this.error = `Could not delete ${item.name}: ${(e as Error).message}`;
    }
    await this.refresh();
  }
}

/** The localStorage keys of the page's settings. */
function settingsKeys(): string[] {
  try {
    return Object.keys(localStorage).filter((k) => k.startsWith(SETTINGS_PREFIX)).sort();
  } catch {
    return [];
  }
}
