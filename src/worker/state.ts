// What the worker holds between calls, and how it speaks to the page: the loaded policy, the
// reward models trained here (kept for PPO), and the post, progress and event helpers.

import type { VlmModel } from '../engine/model/model';
import type { RewardKind } from '../engine/reward/config';
import type { RewardModelInfo } from '../engine/reward/job';
import type { PolicyInfo, ProgressEvent, Response, SentenceModelInfo, WorkerEvent } from './protocol';
import { savePolicy, saveRewardModel } from './persist';

const scope = self as unknown as { postMessage(msg: Response, transfer?: Transferable[]): void };

export function post(msg: Response, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

export function progress(id: number, event: ProgressEvent): void {
  post({ type: 'progress', id, event });
}

export function announce(event: WorkerEvent): void {
  post({ type: 'event', event });
}

/** The loaded policy: its model, and the name and metadata it was loaded with. */
let policy: { model: VlmModel; name: string; metadata: Record<string, unknown> } | undefined;

/** The loaded policy's model; throws when none is loaded. */
export function requirePolicy(): VlmModel {
  if (!policy) throw new Error('no policy is loaded yet');
  return policy.model;
}

/** What the page knows of the loaded policy now (its version follows every update). */
export function policyInfo(): PolicyInfo {
  if (!policy) throw new Error('no policy is loaded yet');
  const m = policy.model;
  return { name: policy.name, params: m.paramCount(), metadata: policy.metadata, origin: m.origin, version: m.version };
}

/** The loaded policy's metadata (for saving it). */
export function policyMetadata(): Record<string, unknown> {
  return policy?.metadata ?? {};
}

/**
 * Makes `model` the loaded policy (disposing the one before unless it is the same), tells the page,
 * and keeps a copy in this browser (unless `keep` is false), so a reload brings it back.
 */
export async function setPolicy(model: VlmModel, name: string, metadata: Record<string, unknown>, keep = true): Promise<PolicyInfo> {
  if (policy && policy.model !== model) policy.model.dispose();
  policy = { model, name, metadata };
  if (keep) await keepCopy('the policy', () => savePolicy(model, name, metadata));
  return announcePolicy();
}

/**
 * Saves something in this browser; a failure (no IndexedDB, a full disk) is told to the page, not
 * thrown. Returns whether it was saved.
 */
export async function keepCopy(what: string, save: () => Promise<void>): Promise<boolean> {
  try {
    await save();
    return true;
  } catch (e) {
    announce({ kind: 'notice', text: `Could not keep ${what} in this browser, so a reload will lose it: ${(e as Error).message}` });
    return false;
  }
}

/** Tells the page the loaded policy's info (after a load or a run); returns it. */
export function announcePolicy(): PolicyInfo {
  const info = policyInfo();
  announce({ kind: 'policy', info });
  return info;
}

let announcedVersion = '';

/** Tells the page the loaded policy's new version during a run (a small message), if it changed. */
export function announceVersion(): void {
  if (!policy) return;
  const { origin, version } = policy.model;
  if (version === announcedVersion) return;
  announcedVersion = version;
  announce({ kind: 'policy-version', origin, version });
}

/** The reward models trained in the page, by kind, kept for PPO. */
export const rewardModels = new Map<RewardKind, { model: VlmModel; info: RewardModelInfo }>();

/** Keeps a trained reward model under its kind, replacing (and disposing) the one before; `save` also stores it in this browser. */
export async function keepRewardModel(model: VlmModel, info: RewardModelInfo, save = true): Promise<void> {
  const before = rewardModels.get(info.kind);
  if (before && before.model !== model) before.model.dispose();
  rewardModels.set(info.kind, { model, info });
  if (save) await keepCopy(`the ${info.kind === 'fact' ? 'Fact-RM' : 'reward model'}`, () => saveRewardModel(model, info));
}

/** The sentence reward model trained in the page, if any (one at a time, whatever its kind). */
export let sentenceModel: { model: VlmModel; info: SentenceModelInfo } | undefined;

/** Keeps the sentence reward model, replacing (and disposing) the one before. */
export function keepSentenceModel(model: VlmModel, info: SentenceModelInfo): void {
  if (sentenceModel && sentenceModel.model !== model) sentenceModel.model.dispose();
  sentenceModel = { model, info };
}

/**
 * Batches points and sends them at most every `ms` milliseconds, as `wrap(points)`; points held
 * back are sent `ms` later at the latest (a paused run shows its last step). `onFlush` runs after
 * each send (the SFT run announces the policy's new version there).
 */
export function pointSender<P>(id: number, wrap: (points: P[]) => ProgressEvent, ms = 150, onFlush?: () => void): { push(p: P): void; flush(): void } {
  let pending: P[] = [];
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    progress(id, wrap(pending));
    pending = [];
    last = performance.now();
    onFlush?.();
  };
  return {
    push(p) {
      pending.push(p);
      const wait = ms - (performance.now() - last);
      if (wait <= 0) flush();
      else timer ??= setTimeout(flush, wait);
    },
    flush,
  };
}
