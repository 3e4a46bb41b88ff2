// A TRL-style preference set for Python tools: `train.jsonl` with one row per decided pair,
// {prompt, chosen, rejected, images: ["images/<id>.png"]}, the PNGs beside it, and a README.
// Each row also carries this project's fields (scene, render settings, labeller, ...) so the
// set imports back without loss. Ties and "both-bad" pairs have no chosen answer: not exported.

import { renderScene } from '../world/render';
import { encodePng } from '../world/png';
import { factSentences } from '../world/facts';
import { validateRecord, type PreferenceRecord } from './record';
import { mergeRecords, numberedLines, type ImportProblem, type ImportResult } from './native';

/** A file of an export: its path inside the export folder and its content. */
export interface ExportFile {
  path: string;
  data: string | Uint8Array;
}

export const TRL_JSONL = 'train.jsonl';
export const TRL_IMAGES = 'images';

/** One row of train.jsonl. The first four are TRL's; the rest are ours (extra columns load as they are). */
export interface TrlRow {
  prompt: string;
  chosen: string;
  rejected: string;
  images: string[];
  id: string;
  question_type: string | null;
  /** The scene's facts, in reading order: what a Fact-RM reads. */
  facts: string[];
  scene: PreferenceRecord['scene'];
  render: PreferenceRecord['image'];
  labelled_by: PreferenceRecord['labelledBy'];
  labelled_at: string;
  policy_version: string;
  source: PreferenceRecord['source'];
}

const README = `# Preference pairs (TRL format)

\`${TRL_JSONL}\`: one JSON object per line, one per decided preference pair:
\`prompt\` (the question), \`chosen\` and \`rejected\` (the preferred and the other answer) and
\`images\` (a list with one PNG path, relative to this folder). The other columns come from
RLHF Playground: the scene as JSON, its facts, how the image was rendered, who labelled the pair
and when, and which policy wrote the answers. Ties and "both bad" pairs are not in this set.

Load it with Hugging Face datasets:

    import os
    from datasets import load_dataset, Image, Sequence
    root = "path/to/this/folder"
    ds = load_dataset("json", data_files=os.path.join(root, "${TRL_JSONL}"), split="train")
    ds = ds.map(lambda r: {"images": [os.path.join(root, p) for p in r["images"]]})
    ds = ds.cast_column("images", Sequence(Image()))

The result has TRL's preference columns (prompt, chosen, rejected, images), ready for
trl.RewardTrainer or trl.DPOTrainer with a vision-language model.
`;

/** The PNG of the image the policy saw for a record. */
export function recordPng(r: Pick<PreferenceRecord, 'scene' | 'image'>): Uint8Array {
  return encodePng(renderScene(r.scene, r.image.perception, { noiseSeed: r.image.noiseSeed }));
}

/** The TRL row of a decided record. */
export function trlRow(r: PreferenceRecord): TrlRow {
  if (r.label !== 'A' && r.label !== 'B') throw new Error(`trlRow: pair ${r.id} is labelled ${r.label}; only A or B have a chosen answer`);
  const [chosen, rejected] = r.label === 'A' ? [r.responseA, r.responseB] : [r.responseB, r.responseA];
  return {
    prompt: r.question, chosen, rejected, images: [`${TRL_IMAGES}/${r.id}.png`],
    id: r.id, question_type: r.questionType ?? null, facts: factSentences(r.scene), scene: r.scene, render: r.image,
    labelled_by: r.labelledBy, labelled_at: r.labelledAt, policy_version: r.policyVersion, source: r.source,
  };
}

/** Returns the files of the TRL set (JSONL, one PNG per row, README) and what was left out; changes nothing. */
export function exportTrl(records: readonly PreferenceRecord[]): { files: ExportFile[]; rows: number; skipped: { tie: number; 'both-bad': number } } {
  const decided = records.filter((r) => r.label === 'A' || r.label === 'B');
  const files: ExportFile[] = [
    { path: TRL_JSONL, data: decided.map((r) => JSON.stringify(trlRow(r))).join('\n') + (decided.length ? '\n' : '') },
    { path: 'README.md', data: README },
  ];
  for (const r of decided) files.push({ path: `${TRL_IMAGES}/${r.id}.png`, data: recordPng(r) });
  return {
    files,
    rows: decided.length,
    skipped: { tie: records.filter((r) => r.label === 'tie').length, 'both-bad': records.filter((r) => r.label === 'both-bad').length },
  };
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Reads one TRL row back into a record (chosen as A, label A), or the problems by field. */
export function recordFromTrlRow(value: unknown, readFile: (path: string) => Uint8Array | undefined): { record: PreferenceRecord } | { errors: { field: string; message: string }[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { errors: [{ field: '(line)', message: 'must be a JSON object' }] };
  const v = value as Record<string, unknown>;
  const errors: { field: string; message: string }[] = [];
  for (const k of ['prompt', 'chosen', 'rejected']) if (typeof v[k] !== 'string') errors.push({ field: k, message: 'must be a string' });
  for (const k of ['scene', 'render', 'labelled_by', 'labelled_at', 'policy_version', 'source']) {
    if (v[k] === undefined) errors.push({ field: k, message: 'is missing (only sets exported by RLHF Playground carry the scene and labeller needed to import)' });
  }
  const images = v.images;
  if (!Array.isArray(images) || images.length !== 1 || typeof images[0] !== 'string') errors.push({ field: 'images', message: 'must be a list with one PNG path' });
  if (errors.length) return { errors };
  const checked = validateRecord({
    format: 'rlhf-playground/preference', version: 1,
    ...(v.id !== undefined ? { id: v.id } : {}),
    scene: v.scene, image: v.render, question: v.prompt,
    ...(v.question_type != null ? { questionType: v.question_type } : {}),
    responseA: v.chosen, responseB: v.rejected, label: 'A',
    labelledBy: v.labelled_by, labelledAt: v.labelled_at, policyVersion: v.policy_version, source: v.source,
  });
  if ('errors' in checked) {
    const rename: Record<string, string> = { question: 'prompt', responseA: 'chosen', responseB: 'rejected', image: 'render', labelledBy: 'labelled_by', labelledAt: 'labelled_at', policyVersion: 'policy_version', questionType: 'question_type' };
    return { errors: checked.errors.map((e) => ({ ...e, field: e.field.replace(/^[A-Za-z]+/, (head) => rename[head] ?? head) })) };
  }
  const path = (images as string[])[0] as string;
  const png = readFile(path);
  if (!png) return { errors: [{ field: 'images[0]', message: `no file ${path} beside the JSONL` }] };
  if (!sameBytes(png, recordPng(checked.record))) return { errors: [{ field: 'images[0]', message: `${path} is not the image of the row's scene and render settings` }] };
  return checked;
}

/** Imports a TRL set (its JSONL text and a reader for files beside it) into the stored records. */
export function importTrl(jsonl: string, readFile: (path: string) => Uint8Array | undefined, existing: readonly PreferenceRecord[] = []): ImportResult {
  const lines = numberedLines(jsonl);
  const good: { line: number; record: PreferenceRecord }[] = [];
  const problems: ImportProblem[] = [];
  for (const { line, text } of lines) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      problems.push({ line, field: '(line)', message: `not valid JSON (${(e as Error).message})` });
      continue;
    }
    const r = recordFromTrlRow(value, readFile);
    if ('errors' in r) problems.push(...r.errors.map((e) => ({ line, ...e })));
    else good.push({ line, record: r.record });
  }
  const merged = mergeRecords(existing, good);
  return { ...merged, problems: [...problems, ...merged.problems].sort((a, b) => a.line - b.line), lines: lines.length };
}
