// The labels a pair of answers can get: what a preference record stores, what a person picks and
// what a simulated annotator draws.

/** A: the first response is better; B: the second; tie: neither; both-bad: both are unacceptable. */
export const LABELS = ['A', 'B', 'tie', 'both-bad'] as const;
export type Label = (typeof LABELS)[number];
