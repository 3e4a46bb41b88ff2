// The backend and the policy: start the backend, load a policy (shipped, stored in this browser,
// or an imported file), save it in IndexedDB, export it as one file.

import * as tf from '@tensorflow/tfjs-core';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { initBackend } from '../../engine/backend';
import { makeConfig } from '../../engine/model/config';
import { forwardPass } from '../../engine/perf/model';
import { TOKENIZER_VERSION, VOCAB } from '../../engine/language/vocab';
import { fromArtifacts, fromModelJson, readManifest, toArtifacts } from '../../engine/model/checkpoint';
import { decodeCheckpointFile, encodeCheckpointFile } from '../../engine/model/checkpoint-file';
import type { PolicySource } from '../protocol';
import type { VlmModel } from '../../engine/model/model';
import { policyMetadata, requirePolicy, setPolicy } from '../state';
import { loadPolicy } from '../persist';
import type { HandlerSet } from './types';
import { holdLife, watchDevice } from '../faults';

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`could not fetch ${url}: HTTP ${r.status}`);
  return r.arrayBuffer();
}

/** Loads a policy from a source as a new model (the loaded policy is untouched); the caller owns it. */
export async function modelFrom(source: Exclude<PolicySource, { kind: 'session' }>): Promise<{ model: VlmModel; name: string; metadata: Record<string, unknown> }> {
  const artifacts = await artifactsOf(source);
  const { metadata } = readManifest(artifacts);
  const name = source.kind === 'stored' ? source.key : source.name;
  return { model: fromArtifacts(artifacts, { config: { vocabSize: VOCAB.length }, tokenizerVersion: TOKENIZER_VERSION, name }), name, metadata };
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
    case 'session':
      throw new Error('the session policy is loaded by loadPolicy');
  }
}

export const policyHandlers: HandlerSet<'init' | 'load-policy' | 'save-policy' | 'export-policy'> = {
  async init(req) {
    // The page waits on the worker's lock once this answers, so it must be held by then.
    await holdLife();
    const choice = await initBackend({
      preferred: req.backend ?? 'auto',
      wasmPaths: { 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded },
      measure: forwardPass(makeConfig('default', VOCAB.length)),
    });
    watchDevice(choice.name);
    return { backend: choice.name, tried: choice.tried, reason: choice.reason };
  },
  async 'load-policy'(req) {
    if (req.source.kind === 'session') {
      const got = await loadPolicy();
      if (!got) return null;
      return setPolicy(got.model, got.name, got.metadata, false);
    }
    const { model, name, metadata } = await modelFrom(req.source);
    if (req.source.kind === 'file' && req.source.as) {
      model.origin = req.source.as.origin;
      model.generation = req.source.as.generation;
    }
    // A run bundle's run is kept with its policy, as a run here is.
    const run = req.source.kind === 'file' ? req.source.run : undefined;
    return setPolicy(model, name, run ? { ...metadata, ppo: { ...(metadata.ppo as object | undefined), steps: run.step, config: run.config, run } } : metadata);
  },
  async 'save-policy'(req) {
    const model = requirePolicy();
    const handler = tf.io.getSaveHandlers(`indexeddb://${req.key}`)[0];
    if (!handler?.save) throw new Error('this browser has no IndexedDB to save into');
    await handler.save(await toArtifacts(model, { tokenizerVersion: TOKENIZER_VERSION, metadata: policyMetadata() }));
    return { key: req.key };
  },
  async 'export-policy'() {
    const model = requirePolicy();
    const bytes = encodeCheckpointFile(await toArtifacts(model, { tokenizerVersion: TOKENIZER_VERSION, metadata: policyMetadata() }));
    return { bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
  },
};
