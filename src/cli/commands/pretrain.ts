// `pretrain`: makes a policy from scratch by a recipe (the engine's pretrain job: vision
// pretraining, SFT on the recipe's data mixture, the benchmarks) and saves it with its figures.

import { COMMON_FLAGS, notes, type CommandSpec, type Flags } from '../args';
import { initNodeBackend } from '../backend-node';
import { saveModelDir } from '../model-files';
import { POLICY_RECIPES, type RecipeName } from '../../engine/sft/recipes';
import { runPretrainJob } from '../../engine/sft/pretrain';
import { printReport } from './bench';

export const spec: CommandSpec = {
  name: 'pretrain',
  summary: 'Train a policy by a recipe (vision pretraining, then SFT), benchmark it and save it.',
  usage: 'pretrain --preset sft|sft-plus|tiny --seed N [--out DIR] [--steps N] [--vision-steps N] [--grounding-steps N]',
  flags: {
    preset: { type: 'string', help: 'recipe', default: 'sft', choices: Object.keys(POLICY_RECIPES) },
    seed: { type: 'number', help: 'seed of the weights, the data and the batch order', default: 1, bound: { integer: true, min: 0 } },
    out: { type: 'string', help: 'output directory (default models/<preset>)' },
    steps: { type: 'number', help: "SFT steps (default: the recipe's)", bound: { integer: true, min: 0 } },
    'vision-steps': { type: 'number', help: "vision pretraining steps (default: the recipe's)", bound: { integer: true, min: 0 } },
    'grounding-steps': { type: 'number', help: "grounding-stage steps, existence questions alone, before SFT (default: the recipe's)", bound: { integer: true, min: 0 } },
    backend: COMMON_FLAGS.backend,
    'no-bench': { type: 'boolean', help: 'skip the benchmark at the end' },
    quiet: COMMON_FLAGS.quiet,
    json: COMMON_FLAGS.json,
  },
};

export async function run(flags: Flags): Promise<number> {
  const name = String(flags.preset) as RecipeName;
  const seed = Number(flags.seed);
  const out = typeof flags.out === 'string' ? flags.out : `models/${name}`;
  const log = notes(flags);
  const backend = await initNodeBackend(String(flags.backend));
  log(`${name}: on ${backend.name}; ${POLICY_RECIPES[name].about}`);
  let phase = '';
  const res = await runPretrainJob({ recipe: name, seed, bench: !flags['no-bench'], ...(flags.steps !== undefined ? { sftSteps: Number(flags.steps) } : {}), ...(flags['vision-steps'] !== undefined ? { visionSteps: Number(flags['vision-steps']) } : {}), ...(flags['grounding-steps'] !== undefined ? { groundingSteps: Number(flags['grounding-steps']) } : {}) }, {
    onProgress: (p) => {
      if (p.phase !== phase) log(`${(phase = p.phase)}: ${p.total} ${p.phase === 'benchmarks' ? 'items' : 'steps'}`);
    },
    onPoint: (p) => {
      if (p.phase === 'vision' && p.step % 100 === 0) log(`  vision step ${p.step}: loss ${p.loss.toFixed(3)}`);
      if (p.phase !== 'vision' && p.heldOutLoss !== undefined) log(`  ${p.phase} step ${p.step}: loss ${p.loss.toFixed(3)}, held-out ${p.heldOutLoss.toFixed(3)}, lr ${p.lr.toExponential(2)}`);
    },
  });
  log(`  vision cell accuracy (held out): ${JSON.stringify(res.metadata.visionAccuracy)}`);
  if (res.bench && !flags.quiet && !flags.json) printReport(res.bench);
  const command = `npm run cli -- pretrain --preset ${name} --seed ${seed}${flags.steps !== undefined ? ` --steps ${Number(flags.steps)}` : ''}${flags['vision-steps'] !== undefined ? ` --vision-steps ${Number(flags['vision-steps'])}` : ''}${flags['grounding-steps'] !== undefined ? ` --grounding-steps ${Number(flags['grounding-steps'])}` : ''}`;
  const bytes = await saveModelDir(res.model, out, { ...res.metadata, command, backend: backend.name });
  res.model.dispose();
  const b = res.bench?.shapesHal;
  console.log(JSON.stringify({ out, bytes, heldOutLoss: res.heldOutLoss, seconds: Math.round(res.seconds), ...(b ? { hallucinationRate: b.hallucinationRate, score: b.score } : {}) }));
  return 0;
}
