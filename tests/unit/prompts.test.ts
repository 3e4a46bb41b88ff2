// The prompt draw's mix of existence questions: balanced (half about a present object, the absent
// half from POPE's three pools) against natural (three in four about an absent object), counted
// over a long draw; the other question types are untouched.
import { describe, expect, it } from 'vitest';
import { drawPrompts, PROMPT_DRAW_DEFAULTS } from '../../src/engine/data/prompts';
import { matching } from '../../src/engine/judge/truth';
import { QUESTION_TYPES } from '../../src/engine/language/question';

/** Existence prompts of a draw (the two types that ask whether an object is there): how many, how many about a present object, how many typed adversarial. */
function existence(mix: 'balanced' | 'natural', n = 1600) {
  const ps = drawPrompts(n, 11, { mix });
  const ex = ps.filter((p) => p.type === 'adversarial' || p.type === 'other');
  const present = ex.filter((p) => p.asked.spec.kind === 'exists' && matching(p.scene, p.asked.spec.obj).length > 0);
  return { all: ps, n: ex.length, present: present.length, adversarial: ex.filter((p) => p.type === 'adversarial').length };
}

describe('prompt mix', () => {
  it('is balanced by default', () => {
    expect(PROMPT_DRAW_DEFAULTS.mix).toBe('balanced');
  });

  it('balanced: two slots in eight ask whether an object is there, half of them about a present one, a third of the rest co-occurring', () => {
    const b = existence('balanced');
    // 'adversarial' and 'other' of the eight types in turn: 400 of 1600, a few more as a scene that
    // cannot carry a type (comparison needs two objects) passes its turn to the next.
    expect(b.n).toBeGreaterThanOrEqual(400);
    expect(b.n).toBeLessThan(430);
    // Binomial(400, 0.5): sd 10, so 200 ± 40 is four sd.
    expect(b.present).toBeGreaterThan(160);
    expect(b.present).toBeLessThan(240);
    // The absent half (~200) by three pools: co-occurring ~67 ± 27 (four sd).
    expect(b.adversarial).toBeGreaterThan(40);
    expect(b.adversarial).toBeLessThan(94);
    // Every present question's answer is yes: the reference says so.
    for (const p of b.all.filter((q) => q.type === 'adversarial' || q.type === 'other')) {
      const there = p.asked.spec.kind === 'exists' && matching(p.scene, p.asked.spec.obj).length > 0;
      expect(p.asked.reference.startsWith(there ? 'yes' : 'no')).toBe(true);
    }
  });

  it('natural: three existence questions in four are about an absent object, so always saying "no" is mostly right', () => {
    const nat = existence('natural');
    expect(nat.n).toBeGreaterThanOrEqual(400);
    expect(nat.n).toBeLessThan(430);
    // 'other' is present half the time, 'adversarial' never: 100 expected, sd ~7.
    expect(nat.present).toBeGreaterThan(70);
    expect(nat.present).toBeLessThan(130);
    expect(nat.adversarial).toBeGreaterThanOrEqual(200);
    expect(nat.adversarial).toBe(nat.n - (nat.all.filter((p) => p.type === 'other').length));
  });

  it('leaves the other types as they were: each of the six others asked about 200 times in 1600 (a few less for comparison)', () => {
    for (const mix of ['balanced', 'natural'] as const) {
      const counts = new Map<string, number>();
      for (const p of existence(mix).all) if (p.type !== 'adversarial' && p.type !== 'other') counts.set(p.type, (counts.get(p.type) ?? 0) + 1);
      expect([...counts.keys()].sort()).toEqual(QUESTION_TYPES.filter((t) => t !== 'adversarial' && t !== 'other').sort());
      for (const c of counts.values()) {
        expect(c).toBeGreaterThan(150); // comparison passes its turn on scenes with one object
        expect(c).toBeLessThan(230);
      }
    }
  });
});
