// The safetensors writer and reader against bytes worked out by hand for two tiny tensors, and the
// reader's refusals of damaged files; then a model's weights through the side files and back, and
// the CLI's checkpoint folder holding all five files.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveModelDir } from '../../src/cli/model-files';
import { initBackend } from '../../src/engine/backend';
import { decodeSafetensors, encodeSafetensors } from '../../src/engine/model/safetensors';
import { artifactTensors, portableFiles } from '../../src/engine/model/portable';
import { toArtifacts } from '../../src/engine/model/checkpoint';
import { createModel } from '../../src/engine/model/model';
import { makeConfig } from '../../src/engine/model/config';
import { SPECIALS, TOKENIZER_VERSION, VOCAB } from '../../src/engine/language/vocab';

// a = [1, -2] (shape [2]), b = [[0.5]] (shape [1, 1]), metadata {k: "v"}.
const HEADER = '{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1,1],"data_offsets":[8,12]}}';
const tiny = () => [
  { name: 'a', shape: [2], data: Float32Array.of(1, -2) },
  { name: 'b', shape: [1, 1], data: Float32Array.of(0.5) },
];

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('encodeSafetensors', () => {
  it('writes the u64 header length, the header padded with spaces to a multiple of 8, then the float32 bytes', () => {
    const bytes = encodeSafetensors(tiny(), { k: 'v' });
    // The header is 135 bytes; 8 + 135 = 143, so one space pads it to 136 and the data starts at 144.
    expect(HEADER.length).toBe(135);
    expect(bytes.length).toBe(8 + 136 + 12);
    expect(hex(bytes.subarray(0, 8))).toBe('8800000000000000'); // 136 little-endian
    expect(new TextDecoder().decode(bytes.subarray(8, 144))).toBe(`${HEADER} `);
    // 1.0 = 0x3f800000, -2.0 = 0xc0000000, 0.5 = 0x3f000000, each little-endian.
    expect(hex(bytes.subarray(144))).toBe('0000803f' + '000000c0' + '0000003f');
  });

  it('adds no padding when the header already ends on a multiple of 8, and no __metadata__ when there is none', () => {
    // {"wxyz":{"dtype":"F32","shape":[],"data_offsets":[0,4]}} is 56 bytes: 8 + 56 = 64.
    const bytes = encodeSafetensors([{ name: 'wxyz', shape: [], data: Float32Array.of(3) }]);
    expect(hex(bytes.subarray(0, 8))).toBe('3800000000000000');
    expect(new TextDecoder().decode(bytes.subarray(8, 64))).toBe('{"wxyz":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}');
    expect(hex(bytes.subarray(64))).toBe('00004040');
  });

  it('refuses a shape that does not fit the values, and a name used twice', () => {
    expect(() => encodeSafetensors([{ name: 'a', shape: [3], data: Float32Array.of(1, 2) }])).toThrow("tensor 'a' has shape [3] but 2 values");
    expect(() => encodeSafetensors([...tiny(), tiny()[0]!])).toThrow("tensor name 'a' is used twice");
  });
});

describe('decodeSafetensors', () => {
  it('reads back the tensors, in file order, and the metadata', () => {
    const { tensors, metadata } = decodeSafetensors(encodeSafetensors(tiny(), { k: 'v' }));
    expect(metadata).toEqual({ k: 'v' });
    expect(tensors.map((t) => [t.name, t.shape, [...t.data]])).toEqual([['a', [2], [1, -2]], ['b', [1, 1], [0.5]]]);
  });

  it('names what is wrong with a damaged file', () => {
    const good = encodeSafetensors(tiny(), { k: 'v' });
    expect(() => decodeSafetensors(good.subarray(0, 5))).toThrow('fewer than the 8 of its header length');
    expect(() => decodeSafetensors(good.subarray(0, 100))).toThrow('header length 136 runs past the file');
    expect(() => decodeSafetensors(good.subarray(0, good.length - 4))).toThrow('the tensors cover 12 bytes of data, the file holds 8');
    const f16 = good.slice();
    f16.set(new TextEncoder().encode('"F16"'), 8 + HEADER.indexOf('"F32"'));
    expect(() => decodeSafetensors(f16)).toThrow(`tensor 'a' has dtype "F16"; only F32 is read`);
    const gap = good.slice();
    gap.set(new TextEncoder().encode('[9,12]'), 8 + HEADER.indexOf('[8,12]'));
    expect(() => decodeSafetensors(gap)).toThrow("tensor 'b' spans 3 bytes, its shape [1, 1] needs 4");
  });
});

describe('portableFiles', () => {
  beforeAll(async () => {
    await initBackend({ preferred: 'cpu' });
  });

  it('writes every weight of a model under its checkpoint name, byte for byte, with config and vocabulary beside it', async () => {
    const model = createModel(makeConfig('tiny', VOCAB.length), { seed: 4 });
    const artifacts = await toArtifacts(model, { tokenizerVersion: TOKENIZER_VERSION });
    model.dispose();
    const files = new Map(portableFiles(artifacts).map((f) => [f.name, f.bytes]));
    expect([...files.keys()]).toEqual(['model.safetensors', 'config.json', 'vocab.json']);

    const { tensors, metadata } = decodeSafetensors(files.get('model.safetensors')!);
    const want = artifactTensors(artifacts);
    expect(tensors.map((t) => [t.name, t.shape])).toEqual(want.map((t) => [t.name, t.shape]));
    expect(tensors.every((t, i) => Buffer.from(t.data.buffer).equals(Buffer.from(want[i]!.data.slice().buffer)))).toBe(true);
    expect(metadata).toMatchObject({ format: 'rlhf-playground/vlm', formatVersion: '2', tokenizerVersion: TOKENIZER_VERSION });

    const config = JSON.parse(new TextDecoder().decode(files.get('config.json'))) as Record<string, unknown>;
    expect(config).toMatchObject({ dModel: 32, nLayers: 2, nHeads: 2, headDim: 16, patchSize: 16, imageTokens: 9, vocabSize: VOCAB.length, layerNormEps: 1e-5, geluSigmoidScale: 1.702 });
    const vocab = JSON.parse(new TextDecoder().decode(files.get('vocab.json'))) as { tokens: string[]; special: Record<string, number> };
    expect(vocab.tokens).toEqual(VOCAB);
    expect(vocab.special).toEqual({ pad: 0, bos: 1, eos: 2, sep: 3, unk: 4, facts: 5 });
    expect(SPECIALS.map((s) => vocab.tokens[vocab.special[s.slice(1, -1)]!])).toEqual([...SPECIALS]);
  });

  it('go beside model.json and weights.bin in every folder the CLI saves, holding the same weight bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rlhf-portable-'));
    try {
      const model = createModel(makeConfig('tiny', VOCAB.length), { seed: 5 });
      const bytes = await saveModelDir(model, dir, { recipe: 'tiny-test' });
      model.dispose();
      expect(readdirSync(dir).sort()).toEqual(['config.json', 'model.json', 'model.safetensors', 'vocab.json', 'weights.bin']);
      const st = readFileSync(join(dir, 'model.safetensors'));
      // After the 8-byte length and the header, the data is weights.bin byte for byte (the same order).
      expect(st.subarray(st.length - bytes).equals(readFileSync(join(dir, 'weights.bin')))).toBe(true);
      expect(8 + Number(st.readBigUInt64LE(0)) + bytes).toBe(st.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
