// `label`: samples pairs of distinct responses from a policy and labels them with a simulated
// annotator, writing preference records (JSONL); optionally a TRL-style set for Python as well.
// With `--mode mark`, samples one answer per question and has a simulated marker mark its false
// sentences (and correct them), writing mark records (JSONL); the TRL set then holds the corrected
// pairs.

import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COMMON_FLAGS, notes, UsageError, type CommandSpec, type Flags } from '../args';
import { configFlags, valuesFromFlags, type ConfigFlagOptions } from '../config-flags';
import { LABEL_JOB_DEFAULTS, LABEL_JOB_FIELDS, type LabelJobConfig } from '../../engine/prefs/label-config';
import { initNodeBackend } from '../backend-node';
import { loadModelDir } from '../model-files';
import { ANNOTATOR_NAMES, ANNOTATOR_PRESETS, type AnnotatorName } from '../../engine/prefs/annotator';
import { PERCEPTION_FLAGS, perceptionFromFlags } from '../perception-flags';
import { runLabelJob } from '../../engine/prefs/label-job';
import { labelCounts } from '../../engine/prefs/label';
import { exportNative, formatProblems, importNative, type ImportResult } from '../../engine/prefs/native';
import { exportTrl, type ExportFile } from '../../engine/prefs/trl';
import type { PreferenceRecord } from '../../engine/prefs/record';
import { annotatorCeiling } from '../../engine/reward/ceiling';
import { MARKER_NAMES, MARKER_PRESETS, type MarkerName } from '../../engine/prefs/marker-settings';
import { markSummary, runMarkJob } from '../../engine/prefs/mark-job';
import { exportMarks, exportTrlMarks, importMarks, type MarkImportResult } from '../../engine/prefs/mark-file';

/** The job's knobs a command line sets: how many pairs, the seed, the sampling and the pair mix. */
const FLAGS: ConfigFlagOptions<keyof LabelJobConfig> = { only: ['n', 'seed', 'temperature', 'maxTries', 'mix', 'degenerate'], defaults: true };

export const spec: CommandSpec = {
  name: 'label',
  summary: 'Sample answer pairs from a policy and label them with a simulated annotator (preference JSONL), or answers to mark sentence by sentence (--mode mark: mark JSONL).',
  usage:
    'label --policy DIR --annotator careful|length-biased|noisy --n N --seed S --out prefs.jsonl [--append] [--mix P] [--degenerate P] [--trl DIR]\n' +
    '       npm run cli -- label --mode mark --policy DIR --marker careful|noisy|lenient --n N --seed S --out marks.jsonl [--append] [--trl DIR]',
  flags: {
    policy: COMMON_FLAGS.policy,
    mode: { type: 'string', help: 'pair: two answers a pair, labelled by an annotator; mark: one answer a question, its false sentences marked (and corrected) by a marker', default: 'pair', choices: ['pair', 'mark'] },
    annotator: { type: 'string', help: 'simulated annotator preset (pair mode)', default: 'careful', choices: ANNOTATOR_NAMES },
    marker: { type: 'string', help: 'simulated marker preset (mark mode)', default: 'careful', choices: MARKER_NAMES },
    ...configFlags(LABEL_JOB_FIELDS, FLAGS),
    out: { type: 'string', required: true, help: 'preference file (mark mode: marks file) to write (JSONL)' },
    append: { type: 'boolean', help: 'add to an existing --out file (pairs or marks already in it are not added twice)' },
    ...PERCEPTION_FLAGS,
    trl: { type: 'string', help: 'also write the decided pairs (mark mode: the corrected pairs) as a TRL-style set (train.jsonl, images/, README.md) to this folder' },
    backend: COMMON_FLAGS.backend,
    quiet: COMMON_FLAGS.quiet,
    json: COMMON_FLAGS.json,
  },
};

/** Reads a preference file, reporting bad lines on stderr (file:line: field: message); returns the import. */
export function readPrefsFile(path: string, existing: readonly PreferenceRecord[] = []): ImportResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  const res = importNative(text, existing);
  for (const line of formatProblems(res.problems, path)) console.error(line);
  return res;
}

/** Writes export files under a folder (created as needed). */
export function writeFiles(dir: string, files: readonly ExportFile[]): void {
  for (const f of files) {
    const p = join(dir, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.data);
  }
}

/** Reads a marks file, reporting bad lines on stderr (file:line: field: message); returns the import. */
export function readMarksFile(path: string): MarkImportResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  const res = importMarks(text);
  for (const line of formatProblems(res.problems, path)) console.error(line);
  return res;
}

