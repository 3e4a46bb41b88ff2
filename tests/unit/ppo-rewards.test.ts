// Reward shaping and the reward options, worked by hand: −klCoef·KL per token with the score at
// the last token; the symbolic terms; the correctness check; the gold and honesty-first rewards,
// where a caught false claim outranks any helpfulness and an unparseable answer is no safe haven.
import { describe, expect, it } from 'vitest';
import type { Scene } from '../../src/engine/world/scene';
import { judge } from '../../src/engine/judge/judge';
import { parseQuestion } from '../../src/engine/language/question';
import { rowSums, scoreParts, shapeRewards } from '../../src/engine/ppo/reward-shaping';
import { answerCorrectness } from '../../src/engine/ppo/correctness';
import { baseScores, CAUGHT_SCORE, goldScore, honestyFirstScore } from '../../src/engine/ppo/judge-reward';
import { normaliseScores, scoreStats } from '../../src/engine/ppo/rm-score';

const close = (got: ArrayLike<number>, want: number[], digits = 6) => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, digits));
};

// One small red circle at the top left and a large blue square at the bottom right, by day.
const scene: Scene = {
  background: 'day',
  objects: [
    { shape: 'circle', color: 'red', size: 'small', row: 0, col: 0 },
    { shape: 'square', color: 'blue', size: 'large', row: 2, col: 2 },
  ],
};

describe('shaped rewards', () => {
  it('put −klCoef·KL on every real token and the score on the last one', () => {
    const kl = Float32Array.from([0.5, 0.2, 0.1, 0.3, 0.4, 9]);
    const mask = Float32Array.from([1, 1, 1, 1, 1, 0]);
    const s = shapeRewards(Float32Array.from([1, 2]), kl, mask, [3, 2], 3, 0.1, true);
    close(s.rewards, [-0.05, -0.02, 0.99, -0.03, 1.96, 0]);
    close(s.nonScore, [-0.05, -0.02, -0.01, -0.03, -0.04, 0]);
    close(rowSums(s.nonScore, 2, 3), [-0.08, -0.07]);
  });

  it('leave the KL out of the reward when it goes into the loss', () => {
    const s = shapeRewards(Float32Array.from([1, 2]), Float32Array.from([0.5, 0.2, 0.1, 0.3, 0.4, 0]), Float32Array.from([1, 1, 1, 1, 1, 0]), [3, 2], 3, 0.1, false);
    close(s.rewards, [0, 0, 1, 0, 2, 0]);
    close(s.nonScore, [0, 0, 0, 0, 0, 0]);
  });

  it('score = base − lengthPenalty·tokens ± correctnessBonus − missingEosPenalty − noAnswerPenalty', () => {
    // Row 3 is the EOS alone (an empty answer); row 4 one token cut off before its EOS is not.
    const p = scoreParts(Float32Array.from([0.5, -0.2, 1, 2, 0]), [10, 4, 6, 1, 1], [1, -1, 0, 0, 0], [true, false, true, true, false], { lengthPenalty: 0.01, correctnessBonus: 0.5, missingEosPenalty: 1, noAnswerPenalty: 1.5 });
    close(p.total, [0.5 - 0.1 + 0.5, -0.2 - 0.04 - 0.5 - 1, 1 - 0.06, 2 - 0.01 - 1.5, -0.01 - 1]);
    close(p.length, [-0.1, -0.04, -0.06, -0.01, -0.01]);
    close(p.correctness, [0.5, -0.5, 0, 0, 0]);
    close(p.missingEos, [0, -1, 0, 0, -1]);
    close(p.noAnswer, [0, 0, 0, -1.5, 0]);
  });
});

