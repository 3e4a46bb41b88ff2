// The command line, run as a user runs it (`tsx src/cli/main.ts ...` in a child process):
// the world, judge and bench commands, their help, their errors and their exit codes.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, lines, type CliResult } from '../helpers/cli';
import { validateScene, type Scene } from '../../src/engine/world/scene';
import { sampleScene } from '../../src/engine/world/sampler';
import { factSentences } from '../../src/engine/world/facts';
import { QUESTION_TYPES } from '../../src/engine/language/question';

const dir = mkdtempSync(join(tmpdir(), 'rlhf-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));




describe('world', () => {
  it('--seed 5 --json prints a valid scene and its facts', () => {
    const r = cli('world', '--seed', '5', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout)).toHaveLength(1);
    const out = JSON.parse(r.stdout) as { scene: unknown; facts: string[] };
    const v = validateScene(out.scene);
    expect(v).toHaveProperty('scene');
    const scene = (v as { scene: Scene }).scene;
    expect(scene.seed).toBe(5);
    expect(scene.objects.map(({ shape, color, size, row, col }) => ({ shape, color, size, row, col }))).toEqual(
      sampleScene(5).objects.map(({ shape, color, size, row, col }) => ({ shape, color, size, row, col })),
    );
    expect(out.facts).toEqual(factSentences(scene));
    expect(out.facts).toEqual(['there is a large green triangle in the center .', 'there is a small purple cross on the right .', 'there is a large red square at the bottom right .', 'it is day .']);
  });

  it('--png writes a PNG of the image', () => {
    const file = join(dir, 'seed5.png');
    const r = cli('world', '--seed', '5', '--png', file, '--scale', '2');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('there is a large green triangle in the center .');
    const png = readFileSync(file);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // IHDR: 96×96 (48 scaled by 2), 8-bit RGB.
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(96);
    expect(png.readUInt32BE(20)).toBe(96);
    expect([png[24], png[25]]).toEqual([8, 2]);
    // The image data inflates to one filter byte plus 96 RGB pixels per row.
    const idat: Buffer[] = [];
    for (let at = 8; at < png.length; ) {
      const len = png.readUInt32BE(at);
      const type = png.toString('latin1', at + 4, at + 8);
      if (type === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len));
      at += 12 + len;
      if (type === 'IEND') expect(at).toBe(png.length);
    }
    expect(inflateSync(Buffer.concat(idat)).length).toBe(96 * (1 + 96 * 3));
  });

  it('prints a readable grid without --json', () => {
    const r = cli('world', '--seed', '5');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('seed 5: day');
    expect(r.stdout).toContain('it is day .');
  });
});

