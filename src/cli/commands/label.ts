// `label`: samples pairs of distinct responses from a policy and labels them with a simulated
// annotator, writing preference records (JSONL); optionally a TRL-style set for Python as well.

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

/** The job's knobs a command line sets: how many pairs, the seed, the sampling and the pair mix. */
const FLAGS: ConfigFlagOptions<keyof LabelJobConfig> = { only: ['n', 'seed', 'temperature', 'maxTries', 'mix', 'degenerate'], defaults: true };

export const spec: CommandSpec = {
  name: 'label',
  summary: 'Sample answer pairs from a policy and label them with a simulated annotator (preference JSONL).',
  usage: 'label --policy DIR --annotator careful|length-biased|noisy --n N --seed S --out prefs.jsonl [--append] [--mix P] [--degenerate P] [--trl DIR]',
  flags: {
    policy: COMMON_FLAGS.policy,
    annotator: { type: 'string', help: 'simulated annotator preset', default: 'careful', choices: ANNOTATOR_NAMES },
    ...configFlags(LABEL_JOB_FIELDS, FLAGS),
    out: { type: 'string', required: true, help: 'preference file to write (JSONL)' },
    append: { type: 'boolean', help: 'add to an existing --out file (pairs already in it are not added twice)' },
    ...PERCEPTION_FLAGS,
    trl: { type: 'string', help: 'also write the decided pairs as a TRL-style set (train.jsonl, images/, README.md) to this folder' },
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

export async function run(flags: Flags): Promise<number> {
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