describe('the correctness check', () => {
  const exists = parseQuestion('is there a red circle in the image ?')!;
  const count = parseQuestion('how many circles are there ?')!;
  const env = parseQuestion('is it day or night ?')!;
  const c = (spec: typeof exists, q: string, r: string) => answerCorrectness(spec, judge(scene, q, r));

  it('rewards a right yes/no answer and penalises a wrong one', () => {
    expect(c(exists, 'is there a red circle in the image ?', 'yes , there is a red circle .')).toBe(1);
    expect(c(exists, 'is there a red circle in the image ?', 'no .')).toBe(-1);
    expect(c(exists, 'is there a red circle in the image ?', 'i am not sure .')).toBe(0);
  });

  it('checks a count of the object asked about', () => {
    expect(c(count, 'how many circles are there ?', 'there is one circle .')).toBe(1);
    expect(c(count, 'how many circles are there ?', 'there are two circles .')).toBe(-1);
    expect(c(count, 'how many circles are there ?', 'there are two objects .')).toBe(0); // not the object asked about
  });

  it('leaves questions without a short answer alone', () => {
    expect(c(env, 'is it day or night ?', 'it is night .')).toBe(0);
  });
});

describe('the gold and honesty-first rewards', () => {
  const q = 'describe the image .';
  const right = judge(scene, q, 'there is a small red circle at the top left . there is a large blue square at the bottom right .');
  const unsure = judge(scene, q, 'i am not sure .');
  const false1 = judge(scene, q, 'there is a small red circle at the top left . there is a green cross .');
  const garbled = judge(scene, q, 'circle the red at is .');

  it('gold: the judge\'s score centred on the unsure answer, an unparseable one below it', () => {
    expect(unsure.score).toBe(3);
    expect(garbled.unparseable).toBe(true);
    expect(goldScore(unsure)).toBe(0);
    expect(goldScore(right)).toBeCloseTo((right.score - 3) / 1.5, 10);
    expect(goldScore(right)).toBeGreaterThan(goldScore(unsure));
    expect(goldScore(garbled)).toBeLessThan(goldScore(unsure));
    expect(goldScore(false1)).toBeLessThan(goldScore(unsure));
    expect(goldScore({ score: 4, unparseable: true })).toBeCloseTo((1 - 3) / 1.5, 10); // moved into the hallucination band
  });

  it('honesty-first: a caught false claim scores below every honest answer, whatever the RM says', () => {
    expect(honestyFirstScore(50, true)).toBe(CAUGHT_SCORE);
    expect(honestyFirstScore(-50, false)).toBeGreaterThan(CAUGHT_SCORE);
    const cfg = { reward: 'honesty-first', honestyCheck: 'judge', honestyThreshold: 0 } as const;
    // The RM loves the false answer (z = 4) and the garbled one (z = 3), dislikes the unsure one (z = −3).
    const s = baseScores(cfg, [right, unsure, false1, garbled], Float32Array.from([1, -3, 4, 3]));
    close(s, [Math.tanh(1), Math.tanh(-3), CAUGHT_SCORE, CAUGHT_SCORE]);
    expect(s[1]).toBeGreaterThan(s[2] as number);
    expect(s[1]).toBeGreaterThan(s[3] as number);
  });

  it('honesty-first with the Fact-RM check: its normalised score below the threshold is caught; unparseable always is', () => {
    const cfg = { reward: 'honesty-first', honestyCheck: 'fact-rm', honestyThreshold: -0.5 } as const;
    const s = baseScores(cfg, [right, false1, garbled], Float32Array.from([0.5, 2, 2]), Float32Array.from([0.1, -1, 1]));
    close(s, [Math.tanh(0.5), CAUGHT_SCORE, CAUGHT_SCORE]);
  });

  it('plain and fact pass the normalised RM score through; gold needs no RM', () => {
    close(baseScores({ reward: 'fact', honestyCheck: 'judge', honestyThreshold: 0 }, [right, unsure], Float32Array.from([0.25, -1])), [0.25, -1]);
    close(baseScores({ reward: 'gold', honestyCheck: 'judge', honestyThreshold: 0 }, [unsure]), [0]);
    expect(() => baseScores({ reward: 'plain', honestyCheck: 'judge', honestyThreshold: 0 }, [unsure])).toThrow(/reward-model scores/);
  });
});

describe('score normalisation', () => {
  it('by the mean and (population) spread', () => {
    const st = scoreStats([1, 3, 5, 7]);
    expect(st.mean).toBe(4);
    expect(st.std).toBeCloseTo(Math.sqrt(5), 10);
    close(normaliseScores(Float32Array.from([4, 4 + Math.sqrt(5)]), st), [0, 1]);
    expect(scoreStats([2, 2]).std).toBe(1e-3);
  });
});
