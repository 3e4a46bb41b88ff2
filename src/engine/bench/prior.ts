// Where a policy's false object claims come from. Among the false object claims of its
// descriptions, the share that name an absent object the co-occurrence prior puts beside one in the
// scene, against the share expected if the false object were any absent one (uniformly, or as
// often as it appears in training scenes). A share well above both is the paper's failure: the
// model guesses along the prior.

import type { Scene } from '../world/scene';
import { CATEGORIES, categoryKey, partnersOf, sceneCategories, trainingStats } from '../world/sampler';
import { judge } from '../judge/judge';
import { writeQuestion } from '../language/question';

export interface PriorReport {
  descriptions: number;
  /** False "there is a …" claims that name a colour and a shape. */
  falseObjectClaims: number;
  /** Of these, the ones naming a category that is in the scene (a wrong size or place: perception). */
  presentCategory: number;
  /** The ones naming a category that is not in the scene at all. */
  absentCategory: number;
  /** Of those, the ones naming a prior partner of a category in the scene. */
  partner: number;
  /** partner / absentCategory. */
  partnerShare: number;
  /** Expected partnerShare if each false object were an absent category drawn uniformly. */
  chanceShare: number;
  /** The same, drawn as often as each category appears in training scenes (partners are popular too). */
  popularityShare: number;
}

/** Counts the false object claims of descriptions (any response to "describe the image ."). */
export function priorReport(items: readonly { scene: Scene; response: string }[]): PriorReport {
  const freq = trainingStats().frequency;
  const question = writeQuestion({ kind: 'describe' });
  let falseObjectClaims = 0, presentCategory = 0, absentCategory = 0, partner = 0, chance = 0, popularity = 0;
  for (const { scene, response } of items) {
    const present = new Set(sceneCategories(scene).map(categoryKey));
    const partners = new Set(sceneCategories(scene).flatMap(partnersOf).map(categoryKey));
    const absent = CATEGORIES.map(categoryKey).filter((k) => !present.has(k));
    const absentPartners = absent.filter((k) => partners.has(k));
    const weight = (ks: string[]) => ks.reduce((s, k) => s + (freq.get(k) ?? 0), 0);
    for (const c of judge(scene, question, response).claims) {
      if (c.truth !== false || c.claim.kind !== 'exists' || !c.claim.obj.color || !c.claim.obj.shape) continue;
      falseObjectClaims++;
      const k = `${c.claim.obj.color} ${c.claim.obj.shape}`;
      if (present.has(k)) {
        presentCategory++;
        continue;
      }
      absentCategory++;
      if (partners.has(k)) partner++;
      chance += absentPartners.length / absent.length;
      popularity += weight(absentPartners) / weight(absent);
    }
  }
  const per = (x: number) => (absentCategory === 0 ? 0 : x / absentCategory);
  return { descriptions: items.length, falseObjectClaims, presentCategory, absentCategory, partner, partnerShare: per(partner), chanceShare: per(chance), popularityShare: per(popularity) };
}
