// `probe`: what a reward model likes. Scores seven fixed answer variants per probe scene (short
// correct, long correct with filler, long with one hallucinated object, "i am not sure",
// ungrammatical, empty, and a small object's true detail against its lookalike) and prints one scene's
// scores and how often each better variant wins.

import { COMMON_FLAGS, type CommandSpec, type Flags } from '../args';
import { initNodeBackend } from '../backend-node';
import { loadModelDir } from '../model-files';
import { PROBE_PAIRS, PROBE_VARIANTS, probeItems, HEADLINE_PROBE } from '../../engine/reward/probes';
import { runProbes } from '../../engine/reward/probe-run';
import { isSentenceRewardModel } from '../../engine/reward/dense';

export const spec: CommandSpec = {
  name: 'probe',
  summary: 'Score fixed answer variants (short/long correct, long hallucinated, unsure, ungrammatical, empty, a small detail true or false) with a reward model.',
  usage: 'probe --rm DIR --seed S [--n N] [--json]',
  flags: {
    rm: { type: 'string', required: true, help: 'reward model directory (as train-rm saves it)' },
    seed: { type: 'number', help: 'seed of the probe scenes (train-rm reports seed 0)', default: 0, bound: { integer: true, min: 0 } },
    n: { type: 'number', help: 'probe scenes', default: 32, bound: { integer: true, min: 1, max: 512 } },
    json: { ...COMMON_FLAGS.json, help: 'print only the JSON line' },
    backend: COMMON_FLAGS.backend,
  },
};

const LABELS: Record<(typeof PROBE_VARIANTS)[number], string> = {
  shortCorrect: 'short correct',
  longCorrect: 'long correct',
  longHallucinated: 'long hallucinated',
  unsure: 'i am not sure',
  ungrammatical: 'ungrammatical',
  empty: 'empty',
  smallTrue: 'true small detail',
  smallFalse: 'false small detail',
};

export async function run(flags: Flags): Promise<number> {
  const rmDir = String(flags.rm);
  const n = Number(flags.n);
  const seed = Number(flags.seed);
  await initNodeBackend(String(flags.backend));
  const { model, manifest } = loadModelDir(rmDir);
  if (isSentenceRewardModel(manifest.metadata)) throw new Error(`probe: ${rmDir} is a sentence reward model (train-rm --dense): it scores sentences, not whole answers (only ppo --reward dense reads it); give probe a pairwise reward model`);
  const info = manifest.metadata.rewardModel as { fact?: unknown } | undefined;
  if (manifest.metadata.role !== 'reward-model' || !info) console.error(`probe: ${rmDir} was not saved by train-rm; scoring it as a plain reward model`);
  const fact = info?.fact === true;
  const items = probeItems(n, seed);
  const rep = await runProbes(model, items, fact);
  model.dispose();
  if (!flags.json) {
    const first = items[0]!;
    console.log(`${fact ? 'Fact-RM' : 'plain RM'} ${rmDir}: ${n} probe scenes (seed ${seed})`);
    console.log(`example: ${first.question}  (${first.scene.background}, ${first.scene.objects.length} objects)`);
    for (const v of PROBE_VARIANTS) console.log(`  ${rep.scores[0]![v].toFixed(3).padStart(7)}  ${LABELS[v].padEnd(18)} ${first.variants[v]}`);
    console.log('mean score by variant:');
    for (const v of PROBE_VARIANTS) console.log(`  ${rep.meanScore[v].toFixed(3).padStart(7)}  ${LABELS[v]}`);
    console.log('how often the better answer scores higher:');
    for (const p of PROBE_PAIRS) console.log(`  ${(100 * rep.pairAccuracy[p.name]).toFixed(1).padStart(5)}%  ${p.name}`);
    console.log(`  ${(100 * rep.prefersLonger).toFixed(1).padStart(5)}%  long correct > short correct (a taste for length; no right answer)`);
  }
  console.log(JSON.stringify({ rm: rmDir, fact, seed, n, probeAccuracy: rep.pairAccuracy[HEADLINE_PROBE], pairAccuracy: rep.pairAccuracy, prefersLonger: rep.prefersLonger, meanScore: rep.meanScore }));
  return 0;
}
