// Where false object claims come from (bench/prior.ts), against counts worked out by hand.

import { describe, expect, it } from 'vitest';
import type { Scene } from '../../src/engine/world/scene';
import { CATEGORIES, categoryKey, partnersOf, trainingStats } from '../../src/engine/world/sampler';
import { priorReport } from '../../src/engine/bench/prior';

// A red circle (partner: yellow triangle) and a blue square (partner: green cross).
const scene: Scene = {
  background: 'day',
  objects: [
    { shape: 'circle', color: 'red', size: 'large', row: 0, col: 0 },
    { shape: 'square', color: 'blue', size: 'small', row: 1, col: 1 },
  ],
};

describe('priorReport', () => {
  it('sorts false object claims into present categories, prior partners and other absent ones', () => {
    const rep = priorReport([
      {
        scene,
        response: [
          'there is a large red circle at the top left .', // true
          'there is a small blue square at the top .', // false: present category, wrong place
          'there is a small yellow triangle at the bottom .', // false: partner of the red circle
          'there is a large green cross on the left .', // false: partner of the blue square
          'there is a small purple cross at the bottom right .', // false: absent, no partner
          'it is day .',
        ].join(' '),
      },
    ]);
    expect(rep).toMatchObject({ descriptions: 1, falseObjectClaims: 4, presentCategory: 1, absentCategory: 3, partner: 2 });
    expect(rep.partnerShare).toBeCloseTo(2 / 3, 10);
    // 28 absent categories, 2 of them partners: chance 2/28 for each of the 3 absent-category claims.
    expect(rep.chanceShare).toBeCloseTo(2 / 28, 10);
    const f = trainingStats().frequency;
    const absent = CATEGORIES.map(categoryKey).filter((k) => k !== 'red circle' && k !== 'blue square');
    const w = (ks: string[]) => ks.reduce((s, k) => s + (f.get(k) ?? 0), 0);
    const partners = [...partnersOf({ color: 'red', shape: 'circle' }), ...partnersOf({ color: 'blue', shape: 'square' })].map(categoryKey);
    expect(rep.popularityShare).toBeCloseTo(w(partners) / w(absent), 10);
    // Partners are popular categories, so popularity expects more of them than a uniform draw.
    expect(rep.popularityShare).toBeGreaterThan(rep.chanceShare);
  });

  it('counts nothing in a description without false objects, and ignores claims with no shape', () => {
    const rep = priorReport([{ scene, response: 'there is a large red circle at the top left . there is a green object . it is night .' }]);
    expect(rep).toMatchObject({ descriptions: 1, falseObjectClaims: 0, absentCategory: 0, partner: 0, partnerShare: 0, chanceShare: 0 });
  });
});
