// `pretrain`: makes a policy from scratch by a recipe: pretrain and freeze the vision encoder,
// run SFT on the recipe's data mixture, benchmark it, and save it with its figures.

import { UsageError, intFlag, type CommandSpec, type Flags } from '../args';
import { initNodeBackend } from '../backend-node';
import { saveModelDir } from '../model-files';
import { makeConfig } from '../../engine/model/config';
import { createModel } from '../../engine/model/model';
import { VOCAB } from '../../engine/language/vocab';
import { POLICY_RECIPES, type RecipeName } from '../../engine/sft/recipes';
import { pretrainVision } from '../../engine/vision/run';
import { runSft } from '../../engine/sft/run';
import { runBench } from '../../engine/bench/run';
import { printReport } from './bench';

export const spec: CommandSpec = {
  name: 'pretrain',
  summary: 'Train a policy by a recipe (vision pretraining, then SFT), benchmark it and save it.',
  usage: 'pretrain --preset sft|sft-plus|tiny --seed N [--out DIR] [--steps N] [--vision-steps N]',
  flags: {
    preset: { type: 'string', help: `recipe: ${Object.keys(POLICY_RECIPES).join(', ')}`, default: 'sft' },
    seed: { type: 'number', help: 'seed of the weights, the data and the batch order', default: 1 },
    out: { type: 'string', help: 'output directory (default models/<preset>)' },
    steps: { type: 'number', help: "SFT steps (default: the recipe's)" },
    'vision-steps': { type: 'number', help: "vision pretraining steps (default: the recipe's)" },
    backend: { type: 'string', help: 'wasm or cpu (webgpu where available)', default: 'wasm' },
    'no-bench': { type: 'boolean', help: 'skip the benchmark at the end' },
    quiet: { type: 'boolean', help: 'print only the final JSON line' },
  },
};

export async function run(flags: Flags): Promise<number> {
  const name = String(flags.preset);
  if (!Object.hasOwn(POLICY_RECIPES, name)) throw new UsageError(`pretrain: --preset must be one of ${Object.keys(POLICY_RECIPES).join(', ')}, got "${name}"`);
  const recipe = POLICY_RECIPES[name as RecipeName];
  const seed = intFlag(flags, 'seed', 'pretrain');
  const sftSteps = flags.steps === undefined ? recipe.sftSteps : intFlag(flags, 'steps', 'pretrain');
  const visionSteps = flags['vision-steps'] === undefined ? recipe.visionSteps : intFlag(flags, 'vision-steps', 'pretrain');
  const out = typeof flags.out === 'string' ? flags.out : `models/${name}`;
  const log = flags.quiet ? () => {} : (s: string) => console.error(s);
  const backend = await initNodeBackend(String(flags.backend));
  const started = performance.now();

  const model = createModel(makeConfig(recipe.model, VOCAB.length), { seed });
  log(`${name}: ${model.paramCount()} parameters on ${backend.name}; vision pretraining ${visionSteps} steps`);
  const visionAccuracy = await pretrainVision(model.vision, { steps: visionSteps, seed }, (p) => {
    if (p.step % 100 === 0) log(`  vision step ${p.step}: loss ${p.loss.toFixed(3)}`);
  });
  log(`  vision cell accuracy (held out): ${JSON.stringify(visionAccuracy)}`);
  model.vision.setFrozen(true);

  log(`SFT ${sftSteps} steps, batch ${recipe.batchSize}, mixture ${JSON.stringify(recipe.mixture)}`);
  const sft = await runSft(model, { steps: sftSteps, batchSize: recipe.batchSize, mixture: recipe.mixture, seed, evalEvery: Math.max(1, Math.round(sftSteps / 10)) }, {
    onPoint: (p) => {
      if (p.heldOutLoss !== undefined) log(`  step ${p.step}: loss ${p.loss.toFixed(3)}, held-out ${p.heldOutLoss.toFixed(3)}, lr ${p.lr.toExponential(2)}`);
    },
  });
  const bench = flags['no-bench'] ? undefined : (await runBench(model)).report;
  if (bench && !flags.quiet) printReport(bench);
  const seconds = (performance.now() - started) / 1000;
  const metadata = {
    recipe: name,
    about: recipe.about,
    command: `npm run cli -- pretrain --preset ${name} --seed ${seed}${flags.steps !== undefined ? ` --steps ${sftSteps}` : ''}${flags['vision-steps'] !== undefined ? ` --vision-steps ${visionSteps}` : ''}`,
    seed,
    mixture: recipe.mixture,
    visionSteps,
    sftSteps: sft.steps,
    batchSize: recipe.batchSize,
    visionAccuracy,
    heldOutLoss: sft.heldOutLoss,
    backend: backend.name,
    trainSeconds: Math.round(seconds),
    ...(bench ? { bench } : {}),
  };
  const bytes = await saveModelDir(model, out, metadata);
  model.dispose();
  console.log(JSON.stringify({ out, bytes, heldOutLoss: sft.heldOutLoss, seconds: Math.round(seconds), ...(bench ? { hallucinationRate: bench.shapesHal.hallucinationRate, score: bench.shapesHal.score } : {}) }));
  return 0;
}
