// The one message protocol between the page and the engine worker: requests tagged by `type`
// and carrying an `id`; the worker answers each with a `result` or an `error` of the same id,
// and streams `progress` events (new metric points only, throttled) while a job runs.

import type { BackendAttempt, BackendName } from '../engine/backend';
import type { BenchReport } from '../engine/bench/report';
import type { BenchSize } from '../engine/bench/shapes-hal';
import type { SftMixture } from '../engine/sft/data';
import type { Perception } from '../engine/world/render';
import type { Scene } from '../engine/world/scene';
import type { SftPoint } from '../engine/sft/run';
import type { PerfReport } from '../engine/perf/model';
import type { PresetName } from '../engine/model/config';
import type { AnnotatorSettings } from '../engine/prefs/annotator';
import type { UnlabelledPair } from '../engine/prefs/collect';
import type { PreferenceRecord } from '../engine/prefs/record';
import type { RewardPoint, RewardRunResult } from '../engine/reward/train-run';
import type { ProbeReport } from '../engine/reward/probes';
import type { ScoreReadout } from '../engine/model/config';

/** Where a policy comes from. */
export type PolicySource =
  /** A checkpoint shipped with the page (models/NAME): the URLs of its model.json and weights.bin. */
  | { kind: 'shipped'; name: string; modelJsonUrl: string; weightsUrl: string }
  /** A checkpoint saved earlier in this browser (IndexedDB). */
  | { kind: 'stored'; key: string }
  /** A single-file checkpoint the user imported. */
  | { kind: 'file'; name: string; bytes: ArrayBuffer };

/** What the page shows about the loaded policy. */
export interface PolicyInfo {
  name: string;
  params: number;
  /** The checkpoint's free-form metadata: recipe, mixture, seed, steps, benchmark figures. */
  metadata: Record<string, unknown>;
}

export interface SftRequestConfig {
  steps: number;
  batchSize: number;
  mixture: SftMixture;
  seed: number;
  lr: number;
  /** Start from a fresh decoder (keeping the loaded policy's pretrained, frozen vision encoder), or continue. */
  fresh: boolean;
}

/** Which reward model: plain (image, question, answer) or Fact-RM (the scene's facts too). */
export type RewardKind = 'plain' | 'fact';

/** How to sample pairs to label from the loaded policy (the rest are samplePairs' defaults). */
export interface PairRequest {
  n: number;
  /** Seed of the scenes, questions, pixel noise and sampling. */
  seed: number;
  /** Sampling temperature (> 0: a pair needs two different samples). */
  temperature?: number;
  /** Share of pairs made as (a sample, the same with one hallucinated object). */
  mix?: number;
}

/** A simulated annotator, as a record's labeller names it. */
export interface AnnotatorRequest {
  name: string;
  settings: AnnotatorSettings;
  seed: number;
}

/** A reward-model run as the page sets it up (engine names; see RewardRunConfig). */
export interface RewardRequestConfig {
  epochs: number;
  minSteps: number;
  batchPairs: number;
  lr: number;
  /** Share of prompts held out for accuracy (split by prompt, seeded). */
  heldOutShare: number;
  seed: number;
  /** Train the decoder trunk with the score head, or the head alone. */
  trainTrunk: boolean;
  tieWeight: number;
  bothBadWeight: number;
  /** Held-out evaluation every N steps (0: only at the end). */
  evalEvery: number;
  /** Probe items scored after training. */
  probeItems: number;
  /** Where the score head reads the sequence: its last token (the paper's), or summed over the response. */
  readout: ScoreReadout;
}

/** What the page knows of a reward model kept in the worker (for PPO). */
export interface RewardModelInfo {
  kind: RewardKind;
  /** The policy its trunk started from. */
  policyVersion: string;
  steps: number;
  heldOutAccuracy: number | null;
  readout: ScoreReadout;
}

/** Every request, each with the result type its answer carries. */
export interface Calls {
  init: { req: { backend?: BackendName }; res: { backend: BackendName; tried: BackendAttempt[] } };
  'load-policy': { req: { source: PolicySource }; res: PolicyInfo };
  'train-sft': { req: { config: SftRequestConfig }; res: { steps: number; heldOutLoss: number; policy: PolicyInfo } };
  /** Asks the job with id `target` to stop after its current step. */
  stop: { req: { target: number }; res: { stopping: boolean } };
  sample: { req: { scene: Scene; question: string; n: number; temperature: number; seed: number; perception?: Partial<Perception> }; res: { responses: string[] } };
  bench: { req: { size?: BenchSize }; res: { report: BenchReport } };
  'save-policy': { req: { key: string }; res: { key: string } };
  'export-policy': { req: Record<string, never>; res: { bytes: ArrayBuffer } };
  /** Times a fresh model of a preset on the worker's backend (what `perf model` prints in Node). */
  perf: { req: { preset: PresetName; repeats?: number }; res: PerfReport };
  /** Samples pairs of distinct answers from the loaded policy, to label; policyVersion names the policy (recipe@weights CRC-32). */
  'sample-pairs': { req: PairRequest; res: { pairs: UnlabelledPair[]; dropped: number; policyVersion: string } };
  /** Samples pairs and labels them with a simulated annotator; returns the new records. */
  'auto-label': { req: PairRequest & { annotator: AnnotatorRequest }; res: { records: PreferenceRecord[]; dropped: number; policyVersion: string } };
  /**
   * Trains a reward model of `kind` from the loaded policy on the records (split into training and
   * held-out pairs by prompt), scores the probes, and keeps it in the worker under its kind
   * (replacing the previous one). A stopped run keeps what it learnt.
   */
  'train-rm': {
    req: { kind: RewardKind; records: PreferenceRecord[]; config: RewardRequestConfig };
    res: { model: RewardModelInfo; total: number; stopped: boolean; trainPairs: number; heldOutPairs: number; run: RewardRunResult; probes: Omit<ProbeReport, 'scores'>; seconds: number };
  };
  /** The reward models kept in the worker. */
  'reward-models': { req: Record<string, never>; res: { models: RewardModelInfo[] } };
}

export type CallType = keyof Calls;

export type Request = { [K in CallType]: { type: K; id: number } & Calls[K]['req'] }[CallType];
export type RequestOf<K extends CallType> = Extract<Request, { type: K }>;

/** Streamed while a job runs. */
export type ProgressEvent =
  | { kind: 'sft'; points: SftPoint[] }
  | { kind: 'bench'; done: number; total: number }
  /** Pairs sampled so far by sample-pairs or auto-label. */
  | { kind: 'pairs'; done: number; total: number }
  /** New points of a reward-model run; `total` is the run's length in steps. */
  | { kind: 'rm'; model: RewardKind; total: number; points: RewardPoint[] }
  | { kind: 'status'; text: string };

export type Response =
  | { type: 'result'; id: number; call: CallType; result: unknown }
  | { type: 'error'; id: number; message: string }
  | { type: 'progress'; id: number; event: ProgressEvent };
