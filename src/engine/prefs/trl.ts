// A preference set in TRL's conversational vision format, for Python tools: `train.jsonl` with
// one row per decided pair, {prompt: [user message: image + question], chosen: [assistant
// message], rejected: [assistant message], images: ["images/<id>.png"]}, the PNGs beside it, and
// a README. Each row also carries this project's fields (scene, render settings, labeller, ...) so
// the set imports back without loss. Ties and "both-bad" pairs have no chosen answer: not exported.
// Import also reads the flat rows of earlier exports (prompt, chosen and rejected as strings), and
// takes an image by its pixels, so a set whose PNGs another tool saved again still comes back.

import { renderScene, type RgbImage } from '../world/render';
import { decodePng, encodePng, pngSize } from '../world/png';
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

/** A part of a message's content: the image's place (the row's `images` fill it, in order) or text. */
export type TrlPart = { type: 'image' } | { type: 'text'; text: string };

/** A chat message as TRL's vision datasets write it: content is a list of typed parts. */
export interface TrlMessage {
  role: 'user' | 'assistant';
  content: TrlPart[];
}

/** One row of train.jsonl. The first four are TRL's; the rest are ours (extra columns load as they are). */
export interface TrlRow {
  /** One user message: the image, then the question. */
  prompt: TrlMessage[];
  /** One assistant message each: the preferred answer and the other. */
  chosen: TrlMessage[];
  rejected: TrlMessage[];
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

const README = `# Preference pairs (TRL's conversational vision format)

\`${TRL_JSONL}\`: one JSON object per line, one per decided preference pair, in the preference
format TRL documents for vision datasets (https://huggingface.co/docs/trl/dataset_formats):

    {"prompt":   [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "is there a red circle ?"}]}],
     "chosen":   [{"role": "assistant", "content": [{"type": "text", "text": "yes ."}]}],
     "rejected": [{"role": "assistant", "content": [{"type": "text", "text": "no ."}]}],
     "images":   ["images/<id>.png"], ...}

The image part of the prompt stands for the row's one image, a 48×48 PNG in \`${TRL_IMAGES}/\`
(its path relative to this folder). The other columns come from RLHF Playground: the pair's id,
the scene as JSON and its facts, how the image was rendered, who labelled the pair and when, and
which policy wrote the answers. Ties and "both bad" pairs are not in this set.

Load it with Hugging Face datasets, the images as PIL images:

    import os
    from datasets import load_dataset, Image, Sequence
    root = "path/to/this/folder"
    ds = load_dataset("json", data_files=os.path.join(root, "${TRL_JSONL}"), split="train")
    ds = ds.map(lambda r: {"images": [os.path.join(root, p) for p in r["images"]]})
    ds = ds.cast_column("images", Sequence(Image()))
    ds = ds.select_columns(["prompt", "chosen", "rejected", "images"])  # TRL's columns only

TRL's DPOTrainer takes it as it is with a vision-language model, whose processor it loads with
it (keep max_length=None, so that no image tokens are cut off):

    from trl import DPOConfig, DPOTrainer
    trainer = DPOTrainer(
        model="Qwen/Qwen2.5-VL-3B-Instruct",
        args=DPOConfig(output_dir="dpo-vlm", max_length=None),
        train_dataset=ds,
    )
    trainer.train()

TRL's RewardTrainer reads text only: it cannot train on the images, so it is not the trainer for
this set.
`;

/** The image the policy saw for a record. */
export function recordImage(r: Pick<PreferenceRecord, 'scene' | 'image'>): RgbImage {
  return renderScene(r.scene, r.image.perception, { noiseSeed: r.image.noiseSeed });
}

/** The PNG of the image the policy saw for a record. */
export function recordPng(r: Pick<PreferenceRecord, 'scene' | 'image'>): Uint8Array {
  return encodePng(recordImage(r));
}

const text = (t: string): TrlPart[] => [{ type: 'text', text: t }];

/** The TRL row of a decided record. */
export function trlRow(r: PreferenceRecord): TrlRow {
  if (r.label !== 'A' && r.label !== 'B') throw new Error(`trlRow: pair ${r.id} is labelled ${r.label}; only A or B have a chosen answer`);
  const [chosen, rejected] = r.label === 'A' ? [r.responseA, r.responseB] : [r.responseB, r.responseA];
  return {
    prompt: [{ role: 'user', content: [{ type: 'image' }, ...text(r.question)] }],
    chosen: [{ role: 'assistant', content: text(chosen) }],
    rejected: [{ role: 'assistant', content: text(rejected) }],
    images: [`${TRL_IMAGES}/${r.id}.png`],
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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The text of a column: a string (the flat rows of earlier exports), or a list of one message of
 * `role` whose content is its text part, after one image part for the prompt (a string content,
 * TRL's text-only form, is taken too). Undefined when the column is neither.
 */
function messageText(v: unknown, role: TrlMessage['role']): string | undefined {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v) || v.length !== 1 || !isObject(v[0]) || v[0].role !== role) return undefined;
  const content = v[0].content;
  if (typeof content === 'string') return role === 'assistant' ? content : undefined;
  if (!Array.isArray(content) || !content.every(isObject)) return undefined;
  const texts = content.filter((p) => p.type === 'text');
  const images = content.filter((p) => p.type === 'image');
  if (texts.length !== 1 || typeof texts[0]!.text !== 'string' || texts.length + images.length !== content.length) return undefined;
  if (images.length !== (role === 'user' ? 1 : 0)) return undefined;
  return texts[0]!.text as string;
}

const SHAPE: Record<'prompt' | 'chosen' | 'rejected', string> = {
  prompt: 'must be a list with one user message whose content is an image part and a text part (or, as earlier exports wrote it, a string)',
  chosen: 'must be a list with one assistant message whose content is one text part (or, as earlier exports wrote it, a string)',
  rejected: 'must be a list with one assistant message whose content is one text part (or, as earlier exports wrote it, a string)',
};

/** Where `png` differs from the RGB image `want`, in words; undefined when every pixel is the same and opaque. */
function pixelDifference(png: Uint8Array, want: RgbImage): string | undefined {
  const size = pngSize(png);
  if (size && (size.width !== want.width || size.height !== want.height)) return `it is ${size.width}×${size.height}, not ${want.width}×${want.height}`;
  let got;
  try {
    got = decodePng(png, want.width * want.height); // no more pixels than the render has: nothing larger is allocated
  } catch (e) {
    return (e as Error).message;
  }
  for (let i = 0; i < want.width * want.height; i++) {
    const [r, g, b, a] = got.data.subarray(i * 4, i * 4 + 4);
    if (r !== want.data[i * 3] || g !== want.data[i * 3 + 1] || b !== want.data[i * 3 + 2] || a !== 255) {
      const at = `pixel (${i % want.width}, ${Math.floor(i / want.width)})`;
      return a !== 255 ? `${at} is not opaque (alpha ${a})` : `${at} is (${r}, ${g}, ${b}), not (${want.data[i * 3]}, ${want.data[i * 3 + 1]}, ${want.data[i * 3 + 2]})`;
    }
  }
  return undefined;
}

/**
 * Reads one TRL row (conversational, or flat as earlier exports wrote it) back into a record
 * (chosen as A, label A), or the problems by field. Its PNG must hold the pixels of the row's scene
 * rendered with its settings, in any encoding; alpha, where there is one, must be opaque.
 */
export function recordFromTrlRow(value: unknown, readFile: (path: string) => Uint8Array | undefined): { record: PreferenceRecord } | { errors: { field: string; message: string }[] } {
  if (!isObject(value)) return { errors: [{ field: '(line)', message: 'must be a JSON object' }] };
  const v = value;
  const errors: { field: string; message: string }[] = [];
  const question = messageText(v.prompt, 'user');
  const chosen = messageText(v.chosen, 'assistant');
  const rejected = messageText(v.rejected, 'assistant');
  for (const [k, t] of [['prompt', question], ['chosen', chosen], ['rejected', rejected]] as const) if (t === undefined) errors.push({ field: k, message: SHAPE[k] });
  for (const k of ['scene', 'render', 'labelled_by', 'labelled_at', 'policy_version', 'source']) {
    if (v[k] === undefined) errors.push({ field: k, message: 'is missing (only sets exported by RLHF Playground carry the scene and labeller needed to import)' });
  }
  const images = v.images;
  if (!Array.isArray(images) || images.length !== 1 || typeof images[0] !== 'string') errors.push({ field: 'images', message: 'must be a list with one PNG path' });
  if (errors.length) return { errors };
  const checked = validateRecord({
    format: 'rlhf-playground/preference', version: 1,
    ...(v.id !== undefined ? { id: v.id } : {}),
    scene: v.scene, image: v.render, question,
    ...(v.question_type != null ? { questionType: v.question_type } : {}),
    responseA: chosen, responseB: rejected, label: 'A',
    labelledBy: v.labelled_by, labelledAt: v.labelled_at, policyVersion: v.policy_version, source: v.source,
  });
  if ('errors' in checked) {
    const rename: Record<string, string> = { question: 'prompt', responseA: 'chosen', responseB: 'rejected', image: 'render', labelledBy: 'labelled_by', labelledAt: 'labelled_at', policyVersion: 'policy_version', questionType: 'question_type' };
    return { errors: checked.errors.map((e) => ({ ...e, field: e.field.replace(/^[A-Za-z]+/, (head) => rename[head] ?? head) })) };
  }
  const path = (images as string[])[0] as string;
  const png = readFile(path);
  if (!png) return { errors: [{ field: 'images[0]', message: `no file ${path} beside the JSONL` }] };
  const differs = pixelDifference(png, recordImage(checked.record));
  if (differs) return { errors: [{ field: 'images[0]', message: `${path} is not the image of the row's scene and render settings: ${differs}` }] };
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
