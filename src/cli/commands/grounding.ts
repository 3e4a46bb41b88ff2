// `grounding`: the learnability check. A fresh policy trained on existence questions alone must
// learn to look: "yes" to ≥ 95% of present large objects and ≥ 90% POPE random accuracy; shown a
// blank image instead, it must fall to guessing.

import { COMMON_FLAGS, notes, type CommandSpec, type Flags } from '../args';
import { initNodeBackend } from '../backend-node';
import { GROUNDING_CHECK_DEFAULTS, groundingPasses, runGroundingCheck, type GroundingReading } from '../../engine/sft/grounding';
import { MODEL_PRESETS } from '../../engine/model/config';
import { POPE_SIZES } from '../../engine/bench/pope';

const D = GROUNDING_CHECK_DEFAULTS;

export const spec: CommandSpec = {
  name: 'grounding',
  summary: 'The learnability check: train existence questions alone, then read POPE with and without the image.',
  usage: 'grounding [--steps N] [--vision-steps N] [--seed N] [--model default|tiny] [--aux W] [--json]',
  flags: {
    steps: { type: 'number', help: 'SFT steps on existence questions', default: D.sftSteps, bound: { integer: true, min: 1, max: 100_000 } },
    'vision-steps': { type: 'number', help: 'vision pretraining steps', default: D.visionSteps, bound: { integer: true, min: 0, max: 100_000 } },
    seed: { type: 'number', help: 'seed of the weights, the data and the batch order', default: D.seed, bound: { integer: true, min: 0 } },
    model: { type: 'string', help: 'model preset', default: D.model, choices: Object.keys(MODEL_PRESETS) },
    lr: { type: 'number', help: 'peak SFT learning rate', default: D.lr, bound: { above: 0, max: 0.1 } },
    aux: { type: 'number', help: 'weight of the auxiliary grounding loss (each image token says whether its cell holds the asked object); 0: off', default: D.groundingAux, bound: { min: 0, max: 100 } },
    'pope-size': { type: 'string', help: 'POPE set', default: D.popeSize, choices: Object.keys(POPE_SIZES) },
    backend: COMMON_FLAGS.backend,
    quiet: COMMON_FLAGS.quiet,
    json: COMMON_FLAGS.json,
  },
};

const pct = (a: number, n: number) => (n === 0 ? '–' : `${((100 * a) / n).toFixed(1)}%`);

function describe(label: string, r: GroundingReading): string {
  const t = r.byTruth;
  const absent = (['random', 'popular', 'adversarial'] as const).map((s) => `${s} ${pct(t.absent[s].yes, t.absent[s].n)}`).join(', ');
  return `${label}: POPE accuracy random ${pct(r.pope.random.accuracy, 1)}, popular ${pct(r.pope.popular.accuracy, 1)}, adversarial ${pct(r.pope.adversarial.accuracy, 1)}; ` +
    `"yes" to present large ${t.presentLarge.yes}/${t.presentLarge.n} (${pct(t.presentLarge.yes, t.presentLarge.n)}), present small ${pct(t.presentSmall.yes, t.presentSmall.n)}, absent ${absent}`;
}

export async function run(flags: Flags): Promise<number> {
  const log = notes(flags);
  const backend = await initNodeBackend(String(flags.backend));
  const steps = Number(flags.steps);
  log(`grounding check on ${backend.name}: ${steps} SFT steps of existence questions`);
  const res = await runGroundingCheck({
    sftSteps: steps, visionSteps: Number(flags['vision-steps']), seed: Number(flags.seed), model: String(flags.model) as never, lr: Number(flags.lr), groundingAux: Number(flags.aux), popeSize: String(flags['pope-size']) as never,
  }, {
    onPoint: (p) => {
      if (p.step % Math.max(1, Math.round(steps / 10)) === 0) log(`  step ${p.step}: loss ${p.loss.toFixed(3)}`);
    },
  });
  const passed = groundingPasses(res.seeing);
  log(describe('with the image', res.seeing));
  log(describe('with a blank image', res.blank));
  log(`held-out loss ${res.heldOutLoss.toFixed(3)}; seconds: vision ${res.seconds.vision}, SFT ${res.seconds.sft}, check ${res.seconds.check}; ${passed ? 'PASSED' : 'FAILED'} (targets: "yes" to ≥ 95% of present large objects, POPE random ≥ 90%)`);
  console.log(JSON.stringify({ passed, ...res }));
  return passed ? 0 : 1;
}
