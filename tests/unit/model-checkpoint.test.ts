// Checkpoints: save → load gives identical outputs through artifacts, a tf.io handler, the model.json
// layout and the single-file format; a mismatched config or tokenizer gives an error naming the field.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/engine/backend';
import { decodeCheckpointFile, encodeCheckpointFile } from '../../src/engine/model/checkpoint-file';
import {
  fromArtifacts, fromModelJson, loadModel, readManifest, saveModel, toArtifacts, toModelJson,
} from '../../src/engine/model/checkpoint';
import { makeConfig } from '../../src/engine/model/config';
import { generate } from '../../src/engine/model/generate';
import { createModel, type VlmModel } from '../../src/engine/model/model';
import { Rng } from '../../src/engine/world/rng';

const cfg = makeConfig('tiny', 150);
const PIX = 48 * 48 * 3;
const PROMPTS = [[4, 5, 6, 3], [7, 3]];
const INFO = { tokenizerVersion: 'shapes-v1', metadata: { seed: 7, steps: 12, mixture: { synthetic: 0.6, vqa: 0.4 }, bench: { halRate: 0.41 } } };
let model: VlmModel;
let img: Float32Array;

/** Greedy responses plus every step's logits: a fingerprint of the weights. */
async function fingerprint(m: VlmModel) {
  const g = await generate(m, img, PROMPTS, { maxNewTokens: 5, temperature: 0, returnLogits: true, ignoreEos: true });
  return { responses: g.responses, logits: g.stepLogits!.map((l) => Array.from(l)) };
}

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', wasmPaths: 'node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
  model = createModel(cfg, { seed: 21, freezeVision: true });
  const rng = new Rng(5);
  img = Float32Array.from({ length: 2 * PIX }, () => rng.next());
  // Different weights from a fresh seed-21 model, so a loader that re-initialises would be caught.
  for (const [, v] of model.namedWeights()) v.assign(tf.tidy(() => tf.add(v, tf.randomNormal(v.shape, 0, 0.2, 'float32', 3))));
});
afterAll(() => model.dispose());