describe('help and usage errors', () => {
  const FLAGS: Record<string, string[]> = {
    world: ['--seed', '--json', '--png', '--clean', '--scale'],
    judge: ['--in'],
    bench: ['--items', '--responses', '--json', '--size'],
    perf: ['--seconds', '--json'],
  };

  it.each(Object.keys(FLAGS))('%s --help exits 0 and lists its flags', (cmd) => {
    const r = cli(cmd, '--help');
    expect(r.code).toBe(0);
    for (const f of [...FLAGS[cmd]!, '--help']) expect(r.stdout).toContain(f);
  });

  it('an unknown flag exits 2 and names the flag', () => {
    const r = cli('world', '--bogus');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--bogus');
  });

  it('a bad number exits 2 and names the flag', () => {
    const r = cli('world', '--seed', 'abc');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--seed');
    const r2 = cli('world', '--seed=1.5');
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('--seed');
  });

  it('a bad --size exits 2 and names the flag', () => {
    const r = cli('bench', '--items', '--size', 'huge');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--size');
  });

  it('a --size that is a property of every object ("toString") is rejected too', () => {
    const r = cli('bench', '--items', '--size', 'toString');
    expect(r.code, `stdout had ${lines(r.stdout).length} lines`).toBe(2);
    expect(r.stderr).toContain('--size');
  });

  it('an unknown command exits 2 and names it', () => {
    const r = cli('frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('frobnicate');
  });
});

describe('judge --in', () => {
  it('judges good lines, names bad ones by line and field, and exits 1', () => {
    const scene = { background: 'day', objects: [{ shape: 'circle', color: 'red', size: 'small', row: 0, col: 0 }] };
    const input = [
      JSON.stringify({ scene, question: 'is there a red circle in the image ?', response: 'yes , there is a red circle at the top left .' }),
      JSON.stringify({ scene, question: 'describe the image .', response: 'there is a small red circle at the top left . there is a blue square .' }),
      '{"scene": {"background": "day", "objects": [', // not JSON
      JSON.stringify({ scene: { background: 'day', objects: [{ shape: 'circle', color: 'pink', size: 'small', row: 0, col: 0 }] }, question: 'is it day or night ?', response: 'it is day .' }),
      JSON.stringify({ scene, question: 'is it day or night ?', response: 'it is day .' }),
    ];
    const file = join(dir, 'judge.jsonl');
    writeFileSync(file, input.join('\n') + '\n');
    const r = cli('judge', '--in', file);
    expect(r.code).toBe(1);
    const out = lines(r.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(5);
    expect(out.map((o) => o.line)).toEqual([1, 2, 3, 4, 5]);

    expect(out[0]).toMatchObject({ hallucination: false, score: 6, informativeness: 1, unparseable: false, questionUnderstood: true });
    expect(out[1]).toMatchObject({ hallucination: true, score: 2, informativeness: 1, unparseable: false });
    expect((out[1]!.claims as { truth: boolean }[]).map((c) => c.truth)).toEqual([true, false]);
    expect(out[4]).toMatchObject({ hallucination: false, score: 5, informativeness: 1 });

    expect(Object.keys(out[2]!).sort()).toEqual(['error', 'line']);
    expect(out[2]!.error).toMatch(/JSON/);
    expect(Object.keys(out[3]!).sort()).toEqual(['error', 'line']);
    expect(out[3]!.error).toContain('scene.objects[0].color');

    expect(r.stderr).toContain(`${file}:3:`);
    expect(r.stderr).toContain(`${file}:4:`);
    expect(r.stderr).toContain('scene.objects[0].color');
    expect(r.stderr).not.toContain(`${file}:1:`);
    expect(r.stderr).not.toContain(`${file}:5:`);
  });

  it('exits 0 when every line is good', () => {
    const file = join(dir, 'judge-ok.jsonl');
    writeFileSync(file, JSON.stringify({ scene: sampleScene(5), question: 'describe the image .', response: factSentences(sampleScene(5)).join(' ') }) + '\n');
    const r = cli('judge', '--in', file);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ line: 1, hallucination: false, informativeness: 1, score: 6 });
  });
});

