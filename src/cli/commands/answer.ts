// `answer`: runs a checkpoint on scenes and questions of one's own. Each input line is
// {"scene": <scene JSON>, "question": "..."} (other keys kept); each output line is that input
// plus "response", in input order. A bad line is named on stderr (line and field), answered by
// {"line", "error"} in its place, and the exit code is 1; the good lines are still answered.

import { asRecord, readJsonl } from '../jsonl';
import { COMMON_FLAGS, notes, type CommandSpec, type Flags } from '../args';
import { initNodeBackend } from '../backend-node';
import { loadModelDir } from '../model-files';
import { validateScene, type Scene } from '../../engine/world/scene';
import { factSentences } from '../../engine/world/facts';
import { answerAll } from '../../engine/data/answer';

export const spec: CommandSpec = {
  name: 'answer',
  summary: 'Answer {"scene", "question"} lines with a policy; each output line is the input plus "response".',
  usage: 'answer --policy DIR --in FILE.jsonl [--temperature T] [--seed S] [--facts]',
  flags: {
    policy: COMMON_FLAGS.policy,
    in: { type: 'string', required: true, help: 'JSONL, one {"scene": <scene JSON>, "question": "..."} per line; other keys are kept' },
    temperature: { type: 'number', help: 'sampling temperature; 0 is greedy', default: 0, bound: { min: 0, max: 10 } },
    seed: { type: 'number', help: 'sampling seed (with a temperature above 0)', default: 0, bound: { integer: true, min: 0 } },
    facts: { type: 'boolean', help: "put the scene's facts in front of the question (as the SFT data's facts examples and the Fact-RM read them)" },
    backend: COMMON_FLAGS.backend,
    json: COMMON_FLAGS.json,
    quiet: COMMON_FLAGS.quiet,
  },
};

/** The prompt of one input line, or the error that names its field. */
export function promptOf(value: unknown): { input: Record<string, unknown>; scene: Scene; question: string } | { error: string } {
  const r = asRecord(value);
  if (!r) return { error: 'must be a JSON object with "scene" and "question"' };
  if (typeof r.question !== 'string') return { error: 'field "question" must be a string' };
  if (r.question.trim() === '') return { error: 'field "question" must not be empty' };
  const v = validateScene(r.scene);
  if ('errors' in v) return { error: v.errors.map((e) => `${e.path}: ${e.message}`).join('; ') };
  return { input: r, scene: v.scene, question: r.question };
}

export async function run(flags: Flags): Promise<number> {
  const file = String(flags.in);
  const log = notes(flags);
  const lines = readJsonl(file);
  const parsed = lines.map((l) => ({ line: l.line, ...(l.error ? { error: l.error } : promptOf(l.value)) }));
  const good = parsed.flatMap((p) => ('scene' in p ? [p] : []));
  let bad = 0;
  for (const p of parsed) {
    if ('error' in p) {
      bad++;
      console.error(`${file}:${p.line}: ${p.error}`);
    }
  }
  const responses = new Map<number, string>();
  if (good.length) {
    await initNodeBackend(String(flags.backend));
    const { model } = loadModelDir(String(flags.policy));
    try {
      const answers = await answerAll(
        model,
        good.map((p) => ({ scene: p.scene, question: p.question, ...(flags.facts ? { facts: factSentences(p.scene) } : {}) })),
        { temperature: Number(flags.temperature), seed: Number(flags.seed) },
        (done, total) => log(`answer: ${done}/${total}`),
      );
      good.forEach((p, i) => responses.set(p.line, answers[i] as string));
    } finally {
      model.dispose();
    }
  }
  for (const p of parsed) {
    if ('error' in p) console.log(JSON.stringify({ line: p.line, error: p.error }));
    else console.log(JSON.stringify({ ...p.input, response: responses.get(p.line) }));
  }
  if (bad > 0) console.error(`answer: ${bad} of ${lines.length} lines were bad and were not answered`);
  return bad > 0 ? 1 : 0;
}
