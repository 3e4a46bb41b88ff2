// The policy commands on the tiny recipe: pretrain writes a checkpoint with its manifest,
// sample and bench --policy run it (POPE split by the truth, --facts), and a checkpoint that
// does not fit this build is refused.

import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, lines } from '../helpers/cli';
import { validateScene, type Scene } from '../../src/engine/world/scene';
import { drawPrompts } from '../../src/engine/data/prompts';
import { judge } from '../../src/engine/judge/judge';
import { VOCAB } from '../../src/engine/language/vocab';

const dir = mkdtempSync(join(tmpdir(), 'rlhf-policy-'));
const policy = join(dir, 'tiny');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  const r = cli('pretrain', '--preset', 'tiny', '--seed', '3', '--steps', '12', '--vision-steps', '4', '--out', policy, '--quiet', '--no-bench');
  expect(r.code, r.stderr).toBe(0);
}, 180_000);

describe('pretrain', () => {
  it('writes model.json and weights.bin with a manifest naming the recipe, seed and steps', () => {
    const json = JSON.parse(readFileSync(join(policy, 'model.json'), 'utf8')) as { userDefinedMetadata: { rlhfPlayground: { config: { vocabSize: number }; tokenizerVersion: string; metadata: Record<string, unknown> } } };
    const m = json.userDefinedMetadata.rlhfPlayground;
    expect(m.config.vocabSize).toBe(VOCAB.length);
    expect(m.metadata.recipe).toBe('tiny');
    expect(m.metadata.seed).toBe(3);
    expect(m.metadata.sftSteps).toBe(12);
    expect(m.metadata.command).toBe('npm run cli -- pretrain --preset tiny --seed 3 --steps 12 --vision-steps 4');
    const weights = readFileSync(join(policy, 'weights.bin'));
    expect(weights.byteLength % 4).toBe(0);
    expect(weights.byteLength).toBeGreaterThan(10_000);
  });

  it('wrote a metrics line per step of every phase, in turn, under the Trainer\'s names', () => {
    const rows = lines(readFileSync(join(policy, 'metrics.jsonl'), 'utf8')).map((l) => JSON.parse(l) as Record<string, number | string>);
    expect(rows.map((r) => r.step)).toEqual(rows.map((_, i) => i + 1));
    const phase = (name: string) => rows.filter((r) => r.phase === name);
    expect(phase('vision').map((r) => r.phase_step)).toEqual([1, 2, 3, 4]);
    expect(phase('sft').map((r) => r.phase_step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(rows.map((r) => r.phase)).toEqual([...phase('vision'), ...phase('grounding'), ...phase('sft')].map((r) => r.phase));
    for (const r of phase('sft')) for (const k of ['loss', 'grad_norm', 'learning_rate']) expect(Number.isFinite(r[k]), k).toBe(true);
    // The last SFT step is evaluated on the held-out set.
    expect(Number.isFinite(phase('sft').at(-1)!.eval_loss)).toBe(true);
  });

  it('rejects an unknown preset with a message naming the flag', () => {
    const r = cli('pretrain', '--preset', 'huge');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--preset must be one of');
  });
});

describe('sample', () => {
  it('prints K judged answers as JSONL, the same for the same seed', () => {
    const a = cli('sample', '--policy', policy, '--n', '3', '--seed', '5');
    expect(a.code, a.stderr).toBe(0);
    const rows = lines(a.stdout).map((l) => JSON.parse(l) as { scene: Scene; type: string; question: string; response: string; score: number; hallucination: boolean; claims: unknown[] });
    // The prompts the seed draws, each answer with the judge's verdict on it.
    const prompts = drawPrompts(3, 5, { order: 'random' });
    expect(rows.map((r) => [r.scene, r.type, r.question])).toEqual(prompts.map((p) => [JSON.parse(JSON.stringify(p.scene)), p.type, p.question]));
    for (const r of rows) {
      expect('scene' in validateScene(r.scene)).toBe(true);
      const v = judge(r.scene, r.question, r.response);
      expect({ hallucination: r.hallucination, score: r.score, claims: r.claims }).toEqual({ hallucination: v.hallucination, score: v.score, claims: v.claims.map((c) => ({ text: c.text, truth: c.truth })) });
    }
    const b = cli('sample', '--policy', policy, '--n', '3', '--seed', '5');
    expect(b.stdout).toBe(a.stdout);
  });

  it('names a bad --type and the types there are', () => {
    const r = cli('sample', '--policy', policy, '--type', 'colour');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--type must be one of attribute, adversarial');
  });
});

describe('answer', () => {
  const scene = { background: 'night', objects: [{ shape: 'circle', color: 'red', size: 'large', row: 0, col: 2 }, { shape: 'cross', color: 'blue', size: 'small', row: 2, col: 0 }] };
  const input = join(dir, 'prompts.jsonl');

  beforeAll(() => {
    writeFileSync(input, [
      JSON.stringify({ id: 'first', scene, question: 'describe the image .' }),
      JSON.stringify({ id: 'second', scene: { ...scene, background: 'dusk' }, question: 'is it day ?' }),
      '',
      JSON.stringify({ id: 'third', scene, question: 'how many objects are there ?', note: { kept: true } }),
      JSON.stringify({ id: 'fourth', scene }),
    ].join('\n'));
  });

  it('answers each good line in input order, keeping its keys, and names the bad lines by line and field', () => {
    const r = cli('answer', '--policy', policy, '--in', input);
    expect(r.code).toBe(1);
    const out = lines(r.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(4);
    expect(out[0]).toMatchObject({ id: 'first', scene, question: 'describe the image .' });
    expect(typeof out[0]!.response).toBe('string');
    expect(out[1]).toMatchObject({ line: 2 });
    expect(String(out[1]!.error)).toContain('background');
    expect(out[2]).toMatchObject({ id: 'third', note: { kept: true } });
    expect(typeof out[2]!.response).toBe('string');
    expect(out[3]).toEqual({ line: 5, error: 'field "question" must be a string' });
    expect(r.stderr).toContain(`${input}:2: scene.background: must be "day" or "night"; got "dusk"`);
    expect(r.stderr).toContain(`${input}:5: field "question" must be a string`);
    // Greedy by default: the same answers again.
    expect(cli('answer', '--policy', policy, '--in', input).stdout).toBe(r.stdout);
  });

  it('reads the facts with --facts, samples with --temperature, and needs --in', () => {
    const facts = cli('answer', '--policy', policy, '--in', input, '--facts', '--temperature', '1', '--seed', '4');
    expect(lines(facts.stdout)).toHaveLength(4);
    const missing = cli('answer', '--policy', policy);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('answer: --in is required');
  });
});

interface Report {
  shapesHal: { n: number; hallucinationRate: number };
  pope: Record<'random' | 'popular' | 'adversarial', { accuracy: number; n: number; yesRatio: number }>;
  popeByTruth: { presentLarge: YesCount; presentSmall: YesCount; absent: Record<'random' | 'popular' | 'adversarial', YesCount> };
  chair: { chairI: number };
}
type YesCount = { n: number; yes: number };

describe('bench --policy', () => {
  let plain: { rep: Report; responses: string } | undefined;

  it('answers every item and prints the report with the contract keys', () => {
    const out = join(dir, 'responses.jsonl');
    const r = cli('bench', '--policy', policy, '--json', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as Report;
    expect(rep.shapesHal.n).toBe(96);
    expect(Object.keys(rep.pope).sort()).toEqual(['adversarial', 'popular', 'random']);
    expect(lines(readFileSync(out, 'utf8')).length).toBe(96 + 3 * 30 * 6 + 50);
    // The saved responses score the same through `bench --responses`.
    const again = cli('bench', '--responses', out, '--json');
    expect(JSON.parse(again.stdout)).toEqual(rep);
    plain = { rep, responses: readFileSync(out, 'utf8') };
  });

  it('splits POPE by the truth: every POPE item in one group, each split\'s absent items in its pool', () => {
    const { rep } = plain!;
    const t = rep.popeByTruth;
    const groups = [t.presentLarge, t.presentSmall, t.absent.random, t.absent.popular, t.absent.adversarial];
    expect(groups.reduce((a, c) => a + c.n, 0)).toBe(540);
    for (const c of groups) {
      expect(c.yes).toBeGreaterThanOrEqual(0);
      expect(c.yes).toBeLessThanOrEqual(c.n);
    }
    // Half of each split's 180 items are absent; the present half splits into large and small.
    for (const s of ['random', 'popular', 'adversarial'] as const) {
      expect(t.absent[s].n).toBe(rep.pope[s].n / 2);
      expect(t.absent[s].n).toBe(90);
    }
    expect(t.presentLarge.n + t.presentSmall.n).toBe(270);
    // The yes counts are the POPE figures read another way: yes-ratio × n is every "yes" of a split.
    const yesAbsent = t.absent.random.yes + t.absent.popular.yes + t.absent.adversarial.yes;
    const yesAll = (['random', 'popular', 'adversarial'] as const).reduce((a, s) => a + Math.round(rep.pope[s].yesRatio * rep.pope[s].n), 0);
    expect(t.presentLarge.yes + t.presentSmall.yes + yesAbsent).toBe(yesAll);
  });

  it('prints the split by truth in the table', () => {
    const r = cli('bench', '--responses', join(dir, 'responses.jsonl'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/POPE by truth: "yes" to present large \d+\/\d+ \(\d+\.\d%\), present small \d+\/\d+ .*absent random \d+\/90 .*popular \d+\/90 .*adversarial \d+\/90/);
  });

  it('with --facts asks with each scene\'s facts: other answers, the same report shape', () => {
    const out = join(dir, 'responses-facts.jsonl');
    const r = cli('bench', '--policy', policy, '--facts', '--json', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as Report;
    const t = rep.popeByTruth;
    expect(t.presentLarge.n + t.presentSmall.n + t.absent.random.n + t.absent.popular.n + t.absent.adversarial.n).toBe(540);
    // Greedy answers of the same weights: only the prompts differ, so some answer must.
    const responses = readFileSync(out, 'utf8');
    expect(lines(responses)).toHaveLength(lines(plain!.responses).length);
    expect(responses).not.toBe(plain!.responses);
  });

  it('refuses --facts without --policy', () => {
    const r = cli('bench', '--responses', join(dir, 'responses.jsonl'), '--facts');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--facts goes with --policy');
  });
});

describe('a checkpoint that does not fit this build', () => {
  it('is refused with the field that differs', () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    copyFileSync(join(policy, 'weights.bin'), join(bad, 'weights.bin'));
    const json = JSON.parse(readFileSync(join(policy, 'model.json'), 'utf8')) as { userDefinedMetadata: { rlhfPlayground: { config: { vocabSize: number }; tokenizerVersion: string } } };
    json.userDefinedMetadata.rlhfPlayground.config.vocabSize += 5;
    json.userDefinedMetadata.rlhfPlayground.tokenizerVersion = 'other-words-v9';
    writeFileSync(join(bad, 'model.json'), JSON.stringify(json));
    const r = cli('sample', '--policy', bad, '--n', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`checkpoint vocabSize ${VOCAB.length + 5} does not match this build's ${VOCAB.length}`);
    expect(r.stderr).toContain("checkpoint tokenizerVersion 'other-words-v9'");
  });

  it('is refused when the folder holds no checkpoint', () => {
    const r = cli('bench', '--policy', join(dir, 'nothing-here'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot read a checkpoint in');
  });
});