describe('bench', () => {
  interface ItemLine {
    id: string;
    benchmark: 'shapesHal' | 'pope' | 'chair';
    type?: string;
    split?: string;
    scene: Scene;
    question: string;
    reference?: string;
    present?: boolean;
  }
  // The item list, as `bench --items` prints it; the later tests answer these items.
  let listing: CliResult;
  let items: ItemLine[] = [];
  beforeAll(() => {
    listing = cli('bench', '--items');
    items = listing.code === 0 ? lines(listing.stdout).map((l) => JSON.parse(l) as ItemLine) : [];
  });

  it('--items lists 96 ShapesHal, the POPE and the CHAIR items, with unique ids', () => {
    expect(listing.code, listing.stderr).toBe(0);
    const of = (b: string) => items.filter((it) => it.benchmark === b);
    expect(of('shapesHal')).toHaveLength(96);
    for (const t of QUESTION_TYPES) expect(of('shapesHal').filter((it) => it.type === t)).toHaveLength(12);
    // POPE: 30 scenes per split, 3 present and 3 absent objects each.
    expect(of('pope')).toHaveLength(3 * 30 * 6);
    expect(of('pope').filter((it) => it.present)).toHaveLength(3 * 30 * 3);
    expect(of('chair')).toHaveLength(50);
    expect(items).toHaveLength(96 + 540 + 50);
    expect(new Set(items.map((it) => it.id)).size).toBe(items.length);
    for (const it of items) expect(validateScene(it.scene)).toHaveProperty('scene');
  });

  function rightAnswers(): string[] {
    expect(items.length).toBeGreaterThan(0);
    return items.map((it) => {
      const response = it.benchmark === 'shapesHal' ? it.reference! : it.benchmark === 'pope' ? (it.present ? 'yes .' : 'no .') : factSentences(it.scene).join(' ');
      return JSON.stringify({ id: it.id, response });
    });
  }

  function expectReportShape(rep: Record<string, unknown>): void {
    const num = (v: unknown, path: string) => expect(typeof v === 'number' && Number.isFinite(v), path).toBe(true);
    expect(Object.keys(rep).sort()).toEqual(['chair', 'pope', 'popeByTruth', 'shapesHal']);
    const h = rep.shapesHal as Record<string, unknown>;
    for (const k of ['score', 'hallucinationRate', 'informativeness']) num(h[k], `shapesHal.${k}`);
    const byType = h.byType as Record<string, Record<string, unknown>>;
    expect(Object.keys(byType).sort()).toEqual([...QUESTION_TYPES].sort());
    for (const t of QUESTION_TYPES) for (const k of ['score', 'hallucinationRate']) num(byType[t]![k], `shapesHal.byType.${t}.${k}`);
    const pope = rep.pope as Record<string, Record<string, unknown>>;
    expect(Object.keys(pope).sort()).toEqual(['adversarial', 'popular', 'random']);
    for (const s of ['random', 'popular', 'adversarial']) for (const k of ['accuracy', 'precision', 'recall', 'f1', 'yesRatio']) num(pope[s]![k], `pope.${s}.${k}`);
    const chair = rep.chair as Record<string, unknown>;
    for (const k of ['chairI', 'chairS']) num(chair[k], `chair.${k}`);
  }

  it('--responses --json: the right answers score perfectly, in the contract shape', () => {
    const file = join(dir, 'right.jsonl');
    writeFileSync(file, rightAnswers().join('\n') + '\n');
    const r = cli('bench', '--responses', file, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const rep = JSON.parse(r.stdout) as Record<string, unknown>;
    expectReportShape(rep);
    const h = rep.shapesHal as { hallucinationRate: number; informativeness: number; score: number; byType: Record<string, { hallucinationRate: number }> };
    expect(h.hallucinationRate).toBe(0);
    expect(h.informativeness).toBe(1);
    expect(h.score).toBeGreaterThanOrEqual(5);
    for (const t of QUESTION_TYPES) expect(h.byType[t]!.hallucinationRate).toBe(0);
    const pope = rep.pope as Record<string, { accuracy: number; f1: number; yesRatio: number }>;
    for (const s of ['random', 'popular', 'adversarial']) expect(pope[s]).toMatchObject({ accuracy: 1, f1: 1, yesRatio: 0.5 });
    // Right answers: "yes" to every present object, large or small, and to no absent one.
    const truth = rep.popeByTruth as { presentLarge: { n: number; yes: number }; presentSmall: { n: number; yes: number }; absent: Record<string, { n: number; yes: number }> };
    expect(truth.presentLarge.yes).toBe(truth.presentLarge.n);
    expect(truth.presentSmall.yes).toBe(truth.presentSmall.n);
    expect(truth.presentLarge.n + truth.presentSmall.n).toBe(270);
    for (const s of ['random', 'popular', 'adversarial']) expect(truth.absent[s]).toStrictEqual({ n: 90, yes: 0 });
    expect(rep.chair).toMatchObject({ chairI: 0, chairS: 0 });
  });

  it('an unknown id is reported by line, and the report is still printed', () => {
    const file = join(dir, 'unknown.jsonl');
    const good = rightAnswers();
    // Line 3 has an id no benchmark has; line 5 is not JSON.
    const content = [good[0], good[1], JSON.stringify({ id: 'hal-nonsense-999', response: 'yes .' }), good[2], '{oops', ...good.slice(3)];
    writeFileSync(file, content.join('\n') + '\n');
    const r = cli('bench', '--responses', file, '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:3:`);
    expect(r.stderr).toContain('hal-nonsense-999');
    expect(r.stderr).toContain(`${file}:5:`);
    const rep = JSON.parse(r.stdout) as Record<string, unknown>;
    expectReportShape(rep);
    expect((rep.shapesHal as { hallucinationRate: number }).hallucinationRate).toBe(0);
  });

  it('without --json prints a table', () => {
    const file = join(dir, 'right.jsonl');
    const r = cli('bench', '--responses', file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('ShapesHal-Bench (96 items)');
    expect(r.stdout).toContain('hallucination 0.0%');
    expect(r.stdout).toContain('CHAIR (50 descriptions)');
  });
});
