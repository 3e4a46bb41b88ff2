// The one message protocol between the page and the engine worker: requests tagged by `type`
// and carrying an `id`; the worker answers each with a `result` or an `error` of the same id,
// streams `progress` events (new metric points only, throttled) while a job runs, and sends
// `event`s that belong to no request (the policy changed, a job was paused).
//
// The worker runs one job at a time in its training slot (SLOT_CALLS) and, beside it, any number
// of short read-only calls (sample, label, benchmark, save), so a person labels while a model trains.

import type { BackendAttempt, BackendName, BackendPreference } from '../engine/backend-names';
import type { BenchReport } from '../engine/bench/report';
import type { BenchSize } from '../engine/bench/shapes-hal';
import type { SftJobConfig } from '../engine/sft/config';
import type { Perception } from '../engine/world/render';
import type { Scene } from '../engine/world/scene';
import type { SftPoint } from '../engine/sft/run';
import type { PerfReport } from '../engine/perf/model';
import type { PpoPerfReport } from '../engine/perf/ppo';
import type { PresetName } from '../engine/model/config';
import type { LabelJobConfig } from '../engine/prefs/label-config';
import type { VersionedPair } from '../engine/prefs/label-job';
import type { MarkJobConfig } from '../engine/prefs/mark-config';
import type { VersionedAnswer } from '../engine/prefs/mark-job';
import type { MarkRecord } from '../engine/prefs/mark';
import type { OneFalseProbe } from '../engine/reward/dense-job';
import type { SentencePoint, SentenceRunResult } from '../engine/reward/dense';
import type { PreferenceRecord } from '../engine/prefs/record';
import type { RewardPoint, RewardRunResult } from '../engine/reward/train-run';
import type { ProbeReport } from '../engine/reward/probes';
import type { RewardJobConfig, RewardKind } from '../engine/reward/config';
import type { RewardModelInfo } from '../engine/reward/job';
import type { JobProgress, JobState } from '../engine/train/job';
import type { PpoConfig } from '../engine/ppo/config';
import type { GoldFigures } from '../engine/ppo/gold';
import type { PpoPoint } from '../engine/ppo/run';
import type { StoredPpoRun } from '../engine/ppo/run-record';
import type { BonConfig } from '../engine/bon/config';
import type { BonResult } from '../engine/bon/job';
import type { DpoConfig } from '../engine/dpo/config';
import type { DpoJobResult, DpoPoint } from '../engine/dpo/job';

export type { RewardKind, RewardModelInfo, VersionedAnswer, VersionedPair };

/** IndexedDB keys (tf.io's "indexeddb://KEY") of the session's policy and reward models, kept by the worker. */
export const SESSION_POLICY_KEY = 'rlhf-playground/session-policy';
export const rewardModelKey = (kind: RewardKind) => `rlhf-playground/session-rm-${kind}`;

/** Where a policy comes from. */
export type PolicySource =
  /** A checkpoint shipped with the page (models/NAME): the URLs of its model.json and weights.bin. */
  | { kind: 'shipped'; name: string; modelJsonUrl: string; weightsUrl: string }
  /** A checkpoint saved earlier in this browser (IndexedDB). */
  | { kind: 'stored'; key: string }
  /**
   * A single-file checkpoint the user imported; `as` keeps the version the weights had where they
   * were written (a run bundle records it), instead of a new origin named by their checksum.
   */
  | { kind: 'file'; name: string; bytes: ArrayBuffer; as?: { origin: string; generation: number }; /** A run bundle's run, kept with the policy from now on. */ run?: StoredPpoRun }
  /** The policy this page had loaded before a reload, as it was (kept in this browser automatically). */
  | { kind: 'session' };

