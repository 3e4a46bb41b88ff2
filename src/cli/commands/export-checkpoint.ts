// `export-checkpoint`: writes model.safetensors, config.json and vocab.json for a checkpoint folder
// that has only model.json and weights.bin (an older one, or a shipped policy), from its weights as
// they are; then reads the safetensors file back and checks it holds the same bytes. Given a .ckpt
// file the page exported, it writes the whole folder: model.json and weights.bin too.

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { COMMON_FLAGS, notes, UsageError, type CommandSpec, type Flags } from '../args';
import { readArtifacts, writeArtifactsDir, writePortableFiles } from '../model-files';
import { decodeCheckpointFile } from '../../engine/model/checkpoint-file';
import { artifactTensors, PORTABLE_FILES } from '../../engine/model/portable';
import { decodeSafetensors } from '../../engine/model/safetensors';

export const spec: CommandSpec = {
  name: 'export-checkpoint',
  summary: 'Write model.safetensors, config.json and vocab.json beside a checkpoint (docs/checkpoint.md).',
  usage: 'export-checkpoint --policy DIR|FILE.ckpt [--out DIR] [--json]',
  flags: {
    policy: { ...COMMON_FLAGS.policy, help: "checkpoint directory (model.json + weights.bin), a policy's or a reward model's, or a .ckpt file the page exported" },
    out: { type: 'string', help: 'directory to write the files to (default: the checkpoint directory; required for a .ckpt file)' },
    json: COMMON_FLAGS.json,
    quiet: COMMON_FLAGS.quiet,
  },
};

/** The artifacts of a checkpoint folder, or of a .ckpt file; throws naming the path. */
function readCheckpoint(path: string, isFile: boolean): tf.io.ModelArtifacts {
  if (!isFile) return readArtifacts(path);
  try {
    return decodeCheckpointFile(readFileSync(path));
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
  }
}

export async function run(flags: Flags): Promise<number> {
  const dir = String(flags.policy);
  const isFile = statSync(dir, { throwIfNoEntry: false })?.isFile() ?? false;
  if (isFile && flags.out === undefined) throw new UsageError(`export-checkpoint: ${dir} is a file; name the folder to write with --out`);
  const out = flags.out === undefined ? dir : String(flags.out);
  const artifacts = readCheckpoint(dir, isFile);
  // A .ckpt becomes a whole folder; a folder gets only what it lacks.
  if (isFile) writeArtifactsDir(artifacts, out);
  else writePortableFiles(artifacts, out);
  const written = Object.values(PORTABLE_FILES).map((name) => ({ name, bytes: statSync(join(out, name)).size }));
  // The file on disk, read back, must hold every weight bit for bit under its name.
  const back = decodeSafetensors(readFileSync(join(out, PORTABLE_FILES.weights)));
  const want = artifactTensors(artifacts);
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData!));
  const same = back.tensors.length === want.length && back.tensors.every((t, i) => {
    const w = want[i]!;
    if (t.name !== w.name || t.shape.join('x') !== w.shape.join('x')) return false;
    return Buffer.from(t.data.buffer).equals(Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength));
  });
  if (!same) throw new Error(`${join(out, PORTABLE_FILES.weights)} does not read back as the weights of ${dir}`);
  const report = { policy: dir, out, tensors: want.length, weightBytes: weights.byteLength, files: written };
  if (flags.json) console.log(JSON.stringify(report));
  else {
    const log = notes(flags);
    for (const f of written) log(`wrote ${join(out, f.name)} (${f.bytes.toLocaleString('en-US')} bytes)`);
    log(`${want.length} tensors, ${weights.byteLength.toLocaleString('en-US')} bytes of weights, read back bit for bit`);
  }
  return 0;
}
