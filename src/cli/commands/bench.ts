// `bench`: lists the benchmark items, or scores responses given for them and prints the
// report (ShapesHal-Bench, POPE and its split by the truth, CHAIR) as JSON or as a table.

import { writeFileSync } from 'node:fs';
import { asRecord, readJsonl } from '../jsonl';
import { COMMON_FLAGS, UsageError, type CommandSpec, type Flags } from '../args';
import { benchSuite, scoreBench, type BenchReport, type BenchSuite } from '../../engine/bench/report';
import { POPE_SPLITS, type PopeByTruth, type YesCount } from '../../engine/bench/pope';
import { SHAPES_HAL_SIZES, type BenchSize } from '../../engine/bench/shapes-hal';
import { runBenchJob } from '../../engine/bench/run';
import { initNodeBackend } from '../backend-node';
import { loadModelDir } from '../model-files';

export const spec: CommandSpec = {
  name: 'bench',
  summary: 'Score responses on ShapesHal-Bench, POPE and CHAIR, or list the benchmark items.',
  usage: 'bench (--items | --in FILE.jsonl | --policy DIR [--temperature T] [--facts]) [--json] [--size standard|large]',
  flags: {
    items: { type: 'boolean', help: 'print every item as JSONL: id, benchmark, scene, question, and its answer key' },
    in: { type: 'string', aliases: ['responses'], help: 'JSONL, one {"id": ..., "response": "..."} per line, to score' },
    policy: { type: 'string', help: 'run this checkpoint (e.g. models/sft) on every item and score its answers' },
    temperature: { type: 'number', help: 'with --policy: sampling temperature (0 is greedy)', default: 0, bound: { min: 0, max: 10 } },
    seed: { type: 'number', help: 'with --policy and a temperature above 0: sampling seed', default: 0, bound: { integer: true, min: 0 } },
    facts: { type: 'boolean', help: "with --policy: put each scene's facts in front of its question, to see what the policy says when told what is there" },
    out: { type: 'string', help: 'with --policy: also write the responses as JSONL {"id", "response"} to this file' },
    backend: COMMON_FLAGS.backend,
    json: { ...COMMON_FLAGS.json, help: 'print the report as one JSON object' },
    size: { type: 'string', help: 'benchmark size: 96 ShapesHal items, or the large set', default: 'standard', choices: Object.keys(SHAPES_HAL_SIZES) },
  },
};

function printItems(s: BenchSuite): void {
  for (const it of s.shapesHal) console.log(JSON.stringify({ id: it.id, benchmark: 'shapesHal', type: it.type, scene: it.scene, question: it.question, reference: it.reference }));
  for (const it of s.pope) console.log(JSON.stringify({ id: it.id, benchmark: 'pope', split: it.split, scene: it.scene, question: it.question, present: it.present }));
  for (const it of s.chair) console.log(JSON.stringify({ id: it.id, benchmark: 'chair', scene: it.scene, question: it.question }));
}

/** Reads {"id","response"} lines; reports bad, unknown and repeated ids on stderr. */
export function readResponses(path: string, known: Set<string>): { responses: Map<string, string>; bad: number } {
  const responses = new Map<string, string>();
  let bad = 0;
  for (const l of readJsonl(path)) {
    const r = asRecord(l.value);
    const problem = l.error ?? (!r ? 'must be a JSON object {"id", "response"}' : typeof r.id !== 'string' ? 'field "id" must be a string' : typeof r.response !== 'string' ? 'field "response" must be a string' : !known.has(r.id) ? `field "id": no benchmark item "${r.id}" (see bench --items)` : responses.has(r.id) ? `field "id": "${r.id}" appears twice; the first is kept` : undefined);
    if (problem || !r) {
      bad++;
      console.error(`${path}:${l.line}: ${problem}`);
      continue;
    }
    responses.set(r.id as string, r.response as string);
  }
  return { responses, bad };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const yes = (c: YesCount) => `${c.yes}/${c.n} (${c.n === 0 ? '–' : pct(c.yes / c.n)})`;

/** POPE's "yes" answers by the truth, one line: what separates a policy that sees from one that guesses. */
export function popeByTruthLine(t: PopeByTruth): string {
  return `POPE by truth: "yes" to present large ${yes(t.presentLarge)}, present small ${yes(t.presentSmall)}, absent ${POPE_SPLITS.map((s) => `${s} ${yes(t.absent[s])}`).join(', ')}`;
}

/** Prints the report as a readable table. */
export function printReport(rep: BenchReport): void {
  const h = rep.shapesHal;
  console.log(`ShapesHal-Bench (${h.n} items): true and informative ${pct(h.trueInformative)}  hallucination ${pct(h.hallucinationRate)}  informativeness ${pct(h.informativeness)}  no answer ${pct(h.noAnswerRate)}  score ${h.score.toFixed(2)}`);
  for (const [t, r] of Object.entries(h.byType)) console.log(`  ${t.padEnd(12)} true and informative ${pct(r.trueInformative).padStart(6)}  hallucination ${pct(r.hallucinationRate).padStart(6)}  no answer ${pct(r.noAnswerRate).padStart(6)}  score ${r.score.toFixed(2)}  (n ${r.n})`);
  console.log('POPE            accuracy precision recall   f1       yes-ratio');
  for (const [split, m] of Object.entries(rep.pope)) console.log(`  ${split.padEnd(13)} ${pct(m.accuracy).padEnd(8)} ${pct(m.precision).padEnd(9)} ${pct(m.recall).padEnd(8)} ${pct(m.f1).padEnd(8)} ${pct(m.yesRatio)}`);
  console.log(popeByTruthLine(rep.popeByTruth));
  console.log(`CHAIR (${rep.chair.n} descriptions): CHAIR_i ${pct(rep.chair.chairI)}  CHAIR_s ${pct(rep.chair.chairS)}`);
}

export async function run(flags: Flags): Promise<number> {
  const suite = benchSuite(String(flags.size) as BenchSize);
  if (flags.items) {
    printItems(suite);
    return 0;
  }
  if (typeof flags.policy === 'string') return benchPolicy(flags, flags.policy);
  if (flags.facts) throw new UsageError('bench: --facts goes with --policy DIR (it changes the prompts the policy answers)');
  if (typeof flags.in !== 'string') throw new UsageError('bench: give --items, --in FILE.jsonl (responses to score) or --policy DIR');
  const known = new Set([...suite.shapesHal, ...suite.pope, ...suite.chair].map((i) => i.id));
  const { responses, bad } = readResponses(flags.in, known);
  const missing = known.size - responses.size;
  if (missing > 0) console.error(`bench: ${missing} of ${known.size} items have no response and are left out of the report`);
  const report = scoreBench(suite, responses);
  if (flags.json) console.log(JSON.stringify(report));
  else printReport(report);
  return bad > 0 ? 1 : 0;
}

async function benchPolicy(flags: Flags, dir: string): Promise<number> {
  await initNodeBackend(String(flags.backend));
  const { model } = loadModelDir(dir);
  try {
    const { report, responses } = await runBenchJob(model, { size: String(flags.size) as BenchSize, temperature: Number(flags.temperature), seed: Number(flags.seed), facts: flags.facts === true });
    if (typeof flags.out === 'string') writeFileSync(flags.out, [...responses].map(([id, response]) => JSON.stringify({ id, response })).join('\n') + '\n');
    if (flags.json) console.log(JSON.stringify(report));
    else printReport(report);
  } finally {
    model.dispose();
  }
  return 0;
}
