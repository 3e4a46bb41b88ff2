// The policy card's state: the shipped policies (with what their metadata says about them),
// and the actions on the engine's policy: load shipped, import and export a .ckpt file, save to
// and load from this browser. A failed action leaves the previous policy loaded and says why.

import type { PolicyInfo } from '../../worker/protocol';
import { versionSuffix } from '../../engine/model/version';
import type { EngineState } from '../engine/engine.svelte';
import { SHIPPED } from '../engine/shipped';
import { shippedLabel } from './explain';
import { metadataOfModelJson, summarise, type PolicySummary } from './policy-meta';

/** The IndexedDB key the worker saves the policy under. */
export const STORED_KEY = 'policy';
/** localStorage: which policy was saved in this browser, and when (the worker's copy has no name). */
const STORED_NOTE = 'rlhf-playground/stored-policy';

export interface ShippedEntry {
  folder: string;
  label: string;
  summary: PolicySummary;
}

export interface StoredNote {
  name: string;
  savedAt: string;
}

function readStoredNote(): StoredNote | null {
  try {
    const v = JSON.parse(localStorage.getItem(STORED_NOTE) ?? 'null') as StoredNote | null;
    return v && typeof v.name === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** Returns a file name made of the policy's name, e.g. "sft-plus.ckpt". */
export function checkpointFileName(name: string): string {
  const base = name.toLowerCase().replace(/[^a-z0-9+._-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${base || 'policy'}.ckpt`;
}

export class PolicyState {
  private readonly engine: EngineState;
  /** The shipped policies, SFT first; their summaries fill in once their model.json is read. */
  shipped = $state.raw<ShippedEntry[]>(
    Object.keys(SHIPPED)
      .sort()
      .map((folder) => ({ folder, label: shippedLabel(folder), summary: {} })),
  );
  /** What went wrong with the last action, or null. */
  error = $state<string | null>(null);
  /** What the last action did, in words, or null. */
  note = $state<string | null>(null);
  /** The policy saved in this browser, if any. */
  stored = $state.raw<StoredNote | null>(readStoredNote());
  /** The origin of the stored policy when it was last loaded (the worker names it by its key). */
  private storedOrigin = $state<string | null>(null);
  /** The shipped folder last loaded, with the version the worker gave for it. */
  private shippedLoad = $state.raw<{ folder: string; version: string } | null>(null);

  readonly info: PolicyInfo | null = $derived.by(() => this.engine.policy);
  /** The loaded policy's name; a policy loaded from this browser keeps the name it was saved with. */
  readonly name: string = $derived(
    this.info && this.info.origin === this.storedOrigin && this.stored ? this.stored.name : (this.info?.name ?? ''),
  );
  /** The loaded policy as every stage names it: its name and what its weights went through here ("sft/ppo-3f9a+80"). */
  readonly shown: string = $derived(this.info ? `${this.name}${versionSuffix(this.info.version, this.info.origin)}` : '');
  readonly summary: PolicySummary = $derived(summarise(this.info?.metadata));
  /** The shipped folder whose policy is loaded now, unchanged (not trained since), if any. */
  readonly shippedLoaded: string | null = $derived(this.shippedLoad && this.shippedLoad.version === this.info?.version ? this.shippedLoad.folder : null);
  /** The shipped folder the loaded policy was trained from here (its version goes on from the shipped one's), if any. */
  readonly tunedFromShipped: string | null = $derived(
    this.shippedLoad && this.info && this.info.version !== this.shippedLoad.version && /^[/+]/.test(this.info.version.slice(this.shippedLoad.version.length)) && this.info.version.startsWith(this.shippedLoad.version)
      ? this.shippedLoad.folder
      : null,
  );

  constructor(engine: EngineState) {
    this.engine = engine;
    void this.readShipped();
  }

  /** Fetches each shipped model.json for its metadata (about, benchmark figures). */
  private async readShipped(): Promise<void> {
    const entries = await Promise.all(
      this.shipped.map(async (e) => {
        const src = SHIPPED[e.folder];
        try {
          const json: unknown = src ? await (await fetch(src.modelJsonUrl)).json() : undefined;
          return { ...e, summary: summarise(metadataOfModelJson(json)) };
        } catch {
          return e; // The card still offers the policy; the worker will report a real failure.
        }
      }),
    );
    this.shipped = entries;
  }

  /** Runs an action; on failure records why in `error`, saying that the previous policy is kept. */
  private async act(failure: string, fn: () => Promise<string | null>): Promise<boolean> {
    this.error = null;
    this.note = null;
    const before = this.name;
    try {
      this.note = await fn();
      return true;
    } catch (e) {
      const kept = this.info ? ` The previous policy (${before}) is still loaded.` : '';
      this.error = `${failure}: ${(e as Error).message}.${kept}`;
      return false;
    }
  }

  loadShipped(folder: string): Promise<boolean> {
    return this.act(`Could not load ${shippedLabel(folder)}`, async () => {
      const source = SHIPPED[folder];
      if (!source) throw new Error('no such shipped policy');
      const info = await this.engine.run(`loading ${shippedLabel(folder)}`, 'load-policy', { source });
      if (info) this.shippedLoad = { folder, version: info.version };
      return null;
    });
  }

  /** Loads a single-file checkpoint (.ckpt) the user picked. */
  importFile(file: File): Promise<boolean> {
    return this.act(`Could not import ${file.name}`, async () => {
      const bytes = await file.arrayBuffer();
      const name = file.name.replace(/\.ckpt$/i, '');
      await this.engine.run(`importing ${file.name}`, 'load-policy', { source: { kind: 'file', name, bytes } }, undefined, [bytes]);
      return `Imported ${file.name}.`;
    });
  }

  /** Downloads the loaded policy as one .ckpt file. */
  exportFile(): Promise<boolean> {
    return this.act('Could not export', async () => {
      const fileName = checkpointFileName(this.name);
      const { bytes } = await this.engine.run('exporting the policy', 'export-policy', {});
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return `Exported ${fileName} (${(bytes.byteLength / 1024).toFixed(0)} KiB).`;
    });
  }

  /** Saves the loaded policy in this browser (IndexedDB), replacing any saved before. */
  save(): Promise<boolean> {
    return this.act('Could not save in this browser', async () => {
      const name = this.name;
      await this.engine.run('saving the policy', 'save-policy', { key: STORED_KEY });
      const note: StoredNote = { name, savedAt: new Date().toISOString() };
      try {
        localStorage.setItem(STORED_NOTE, JSON.stringify(note));
      } catch {
        // Without localStorage the policy is still saved; it just loads under its key's name.
      }
      this.stored = note;
      return `Saved ${name} in this browser.`;
    });
  }

  /**
   * Brings back the policy this page had before a reload (the worker keeps a copy of every policy
   * it loads or trains); returns its info, or null when none was kept.
   */
  async restore(): Promise<PolicyInfo | null> {
    const info = await this.engine.run('restoring the policy', 'load-policy', { source: { kind: 'session' } });
    // A shipped policy still shows as the shipped one (and, trained since, as trained from it).
    const shipped = info && Object.hasOwn(SHIPPED, info.name) ? /^[^/+]+@[0-9a-f]{8}/.exec(info.version)?.[0] : undefined;
    if (info && shipped?.startsWith(`${info.name}@`)) this.shippedLoad = { folder: info.name, version: shipped };
    return info;
  }

  /** Loads the policy saved in this browser. */
  loadStored(): Promise<boolean> {
    return this.act('Could not load from this browser', async () => {
      this.storedOrigin = (await this.engine.run('loading the saved policy', 'load-policy', { source: { kind: 'stored', key: STORED_KEY } }))?.origin ?? null;
      return null;
    });
  }
}
