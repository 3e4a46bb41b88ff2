// `cooccur`: where a policy's false object claims come from. Runs it on the benchmark's
// descriptions (CHAIR and ShapesHal's holistic items) and prints the share of false objects that
// name a co-occurring partner of one in the scene, against what chance and popularity would give.

import { COMMON_FLAGS, notes, type CommandSpec, type Flags } from '../args';
import { initNodeBackend } from '../backend-node';
import { loadModelDir } from '../model-files';
import { chairItems } from '../../engine/bench/chair';
import { shapesHalItems, SHAPES_HAL_SIZES, type BenchSize } from '../../engine/bench/shapes-hal';
import { priorReport } from '../../engine/bench/prior';
import { answerAll } from '../../engine/data/answer';

export const spec: CommandSpec = {
  name: 'cooccur',
  summary: "Share of a policy's false objects in descriptions that name a co-occurring partner of one in the scene, against chance.",
  usage: 'cooccur --policy DIR [--size standard|large] [--temperature T] [--json]',
  flags: {
    policy: COMMON_FLAGS.policy,
    size: { type: 'string', help: 'benchmark size: CHAIR and ShapesHal holistic items (50 + 12, or 300 + 100)', default: 'large', choices: Object.keys(SHAPES_HAL_SIZES) },
    temperature: { type: 'number', help: 'sampling temperature (0 is greedy)', default: 0, bound: { min: 0, max: 10 } },
    seed: { type: 'number', help: 'sampling seed (with a temperature above 0)', default: 0, bound: { integer: true, min: 0 } },
    json: COMMON_FLAGS.json,
    quiet: COMMON_FLAGS.quiet,
    backend: COMMON_FLAGS.backend,
  },
};

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export async function run(flags: Flags): Promise<number> {
  const size = String(flags.size) as BenchSize;
  const log = flags.json ? () => {} : notes(flags);
  await initNodeBackend(String(flags.backend));
  const { model } = loadModelDir(String(flags.policy));
  const items = [...chairItems(size), ...shapesHalItems(size).filter((it) => it.type === 'holistic')];
  log(`cooccur: ${model.version}, ${items.length} descriptions`);
  const responses = await answerAll(model, items, { temperature: Number(flags.temperature), seed: Number(flags.seed) });
  model.dispose();
  const rep = priorReport(items.map((it, i) => ({ scene: it.scene, response: responses[i] as string })));
  if (!flags.json) {
    console.log(`${rep.descriptions} descriptions: ${rep.falseObjectClaims} false object claims; ${rep.presentCategory} name an object in the scene (wrong size or place), ${rep.absentCategory} an object not there`);
    console.log(`of those ${rep.absentCategory}: ${rep.partner} (${pct(rep.partnerShare)}) name a co-occurring partner of an object in the scene; chance ${pct(rep.chanceShare)}, by popularity ${pct(rep.popularityShare)}`);
  }
  console.log(JSON.stringify({ policy: String(flags.policy), size, temperature: Number(flags.temperature), ...rep }));
  return 0;
}
