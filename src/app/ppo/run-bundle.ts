// A whole PPO run as one file (a .zip by the labels' zip writer): run.json (its config, how far it
// came, its policy's version), metrics.jsonl (a row per step), policy.ckpt (the weights, the
// single-file checkpoint) and labels.jsonl (native records). Reading one checks every part and
// names the first thing wrong, so a foreign or damaged file is refused before anything is stored.

import { exportNative, importNative } from '../../engine/prefs/native';
import type { PreferenceRecord } from '../../engine/prefs/record';
import { readZip, writeZip } from '../ui/zip';
import * as v from 'valibot';
import { MAX_RUN_STEPS, readMetricRow, readStoredRun, type StoredPpoRun } from '../../engine/ppo/run-record';
import { bounded, obj, pathOf, text } from '../../engine/files/schema';

/** What run.json says it is, and the version of this bundle's layout. */
export const RUN_BUNDLE_FORMAT = 'rlhf-playground/ppo-run-bundle';
export const RUN_BUNDLE_VERSION = 1;

/** What run.json holds: its format and layout, when it was written, and the run (checked by readStoredRun, with the metrics). */
export const RUN_BUNDLE_HEAD_SCHEMA = obj({
  format: v.literal(RUN_BUNDLE_FORMAT),
  formatVersion: bounded({ integer: true, min: 1, max: RUN_BUNDLE_VERSION }),
  exportedAt: v.optional(text(64)),
  run: v.custom<Record<string, unknown>>((x) => typeof x === 'object' && x !== null && !Array.isArray(x), 'must be an object'),
});

/** The folder inside the archive, and the files in it. */
const ROOT = 'ppo-run/';
const RUN_JSON = 'run.json';
const METRICS = 'metrics.jsonl';
const LABELS = 'labels.jsonl';
const CHECKPOINT = 'policy.ckpt';
/** The single-file checkpoint's first bytes (engine/model/checkpoint-file.ts). */
const CKPT_MAGIC = 'RLHFCKPT';

/** What a bundle holds, read and checked. */
export interface RunBundle {
  run: StoredPpoRun;
  /** Every label in the bundle (pairs repeated in it kept once). */
  labels: PreferenceRecord[];
  /** The policy's weights as a single-file checkpoint (.ckpt). */
  checkpoint: Uint8Array;
}

const readme = (run: StoredPpoRun, labels: number) => `# A PPO run from RLHF Playground

- run.json: the run's config (every knob), how far it came (step ${run.step}), and the version of its policy (${run.policy.version}).
- metrics.jsonl: each step's metrics under TRL's names, one JSON object per line (step 0: the gold figures before training).
- policy.ckpt: the policy's weights after step ${run.step}, as the page's single-file checkpoint (load it in the SFT stage too).
- labels.jsonl: the ${labels} labelled pairs this browser held, one native record per line.

Import it in the PPO stage ("Import run") to bring the run back: its charts, its policy and its labels.
`;

/** Returns the bundle of a run, its policy's checkpoint and the labels as one .zip; changes nothing. */
export function writeRunBundle(run: StoredPpoRun, labels: readonly PreferenceRecord[], checkpoint: Uint8Array, when = new Date()): Uint8Array {
  const { metrics, ...rest } = run;
  const head = { format: RUN_BUNDLE_FORMAT, formatVersion: RUN_BUNDLE_VERSION, exportedAt: when.toISOString(), run: rest };
  return writeZip(
    [
      { path: ROOT + RUN_JSON, data: JSON.stringify(head, null, 2) + '\n' },
      { path: ROOT + METRICS, data: metrics.map((m) => JSON.stringify(m)).join('\n') + (metrics.length ? '\n' : '') },
      { path: ROOT + CHECKPOINT, data: checkpoint },
      { path: ROOT + LABELS, data: exportNative(labels) },
      { path: ROOT + 'README.md', data: readme(run, labels.length) },
    ],
    when,
  );
}

/** Why a file is refused: says what is wrong with it, in words. */
export class BundleError extends Error {}

/** Reads and checks a run bundle; throws a BundleError naming the first thing wrong. Changes nothing. */
export async function readRunBundle(bytes: Uint8Array): Promise<RunBundle> {
  let files: Map<string, Uint8Array>;
  try {
    files = await readZip(bytes);
  } catch (e) {
    throw new BundleError(`it is not a run bundle: ${(e as Error).message}`);
  }
  const runPath = [...files.keys()].find((p) => p === RUN_JSON || p.endsWith(`/${RUN_JSON}`));
  if (!runPath) throw new BundleError(`it is not a run bundle: the archive has no ${RUN_JSON}`);
  const root = runPath.slice(0, -RUN_JSON.length);
  const text = (name: string) => {
    const f = files.get(root + name);
    if (!f) throw new BundleError(`the bundle has no ${name}`);
    return new TextDecoder().decode(f);
  };
  let head: { format?: unknown; formatVersion?: unknown; run?: unknown } | null;
  try {
    head = JSON.parse(text(RUN_JSON)) as typeof head;
  } catch (e) {
    if (e instanceof BundleError) throw e;
    throw new BundleError(`${RUN_JSON} is not JSON: ${(e as Error).message}`);
  }
  if (head?.format !== RUN_BUNDLE_FORMAT) throw new BundleError(`it is not a run bundle of this page: ${RUN_JSON} says its format is ${JSON.stringify(head?.format)}, not ${RUN_BUNDLE_FORMAT}`);
  if (typeof head.formatVersion === 'number' && head.formatVersion > RUN_BUNDLE_VERSION) throw new BundleError(`the bundle's layout (version ${JSON.stringify(head.formatVersion)}) is newer than this page reads (${RUN_BUNDLE_VERSION})`);
  const checkedHead = v.safeParse(RUN_BUNDLE_HEAD_SCHEMA, head);
  if (!checkedHead.success) throw new BundleError(`${RUN_JSON}: ${pathOf(checkedHead.issues[0])} ${checkedHead.issues[0].message}`);

  const metrics: unknown[] = [];
  for (const [i, line] of text(METRICS).split('\n').entries()) {
    if (line.trim() === '') continue;
    if (metrics.length > MAX_RUN_STEPS) throw new BundleError(`${METRICS} has more than ${MAX_RUN_STEPS + 1} rows (line ${i + 1})`);
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new BundleError(`${METRICS} line ${i + 1} is not JSON`);
    }
    const checked = readMetricRow(row);
    if (typeof checked === 'string') throw new BundleError(`${METRICS} line ${i + 1}: ${checked}`);
    metrics.push(checked);
  }
  const read = readStoredRun({ ...checkedHead.output.run, metrics });
  if ('problem' in read) throw new BundleError(`${RUN_JSON} does not describe a run: ${read.problem}`);

  const labels = importNative(text(LABELS));
  if (labels.problems.length) {
    const named = labels.problems.slice(0, 3).map((p) => `line ${p.line} (${p.field}: ${p.message})`).join('; ');
    const more = labels.problems.length > 3 ? ` and ${labels.problems.length - 3} more` : '';
    throw new BundleError(`${LABELS} has bad lines: ${named}${more}`);
  }

  const checkpoint = files.get(root + CHECKPOINT);
  if (!checkpoint) throw new BundleError(`the bundle has no ${CHECKPOINT}`);
  if (new TextDecoder().decode(checkpoint.subarray(0, CKPT_MAGIC.length)) !== CKPT_MAGIC) throw new BundleError(`${CHECKPOINT} is not a checkpoint of this page`);
  return { run: read.run, labels: labels.added, checkpoint };
}
