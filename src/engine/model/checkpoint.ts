// Checkpoints as tf.io.ModelArtifacts: a manifest (config, tokenizer version, free-form metadata) plus
// weightSpecs and one weightData buffer. Any tf.io handler stores them (files in the CLI, IndexedDB
// in the page); this file touches neither the file system nor IndexedDB.
import * as tf from '@tensorflow/tfjs-core';
import { canonicalConfig, configDifferences, validateConfig, type ModelConfig } from './config';
import { modelParamSpecs, VlmModel } from './model';
import { Params } from './params';
import { VisionEncoder } from './vision';
import { checkpointOrigin } from './version';

export const CHECKPOINT_FORMAT = 'rlhf-playground/vlm';
/**
 * 2: the decoder reads [prompt][image][response]. Format 1 put the image first; its weights were
 * trained for that order and give wrong answers in this one, so a format-1 checkpoint is refused.
 */
export const CHECKPOINT_FORMAT_VERSION = 2;
const METADATA_KEY = 'rlhfPlayground';

export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  formatVersion: number;
  config: ModelConfig;
  /** Version string of the tokenizer the token ids belong to (the language module's). */
  tokenizerVersion: string;
  visionFrozen: boolean;
  /** Free-form: data mixture, seed, steps, benchmark figures, command line... (JSON values only). */
  metadata: Record<string, unknown>;
  createdAt?: string;
}

/** What the caller adds to a checkpoint beyond the weights and config. */
export interface ManifestInput {
  tokenizerVersion: string;
  metadata?: Record<string, unknown>;
  createdAt?: string;
}

/** What a loader expects; any field given must match the checkpoint's. */
export interface CheckpointExpectation {
  config?: Partial<ModelConfig>;
  tokenizerVersion?: string;
  /** The name in the model's origin when the metadata names no recipe (a folder or file name). */
  name?: string;
}

/** Reads every weight (await, no sync reads) into ModelArtifacts; the model is unchanged. */
export async function toArtifacts(model: VlmModel, info: ManifestInput): Promise<tf.io.ModelArtifacts> {
  const named = model.namedWeights();
  const datas = await Promise.all(named.map(([, v]) => v.data() as Promise<Float32Array>));
  const total = datas.reduce((n, d) => n + d.byteLength, 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const d of datas) {
    bytes.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), offset);
    offset += d.byteLength;
  }
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    config: canonicalConfig(model.config),
    tokenizerVersion: info.tokenizerVersion,
    visionFrozen: model.vision.frozen,
    metadata: info.metadata ?? {},
    ...(info.createdAt ? { createdAt: info.createdAt } : {}),
  };
  return {
    modelTopology: {},
    format: CHECKPOINT_FORMAT,
    generatedBy: 'rlhf-playground',
    convertedBy: null,
    weightSpecs: named.map(([name, v]) => ({ name, shape: v.shape, dtype: 'float32' as const })),
    weightData: bytes.buffer,
    userDefinedMetadata: { [METADATA_KEY]: manifest as unknown as Record<string, never> },
  };
}

/** The manifest inside artifacts; throws if they are not one of our checkpoints. */
export function readManifest(artifacts: tf.io.ModelArtifacts): CheckpointManifest {
  const m = artifacts.userDefinedMetadata?.[METADATA_KEY] as CheckpointManifest | undefined;
  if (!m || m.format !== CHECKPOINT_FORMAT) throw new Error('not an RLHF Playground model checkpoint (no rlhfPlayground manifest)');
  if (m.formatVersion === 1) {
    throw new Error('checkpoint format version 1 was made for a decoder that reads the image before the question; this build reads the question first (format 2), so its weights would answer wrongly: re-make it with `pretrain` or train it again');
  }
  if (m.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
    throw new Error(`checkpoint format version ${m.formatVersion} is not supported (this build reads ${CHECKPOINT_FORMAT_VERSION})`);
  }
  return m;
}

/**
 * Throws an Error listing every way the manifest differs from what is expected, e.g.
 * "checkpoint vocabSize 150 does not match this build's 148; checkpoint tokenizerVersion ...".
 */
export function checkManifest(m: CheckpointManifest, expected: CheckpointExpectation): void {
  const diffs = expected.config ? configDifferences(m.config, expected.config) : [];
  if (expected.tokenizerVersion !== undefined && m.tokenizerVersion !== expected.tokenizerVersion) {
    diffs.push(`checkpoint tokenizerVersion '${m.tokenizerVersion}' does not match this build's '${expected.tokenizerVersion}'`);
  }
  if (diffs.length) throw new Error(diffs.join('; '));
}

