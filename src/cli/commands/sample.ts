// `sample`: a policy's answers to random training-style questions, one JSONL line each,
// judged so the output shows what the policy gets wrong.

import { intFlag, UsageError, type CommandSpec, type Flags } from '../args';
import { initNodeBackend } from '../backend-node';
import { loadModelDir } from '../model-files';
import { Rng } from '../../engine/world/rng';
import { sampleScene, trainSeed } from '../../engine/world/sampler';
import { QUESTION_TYPES, type QuestionType } from '../../engine/language/question';
import { makeQuestion } from '../../engine/data/questions';
import { answerAll } from '../../engine/data/answer';
import { judge } from '../../engine/judge/judge';

export const spec: CommandSpec = {
  name: 'sample',
  summary: "Sample a policy's answers to K random questions: scene, question, response, verdict (JSONL).",
  usage: 'sample --policy DIR --seed N --n K [--temperature T] [--type TYPE]',
  flags: {
    policy: { type: 'string', help: 'checkpoint directory (model.json + weights.bin), e.g. models/sft' },
    seed: { type: 'number', help: 'seed of the scenes, questions and sampling', default: 0 },
    n: { type: 'number', help: 'how many answers', default: 8 },
    temperature: { type: 'number', help: 'sampling temperature; 0 is greedy', default: 1 },
    type: { type: 'string', help: `only this question type: ${QUESTION_TYPES.join(', ')}` },
    backend: { type: 'string', help: 'wasm or cpu', default: 'wasm' },
  },
};

export async function run(flags: Flags): Promise<number> {
  if (typeof flags.policy !== 'string') throw new UsageError('sample: --policy DIR is required');
  const type = flags.type;
  if (type !== undefined && !(QUESTION_TYPES as readonly unknown[]).includes(type)) throw new UsageError(`sample: --type must be one of ${QUESTION_TYPES.join(', ')}`);
  const n = intFlag(flags, 'n', 'sample');
  const seed = intFlag(flags, 'seed', 'sample');
  const temperature = Number(flags.temperature);
  if (!(temperature >= 0)) throw new UsageError('sample: --temperature must be ≥ 0');
  await initNodeBackend(String(flags.backend));
  const { model } = loadModelDir(flags.policy);
  const rng = new Rng(seed);
  const prompts = [];
  while (prompts.length < n) {
    const scene = sampleScene(trainSeed(rng));
    const t = (type as QuestionType | undefined) ?? rng.pick(QUESTION_TYPES);
    const q = makeQuestion(scene, t, rng);
    if (q) prompts.push({ scene, question: q.text, type: t });
  }
  const answers = await answerAll(model, prompts, { temperature, seed });
  prompts.forEach((p, i) => {
    const response = answers[i] as string;
    const v = judge(p.scene, p.question, response);
    console.log(JSON.stringify({ scene: p.scene, type: p.type, question: p.question, response, hallucination: v.hallucination, score: v.score, claims: v.claims.map((c) => ({ text: c.text, truth: c.truth })) }));
  });
  model.dispose();
  return 0;
}
