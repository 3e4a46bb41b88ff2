// `evaluate`: the benchmark job (ShapesHal-Bench, POPE, CHAIR) on several policies, side by side:
// a table of the headline figures, or with --json one object {"policies": [{policy, version, report}]}.

import { COMMON_FLAGS, notes, UsageError, type CommandSpec, type Flags } from '../args';
import { initNodeBackend } from '../backend-node';
import { loadModelDir } from '../model-files';
import type { BenchReport } from '../../engine/bench/report';
import { SHAPES_HAL_SIZES, type BenchSize } from '../../engine/bench/shapes-hal';
import { runBenchJob } from '../../engine/bench/run';
import { POPE_SPLITS, type YesCount } from '../../engine/bench/pope';

export const spec: CommandSpec = {
  name: 'evaluate',
  summary: 'Run the benchmarks on several policies and report them side by side.',
  usage: 'evaluate --policy DIR[,DIR...] [--size standard|large] [--temperature T] [--json]',
  flags: {
    policy: { ...COMMON_FLAGS.policy, help: 'policy checkpoint directories, comma-separated' },
    size: { type: 'string', help: 'benchmark size: 96 ShapesHal items, or the large set', default: 'standard', choices: Object.keys(SHAPES_HAL_SIZES) },
    temperature: { type: 'number', help: 'sampling temperature (0 is greedy, the benchmarks\' default)', default: 0, bound: { min: 0, max: 10 } },
    seed: { type: 'number', help: 'sampling seed (with a temperature above 0)', default: 0, bound: { integer: true, min: 0 } },
    backend: COMMON_FLAGS.backend,
    quiet: COMMON_FLAGS.quiet,
    json: { ...COMMON_FLAGS.json, help: 'print one JSON object {"policies": [{"policy", "version", "report"}]} (report as bench --json)' },
  },
};

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const rate = (c: YesCount) => (c.n === 0 ? '–' : pct(c.yes / c.n));

/** The headline figures of each report, one column per policy. */
function printSideBySide(rows: { policy: string; report: BenchReport }[]): void {
  const lines: [string, (r: BenchReport) => string][] = [
    ['ShapesHal true and informative', (r) => pct(r.shapesHal.trueInformative)],
    ['ShapesHal hallucination', (r) => pct(r.shapesHal.hallucinationRate)],
    ['ShapesHal informativeness', (r) => pct(r.shapesHal.informativeness)],
    ['ShapesHal no answer', (r) => pct(r.shapesHal.noAnswerRate)],
    ['ShapesHal score (0-6)', (r) => r.shapesHal.score.toFixed(2)],
    ...Object.keys(rows[0]!.report.shapesHal.byType).map((t): [string, (r: BenchReport) => string] => [`  ${t} true+inf. / halluc.`, (r) => `${pct(r.shapesHal.byType[t]!.trueInformative)} / ${pct(r.shapesHal.byType[t]!.hallucinationRate)}`]),
    ...Object.keys(rows[0]!.report.pope).flatMap((s): [string, (r: BenchReport) => string][] => [[`POPE ${s} accuracy / F1`, (r) => `${pct(r.pope[s as keyof BenchReport['pope']].accuracy)} / ${pct(r.pope[s as keyof BenchReport['pope']].f1)}`]]),
    ['POPE "yes": present large / small', (r) => `${rate(r.popeByTruth.presentLarge)} / ${rate(r.popeByTruth.presentSmall)}`],
    ['POPE "yes": absent rand. / pop. / adv.', (r) => POPE_SPLITS.map((s) => rate(r.popeByTruth.absent[s])).join(' / ')],
    ['CHAIR_i / CHAIR_s', (r) => `${pct(r.chair.chairI)} / ${pct(r.chair.chairS)}`],
  ];
  const w0 = Math.max(...lines.map(([l]) => l.length)) + 2;
  const cells = lines.map(([label, f]): [string, string[]] => [label, rows.map((r) => f(r.report))]);
  const w = Math.max(16, ...rows.map((r) => r.policy.length + 2), ...cells.flatMap(([, c]) => c.map((x) => x.length + 2)));
  console.log(''.padEnd(w0) + rows.map((r) => r.policy.padStart(w)).join(''));
  for (const [label, c] of cells) console.log(label.padEnd(w0) + c.map((x) => x.padStart(w)).join(''));
}

export async function run(flags: Flags): Promise<number> {
  const log = notes(flags);
  const dirs = String(flags.policy).split(',').map((s) => s.trim()).filter(Boolean);
  if (dirs.length === 0) throw new UsageError('evaluate: --policy needs at least one directory');
  await initNodeBackend(String(flags.backend));
  const out: { policy: string; version: string; seconds: number; report: BenchReport }[] = [];
  for (const dir of dirs) {
    const { model } = loadModelDir(dir);
    try {
      const t0 = performance.now();
      log(`evaluate: ${dir} (${model.version})`);
      const { report } = await runBenchJob(model, { size: String(flags.size) as BenchSize, temperature: Number(flags.temperature), seed: Number(flags.seed) });
      out.push({ policy: dir, version: model.version, seconds: Math.round((performance.now() - t0) / 100) / 10, report });
    } finally {
      model.dispose();
    }
  }
  if (flags.json) console.log(JSON.stringify({ policies: out }));
  else printSideBySide(out);
  return 0;
}
