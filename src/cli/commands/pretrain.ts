// `pretrain`: makes a policy from scratch by a recipe (the engine's pretrain job: vision
// pretraining, SFT on the recipe's data mixture, the benchmarks) and saves it with its figures;
// appends one JSON line per step to OUT/metrics.jsonl as it goes, and on Ctrl-C (SIGINT, SIGTERM)
// saves the policy as far as it got and exits 130/143.

import { COMMON_FLAGS, notes, type CommandSpec, type Flags } from '../args';
import { initNodeBackend } from '../backend-node';
import { saveModelDir } from '../model-files';
import { MetricsLog } from '../metrics-log';
import { Interruption } from '../interrupt';
import { POLICY_RECIPES, type RecipeName } from '../../engine/sft/recipes';
import { runPretrainJob, type PretrainPoint } from '../../engine/sft/pretrain';
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

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * A step's line: `step` counts every step of the run (vision, grounding, SFT in turn), `phase` and
 * `phase_step` say which; then the names TRL's SFTTrainer logs (loss, grad_norm, learning_rate,
 * eval_loss; vision steps have the loss alone) and ours for the benchmark (bench/score, bench/hallucination_rate).
 */
function pointJson(p: PretrainPoint, step: number): Record<string, unknown> {
  const line: Record<string, unknown> = { step, phase: p.phase, phase_step: p.step, loss: r4(p.loss) };
  if (p.phase === 'vision') return line;
  Object.assign(line, { grad_norm: r4(p.gradNorm), learning_rate: p.lr });
  if (p.heldOutLoss !== undefined) line.eval_loss = r4(p.heldOutLoss);
  if (p.benchScore !== undefined) line['bench/score'] = r4(p.benchScore);
  if (p.benchHallucinationRate !== undefined) line['bench/hallucination_rate'] = r4(p.benchHallucinationRate);
  return line;
}

export async function run(flags: Flags): Promise<number> {
  const name = String(flags.preset) as RecipeName;
  const seed = Number(flags.seed);
  const out = typeof flags.out === 'string' ? flags.out : `models/${name}`;
  const log = notes(flags);
  const backend = await initNodeBackend(String(flags.backend));
  log(`${name}: on ${backend.name}; ${POLICY_RECIPES[name].about}`);
  let phase = '';
  const metricsLog = new MetricsLog(out);
  const stop = new Interruption('pretrain');
  let steps = 0;
  try {
    const res = await runPretrainJob({ recipe: name, seed, bench: !flags['no-bench'], ...(flags.steps !== undefined ? { sftSteps: Number(flags.steps) } : {}), ...(flags['vision-steps'] !== undefined ? { visionSteps: Number(flags['vision-steps']) } : {}), ...(flags['grounding-steps'] !== undefined ? { groundingSteps: Number(flags['grounding-steps']) } : {}) }, {
      control: stop.control,
      onProgress: (p) => {
        if (p.phase !== phase) log(`${(phase = p.phase)}: ${p.total} ${p.phase === 'benchmarks' ? 'items' : 'steps'}`);
      },
      onPoint: (p) => {
        metricsLog.append(pointJson(p, (steps += 1)));
        if (p.phase === 'vision' && p.step % 100 === 0) log(`  vision step ${p.step}: loss ${p.loss.toFixed(3)}`);
        if (p.phase !== 'vision' && p.heldOutLoss !== undefined) log(`  ${p.phase} step ${p.step}: loss ${p.loss.toFixed(3)}, held-out ${p.heldOutLoss.toFixed(3)}, lr ${p.lr.toExponential(2)}`);
      },
    });
    log(`  vision cell accuracy (held out): ${JSON.stringify(res.metadata.visionAccuracy)}`);
    if (res.bench && !flags.quiet && !flags.json) printReport(res.bench);
    const command = `npm run cli -- pretrain --preset ${name} --seed ${seed}${flags.steps !== undefined ? ` --steps ${Number(flags.steps)}` : ''}${flags['vision-steps'] !== undefined ? ` --vision-steps ${Number(flags['vision-steps'])}` : ''}${flags['grounding-steps'] !== undefined ? ` --grounding-steps ${Number(flags['grounding-steps'])}` : ''}`;
    let bytes: number;
    try {
      bytes = await saveModelDir(res.model, out, { ...res.metadata, command, backend: backend.name, ...stop.metadata(steps) });
    } finally {
      res.model.dispose();
    }
    const b = res.bench?.shapesHal;
    if (stop.interrupted) console.error(`pretrain: interrupted (${stop.signal}) after step ${steps} (${phase}): the policy is in ${out}/model.json, its metrics in ${metricsLog.path}`);
    console.log(JSON.stringify({ out, bytes, heldOutLoss: res.heldOutLoss, seconds: Math.round(res.seconds), ...(b ? { hallucinationRate: b.hallucinationRate, score: b.score } : {}), ...stop.metadata(steps) }));
    return stop.exitCode(0);
  } finally {
    stop.close();
  }
}
