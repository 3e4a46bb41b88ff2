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
import { answerAll } from '../engine/eval/answer';
import { runBench } from '../engine/eval/bench-run';
import { runSft, type SftPoint } from '../engine/train/sft-run';
import { makeConfig } from '../engine/model/config';
import { measureModelPerf } from '../engine/model/perf';
import type { CallType, Calls, PolicyInfo, PolicySource, ProgressEvent, Request, RequestOf, Response } from './protocol';

const scope = self as unknown as { postMessage(msg: Response, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<Request>) => void) | null };

let policy: { model: VlmModel; info: PolicyInfo } | undefined;
/** Ids of running jobs asked to stop. */
const stopping = new Set<number>();

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
    const model = fromArtifacts(artifacts, { config: { vocabSize: VOCAB.length }, tokenizerVersion: TOKENIZER_VERSION });
    const name = req.source.kind === 'stored' ? req.source.key : req.source.name;
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
      shouldStop: () => stopping.has(req.id),
    });
    sender.flush();
    stopping.delete(req.id);
    const metadata = { recipe: 'trained in the page', mixture: c.mixture, seed: c.seed, sftSteps: result.steps, heldOutLoss: result.heldOutLoss, from: policy?.info.name };
    const info = model === base ? { ...policy!.info, metadata: { ...policy!.info.metadata, ...metadata } } : infoOf(model, `sft (page, seed ${c.seed})`, metadata);
    if (model !== base) replacePolicy(model, info);
    else policy = { model, info };
    return { steps: result.steps, heldOutLoss: result.heldOutLoss, policy: info };
  },
  async stop(req) {
    stopping.add(req.target);
    return { stopping: true };
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
