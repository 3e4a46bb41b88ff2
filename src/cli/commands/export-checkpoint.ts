// `export-checkpoint`: writes model.safetensors, config.json and vocab.json for a checkpoint folder
// that has only model.json and weights.bin (an older one, or a shipped policy), from its weights as
// they are; then reads the safetensors file back and checks it holds the same bytes.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { COMMON_FLAGS, notes, type CommandSpec, type Flags } from '../args';
import { readArtifacts, writePortableFiles } from '../model-files';
import { artifactTensors, PORTABLE_FILES } from '../../engine/model/portable';
import { decodeSafetensors } from '../../engine/model/safetensors';

export const spec: CommandSpec = {
  name: 'export-checkpoint',
  summary: 'Write model.safetensors, config.json and vocab.json beside a checkpoint (docs/checkpoint.md).',
  usage: 'export-checkpoint --policy DIR [--out DIR] [--json]',
  flags: {
    policy: { ...COMMON_FLAGS.policy, help: 'checkpoint directory (model.json + weights.bin): a policy or a reward model' },
    out: { type: 'string', help: 'directory to write the three files to (default: the checkpoint directory)' },
    json: COMMON_FLAGS.json,
    quiet: COMMON_FLAGS.quiet,
  },
};

export async function run(flags: Flags): Promise<number> {
  const dir = String(flags.policy);
  const out = flags.out === undefined ? dir : String(flags.out);
  const artifacts = readArtifacts(dir);
  const written = writePortableFiles(artifacts, out);
  // The file on disk, read back, must hold every weight bit for bit under its name.
  const back = decodeSafetensors(readFileSync(join(out, PORTABLE_FILES.weights)));
  const want = artifactTensors(artifacts);
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData!));
  const same = back.tensors.length === want.length && back.tensors.every((t, i) => {
    const w = want[i]!;
    if (t.name !== w.name || t.shape.join('x') !== w.shape.join('x')) return false;
    return Buffer.from(t.data.buffer).equals(Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength));
  });
  if (!same) throw new Error(`${join(out, PORTABLE_FILES.weights)} does not read back as the weights of ${dir}/weights.bin`);
  const report = { policy: dir, out, tensors: want.length, weightBytes: weights.byteLength, files: written };
  if (flags.json) console.log(JSON.stringify(report));
  else {
    const log = notes(flags);
    for (const f of written) log(`wrote ${join(out, f.name)} (${f.bytes.toLocaleString('en-US')} bytes)`);
    log(`${want.length} tensors, ${weights.byteLength.toLocaleString('en-US')} bytes of weights, read back bit for bit`);
  }
  return 0;
}
