// The engine worker: owns the backend and the loaded policy, and runs the jobs the page asks for
// (load, train, sample, benchmark, save) so the page never freezes. One job at a time.

import * as tf from '@tensorflow/tfjs';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { initBackend } from '../engine/backend';
import { benchSuite } from '../engine/bench/report';
import { TOKENIZER_VERSION, VOCAB } from '../engine/language/vocab';
import { fromArtifacts, fromModelJson, readManifest, toArtifacts } from '../engine/model/checkpoint';
import { decodeCheckpointFile, encodeCheckpointFile } from '../engine/model/checkpoint-file';
import { createModel } from '../engine/model/model';
import type { VlmModel } from '../engine/model/model';
import { answerAll } from '../engine/data/answer';
import { runBench } from '../engine/bench/run';
import { runSft, type SftPoint } from '../engine/sft/run';
import { makeConfig } from '../engine/model/config';
import { measureModelPerf } from '../engine/perf/model';
import { samplePairs, type UnlabelledPair } from '../engine/prefs/collect';
import { annotatePairs, simulatedLabeller } from '../engine/prefs/label';
import type { PreferenceRecord } from '../engine/prefs/record';
import { runRewardJob } from '../engine/reward/job';
import type { RewardPoint } from '../engine/reward/train-run';
import { JobControl } from '../engine/train/job';
import { subSeed } from '../engine/world/rng';
import type { CallType, Calls, PairRequest, PolicyInfo, PolicySource, ProgressEvent, Request, RequestOf, Response, RewardKind, RewardModelInfo } from './protocol';

const scope = self as unknown as { postMessage(msg: Response, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<Request>) => void) | null };

let policy: { model: VlmModel; info: PolicyInfo } | undefined;
/** The control of each running job, by request id. */
const controls = new Map<number, JobControl>();

function controlFor(id: number): JobControl {
  let c = controls.get(id);
  if (!c) controls.set(id, (c = new JobControl()));
  return c;
}

function post(msg: Response, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

function progress(id: number, event: ProgressEvent): void {
  post({ type: 'progress', id, event });
}

/** Batches SFT points and sends them at most every `ms` milliseconds. */
function pointSender(id: number, ms = 150): { push(p: SftPoint): void; flush(): void } {
  let pending: SftPoint[] = [];
  let last = 0;
  const flush = () => {
    if (pending.length === 0) return;
    progress(id, { kind: 'sft', points: pending });
    pending = [];
    last = performance.now();
  };
  return {
    push(p) {
      pending.push(p);
      if (performance.now() - last >= ms) flush();
    },
    flush,
  };
}

/** The reward models trained in the page, by kind, kept for PPO. */
const rewardModels = new Map<RewardKind, { model: VlmModel; info: RewardModelInfo }>();

/** Batches reward-model points and sends them at most every `ms` milliseconds. */
function rewardPointSender(id: number, model: RewardKind, total: number, ms = 150): { push(p: RewardPoint): void; flush(): void } {
  let pending: RewardPoint[] = [];
  let last = 0;
  const flush = () => {
    progress(id, { kind: 'rm', model, total, points: pending });
    pending = [];
    last = performance.now();
  };
  return {
    push(p) {
      pending.push(p);
      if (performance.now() - last >= ms) flush();
    },
    flush,
  };
}

/** The loaded policy's version (model/version.ts): its origin and how often its weights have changed. */
async function policyVersion(): Promise<string> {
  return requirePolicy().version;
}

/** Pairs per round of sampling: progress and Stop are seen between rounds. */
const PAIR_ROUND = 16;

/** Samples pairs from the loaded policy in rounds (each with its own seed), until `n` or Stop. */
async function samplePairRounds(id: number, req: PairRequest): Promise<{ pairs: UnlabelledPair[]; dropped: number }> {
  const model = requirePolicy();
  const pairs: UnlabelledPair[] = [];
  let dropped = 0;
  for (let round = 0; pairs.length < req.n; round++) {
    if (!(await controlFor(id).next())) break;
    const n = Math.min(PAIR_ROUND, req.n - pairs.length);
    const r = await samplePairs(model, { n, seed: subSeed(req.seed, round), batchSize: n, temperature: req.temperature ?? 1, mix: req.mix ?? 0 });
    pairs.push(...r.pairs);
    dropped += r.dropped;
    progress(id, { kind: 'pairs', done: pairs.length, total: req.n });
  }
  controls.delete(id);
  return { pairs, dropped };
}

function requirePolicy(): VlmModel {
  if (!policy) throw new Error('no policy is loaded yet');
  return policy.model;
}

function infoOf(model: VlmModel, name: string, metadata: Record<string, unknown>): PolicyInfo {
  return { name, params: model.paramCount(), metadata };
}

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`could not fetch ${url}: HTTP ${r.status}`);
  return r.arrayBuffer();
}