/** What the page shows about the loaded policy. */
export interface PolicyInfo {
  name: string;
  params: number;
  /** The checkpoint's free-form metadata: recipe, mixture, seed, steps, benchmark figures. */
  metadata: Record<string, unknown>;
  /** Where the weights came from ("sft@1a2b3c4d"); the same while the policy is trained further. */
  origin: string;
  /** The weights' version now: the origin, and "+N" after N updates (what a labelled pair records). */
  version: string;
}

/** How to sample pairs from the loaded policy: the labelling job's config (n and seed at least). */
export type PairRequest = Pick<LabelJobConfig, 'n' | 'seed'> & Partial<Omit<LabelJobConfig, 'annotator'>>;

/** How to sample answers to mark from the loaded policy: the marking job's config (n and seed at least). */
export type AnswerRequest = Pick<MarkJobConfig, 'n' | 'seed'> & Partial<Omit<MarkJobConfig, 'marker'>>;

/** What is known of the sentence reward model trained here, without its weights. */
export interface SentenceModelInfo {
  kind: RewardKind;
  /** The version of the policy its trunk started from. */
  policyVersion: string;
  steps: number;
  heldOutAccuracy: number | null;
}

/** What can be asked of a running job. */
export type JobAction = 'stop' | 'pause' | 'resume' | 'step';