/** Builds a new model from artifacts after checking them against `expected`; the caller owns the model. */
export function fromArtifacts(artifacts: tf.io.ModelArtifacts, expected: CheckpointExpectation = {}): VlmModel {
  const m = readManifest(artifacts);
  checkManifest(m, expected);
  const config = m.config;
  validateConfig(config);
  const specs = artifacts.weightSpecs ?? [];
  const want = modelParamSpecs(config);
  const problems: string[] = [];
  const byName = new Map(specs.map((s) => [s.name, s]));
  for (const w of want) {
    const got = byName.get(w.name);
    if (!got) problems.push(`weight '${w.name}' is missing`);
    else if (got.shape.join('x') !== w.shape.join('x')) problems.push(`weight '${w.name}' has shape [${got.shape.join(', ')}], expected [${w.shape.join(', ')}]`);
    else if (got.dtype !== 'float32') problems.push(`weight '${w.name}' has dtype ${got.dtype}, expected float32`);
  }
  if (problems.length) throw new Error(`checkpoint weights do not fit its config: ${problems.join('; ')}`);
  if (artifacts.weightData === undefined) throw new Error('checkpoint has no weight data');
  const data = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const expectedBytes = specs.reduce((n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
  if (data.byteLength !== expectedBytes) throw new Error(`checkpoint weight data has ${data.byteLength} bytes, its specs need ${expectedBytes}`);

  const tensors = tf.io.decodeWeights(data, specs);
  const visionVars = new Map<string, tf.Variable>();
  const decoderVars = new Map<string, tf.Variable>();
  try {
    for (const w of want) {
      const v = tf.variable(tensors[w.name] as tf.Tensor, !m.visionFrozen || !w.name.startsWith('vision/'));
      if (w.name.startsWith('vision/')) visionVars.set(w.name.slice('vision/'.length), v);
      else decoderVars.set(w.name, v);
    }
  } finally {
    tf.dispose(tensors);
  }
  const origin = checkpointOrigin(m.metadata, expected.name ?? 'checkpoint', new Uint8Array(data));
  return new VlmModel(config, new VisionEncoder(config, new Params(visionVars)), new Params(decoderVars), origin);
}

/** Saves through any tf.io handler (or a URL such as 'indexeddb://policy' that tf.io routes). */
export async function saveModel(model: VlmModel, info: ManifestInput, handler: tf.io.IOHandler | string): Promise<tf.io.SaveResult> {
  const h = typeof handler === 'string' ? tf.io.getSaveHandlers(handler)[0] : handler;
  if (!h?.save) throw new Error(`no tf.io save handler for ${String(handler)}`);
  return h.save(await toArtifacts(model, info));
}

/** Loads through any tf.io handler (or URL), checking config and tokenizer version; returns a new model. */
export async function loadModel(handler: tf.io.IOHandler | string, expected: CheckpointExpectation = {}): Promise<VlmModel> {
  const h = typeof handler === 'string' ? tf.io.getLoadHandlers(handler)[0] : handler;
  if (!h?.load) throw new Error(`no tf.io load handler for ${String(handler)}`);
  return fromArtifacts(await h.load(), expected);
}

/**
 * The TensorFlow.js on-disk layout: model.json (returned as an object) referring to one weights
 * file by `weightsPath`, whose bytes are `weightData`. The CLI writes both; `tf.io.http` reads them.
 */
export function toModelJson(artifacts: tf.io.ModelArtifacts, weightsPath = 'weights.bin'): { modelJson: tf.io.ModelJSON; weightData: ArrayBuffer } {
  if (!artifacts.weightSpecs || artifacts.weightData === undefined) throw new Error('artifacts hold no weights');
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology ?? {},
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    weightsManifest: [{ paths: [weightsPath], weights: artifacts.weightSpecs }],
  };
  if (artifacts.convertedBy != null) modelJson.convertedBy = artifacts.convertedBy;
  if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
  return { modelJson, weightData: tf.io.CompositeArrayBuffer.join(artifacts.weightData) };
}

/** The inverse of toModelJson: artifacts from a parsed model.json and its weight file's bytes (one group). */
export function fromModelJson(modelJson: tf.io.ModelJSON, weightData: ArrayBuffer): tf.io.ModelArtifacts {
  const weightSpecs = modelJson.weightsManifest.flatMap((g) => g.weights);
  const a: tf.io.ModelArtifacts = { modelTopology: modelJson.modelTopology, weightSpecs, weightData };
  if (modelJson.format !== undefined) a.format = modelJson.format;
  if (modelJson.generatedBy !== undefined) a.generatedBy = modelJson.generatedBy;
  if (modelJson.userDefinedMetadata) a.userDefinedMetadata = modelJson.userDefinedMetadata;
  return a;
}
