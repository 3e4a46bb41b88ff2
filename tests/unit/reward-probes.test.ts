// The probe variants (prefs/variants.ts, reward/probes.ts) without a model: what each says by the
// judge, and the small-detail pair that needs the facts: one word apart, one false claim about a
// small object, the word swapped for the lookalike the pixels barely tell from the truth.

import { describe, expect, it } from 'vitest';
import { judge } from '../../src/engine/judge/judge';
import { COLORS, SHAPES } from '../../src/engine/world/scene';
import { DEFAULT_PERCEPTION, PALETTE } from '../../src/engine/world/render';
import { lookalikes } from '../../src/engine/prefs/variants';
import { PROBE_PAIRS, PROBE_VARIANTS, probeItems, probeReport, SMALL_DETAIL_PROBE } from '../../src/engine/reward/probes';

const items = probeItems(64, 0);

describe('probe items', () => {
  it('are fixed for a seed, and every scene holds a small object', () => {
    expect(probeItems(64, 0)).toStrictEqual(items);
    expect(probeItems(8, 1)).not.toStrictEqual(items.slice(0, 8));
    for (const it of items) expect(it.scene.objects.some((o) => o.size === 'small')).toBe(true);
  });

  it('each variant says what its name promises, by the judge', () => {
    for (const it of items) {
      const v = it.variants;
      const j = (t: string) => judge(it.scene, it.question, t);
      expect(j(v.shortCorrect).hallucination).toBe(false);
      expect(j(v.longCorrect).hallucination).toBe(false);
      expect(j(v.longHallucinated).hallucination).toBe(true);
      expect(j(v.unsure).informativeness).toBe(0);
      expect(j(v.ungrammatical).unparseable).toBe(true);
      expect(v.empty).toBe('');
      expect(j(v.empty).informativeness).toBe(0);
      expect(j(v.smallTrue).hallucination, `${it.question} -> ${v.smallTrue}`).toBe(false);
      expect(j(v.smallFalse).claims.filter((c) => c.truth === false), `${it.question} -> ${v.smallFalse}`).toHaveLength(1);
    }
  });

  it('the small-detail pair is one word apart: a small object’s shape or colour against its lookalike', () => {
    const look = lookalikes(DEFAULT_PERCEPTION);
    let shapes = 0, colours = 0;
    for (const it of items) {
      const a = it.variants.smallTrue.split(' ');
      const b = it.variants.smallFalse.split(' ');
      expect(b).toHaveLength(a.length);
      const diff = a.flatMap((w, i) => (w === b[i] ? [] : [i]));
      expect(diff, `${a.join(' ')} / ${b.join(' ')}`).toHaveLength(1);
      const [was, now] = [a[diff[0]!]!, b[diff[0]!]!];
      if ((SHAPES as readonly string[]).includes(was)) {
        shapes++;
        expect(now).toBe(look.shape[was as (typeof SHAPES)[number]]);
      } else {
        colours++;
        expect(now).toBe(look.color[was as (typeof COLORS)[number]]);
      }
      // The false sentence is about a small object of the scene, in its own cell.
      const lie = judge(it.scene, it.question, it.variants.smallFalse).claims.find((c) => c.truth === false)!;
      expect(lie.claim.kind).toBe('exists');
      if (lie.claim.kind === 'exists') {
        const place = lie.claim.place!;
        expect(it.scene.objects.find((o) => o.row === place.row && o.col === place.col)?.size).toBe('small');
      }
    }
    expect(shapes).toBeGreaterThan(16);
    expect(colours).toBeGreaterThan(16);
  });

  it('lookalikes: the nearest palette colour, and a shape other than itself', () => {
    const look = lookalikes(DEFAULT_PERCEPTION);
    // By hand from the palette: yellow and orange, red and orange, blue and purple lie closest.
    expect(look.color.yellow).toBe('orange');
    expect(look.color.red).toBe('orange');
    expect(look.color.purple).toBe('blue');
    for (const c of COLORS) {
      const d = (x: (typeof COLORS)[number]) => PALETTE.day.colors[c].reduce((s, v, i) => s + (v - PALETTE.day.colors[x][i]!) ** 2, 0) + PALETTE.night.colors[c].reduce((s, v, i) => s + (v - PALETTE.night.colors[x][i]!) ** 2, 0);
      for (const other of COLORS) if (other !== c) expect(d(look.color[c])).toBeLessThanOrEqual(d(other));
    }
    for (const s of SHAPES) expect(look.shape[s]).not.toBe(s);
  });
});

describe('probeReport', () => {
  it('scores the small-detail comparison like every other: the share of items whose true detail scores higher', () => {
    const two = items.slice(0, 2);
    const flat: number[] = [];
    two.forEach((_, i) => PROBE_VARIANTS.forEach((v) => flat.push(v === 'smallTrue' ? 1 : v === 'smallFalse' ? (i === 0 ? 0 : 1) : 0)));
    const rep = probeReport(two, flat);
    expect(rep.pairAccuracy[SMALL_DETAIL_PROBE]).toBe(0.75); // one win, one tie
    expect(PROBE_PAIRS.map((p) => p.name)).toContain(SMALL_DETAIL_PROBE);
  });
});