/** Every request, each with the result type its answer carries. */
export interface Calls {
  /** Starts the backend: a named one, or `auto` (the default): the fastest that works here. */
  init: { req: { backend?: BackendPreference }; res: { backend: BackendName; tried: BackendAttempt[]; reason: string } };
  /** Loads a policy and keeps a copy in this browser for the next load; a session source with nothing stored gives null. */
  'load-policy': { req: { source: PolicySource }; res: PolicyInfo | null };
  'train-sft': { req: { config: SftJobConfig }; res: { steps: number; heldOutLoss: number; policy: PolicyInfo } };
  /** Steers the job with id `target`: stop (after its current step), pause, resume, or one step while paused. */
  control: { req: { target: number; action: JobAction }; res: { state: JobState | 'ended' } };
  sample: { req: { scene: Scene; question: string; n: number; temperature: number; seed: number; perception?: Partial<Perception> }; res: { responses: string[] } };
  /** Benchmarks the loaded policy, or one loaded just for this from `source` (the loaded one stays as it is); greedy; `facts` puts each scene's facts in its prompt. */
  bench: { req: { size?: BenchSize; facts?: boolean; source?: Exclude<PolicySource, { kind: 'session' }> }; res: { report: BenchReport; policy: { name: string; version: string } } };
  'save-policy': { req: { key: string }; res: { key: string } };
  'export-policy': { req: Record<string, never>; res: { bytes: ArrayBuffer } };
  /** Times a fresh model of a preset on the worker's backend (what `perf model` prints in Node). */
  perf: { req: { preset: PresetName; repeats?: number }; res: PerfReport };
  /** Times one PPO step of the default config on a fresh model of a preset on the worker's backend (what `perf ppo` prints in Node). */
  'perf-ppo': { req: { preset: PresetName; steps?: number }; res: PpoPerfReport };
  /** Samples pairs of distinct answers from the loaded policy, to label, each with the version of the weights that wrote it. */
  'sample-pairs': { req: PairRequest; res: { pairs: VersionedPair[]; dropped: number } };
  /** Samples pairs and labels them with a simulated annotator; returns the new records (each with its policy version). */
  'auto-label': { req: PairRequest & { annotator: NonNullable<LabelJobConfig['annotator']> }; res: { records: PreferenceRecord[]; dropped: number } };
  /**
   * Trains a reward model of `config.kind` from the loaded policy on the records (split into
   * training and held-out pairs by prompt), scores the probes, and keeps it in the worker under its
   * kind (replacing the previous one). A stopped run keeps what it learnt.
   */
  'train-rm': {
    req: { records: PreferenceRecord[]; config: RewardJobConfig };
    res: { model: RewardModelInfo; total: number; stopped: boolean; trainPairs: number; heldOutPairs: number; run: RewardRunResult; probes: Omit<ProbeReport, 'scores'>; seconds: number };
  };
  /**
   * Tunes the loaded policy with PPO (GRPO, RLOO) against the reward model its config names (one
   * trained here) for `steps` steps (0: until stopped), streaming a point per step. `records` are
   * the labels (they normalise the RM's scores); with `refreshEvery` above 0, every that many labels
   * sent by ppo-labels retrain the RM and it is swapped in (online RLHF). With `saveEvery` above 0
   * the policy is kept in this browser (as the session policy) every that many steps and whenever
   * the run comes to a hold, each save told by a `ppo-saved` event; it is kept at the end in any case.
   */
  ppo: {
    req: { config: Partial<PpoConfig>; steps: number; records: PreferenceRecord[]; refreshEvery: number; rmConfig: RewardJobConfig; saveEvery: number; /** When the run started and the preset its knobs came from, kept with it. */ plan: { startedAt: string; preset: string } };
    /** The policy's metadata holds the run as kept at its end (ppo.run). */
    res: { steps: number; stopped: boolean; gold?: GoldFigures; policy: PolicyInfo; refreshes: number };
  };
  /** New labels for the running PPO job `target` (online RLHF); returns how many it had not seen and how many wait for the next refresh. */
  'ppo-labels': { req: { target: number; records: PreferenceRecord[] }; res: { added: number; pending: number; every: number } };
  /** Samples answers (one per question) from the loaded policy, to mark by hand, each with the version of the weights that wrote it. */
  'sample-answers': { req: AnswerRequest; res: { answers: VersionedAnswer[] } };
  /** Samples answers and marks them with a simulated marker; returns the new marks (each with its policy version). */
  'auto-mark': { req: AnswerRequest & { marker: NonNullable<MarkJobConfig['marker']> }; res: { marks: MarkRecord[] } };
  /**
   * Trains the sentence reward model (plain or Fact, by `config.kind`) from the loaded policy on the
   * marks (split into training and held-out answers by prompt), scores the probe "one false
   * sentence among true ones" (beside the pairwise reward model of the same kind, when one is kept
   * here), and keeps it in the worker, replacing the one before. A stopped run keeps what it learnt.
   */
  'train-srm': {
    req: { marks: MarkRecord[]; config: RewardJobConfig };
    res: { model: SentenceModelInfo; total: number; stopped: boolean; trainAnswers: number; heldOutAnswers: number; run: SentenceRunResult; probe: OneFalseProbe; seconds: number };
  };
  /** Loads the reward models of these kinds kept in this browser (after a reload); returns those found. */
  'restore-rms': { req: { kinds: RewardKind[] }; res: { models: RewardModelInfo[] } };
  /**
   * The best-of-n sweep on the loaded policy: one pool of answers to the ShapesHal-Bench prompts,
   * read by each reward model of `kinds` kept here (their scores normalised on `records`, as PPO
   * normalises them); a row per n and Gao et al.'s best-of-n fit per model. A stop keeps the
   * prompts sampled so far. Nothing is changed.
   */
  bon: { req: { config: Partial<BonConfig>; kinds: RewardKind[]; records: PreferenceRecord[] }; res: Omit<BonResult, 'pool'> };
  /**
   * Tunes a copy of the loaded policy (itself the frozen reference) with DPO on the records,
   * streaming a point per step; the tuned policy then becomes the loaded one (`from`: the
   * reference's version). A stopped run keeps what it learnt.
   */
  dpo: { req: { config: Partial<DpoConfig>; records: PreferenceRecord[] }; res: Omit<DpoJobResult, 'policy'> & { policy: PolicyInfo; from: string } };
  /** The models kept in this browser (tf.io's IndexedDB store): each key with its size in bytes and when it was saved. */
  'stored-models': { req: Record<string, never>; res: { models: StoredModel[] } };
  /** A model kept in this browser, as one checkpoint file (.ckpt). */
  'export-stored-model': { req: { key: string }; res: { bytes: ArrayBuffer } };
  /** Deletes a model kept in this browser (one loaded stays loaded). */
  'remove-stored-model': { req: { key: string }; res: Record<string, never> };
  /**
   * For tests: makes the worker fail the way it can fail for real: `throw` an uncaught error,
   * `close` itself (as a worker killed by the browser: no answer ever comes), or act as if the
   * WebGPU device were lost (the handler the device's `lost` promise calls).
   */
  fault: { req: { fault: Fault }; res: Record<string, never> };
}

