// POPE split by the truth, as rows for the page's tables: "yes" to present large objects, to
// present small ones, and to absent ones of each pool.

import { POPE_SPLITS, type PopeByTruth, type YesCount } from '../../engine/bench/pope';

export interface PopeTruthRow {
  key: string;
  label: string;
  pick: (b: PopeByTruth) => YesCount;
}

export const POPE_TRUTH_ROWS: readonly PopeTruthRow[] = [
  { key: 'present-large', label: 'present, large', pick: (b) => b.presentLarge },
  { key: 'present-small', label: 'present, small only', pick: (b) => b.presentSmall },
  ...POPE_SPLITS.map((s): PopeTruthRow => ({ key: `absent-${s}`, label: `absent, ${s}`, pick: (b) => b.absent[s] })),
];

/** The share of "yes" in a group, or null for an empty group (0 of 0 is no rate). */
export function yesShare(c: YesCount): number | null {
  return c.n === 0 ? null : c.yes / c.n;
}
