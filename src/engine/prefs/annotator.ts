// Simulated annotators: each answer's utility is a weighted score from the judge (flaws,
// informativeness, length), and the label is a noisy Bradley-Terry draw on the difference.
//
//   u(x)   = −wHal · flaws(x) + wInfo · informativeness(x) + lengthBias · sentences(x)
//   d̃      = u(A) − u(B) + noise · L,   L ~ Logistic(0, 1)
//   label  = A if d̃ > tieMargin, B if d̃ < −tieMargin, tie otherwise
//   so     P(A) = σ((d − m) / noise),  P(B) = σ((−d − m) / noise)   (m = 0: plain Bradley-Terry)
//
// and, for annotators that flag them, "both-bad" when both answers have flaws and equally many
// (there is no fewer-hallucinations answer to prefer, and neither is acceptable).

import * as v from 'valibot';
import type { Scene } from '../world/scene';
import { Rng } from '../world/rng';
import { judge } from '../judge/judge';
import { parseResponse } from '../language/parser';
import type { ConfigProblem } from '../train/bounds';
import { bounded, obj, problemsOfIssues } from '../files/schema';
import type { Label } from './labels';

/** Largest weight, noise or margin a file may give an annotator (the presets' are 2 or less). */
export const MAX_ANNOTATOR_SETTING = 100;

const weight = () => bounded({ min: -MAX_ANNOTATOR_SETTING, max: MAX_ANNOTATOR_SETTING });
const scale = () => bounded({ min: 0, max: MAX_ANNOTATOR_SETTING });

/** An annotator's settings, as a labeller's record and a labelling job hold them. */
export const ANNOTATOR_SETTINGS_SCHEMA = obj(
  {
    /** Utility lost per flaw: a false claim, or a sentence outside the grammar (it cannot be checked, so it is not trusted). */
    hallucinationWeight: weight(),
    /** Utility per unit of informativeness (the judge's share, 0 to 1, of the asked facts stated correctly). */
    informativenessWeight: weight(),
    /** Utility per sentence: a taste for long answers (0 for none; the classic route to reward hacking). */
    lengthBias: weight(),
    /** Scale of the logistic noise on the utility difference (the Bradley-Terry temperature); 0 is deterministic. */
    noise: scale(),
    /** Half-width of the band of the noisy difference read as a tie; 0 never ties unless the answers are equal in every draw. */
    tieMargin: scale(),
    /** Label "both-bad" when both answers have flaws and equally many, instead of ranking them on the rest. */
    flagBothBad: v.boolean('must be true or false'),
  },
  'must be an object of annotator settings',
);

export type AnnotatorSettings = v.InferOutput<typeof ANNOTATOR_SETTINGS_SCHEMA>;

/**
 * The presets. `careful` follows the paper's instruction (fewer hallucinations first; only if
 * equal, the more helpful answer): a flaw costs 2, more than the largest difference in
 * informativeness (1), so the flaw count always decides first; two answers equally flawed are
 * both bad, and between two correct ones helpfulness decides. With noise 0.05 it calls answers of equal
 * worth a tie three times in four and picks the more informative of two that differ by 0.2 (one
 * object of five) nine times in ten. `length-biased` barely minds a false claim and
 * likes each extra sentence. `noisy` has careful's taste but a noise of 1, so it often flips.
 */
export const ANNOTATOR_PRESETS = {
  careful: { hallucinationWeight: 2, informativenessWeight: 1, lengthBias: 0, noise: 0.05, tieMargin: 0.1, flagBothBad: true },
  'length-biased': { hallucinationWeight: 0.5, informativenessWeight: 1, lengthBias: 0.75, noise: 0.25, tieMargin: 0.1, flagBothBad: false },
  noisy: { hallucinationWeight: 2, informativenessWeight: 1, lengthBias: 0, noise: 1, tieMargin: 0.1, flagBothBad: true },
} as const satisfies Record<string, AnnotatorSettings>;

export type AnnotatorName = keyof typeof ANNOTATOR_PRESETS;
export const ANNOTATOR_NAMES = Object.keys(ANNOTATOR_PRESETS) as AnnotatorName[];

/** What the annotator reads off one answer. */
export interface AnswerFeatures {
  /** False claims plus sentences outside the grammar. */
  flaws: number;
  informativeness: number;
  /** Sentences, filler and unparsed ones included. */
  sentences: number;
}