async function artifactsOf(source: PolicySource): Promise<tf.io.ModelArtifacts> {
  switch (source.kind) {
    case 'shipped': {
      const [json, weights] = await Promise.all([fetch(source.modelJsonUrl).then((r) => r.json() as Promise<tf.io.ModelJSON>), fetchBytes(source.weightsUrl)]);
      return fromModelJson(json, weights);
    }
    case 'stored': {
      const handler = tf.io.getLoadHandlers(`indexeddb://${source.key}`)[0];
      if (!handler?.load) throw new Error('this browser has no IndexedDB for stored policies');
      return handler.load();
    }
    case 'file':
      return decodeCheckpointFile(new Uint8Array(source.bytes));
  }
}

function replacePolicy(model: VlmModel, info: PolicyInfo): PolicyInfo {
  policy?.model.dispose();
  policy = { model, info };
  return info;
}

type Handlers = { [K in CallType]: (req: RequestOf<K>) => Promise<Calls[K]['res']> };

const handlers: Handlers = {
  async init(req) {
    const choice = await initBackend({ ...(req.backend ? { preferred: req.backend } : {}), wasmPaths: { 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded } });
    return { backend: choice.name, tried: choice.tried };
  },
  async 'load-policy'(req) {
    const artifacts = await artifactsOf(req.source);
    const manifest = readManifest(artifacts);
    const name = req.source.kind === 'stored' ? req.source.key : req.source.name;
    const model = fromArtifacts(artifacts, { config: { vocabSize: VOCAB.length }, tokenizerVersion: TOKENIZER_VERSION, name });
    return replacePolicy(model, infoOf(model, name, manifest.metadata));
  },
  async 'train-sft'(req) {
    const base = requirePolicy();
    const c = req.config;
    let model = base;
    if (c.fresh) {
      // A new decoder on the pretrained, frozen vision encoder (as LLaVA keeps CLIP).
      model = createModel(base.config, { seed: c.seed, vision: base.vision, freezeVision: true });
    }
    const sender = pointSender(req.id);
    const result = await runSft(model, { steps: c.steps, batchSize: c.batchSize, mixture: c.mixture, seed: c.seed, optim: { lr: c.lr }, evalEvery: Math.max(10, Math.round(c.steps / 20)), trainSize: 4000 }, {
      onPoint: (p) => sender.push(p),
      control: controlFor(req.id),
    });
    sender.flush();
    controls.delete(req.id);
    const metadata = { recipe: 'trained in the page', mixture: c.mixture, seed: c.seed, sftSteps: result.steps, heldOutLoss: result.heldOutLoss, from: policy?.info.name };
    const info = model === base ? { ...policy!.info, metadata: { ...policy!.info.metadata, ...metadata } } : infoOf(model, `sft (page, seed ${c.seed})`, metadata);
    if (model !== base) replacePolicy(model, info);
    else policy = { model, info };
    return { steps: result.steps, heldOutLoss: result.heldOutLoss, policy: info };
  },
  async stop(req) {
    const c = controls.get(req.target);
    c?.stop();
    return { stopping: c !== undefined };
  },
  async sample(req) {
    const model = requirePolicy();
    const prompts = Array.from({ length: req.n }, () => ({ scene: req.scene, question: req.question }));
    const responses = await answerAll(model, prompts, { temperature: req.temperature, seed: req.seed, ...(req.perception ? { perception: req.perception } : {}) });
    return { responses };
  },
  async bench(req) {
    const model = requirePolicy();
    const { report } = await runBench(model, benchSuite(req.size ?? 'standard'), {}, (done, total) => progress(req.id, { kind: 'bench', done, total }));
    return { report };
  },
  async 'save-policy'(req) {
    const model = requirePolicy();
    const handler = tf.io.getSaveHandlers(`indexeddb://${req.key}`)[0];
    if (!handler?.save) throw new Error('this browser has no IndexedDB to save into');
    await handler.save(await toArtifacts(model, { tokenizerVersion: TOKENIZER_VERSION, metadata: policy!.info.metadata }));
    return { key: req.key };
  },
  async 'export-policy'() {
    const model = requirePolicy();
    const bytes = encodeCheckpointFile(await toArtifacts(model, { tokenizerVersion: TOKENIZER_VERSION, metadata: policy!.info.metadata }));
    return { bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
  },
  async perf(req) {
    return measureModelPerf(makeConfig(req.preset, VOCAB.length), { repeats: req.repeats ?? 3 });
  },
  async 'sample-pairs'(req) {
    const version = await policyVersion();
    const { pairs, dropped } = await samplePairRounds(req.id, req);
    return { pairs, dropped, policyVersion: version };
  },
  async 'auto-label'(req) {
    const version = await policyVersion();
    const { pairs, dropped } = await samplePairRounds(req.id, req);
    const a = req.annotator;
    const records: PreferenceRecord[] = annotatePairs(pairs, simulatedLabeller(a.name, a.settings, a.seed), version);
    return { records, dropped, policyVersion: version };
  },
  async 'train-rm'(req) {
    const base = requirePolicy();
    const control = controlFor(req.id);
    let sender: ReturnType<typeof rewardPointSender> | undefined;
    try {
      const res = await runRewardJob(base, req.records, { ...req.config, kind: req.kind }, {
        control,
        onProgress: (p) => {
          if (!sender) {
            sender = rewardPointSender(req.id, req.kind, p.total);
            sender.flush(); // tells the page the run's length before the first step
          }
        },
        onPoint: (p) => sender?.push(p),
      });
      const { scores: _scores, ...probes } = res.probes; // per-item scores stay here: the page shows the means
      rewardModels.get(req.kind)?.model.dispose();
      rewardModels.set(req.kind, { model: res.rm, info: res.info });
      return { model: res.info, total: res.total, stopped: res.stopped, trainPairs: res.trainPairs, heldOutPairs: res.heldOutPairs, run: res.run, probes, seconds: res.seconds };
    } finally {
      sender?.flush();
      controls.delete(req.id);
    }
  },
  async 'reward-models'() {
    return { models: [...rewardModels.values()].map((m) => m.info) };
  },
};

/** Transferables in a result: big buffers move instead of being copied. */
function transfers(result: unknown): Transferable[] {
  const r = result as { bytes?: unknown };
  return r && r.bytes instanceof ArrayBuffer ? [r.bytes] : [];
}

scope.onmessage = (e: MessageEvent<Request>) => {
  const req = e.data;
  const handler = handlers[req.type] as (r: Request) => Promise<unknown>;
  handler(req).then(
    (result) => post({ type: 'result', id: req.id, call: req.type, result }, transfers(result)),
    (err: unknown) => post({ type: 'error', id: req.id, message: err instanceof Error ? err.message : String(err) }),
  );
};
