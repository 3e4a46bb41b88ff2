// `logits`: one greedy answer of a checkpoint to one question about one scene, with the logits of
// every step, and the image the model read as .npy: what scripts/checkpoint_logits.py recomputes
// with numpy alone from model.safetensors, config.json and vocab.json (docs/checkpoint.md).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMON_FLAGS, notes, UsageError, type CommandSpec, type Flags } from '../args';
import { initNodeBackend } from '../backend-node';
import { loadModelDir } from '../model-files';
import { encodeNpy } from '../npy';
import { sampleScene } from '../../engine/world/sampler';
import { validateScene, type Scene } from '../../engine/world/scene';
import { promptIds, sceneImage } from '../../engine/data/encode';
import { generate } from '../../engine/model/generate';
import { decode } from '../../engine/language/vocab';

export const spec: CommandSpec = {
  name: 'logits',
  summary: 'Greedy-answer one question with a policy; write the image (.npy) and every step\'s logits (JSON).',
  usage: 'logits --policy DIR (--seed N | --scene FILE) --question TEXT [--tokens N] --out DIR',
  flags: {
    policy: COMMON_FLAGS.policy,
    seed: { type: 'number', help: 'the scene of this seed (as `world --seed N` prints it)', bound: { integer: true, min: 0 } },
    scene: { type: 'string', help: 'a scene JSON file instead of --seed' },
    question: { type: 'string', required: true, help: 'the question, in the vocabulary\'s words (e.g. "is there a red circle ?")' },
    tokens: { type: 'number', help: 'most tokens to answer (it stops after <eos>)', default: 16, bound: { integer: true, min: 1, max: 150 } },
    out: { type: 'string', required: true, help: 'directory for image.npy and logits.json' },
    backend: COMMON_FLAGS.backend,
    quiet: COMMON_FLAGS.quiet,
  },
};

function readScene(flags: Flags): Scene {
  if ((flags.seed === undefined) === (flags.scene === undefined)) throw new UsageError('logits: give exactly one of --seed and --scene');
  if (flags.seed !== undefined) return sampleScene(Number(flags.seed));
  const file = String(flags.scene);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read the scene in ${file}: ${(e as Error).message}`, { cause: e });
  }
  const v = validateScene(value);
  if ('errors' in v) throw new Error(`${file} is not a scene: ${v.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return v.scene;
}

export async function run(flags: Flags): Promise<number> {
  const scene = readScene(flags);
  const question = String(flags.question);
  const out = String(flags.out);
  await initNodeBackend(String(flags.backend));
  const { model } = loadModelDir(String(flags.policy));
  try {
    const cfg = model.config;
    const image = sceneImage(scene); // [S, S, 3] in [0, 1], the default perception (noise seeded by the scene)
    const prompt = promptIds(question);
    const gen = await generate(model, image, [prompt], { maxNewTokens: Number(flags.tokens), temperature: 0, returnLogits: true });
    const tokens = gen.responses[0] as number[];
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'image.npy'), encodeNpy(image, [cfg.imageSize, cfg.imageSize, 3]));
    const result = {
      policy: String(flags.policy), scene, question, prompt, tokens, answer: decode(tokens),
      logits: (gen.stepLogits as Float32Array[]).map((l) => Array.from(l)), // [steps, V]
    };
    writeFileSync(join(out, 'logits.json'), `${JSON.stringify(result)}\n`);
    notes(flags)(`${question} → ${result.answer} (${tokens.length} tokens); wrote ${join(out, 'image.npy')} and ${join(out, 'logits.json')}`);
  } finally {
    model.dispose();
  }
  return 0;
}
