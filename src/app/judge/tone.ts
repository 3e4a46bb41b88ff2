// How the page names a verdict: a false claim outranks everything; an empty answer is "no answer";
// text the grammar cannot read is "not understood" (its own colour: never a green "no
// hallucination" beside an honest "i am not sure"); otherwise nothing false was said. The score
// stays as the judge gives it.

import type { Verdict } from '../../engine/judge/judge';

export interface VerdictTone {
  kind: 'bad' | 'unknown' | 'good';
  text: string;
  tip: string;
}

export function verdictTone(v: Pick<Verdict, 'hallucination' | 'unparseable'> & Partial<Pick<Verdict, 'noAnswer'>>): VerdictTone {
  if (v.hallucination) return { kind: 'bad', text: 'hallucinates', tip: 'At least one claim is false of the scene.' };
  if (v.noAnswer) return { kind: 'unknown', text: 'no answer', tip: 'The answer is empty: nothing false, nothing informative. The 0-6 rubric scores it 3, as it scores “i am not sure .”; the true-and-informative share does not count it.' };
  if (v.unparseable) return { kind: 'unknown', text: 'not understood', tip: 'Some of the text is outside the grammar: the judge cannot check it, so it is scored as not informative and no claim of it counts as true.' };
  return { kind: 'good', text: 'no hallucination', tip: 'Every claim the judge could read is true of the scene.' };
}