/** `--mode mark`: one answer per question, marked by a simulated marker; prints the summary as one JSON line. */
async function runMarks(flags: Flags): Promise<number> {
  const name = String(flags.marker);
  const { n, seed, temperature, mix, degenerate } = { ...LABEL_JOB_DEFAULTS, ...valuesFromFlags(LABEL_JOB_FIELDS, flags, FLAGS) };
  if (mix > 0 || degenerate > 0) throw new UsageError('label: --mix and --degenerate make pairs; --mode mark samples one answer per question');
  const perception = perceptionFromFlags(flags, 'label');
  const out = String(flags.out);
  if (existsSync(out) && !flags.append) throw new UsageError(`label: ${out} exists; pass --append to add to it, or choose another --out`);
  const log = notes(flags);

  await initNodeBackend(String(flags.backend));
  const { model } = loadModelDir(String(flags.policy));
  const policyVersion = model.version;
  const settings = MARKER_PRESETS[name as MarkerName];
  log(`label: ${n} answers from ${policyVersion} to mark, marker ${name} ${JSON.stringify(settings)}`);
  const job = await runMarkJob(model, { n, seed, temperature, perception, round: 32, marker: { name, settings, seed } }, {
    onProgress: (p) => {
      if (p.done > 0) log(`  sampled ${p.done}/${p.total}`);
    },
  });
  model.dispose();
  const marks = job.marks ?? [];

  const stored = existsSync(out) ? readMarksFile(out).marks : [];
  const merged = importMarks(exportMarks(marks), stored);
  if (merged.added.length) appendFileSync(out, exportMarks(merged.added));
  else if (!existsSync(out)) writeFileSync(out, '');
  let trl: { dir: string; rows: number } | undefined;
  if (typeof flags.trl === 'string') {
    const ex = exportTrlMarks(merged.added);
    writeFiles(flags.trl, ex.files);
    trl = { dir: flags.trl, rows: ex.rows };
    log(`  TRL set: ${ex.rows} corrected pairs in ${flags.trl} (${ex.unmarked} ${ex.unmarked === 1 ? 'answer' : 'answers'} with nothing marked false ${ex.unmarked === 1 ? 'makes' : 'make'} no pair)`);
  }
  const sum = markSummary(marks);
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  log(`  ${sum.answers} answers, ${sum.sentences} sentences; ${sum.markedFalse} marked false, ${sum.corrected} corrected`);
  log(`  the judge: ${sum.falseSentences} sentences false (${pct(sum.falseSentenceShare)}); answers with a false sentence ${pct(sum.answersWithFalse)}, with one marked ${pct(sum.answersMarked)}`);
  console.log(JSON.stringify({
    out, added: merged.added.length, alreadyStored: merged.duplicates, marker: name, policyVersion, ...sum,
    answersPerSecond: { sampling: marks.length / Math.max(job.sampleSeconds, 1e-9), marker: marks.length / Math.max(job.markSeconds, 1e-9) },
    ...(trl ? { trl } : {}),
  }));
  return 0;
}

export async function run(flags: Flags): Promise<number> {
  if (flags.mode === 'mark') return runMarks(flags);
  const name = String(flags.annotator);
  const { n, seed, temperature, maxTries, mix, degenerate } = { ...LABEL_JOB_DEFAULTS, ...valuesFromFlags(LABEL_JOB_FIELDS, flags, FLAGS) };
  const perception = perceptionFromFlags(flags, 'label');
  const out = String(flags.out);
  if (existsSync(out) && !flags.append) throw new UsageError(`label: ${out} exists; pass --append to add to it, or choose another --out`);
  const log = notes(flags);

  await initNodeBackend(String(flags.backend));
  const policyDir = String(flags.policy);
  const { model } = loadModelDir(policyDir);
  const policyVersion = model.version;
  const settings = ANNOTATOR_PRESETS[name as AnnotatorName];
  log(`label: ${n} pairs from ${policyVersion}, annotator ${name} ${JSON.stringify(settings)}`);
  const sampled = await runLabelJob(model, { n, seed, temperature, maxTries, mix, degenerate, perception, round: 32, annotator: { name, settings, seed } }, {
    onProgress: (p) => {
      if (p.done > 0) log(`  sampled ${p.done}/${p.total}`);
    },
  });
  model.dispose();
  const records = sampled.records ?? [];
  const { sampleSeconds, labelSeconds } = sampled;

  const stored = existsSync(out) ? readPrefsFile(out).records : [];
  const merged = importNative(exportNative(records), stored);
  if (merged.added.length) appendFileSync(out, exportNative(merged.added));
  else if (!existsSync(out)) writeFileSync(out, '');
  let trl: { dir: string; rows: number } | undefined;
  if (typeof flags.trl === 'string') {
    const ex = exportTrl(merged.added);
    writeFiles(flags.trl, ex.files);
    trl = { dir: flags.trl, rows: ex.rows };
    log(`  TRL set: ${ex.rows} decided pairs in ${flags.trl} (${ex.skipped.tie} ties and ${ex.skipped['both-bad']} both-bad pairs have no chosen answer and are left out)`);
  }
  const ceiling = annotatorCeiling(records);
  const counts = labelCounts(records);
  log(`  labels ${JSON.stringify(counts)}; ${sampled.dropped} prompts dropped after ${maxTries} rounds of equal responses; ${sampled.resampled} resampled`);
  console.log(JSON.stringify({
    out, added: merged.added.length, alreadyStored: merged.duplicates, labels: counts, dropped: sampled.dropped, resampled: sampled.resampled,
    annotator: name, policyVersion,
    pairsPerSecond: { sampling: records.length / Math.max(sampleSeconds, 1e-9), annotator: records.length / Math.max(labelSeconds, 1e-9) },
    ...(ceiling ? { selfAgreement: ceiling.selfAgreement, accuracyCeiling: ceiling.accuracyCeiling } : {}),
    ...(trl ? { trl } : {}),
  }));
  return 0;
}
