// What the PPO stage keeps of its runs: the autosave (each time the worker has kept the policy after
// a step, the run's config and metrics up to that step go to idb-keyval beside it), the restore
// after a reload or a worker's crash (the charts back to the last save, said in a note), and a
// whole run as one file (Export run, Import run). An import that fails changes nothing stored.

import type { PolicyInfo } from '../../worker/protocol';
import { storageFailure } from '../label/prefs.svelte';
import { saveFile } from '../files';
import type { Session } from '../session.svelte';
import type { PpoState } from './ppo.svelte';
import { BundleError, readRunBundle, writeRunBundle } from './run-bundle';
import { PPO_RUN_STORE_VERSION, generationOf, loadRun, saveRun, type StoredPpoRun } from './run-store';

/** What a run was asked to do, set when it starts. */
export type RunPlan = Pick<StoredPpoRun, 'startedAt' | 'preset' | 'config' | 'steps' | 'refreshEvery' | 'saveEvery'>;

/** The bundle's file name. */
export const RUN_BUNDLE_FILE = 'ppo-run.zip';

export class PpoKeeper {
  /** The run on show as kept (the last save of the run going on, or the run restored or imported), or null. */
  shown = $state.raw<StoredPpoRun | null>(null);
  /** What was brought back from this browser, in words, with the step of its save; null when nothing was. */
  restored = $state.raw<{ step: number; version: string; text: string } | null>(null);
  /** The last failure to keep, read, export or import a run, in words. */
  error = $state<string | null>(null);
  /** What the last export or import did, in words. */
  note = $state<string | null>(null);
  busy = $state(false);

