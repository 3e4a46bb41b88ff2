// The single-file checkpoint for export and import: one Uint8Array holding a small header, the
// artifacts' JSON (manifest and weight specs) and the weight bytes, in that order.
//
//   offset 0  "RLHFCKPT"            8 bytes, magic
//          8  version              u32 little-endian (1)
//         12  jsonBytes            u32 LE, JSON length including padding spaces
//         16  weightBytes          u32 LE
//         20  JSON (UTF-8)          padded with spaces so the weights start 4-byte aligned
//   20+json   weights              float32 little-endian, in weightSpecs order
import * as tf from '@tensorflow/tfjs-core';
import * as v from 'valibot';
import { bounded, list, MAX_NAME, pathOf, text } from '../files/schema';

const MAGIC = 'RLHFCKPT';
const FILE_VERSION = 1;
const HEADER_BYTES = 20;
/** Bounds on a file's weight specs: far above any model this project builds (47 tensors, 2^20 floats). */
const MAX_SPECS = 4096;
const MAX_DIMS = 8;
const MAX_ELEMENTS = 2 ** 28;

/**
 * The artifacts' JSON as a file may hold it: an object whose weight specs are float32 tensors
 * with bounded shapes (other keys, the manifest among them, kept as they are for the loader).
 */
const ARTIFACTS_SCHEMA = v.looseObject(
  {
    weightSpecs: list(
      v.looseObject(
        {
          name: text(MAX_NAME, { nonEmpty: true }),
          shape: list(bounded({ integer: true, min: 0, max: MAX_ELEMENTS }), MAX_DIMS, 'dimensions'),
          dtype: v.literal('float32', 'must be "float32"'),
        },
        'must be a weight spec {name, shape, dtype}',
      ),
      MAX_SPECS,
      'weight specs',
    ),
  },
  'must be a JSON object with a "weightSpecs" list',
);

/** Encodes artifacts (see checkpoint.ts) into one byte array. */
export function encodeCheckpointFile(artifacts: tf.io.ModelArtifacts): Uint8Array {
  if (!artifacts.weightSpecs || artifacts.weightData === undefined) throw new Error('artifacts hold no weights');
  const { weightData, ...rest } = artifacts;
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(weightData));
  let json = new TextEncoder().encode(JSON.stringify(rest));
  const pad = (4 - ((HEADER_BYTES + json.length) % 4)) % 4;
  if (pad) {
    const padded = new Uint8Array(json.length + pad).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const out = new Uint8Array(HEADER_BYTES + json.length + weights.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, FILE_VERSION, true);
  view.setUint32(12, json.length, true);
  view.setUint32(16, weights.length, true);
  out.set(json, HEADER_BYTES);
  out.set(weights, HEADER_BYTES + json.length);
  return out;
}

/** Decodes a checkpoint file into artifacts; throws a clear Error on a foreign, newer or truncated file. */
export function decodeCheckpointFile(bytes: Uint8Array): tf.io.ModelArtifacts {
  if (bytes.length < HEADER_BYTES) throw new Error(`not an RLHF Playground checkpoint file (only ${bytes.length} bytes)`);
  const magic = String.fromCharCode(...bytes.subarray(0, MAGIC.length));
  if (magic !== MAGIC) throw new Error('not an RLHF Playground checkpoint file (bad magic bytes)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== FILE_VERSION) throw new Error(`checkpoint file version ${version} is not supported (this build reads ${FILE_VERSION})`);
  const jsonBytes = view.getUint32(12, true);
  const weightBytes = view.getUint32(16, true);
  const need = HEADER_BYTES + jsonBytes + weightBytes;
  if (bytes.length < need) throw new Error(`checkpoint file is truncated: ${bytes.length} bytes, its header says ${need}`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER_BYTES, HEADER_BYTES + jsonBytes)));
  } catch (e) {
    throw new Error(`checkpoint file is damaged: its description (bytes ${HEADER_BYTES} to ${HEADER_BYTES + jsonBytes}) is not JSON (${(e as Error).message})`, { cause: e });
  }
  const read = v.safeParse(ARTIFACTS_SCHEMA, json);
  if (!read.success) {
    const path = pathOf(read.issues[0]);
    throw new Error(`checkpoint file is damaged: its description's ${path || 'whole value'} ${read.issues[0].message}`);
  }
  const floats = read.output.weightSpecs.reduce((sum, w) => sum + w.shape.reduce((n, d) => n * d, 1), 0);
  if (floats * 4 !== weightBytes) throw new Error(`checkpoint file is damaged: its weight specs describe ${floats * 4} bytes of float32, its header says ${weightBytes}`);
  const meta = read.output as unknown as tf.io.ModelArtifacts;
  const start = HEADER_BYTES + jsonBytes;
  // Copy out the weights so the artifacts own an ArrayBuffer of exactly their size (Uint8Array's
  // slice: a Node Buffer's own slice is a view into the whole file, or into Node's shared pool).
  const weightData = Uint8Array.prototype.slice.call(bytes, start, start + weightBytes).buffer;
  return { ...meta, weightData };
}
