// A simulated marker's settings, as one small table: how often it misses a false sentence (and
// how much more often when the sentence is about a small object, which is hard to see), how often
// it marks a true sentence false, and how often it writes a correction. Presets by name. No
// TensorFlow.js and no judge: the preference and mark records check a marker's settings with it.

import * as v from 'valibot';
import type { ConfigProblem } from '../train/bounds';
import { bounded, obj, problemsOfIssues } from '../files/schema';

const share = () => bounded({ min: 0, max: 1 }, 'must be a number from 0 to 1');

/** A simulated marker's settings, as a mark record and a marking job hold them. */
export const MARKER_SETTINGS_SCHEMA = obj(
  {
    /** Share of false sentences left unmarked, whatever they are about. */
    missShare: share(),
    /** Share of false sentences about a small object left unmarked besides (1: only sentences about large objects are marked). */
    smallMissShare: share(),
    /** Share of sentences with a true claim and nothing false that are marked false all the same (never corrected). */
    falseAlarmShare: share(),
    /** Share of rightly marked sentences given a correction (the rest are marked and left to be dropped). */
    correctShare: share(),
  },
  'must be an object of marker settings',
);

export type MarkerSettings = v.InferOutput<typeof MARKER_SETTINGS_SCHEMA>;

/**
 * The presets. `careful` marks every false sentence and writes the true one. `noisy` misses three
 * false sentences in ten and marks one true sentence in twenty false. `lenient` leaves every false
 * sentence about a small object unmarked, as a person skimming the picture would: it marks those
 * about large objects and those about none (the background, a bare yes or no). A sentence is about
 * a small object when an object of the scene it names is small, or a phrase of it that names
 * nothing there says "small".
 */
export const MARKER_PRESETS = {
  careful: { missShare: 0, smallMissShare: 0, falseAlarmShare: 0, correctShare: 1 },
  noisy: { missShare: 0.3, smallMissShare: 0, falseAlarmShare: 0.05, correctShare: 1 },
  lenient: { missShare: 0, smallMissShare: 1, falseAlarmShare: 0, correctShare: 1 },
} as const satisfies Record<string, MarkerSettings>;

export type MarkerName = keyof typeof MARKER_PRESETS;
export const MARKER_NAMES = Object.keys(MARKER_PRESETS) as MarkerName[];

/** Checks marker settings (a parsed JSON value); returns them (unknown keys dropped) or the problems, by field. */
export function validateMarkerSettings(value: unknown): { settings: MarkerSettings } | { errors: ConfigProblem[] } {
  const res = v.safeParse(MARKER_SETTINGS_SCHEMA, value);
  return res.success ? { settings: res.output } : { errors: problemsOfIssues(res.issues) };
}