  /** The run kept in this browser is of a later layout: it is never overwritten. */
  private readOnly = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly session: Session,
    private readonly ppo: PpoState,
  ) {}

  /** Why the run on show cannot be exported now, or null. */
  get exportBlocked(): string | null {
    const run = this.shown;
    if (this.ppo.job.running) return 'Wait for the run to end (or stop it): its weights change at every step.';
    if (!run) return 'Run PPO first: there is no run to export.';
    const now = this.session.engine.policy?.version;
    if (now !== run.policy.version) return `The policy loaded now (${now ?? 'none'}) is not this run's (${run.policy.version}), so its weights cannot go in the bundle.`;
    return null;
  }

  /**
   * The worker kept the policy after `step` steps: keeps the run's config and metrics up to there
   * beside it; the run on show is this one once it is written.
   */
  async saved(plan: RunPlan, step: number, policy: { origin: string; version: string }, ended = false): Promise<void> {
    const run: StoredPpoRun = {
      version: PPO_RUN_STORE_VERSION,
      ...plan,
      savedAt: new Date().toISOString(),
      step,
      ended,
      policy: { name: this.session.sft.policy.name || 'policy', origin: policy.origin, version: policy.version },
      metrics: this.ppo.metricsUpTo(step),
    };
    await this.write(run);
    this.shown = run;
  }

  /** The run ended (finished, stopped or halted): the worker kept the policy at its end. */
  ended(plan: RunPlan, steps: number, policy: PolicyInfo): Promise<void> {
    return this.saved(plan, steps, policy, true);
  }

  /** Writes a run, one write after another; a later layout kept here is never overwritten. */
  private write(run: StoredPpoRun): Promise<void> {
    if (this.readOnly) return this.writing;
    this.writing = this.writing.then(async () => {
      try {
        await saveRun($state.snapshot(run) as StoredPpoRun);
        if (this.error?.startsWith('Could not keep') || this.error?.startsWith("This browser's storage")) this.error = null;
      } catch (e) {
        this.error = await storageFailure('the PPO run', e);
      }
    });
    return this.writing;
  }

  /**
   * Brings back the run kept in this browser (after a reload, or a worker's crash: the charts go
   * back to the last save), unless a run has gone on since; returns what came back in words, or null.
   */
  async restore(): Promise<string | null> {
    if (this.ppo.job.running || this.ppo.result !== null) return null;
    const got = await loadRun();
    if ('problem' in got) {
      this.readOnly = got.later;
      this.error = `The PPO run kept in this browser could not be read: ${got.problem}. It is left as it is${got.later ? ', and new runs are not kept until it is deleted (Evaluate, Storage)' : ''}.`;
      return null;
    }
    const run = got.run;
    if (!run) return null;
    const link = this.session.linkSettings?.set.some((x) => x.key.startsWith('ppo.')) ?? false;
    this.ppo.show(run, !link);
    this.shown = run;
    const loaded = this.session.engine.policy;
    const now = loaded?.version;
    // The tab closed between the worker's save of the policy and the page's of the metrics: the policy is a save ahead.
    const ahead = (loaded?.metadata.ppo as { steps?: unknown } | undefined)?.steps;
    const policy =
      now === run.policy.version
        ? `the policy is the one saved then (${run.policy.version})`
        : now
          ? `the policy loaded now (${now}) is not the one saved with it (${run.policy.version})${typeof ahead === 'number' && ahead > run.step ? `: it was saved after step ${ahead}, whose metrics were not kept` : ''}`
          : `its policy (${run.policy.version}) could not be restored`;
    const knobs = link ? 'its metrics (the knobs are the link’s)' : 'its knobs and metrics';
    const text = `Restored the PPO run kept in this browser from its last save, at step ${run.step}${run.ended ? ' (its end)' : ''} (${new Date(run.savedAt).toLocaleTimeString()}): ${knobs} up to that step; ${policy}. Run PPO to start a new run from there.`;
    this.restored = { step: run.step, version: run.policy.version, text };
    return `the PPO run up to step ${run.step}`;
  }

  /** Downloads the run on show as one file: its config, metrics, policy checkpoint and the labels. */
  async exportRun(): Promise<void> {
    this.error = null;
    this.note = null;
    const blocked = this.exportBlocked;
    const run = this.shown;
    if (blocked || !run) {
      this.error = blocked;
      return;
    }
    this.busy = true;
    try {
      const { bytes } = await this.session.engine.run('exporting the run’s policy', 'export-policy', {});
      const labels = this.session.label.prefs.records;
      const zip = writeRunBundle($state.snapshot(run) as StoredPpoRun, labels, new Uint8Array(bytes));
      saveFile(RUN_BUNDLE_FILE, new Blob([zip as BlobPart], { type: 'application/zip' }));
      this.note = `Exported the run (step ${run.step}, ${run.metrics.length} metric rows, policy ${run.policy.version}) with ${labels.length} labels to ${RUN_BUNDLE_FILE} (${(zip.byteLength / 2 ** 20).toFixed(1)} MB).`;
    } catch (e) {
      this.error = `Could not export the run: ${(e as Error).message}`;
    } finally {
      this.busy = false;
    }
  }

  /**
   * Imports a run bundle: checks every part first, then loads its policy (with the version it had),
   * adds its labels (pairs already stored are kept once), shows its charts and keeps it as the run.
   * A foreign or damaged file is refused, named, with nothing stored changed. Returns whether it was imported.
   */
  async importRun(file: File): Promise<boolean> {
    this.error = null;
    this.note = null;
    const refuse = (why: string) => {
      this.error = `${file.name} was refused, and nothing stored was changed: ${why}.`;
      return false;
    };
    if (this.ppo.job.running) return refuse('a PPO run is going; stop it first');
    this.busy = true;
    try {
      await this.session.label.prefs.ready;
      let bundle;
      try {
        bundle = await readRunBundle(new Uint8Array(await file.arrayBuffer()));
      } catch (e) {
        return refuse(e instanceof BundleError ? e.message : `it could not be read (${(e as Error).message})`);
      }
      const { run, labels, checkpoint } = bundle;
      const generation = generationOf(run.policy.origin, run.policy.version);
      if (generation === null) return refuse(`run.json's policy version ${run.policy.version} is not of its origin ${run.policy.origin}`);
      const bytes = checkpoint.slice().buffer;
      let info: PolicyInfo | null;
      try {
        info = await this.session.engine.run('loading the run’s policy', 'load-policy', { source: { kind: 'file', name: run.policy.name, bytes, as: { origin: run.policy.origin, generation } } }, undefined, [bytes]);
      } catch (e) {
        return refuse(`its policy.ckpt could not be loaded (${(e as Error).message})`);
      }
      const added = this.session.label.prefs.add(labels);
      const kept: StoredPpoRun = { ...run, policy: { name: run.policy.name, origin: info?.origin ?? run.policy.origin, version: info?.version ?? run.policy.version } };
      this.ppo.show(kept, true);
      this.ppo.error = null;
      this.shown = kept;
      this.restored = null;
      await this.write(kept);
      this.note = `Imported ${file.name}: the run up to step ${run.step} (${run.metrics.length} metric rows), its policy ${kept.policy.version}, and ${added} new labels (${labels.length - added} already stored).`;
      return true;
    } finally {
      this.busy = false;
    }
  }
}