/** Returns the judge's reading of an answer as the annotator weighs it. */
export function answerFeatures(scene: Scene, question: string, response: string): AnswerFeatures {
  const v = judge(scene, question, response);
  const falseClaims = v.claims.filter((c) => c.truth === false).length;
  return { flaws: falseClaims + v.unparsed.length, informativeness: v.informativeness, sentences: parseResponse(response).length };
}

/** Returns the annotator's utility of an answer. */
export function utility(s: AnnotatorSettings, f: AnswerFeatures): number {
  return -s.hallucinationWeight * f.flaws + s.informativenessWeight * f.informativeness + s.lengthBias * f.sentences;
}

export type LabelProbabilities = Record<Label, number>;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Whether an annotator that flags them calls this pair both-bad: flawed, and equally so. */
const bothBad = (s: AnnotatorSettings, a: AnswerFeatures, b: AnswerFeatures) => s.flagBothBad && a.flaws > 0 && a.flaws === b.flaws;

/** Returns the probability of each label for a pair with these features; they sum to 1. */
export function labelProbabilities(s: AnnotatorSettings, a: AnswerFeatures, b: AnswerFeatures): LabelProbabilities {
  if (bothBad(s, a, b)) return { A: 0, B: 0, tie: 0, 'both-bad': 1 };
  const d = utility(s, a) - utility(s, b);
  const m = s.tieMargin;
  if (s.noise === 0) return { A: d > m ? 1 : 0, B: d < -m ? 1 : 0, tie: Math.abs(d) <= m ? 1 : 0, 'both-bad': 0 };
  const pA = sigmoid((d - m) / s.noise);
  const pB = sigmoid((-d - m) / s.noise);
  return { A: pA, B: pB, tie: Math.max(0, 1 - pA - pB), 'both-bad': 0 };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Why an annotator with these settings leans the way it does on a pair, in words: the feature that
 * decides its utility ("B has fewer false claims or unreadable sentences (0 against 1)"), or that the two
 * are flawed alike (both bad) or within its tie margin.
 */
export function preferenceReason(s: AnnotatorSettings, a: AnswerFeatures, b: AnswerFeatures): string {
  if (bothBad(s, a, b)) return `both have ${a.flaws} false claims or unreadable sentences`;
  const d = utility(s, a) - utility(s, b);
  if (Math.abs(d) <= s.tieMargin) return 'the two weigh the same to it';
  const [win, lose, w, l] = d > 0 ? ['A', 'B', a, b] : ['B', 'A', b, a];
  // The largest of the three terms of the utility's difference decides.
  const terms = [
    { size: s.hallucinationWeight * (l.flaws - w.flaws), text: `${win} has fewer false claims or unreadable sentences (${w.flaws} against ${l.flaws})` },
    { size: s.informativenessWeight * (w.informativeness - l.informativeness), text: `${win} says more of what was asked (informativeness ${w.informativeness.toFixed(2)} against ${l.informativeness.toFixed(2)})` },
    { size: s.lengthBias * (w.sentences - l.sentences), text: `${win} is ${w.sentences > l.sentences ? 'longer' : 'shorter'} (${plural(w.sentences, 'sentence')} against ${l.sentences}), which this annotator likes` },
  ];
  const top = terms.reduce((x, y) => (y.size > x.size ? y : x));
  return top.size > 0 ? top.text : `${win} weighs more than ${lose} to it`;
}

/** Draws a label: the noisy Bradley-Terry choice described at the top. Advances `rng` by one draw. */
export function drawLabel(s: AnnotatorSettings, a: AnswerFeatures, b: AnswerFeatures, rng: Rng): Label {
  const u = rng.next();
  if (bothBad(s, a, b)) return 'both-bad';
  const logistic = Math.log((u + 1e-12) / (1 - u + 1e-12));
  const d = utility(s, a) - utility(s, b) + s.noise * logistic;
  return d > s.tieMargin ? 'A' : d < -s.tieMargin ? 'B' : 'tie';
}

/** Checks annotator settings (a parsed JSON value); returns them (unknown keys dropped) or the problems, by field. */
export function validateAnnotatorSettings(value: unknown): { settings: AnnotatorSettings } | { errors: ConfigProblem[] } {
  const res = v.safeParse(ANNOTATOR_SETTINGS_SCHEMA, value);
  return res.success ? { settings: res.output } : { errors: problemsOfIssues(res.issues) };
}
