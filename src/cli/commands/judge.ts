// `judge`: judges responses given as JSONL ({"scene", "question", "response"} per line),
// writing one JSON line per input line; bad lines are named and the rest still judged.

import { asRecord, readJsonl } from '../jsonl';
import { COMMON_FLAGS, type CommandSpec, type Flags } from '../args';
import { validateScene } from '../../engine/world/scene';
import { judge } from '../../engine/judge/judge';

export const spec: CommandSpec = {
  name: 'judge',
  summary: 'Judge responses against their scenes: hallucination, score 0-6, informativeness, claims.',
  usage: 'judge --in FILE.jsonl',
  flags: {
    in: { type: 'string', required: true, help: 'JSONL, one {"scene": <scene JSON>, "question": "...", "response": "..."} per line' },
    json: { ...COMMON_FLAGS.json, help: 'the output is JSONL, one verdict per input line, with or without this flag' },
  },
};

/** Returns the judge's output record for one input record, or the error that names the field. */
export function judgeRecord(value: unknown): { out: Record<string, unknown> } | { error: string } {
  const r = asRecord(value);
  if (!r) return { error: 'must be a JSON object with "scene", "question" and "response"' };
  for (const k of ['question', 'response'] as const) {
    if (typeof r[k] !== 'string') return { error: `field "${k}" must be a string` };
  }
  const v = validateScene(r.scene);
  if ('errors' in v) return { error: v.errors.map((e) => `${e.path}: ${e.message}`).join('; ') };
  const verdict = judge(v.scene, r.question as string, r.response as string);
  return {
    out: {
      hallucination: verdict.hallucination,
      score: verdict.score,
      informativeness: verdict.informativeness,
      unparseable: verdict.unparseable,
      unparsed: verdict.unparsed,
      questionUnderstood: verdict.questionUnderstood,
      claims: verdict.claims.map((c) => ({ text: c.text, kind: c.kind, truth: c.truth })),
    },
  };
}

export async function run(flags: Flags): Promise<number> {
  let bad = 0;
  const file = String(flags.in);
  const lines = readJsonl(file);
  for (const l of lines) {
    const res = l.error ? { error: l.error } : judgeRecord(l.value);
    if ('error' in res) {
      bad++;
      console.error(`${file}:${l.line}: ${res.error}`);
      console.log(JSON.stringify({ line: l.line, error: res.error }));
    } else console.log(JSON.stringify({ line: l.line, ...res.out }));
  }
  if (bad > 0) console.error(`judge: ${bad} of ${lines.length} lines were bad and were not judged`);
  return bad > 0 ? 1 : 0;
}