/** A model kept in this browser's IndexedDB by TensorFlow.js. */
export interface StoredModel {
  /** The key after "indexeddb://". */
  key: string;
  /** Its topology, weight specs and weights, in bytes. */
  bytes: number;
  /** When it was saved (ISO 8601). */
  savedAt: string;
}

/** A fault the worker can be asked to inject (for tests). */
export type Fault = 'throw' | 'close' | 'device-lost';

export type CallType = keyof Calls;

/**
 * The calls that take the worker's one training slot: they change or replace weights, or train, or
 * (best-of-n) read the policy and reward models long enough that a change under them would spoil it.
 */
export const SLOT_CALLS = ['load-policy', 'train-sft', 'train-rm', 'train-srm', 'restore-rms', 'ppo', 'bon', 'dpo'] as const satisfies readonly CallType[];

export type Request = { [K in CallType]: { type: K; id: number } & Calls[K]['req'] }[CallType];
export type RequestOf<K extends CallType> = Extract<Request, { type: K }>;

/** Streamed while a job runs. */
export type ProgressEvent =
  /** How far the job has come, in its own unit, and what it is doing. */
  | { kind: 'progress'; progress: JobProgress }
  | { kind: 'sft'; points: SftPoint[] }
  /** New points of a reward-model run; `total` is the run's length in steps. */
  | { kind: 'rm'; model: RewardKind; total: number; points: RewardPoint[] }
  /** New points of a sentence reward-model run; `total` is the run's length in steps. */
  | { kind: 'srm'; total: number; points: SentencePoint[] }
  /** New points of a PPO run, one per step (metrics, sample responses, gold figures every N steps). */
  | { kind: 'ppo'; points: PpoPoint[] }
  /** New points of a DPO run: one per step, the gold figures where measured. */
  | { kind: 'dpo'; points: DpoPoint[] }
  /**
   * The policy as it is after `step` steps of a PPO run was kept in this browser (the session
   * policy a reload restores); every point up to that step was sent before this.
   */
  | { kind: 'ppo-saved'; step: number; origin: string; version: string; /** How long the save took, until it was on disk. */ ms: number }
  /** The reward model was retrained on the labels given meanwhile and swapped in (online RLHF). */
  | { kind: 'rm-refresh'; labels: number; heldOutAccuracy: number | null; refreshes: number };

/** Sent by the worker on its own, to every listener. */
export type WorkerEvent =
  /** Another policy was loaded, or a run ended (the whole info). */
  | { kind: 'policy'; info: PolicyInfo }
  /** The loaded policy's weights changed during a run: its new version only (its info is otherwise the same). */
  | { kind: 'policy-version'; origin: string; version: string }
  /** A job's state changed (paused by the engine itself, for example). */
  | { kind: 'job'; id: number; state: JobState; note?: string }
  /** Something the page should tell the person (a copy that could not be kept in this browser). */
  | { kind: 'notice'; text: string }
  /** The GPU device of the backend was lost (a driver reset, another tab's crash): the weights on it are gone. */
  | { kind: 'device-lost'; backend: BackendName; message: string };

export type Response =
  | { type: 'result'; id: number; call: CallType; result: unknown }
  | { type: 'error'; id: number; message: string }
  | { type: 'progress'; id: number; event: ProgressEvent }
  | { type: 'event'; event: WorkerEvent };
