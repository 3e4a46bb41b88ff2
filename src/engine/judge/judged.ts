// An answer as the page shows it judged: its text, the judge's verdict, and its sentences as the
// judge split them, so a false claim can be marked in the sentence that made it.

import { parseResponse, type ParsedSentence } from '../language/parser';
import type { Scene } from '../world/scene';
import { judge, type Verdict } from './judge';

/** One answer with what the judge made of it. */
export interface JudgedAnswer {
  text: string;
  verdict: Verdict;
  /** The answer's sentences as the judge split them (claims' `sentence` indexes into these). */
  sentences: ParsedSentence[];
}

/** An answer with a verdict already reached (by the worker, for example): its sentences added. */
export function judgedWith(text: string, verdict: Verdict): JudgedAnswer {
  return { text, verdict, sentences: text.trim() === '' ? [] : parseResponse(text) };
}

/** Judges an answer to a question about a scene. */
export function judgeAnswer(scene: Scene, question: string, text: string): JudgedAnswer {
  return judgedWith(text, judge(scene, question, text));
}
