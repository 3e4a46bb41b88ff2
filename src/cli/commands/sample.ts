// `sample`: a policy's answers to random training-style questions, one JSONL line each,
// judged so the output shows what the policy gets wrong.

import { COMMON_FLAGS, type CommandSpec, type Flags } from '../args';
import { initNodeBackend } from '../backend-node';
import { loadModelDir } from '../model-files';
import { QUESTION_TYPES, type QuestionType } from '../../engine/language/question';
import { drawPrompts } from '../../engine/data/prompts';
import { answerAll } from '../../engine/data/answer';
import { judge } from '../../engine/judge/judge';

export const spec: CommandSpec = {
  name: 'sample',
  summary: "Sample a policy's answers to K random questions: scene, question, response, verdict (JSONL).",
  usage: 'sample [--policy DIR] --seed N --n K [--temperature T] [--type TYPE]',
  flags: {
    policy: COMMON_FLAGS.policy,
    seed: { type: 'number', help: 'seed of the scenes, questions and sampling', default: 0, bound: { integer: true, min: 0 } },
    n: { type: 'number', help: 'how many answers', default: 8, bound: { integer: true, min: 1 } },
    temperature: { type: 'number', help: 'sampling temperature; 0 is greedy', default: 1, bound: { min: 0, max: 10 } },
    type: { type: 'string', help: 'only this question type', choices: QUESTION_TYPES },
    backend: COMMON_FLAGS.backend,
    json: { ...COMMON_FLAGS.json, help: 'the output is JSONL, one judged answer per line, with or without this flag' },
  },
};

export async function run(flags: Flags): Promise<number> {
  const n = Number(flags.n);
  const seed = Number(flags.seed);
  const temperature = Number(flags.temperature);
  await initNodeBackend(String(flags.backend));
  const { model } = loadModelDir(String(flags.policy));
  const prompts = drawPrompts(n, seed, { order: 'random', ...(flags.type !== undefined ? { types: [flags.type as QuestionType] } : {}) });
  const answers = await answerAll(model, prompts, { temperature, seed });
  prompts.forEach((p, i) => {
    const response = answers[i] as string;
    const v = judge(p.scene, p.question, response);
    console.log(JSON.stringify({ scene: p.scene, type: p.type, question: p.question, response, hallucination: v.hallucination, score: v.score, claims: v.claims.map((c) => ({ text: c.text, truth: c.truth })) }));
  });
  model.dispose();
  return 0;
}
