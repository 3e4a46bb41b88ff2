// The correctness bonus's check: where a question has a checkable short answer (yes/no about an
// object or a relation, or a count), whether the response gives it right, wrong, or not at all.

import type { QuestionSpec } from '../language/question';
import { refEquals } from '../language/phrases';
import type { Verdict } from '../judge/judge';

/** Whether the question has a short answer the bonus can check (yes/no, counting). */
export function hasCheckableAnswer(spec: QuestionSpec): boolean {
  return spec.kind === 'exists' || spec.kind === 'relation' || spec.kind === 'count';
}

/**
 * +1 when the response gives the question's short answer right, −1 when it gives it wrong, 0 when
 * the question has none or the response does not answer it (an honest "i am not sure" is 0). Reads
 * the judge's verdict of the response: a yes/no answer's truth, or the truth of a count of the
 * object asked about; any wrong one makes it −1.
 */
export function answerCorrectness(spec: QuestionSpec, verdict: Verdict): -1 | 0 | 1 {
  if (!hasCheckableAnswer(spec)) return 0;
  const answers = verdict.claims.filter((c) =>
    spec.kind === 'count' ? c.claim.kind === 'count' && refEquals(c.claim.obj, spec.obj) : c.claim.kind === 'answer',
  );
  if (answers.some((c) => c.truth === false)) return -1;
  return answers.some((c) => c.truth === true) ? 1 : 0;
}
