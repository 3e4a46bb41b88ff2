// What the PPO stage shows of its kept runs. The worker keeps a run with its policy (each save of
// the policy carries the run's plan and metrics up to that step); here: the run on show as last
// saved, the restore after a reload or a worker's crash (the charts back to the policy's last save,
// said in a note), and a whole run as one file (Export run, Import run). An import that fails
// changes nothing stored.

import { get } from 'idb-keyval';
import type { PolicyInfo } from '../../worker/protocol';
import { PPO_RUN_STORE_VERSION, generationOf, readStoredRun, runOfPolicy, type RunPlan, type StoredPpoRun } from '../../engine/ppo/run-record';
import type { EngineState } from '../engine/engine.svelte';
import type { PrefsStore } from '../label/prefs.svelte';
import { saveFile } from '../files';
import type { PpoMetrics } from './metrics.svelte';
import { BundleError, readRunBundle, writeRunBundle } from './run-bundle';

/** What the keeper reads and sets of the PPO stage (its state class). */
export interface PpoRunView {
  readonly job: { readonly running: boolean };
  readonly result: unknown;
  readonly metrics: PpoMetrics;
  error: string | null;
  /** Shows a kept run: its charts and metrics, and with `knobs` its preset and knobs. */
  show(run: StoredPpoRun, knobs: boolean): void;
}

/** What the keeper reads from the rest of the page. */
export interface KeeperHost {
  /** The loaded policy's name as the page shows it. */
  policyName(): string;
  /** A link set PPO knobs: a restored run shows its metrics, not its knobs. */
  linkSetsKnobs(): boolean;
}

/**
 * Where the page itself kept the last PPO run before the worker kept it with the policy: read
 * once after a reload for a policy that carries no run of its own, so a run kept then still comes
 * back; never written.
 */
export const OLDER_RUN_KEY = 'rlhf-playground/ppo-run';

/** The bundle's file name. */
export const RUN_BUNDLE_FILE = 'ppo-run.zip';

export class PpoKeeper {
  /** The run on show as kept (the last save of the run going on, or the run restored or imported), or null. */
  shown = $state.raw<StoredPpoRun | null>(null);
  /** What was brought back from this browser, in words, with the step of its save; null when nothing was. */
  restored = $state.raw<{ step: number; version: string; text: string } | null>(null);
  /** The last failure to read, export or import a run, in words. */
  error = $state<string | null>(null);
  /** What the last export or import did, in words. */
  note = $state<string | null>(null);
  busy = $state(false);

  constructor(
    private readonly engine: EngineState,
    private readonly prefs: PrefsStore,
    private readonly ppo: PpoRunView,
    private readonly host: KeeperHost,
  ) {}

  /** Why the run on show cannot be exported now, or null. */
  get exportBlocked(): string | null {
    const run = this.shown;
    if (this.ppo.job.running) return 'Wait for the run to end (or stop it): its weights change at every step.';
    if (!run) return 'Run PPO first: there is no run to export.';
    const now = this.engine.policy?.version;
    if (now !== run.policy.version) return `The policy loaded now (${now ?? 'none'}) is not this run's (${run.policy.version}), so its weights cannot go in the bundle.`;
    return null;
  }

  /**
   * The worker kept the policy after `step` steps, with the run up to there: the run on show is
   * that save (its plan and the metrics this page drew up to that step).
   */
  saved(plan: RunPlan, step: number, policy: { origin: string; version: string }): void {
    this.shown = {
      version: PPO_RUN_STORE_VERSION,
      ...plan,
      savedAt: new Date().toISOString(),
      step,
      ended: false,
      policy: { name: this.host.policyName() || 'policy', origin: policy.origin, version: policy.version },
      metrics: this.ppo.metrics.upTo(step),
    };
  }

  /** The run ended (finished, stopped or halted): the worker kept it with the policy at its end. */
  ended(policy: PolicyInfo): void {
    const read = runOfPolicy(policy.metadata);
    if (read && 'run' in read) this.shown = read.run;
  }

  /**
   * Brings back the run kept with the loaded policy (after a reload, or a worker's crash: the
   * charts go back to the policy's last save), unless a run has gone on since; returns what came
   * back in words, or null.
   */
  async restore(): Promise<string | null> {
    if (this.ppo.job.running || this.ppo.result !== null) return null;
    const loaded = this.engine.policy;
    if (!loaded) return null;
    const read = runOfPolicy(loaded.metadata) ?? (await this.olderRun(loaded.version));
    if (!read) return null;
    if ('problem' in read) {
      this.error = `The PPO run kept with the policy could not be read: ${read.problem}. The policy is loaded as it is.`;
      return null;
    }
    const run = read.run;
    const link = this.host.linkSetsKnobs();
    this.ppo.show(run, !link);
    this.shown = run;
    const since = loaded.version === run.policy.version ? '' : `; the policy has been trained since (it is ${loaded.version} now)`;
    const knobs = link ? 'its metrics (the knobs are the link’s)' : 'its knobs and metrics';
    const text = `Restored the PPO run kept with the policy ${run.policy.version}, from its last save at step ${run.step}${run.ended ? ' (its end)' : ''} (${new Date(run.savedAt).toLocaleTimeString()}): ${knobs} up to that step${since}. Run PPO to start a new run from there.`;
    this.restored = { step: run.step, version: run.policy.version, text };
    return `the PPO run up to step ${run.step}`;
  }

  /** The run the page kept itself in an older layout, if it is this policy version's. */
  private async olderRun(version: string): Promise<ReturnType<typeof readStoredRun> | null> {
    const kept = await get<unknown>(OLDER_RUN_KEY).catch(() => undefined);
    if (kept === undefined) return null;
    const read = readStoredRun(kept);
    return 'run' in read && read.run.policy.version === version ? read : null;
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
      const { bytes } = await this.engine.run('exporting the run’s policy', 'export-policy', {});
      const labels = this.prefs.records;
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
      await this.prefs.ready;
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
      // The policy comes back with the version it had, and the worker keeps the run with it.
      try {
        await this.engine.run('loading the run’s policy', 'load-policy', { source: { kind: 'file', name: run.policy.name, bytes, as: { origin: run.policy.origin, generation }, run } }, undefined, [bytes]);
      } catch (e) {
        return refuse(`its policy.ckpt could not be loaded (${(e as Error).message})`);
      }
      const added = this.prefs.add(labels);
      this.ppo.show(run, true);
      this.ppo.error = null;
      this.shown = run;
      this.restored = null;
      this.note = `Imported ${file.name}: the run up to step ${run.step} (${run.metrics.length} metric rows), its policy ${run.policy.version}, and ${added} new labels (${labels.length - added} already stored).`;
      return true;
    } finally {
      this.busy = false;
    }
  }
}
