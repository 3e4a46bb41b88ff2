// Checkpoints on disk, in the TensorFlow.js layout: DIR/model.json (manifest and weight specs)
// beside DIR/weights.bin, which the page reads too; and beside them the files other tools open
// (model.safetensors, config.json, vocab.json: engine/model/portable.ts, docs/checkpoint.md).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { fromArtifacts, fromModelJson, readManifest, toArtifacts, toModelJson, type CheckpointManifest, type ManifestInput } from '../engine/model/checkpoint';
import type { VlmModel } from '../engine/model/model';
import { portableFiles } from '../engine/model/portable';
import { TOKENIZER_VERSION, VOCAB } from '../engine/language/vocab';

/** Writes the model to DIR (created if needed), side files included; returns the bytes of weights written. */
export async function saveModelDir(model: VlmModel, dir: string, metadata: Record<string, unknown>): Promise<number> {
  const info: ManifestInput = { tokenizerVersion: TOKENIZER_VERSION, metadata, createdAt: new Date().toISOString() };
  return writeArtifactsDir(await toArtifacts(model, info), dir);
}

/** Writes artifacts to DIR (created if needed) as model.json, weights.bin and the side files; returns the bytes of weights written. */
export function writeArtifactsDir(artifacts: tf.io.ModelArtifacts, dir: string): number {
  const { modelJson, weightData } = toModelJson(artifacts);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), `${JSON.stringify(modelJson, null, 1)}\n`);
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weightData));
  writePortableFiles(artifacts, dir);
  return weightData.byteLength;
}

/** Writes model.safetensors, config.json and vocab.json of the artifacts into DIR (created if needed). */
export function writePortableFiles(artifacts: tf.io.ModelArtifacts, dir: string): void {
  const files = portableFiles(artifacts);
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, f.name), f.bytes);
}

/** Reads DIR/model.json and the weights file it names into artifacts; throws naming the folder if it cannot. */
export function readArtifacts(dir: string): tf.io.ModelArtifacts {
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  } catch (e) {
    throw new Error(`cannot read a checkpoint in ${dir}: ${(e as Error).message}`, { cause: e });
  }
  const paths = json.weightsManifest?.flatMap((g) => g.paths) ?? [];
  if (paths.length !== 1) throw new Error(`${dir}/model.json must name exactly one weights file, it names ${paths.length}`);
  const bytes = readFileSync(join(dir, paths[0] as string));
  return fromModelJson(json, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Loads a checkpoint from DIR, checking that its vocabulary and tokenizer match this build. */
export function loadModelDir(dir: string): { model: VlmModel; manifest: CheckpointManifest } {
  const artifacts = readArtifacts(dir);
  const manifest = readManifest(artifacts);
  const model = fromArtifacts(artifacts, { config: { vocabSize: VOCAB.length }, tokenizerVersion: TOKENIZER_VERSION, name: basename(dir.replace(/\/+$/, '')) });
  return { model, manifest };
}