describe('checkpoints', () => {
  it('round-trips through artifacts, a tf.io save/load handler and the model.json layout', async () => {
    const want = await fingerprint(model);
    const artifacts = await toArtifacts(model, INFO);
    const manifest = readManifest(artifacts);
    expect(manifest.config).toEqual(cfg);
    expect(manifest.tokenizerVersion).toBe('shapes-v1');
    expect(manifest.metadata).toEqual(INFO.metadata);
    expect(manifest.visionFrozen).toBe(true);
    expect(artifacts.weightSpecs!.length).toBe(model.namedWeights().length);

    const before = tf.memory().numTensors;
    const a = fromArtifacts(artifacts, { config: cfg, tokenizerVersion: 'shapes-v1' });
    expect(await fingerprint(a)).toEqual(want);
    expect(a.vision.frozen).toBe(true);
    expect(a.trainableVariables().length).toBe(model.trainableVariables().length);
    a.dispose();
    expect(tf.memory().numTensors).toBe(before);

    let saved: tf.io.ModelArtifacts | undefined;
    await saveModel(model, INFO, tf.io.withSaveHandler(async (art) => {
      saved = art;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const { modelJson, weightData } = toModelJson(saved!, 'policy.weights.bin');
    expect(modelJson.weightsManifest[0]!.paths).toEqual(['policy.weights.bin']);
    const parsed = JSON.parse(JSON.stringify(modelJson)) as tf.io.ModelJSON; // as if written to disk and read back
    const b = await loadModel(tf.io.fromMemory(fromModelJson(parsed, weightData.slice(0))), { config: cfg });
    expect(await fingerprint(b)).toEqual(want);
    b.dispose();
  });

  it('keeps a reward model\'s score readout, and leaves it out of a policy\'s config', async () => {
    expect('scoreReadout' in readManifest(await toArtifacts(model, INFO)).config).toBe(false);
    const rm = model.clone({ scoreReadout: 'sum' });
    const artifacts = await toArtifacts(rm, INFO);
    expect(readManifest(artifacts).config.scoreReadout).toBe('sum');
    const back = fromArtifacts(artifacts, { config: cfg });
    expect(back.config.scoreReadout).toBe('sum');
    back.dispose();
    rm.dispose();
  });

  it('round-trips through the single-file format and rejects foreign or cut files', async () => {
    const want = await fingerprint(model);
    const bytes = encodeCheckpointFile(await toArtifacts(model, INFO));
    expect(String.fromCharCode(...bytes.subarray(0, 8))).toBe('RLHFCKPT');
    const m = fromArtifacts(decodeCheckpointFile(bytes), { tokenizerVersion: 'shapes-v1' });
    expect(await fingerprint(m)).toEqual(want);
    m.dispose();
    // A file inside a larger buffer (as a file reader may hand it) decodes too.
    const inside = new Uint8Array(bytes.length + 16);
    inside.set(bytes, 16);
    const m2 = fromArtifacts(decodeCheckpointFile(inside.subarray(16)));
    m2.dispose();
    // So does a Node Buffer read from disk, whose own slice() is a view into its whole buffer.
    const read = Buffer.concat([Buffer.alloc(16), Buffer.from(bytes)]).subarray(16);
    expect(new Uint8Array(decodeCheckpointFile(read).weightData as ArrayBuffer)).toEqual(new Uint8Array(decodeCheckpointFile(bytes).weightData as ArrayBuffer));
    expect(() => decodeCheckpointFile(bytes.subarray(0, bytes.length - 4))).toThrow(/truncated/);
    const foreign = bytes.slice();
    foreign[0] = 0x50;
    expect(() => decodeCheckpointFile(foreign)).toThrow('not an RLHF Playground checkpoint file (bad magic bytes)');
  });

  it('refuses a single file whose description is not JSON, not artifacts, or does not match its weights', () => {
    const weights = new Float32Array([1, 2, 3, 4]).buffer;
    const good = { modelTopology: {}, weightSpecs: [{ name: 'w', shape: [2, 2], dtype: 'float32' as const }], weightData: weights };
    expect(new Float32Array(decodeCheckpointFile(encodeCheckpointFile(good)).weightData as ArrayBuffer)).toEqual(new Float32Array([1, 2, 3, 4]));
    // The description replaced by other bytes, the header's lengths kept true.
    const withJson = (json: string): Uint8Array => {
      const text = new TextEncoder().encode(json.padEnd(Math.ceil(json.length / 4) * 4, ' '));
      const out = new Uint8Array(20 + text.length + 16);
      out.set(encodeCheckpointFile(good).subarray(0, 20));
      new DataView(out.buffer).setUint32(12, text.length, true);
      out.set(text, 20);
      out.set(new Uint8Array(weights), 20 + text.length);
      return out;
    };
    expect(() => decodeCheckpointFile(withJson('{"modelTopology":'))).toThrow(/^checkpoint file is damaged: its description \(bytes 20 to 40\) is not JSON/);
    expect(() => decodeCheckpointFile(withJson('null'))).toThrow('checkpoint file is damaged: its description\'s whole value must be a JSON object with a "weightSpecs" list');
    expect(() => decodeCheckpointFile(withJson('{"weightSpecs":[{"name":"w","shape":[2,-2],"dtype":"float32"}]}'))).toThrow("its description's weightSpecs[0].shape[1] must be");
    expect(() => decodeCheckpointFile(withJson('{"weightSpecs":[{"name":"w","shape":[2,2],"dtype":"int32"}]}'))).toThrow('weightSpecs[0].dtype must be "float32"');
    // A spec that claims far more than the file holds is refused before anything is allocated.
    expect(() => decodeCheckpointFile(withJson('{"weightSpecs":[{"name":"w","shape":[30000,30000],"dtype":"float32"}]}'))).toThrow(
      'checkpoint file is damaged: its weight specs describe 3600000000 bytes of float32, its header says 16',
    );
  });

  it('says exactly which config field or tokenizer version differs', async () => {
    const artifacts = await toArtifacts(model, INFO);
    const before = tf.memory().numTensors;
    expect(() => fromArtifacts(artifacts, { config: { ...cfg, vocabSize: 148 } })).toThrow(
      "checkpoint vocabSize 150 does not match this build's 148",
    );
    expect(() => fromArtifacts(artifacts, { tokenizerVersion: 'shapes-v2' })).toThrow(
      "checkpoint tokenizerVersion 'shapes-v1' does not match this build's 'shapes-v2'",
    );
    expect(() => fromArtifacts(artifacts, { config: { ...cfg, dModel: 64, nHeads: 4 }, tokenizerVersion: 'shapes-v2' })).toThrow(
      "checkpoint dModel 32 does not match this build's 64; checkpoint nHeads 2 does not match this build's 4; " +
        "checkpoint tokenizerVersion 'shapes-v1' does not match this build's 'shapes-v2'",
    );
    expect(tf.memory().numTensors).toBe(before); // a refused checkpoint leaves nothing behind
    const cut = { ...artifacts, weightSpecs: artifacts.weightSpecs!.slice(1) };
    expect(() => fromArtifacts(cut)).toThrow("weight 'vision/patch/w1' is missing");
    expect(() => fromArtifacts({ modelTopology: {} })).toThrow(/not an RLHF Playground model checkpoint/);
  });

  it('refuses a checkpoint of the first format (the image before the question) and says why', async () => {
    const artifacts = await toArtifacts(model, INFO);
    const manifest = readManifest(artifacts);
    const old = { ...artifacts, userDefinedMetadata: { rlhfPlayground: { ...manifest, formatVersion: 1 } as unknown as Record<string, never> } };
    const before = tf.memory().numTensors;
    expect(() => fromArtifacts(old)).toThrow('checkpoint format version 1 was made for a decoder that reads the image before the question');
    expect(() => fromArtifacts(old)).toThrow('re-make it with `pretrain`');
    expect(tf.memory().numTensors).toBe(before);
    const future = { ...artifacts, userDefinedMetadata: { rlhfPlayground: { ...manifest, formatVersion: 3 } as unknown as Record<string, never> } };
    expect(() => fromArtifacts(future)).toThrow('checkpoint format version 3 is not supported (this build reads 2)');
  });
});
