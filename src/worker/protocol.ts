// The one message protocol between the page and the engine worker: requests tagged by `type`
// and carrying an `id`; the worker answers each with a `result` or an `error` of the same id,
// and streams `progress` events (new metric points only, throttled) while a job runs.

import type { BackendAttempt, BackendName } from '../engine/backend';
import type { BenchReport } from '../engine/bench/report';
import type { BenchSize } from '../engine/bench/shapes-hal';
import type { SftMixture } from '../engine/data/sft-data';
import type { Perception } from '../engine/world/render';
import type { Scene } from '../engine/world/scene';
import type { SftPoint } from '../engine/train/sft-run';
import type { PerfReport } from '../engine/model/perf';
import type { PresetName } from '../engine/model/config';

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
}

export type CallType = keyof Calls;

export type Request = { [K in CallType]: { type: K; id: number } & Calls[K]['req'] }[CallType];
export type RequestOf<K extends CallType> = Extract<Request, { type: K }>;

/** Streamed while a job runs. */
export type ProgressEvent =
  | { kind: 'sft'; points: SftPoint[] }
  | { kind: 'bench'; done: number; total: number }
  | { kind: 'status'; text: string };

export type Response =
  | { type: 'result'; id: number; call: CallType; result: unknown }
  | { type: 'error'; id: number; message: string }
  | { type: 'progress'; id: number; event: ProgressEvent };
