// `label --mode mark`, run as a user runs it on the shipped SFT policy: six answers marked by the
// careful marker, the marks file read back with no problems, every mark agreeing with the judge
// sentence by sentence (and every correction judged true), the corrected pairs as a TRL set, the
// summary line, and the pair-only flags refused.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, lastJson, lines } from '../helpers/cli';
import { importMarks } from '../../src/engine/prefs/mark-file';
import { markToPreference } from '../../src/engine/prefs/mark';
import { MARKER_PRESETS } from '../../src/engine/prefs/marker-settings';
import { judge } from '../../src/engine/judge/judge';
import { judgeSentences } from '../../src/engine/prefs/marker';
import { parseQuestion } from '../../src/engine/language/question';
import { TRL_JSONL, type TrlRow } from '../../src/engine/prefs/trl';

const dir = mkdtempSync(join(tmpdir(), 'rlhf-mark-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('label --mode mark', () => {
  it('writes careful marks that import with no problems and agree with the judge sentence by sentence', () => {
    const out = join(dir, 'marks.jsonl');
    const trl = join(dir, 'trl');
    const r = cli('label', '--mode', 'mark', '--policy', 'models/sft', '--marker', 'careful', '--n', '6', '--seed', '1', '--out', out, '--trl', trl);
    expect(r.code, r.stderr).toBe(0);
    const read = importMarks(readFileSync(out, 'utf8'));
    expect(read.problems).toEqual([]);
    expect(read.marks).toHaveLength(6);
    for (const m of read.marks) {
      expect(m.markedBy).toEqual({ kind: 'simulated', name: 'careful', settings: MARKER_PRESETS.careful, seed: 1 });
      expect(m.sentences.map((s) => s.text).join(' ')).toBe(m.answer);
      const truth = judgeSentences(m.scene, parseQuestion(m.question), m.answer);
      expect(m.sentences.map((s) => s.false), m.answer).toEqual(truth.map((t) => t.false));
      for (const s of m.sentences.filter((x) => x.false)) {
        expect(s.correction, s.text).toBeDefined();
        const v = judge(m.scene, m.question, s.correction!);
        expect(v.hallucination || v.unparseable, s.correction).toBe(false);
      }
    }
    // The summary line counts what the file holds.
    const sum = lastJson(r.stdout);
    const sentences = read.marks.flatMap((m) => m.sentences);
    expect(sum).toMatchObject({
      added: 6, answers: 6, sentences: sentences.length, markedFalse: sentences.filter((s) => s.false).length,
      corrected: sentences.filter((s) => s.correction !== undefined).length, missed: 0,
      answersWithFalse: read.marks.filter((m) => m.sentences.some((s) => s.false)).length / 6,
    });
    expect(r.stderr).toContain('answers with a false sentence');
    // One TRL row per mark with something marked false: chosen the corrected answer.
    const pairs = read.marks.flatMap((m) => markToPreference(m) ?? []);
    const rows = lines(readFileSync(join(trl, TRL_JSONL), 'utf8')).map((l) => JSON.parse(l) as TrlRow);
    expect(rows.map((x) => [x.id, x.source, x.chosen[0]!.content[0]])).toEqual(pairs.map((p) => [p.id, 'corrected', { type: 'text', text: p.responseA }]));
  });

  it('refuses the pair-only flags', () => {
    const r = cli('label', '--mode', 'mark', '--n', '2', '--mix', '0.5', '--out', join(dir, 'never.jsonl'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--mode mark samples one answer per question');
  });
});
