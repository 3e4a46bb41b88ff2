// Hand-labelled reference table for the judge (docs/design.md, sections 1 and 2).
//
// Every expected value here was worked out by hand from the written rules, not taken
// from the implementation. The score rubric used throughout:
//   no hallucination: informativeness >= 0.75 -> 6 with at least 2 true claims (answer
//                     claims count, "i am not sure" does not), else 5;
//                     0 < informativeness < 0.75 -> 4; informativeness 0 -> 3.
//   hallucination:    informativeness >= 0.75 -> 2; > 0 -> 1; 0 -> 0.
// Any unparseable sentence forces informativeness 0 (parsed claims still count for
// hallucination).
//
// Places: (row,col) (0,0) at the top left, (0,1) at the top, (0,2) at the top right,
// (1,0) on the left, (1,1) in the center, (1,2) on the right, (2,0) at the bottom left,
// (2,1) at the bottom, (2,2) at the bottom right.

import type { Scene } from '../../src/engine/world/scene';

export type Truth = boolean | null;
export type ClaimKind =
  | 'exists'
  | 'absent'
  | 'count'
  | 'attribute'
  | 'relation'
  | 'compare'
  | 'environment'
  | 'answer'
  | 'unsure';

export interface JudgeCase {
  name: string;
  scene: Scene;
  question: string;
  response: string;
  hallucination: boolean;
  score: number;
  informativeness: number;
  unparseable: boolean;
  /** Truth of each claim, in sentence order ("yes , X ." gives [answer, X]). */
  truths?: Truth[];
  /** Kind of each claim, in order. */
  kinds?: ClaimKind[];
  /** Exact number of unparsed sentences (checked when given). */
  unparsedCount?: number;
}

// ---------------------------------------------------------------------------------
// Scene A (day), 4 objects.
//
//        col 0          col 1          col 2
//      +--------------+--------------+--------------+
// row 0| large red    |              | small yellow |
//      | circle       |              | triangle     |
//      +--------------+--------------+--------------+
// row 1|              | small blue   |              |
//      |              | square       |              |
//      +--------------+--------------+--------------+
// row 2| large green  |              |              |
//      | square       |              |              |
//      +--------------+--------------+--------------+
export const SCENE_A: Scene = {
  background: 'day',
  objects: [
    { shape: 'circle', color: 'red', size: 'large', row: 0, col: 0 },
    { shape: 'triangle', color: 'yellow', size: 'small', row: 0, col: 2 },
    { shape: 'square', color: 'blue', size: 'small', row: 1, col: 1 },
    { shape: 'square', color: 'green', size: 'large', row: 2, col: 0 },
  ],
};

// Scene B (night), 5 objects: three circles (one red), so "the circle" is ambiguous.
//
//        col 0          col 1          col 2
//      +--------------+--------------+--------------+
// row 0| small red    | large blue   |              |
//      | circle       | circle       |              |
//      +--------------+--------------+--------------+
// row 1|              |              | small green  |
//      |              |              | circle       |
//      +--------------+--------------+--------------+
// row 2| large purple |              | small orange |
//      | diamond      |              | cross        |
//      +--------------+--------------+--------------+
export const SCENE_B: Scene = {
  background: 'night',
  objects: [
    { shape: 'circle', color: 'red', size: 'small', row: 0, col: 0 },
    { shape: 'circle', color: 'blue', size: 'large', row: 0, col: 1 },
    { shape: 'circle', color: 'green', size: 'small', row: 1, col: 2 },
    { shape: 'diamond', color: 'purple', size: 'large', row: 2, col: 0 },
    { shape: 'cross', color: 'orange', size: 'small', row: 2, col: 2 },
  ],
};

// Scene C (day), a single object.
//
//        col 0          col 1          col 2
//      +--------------+--------------+--------------+
// row 0|              |              |              |
//      +--------------+--------------+--------------+
// row 1|              | small purple |              |
//      |              | cross        |              |
//      +--------------+--------------+--------------+
// row 2|              |              |              |
//      +--------------+--------------+--------------+
export const SCENE_C: Scene = {
  background: 'day',
  objects: [{ shape: 'cross', color: 'purple', size: 'small', row: 1, col: 1 }],
};

// Scene D (night), 3 objects; triangle and diamond share column 1.
//
//        col 0          col 1          col 2
//      +--------------+--------------+--------------+
// row 0|              | large orange |              |
//      |              | triangle     |              |
//      +--------------+--------------+--------------+
// row 1| small orange |              |              |
//      | square       |              |              |
//      +--------------+--------------+--------------+
// row 2|              | small yellow |              |
//      |              | diamond      |              |
//      +--------------+--------------+--------------+
export const SCENE_D: Scene = {
  background: 'night',
  objects: [
    { shape: 'triangle', color: 'orange', size: 'large', row: 0, col: 1 },
    { shape: 'square', color: 'orange', size: 'small', row: 1, col: 0 },
    { shape: 'diamond', color: 'yellow', size: 'small', row: 2, col: 1 },
  ],
};

// Scene E (day), 4 distinct objects in the corners: holistic descriptions.
//
//        col 0          col 1          col 2
//      +--------------+--------------+--------------+
// row 0| small red    |              | large yellow |
//      | circle       |              | triangle     |
//      +--------------+--------------+--------------+
// row 1|              |              |              |
//      +--------------+--------------+--------------+
// row 2| large blue   |              | small green  |
//      | square       |              | diamond      |
//      +--------------+--------------+--------------+
export const SCENE_E: Scene = {
  background: 'day',
  objects: [
    { shape: 'circle', color: 'red', size: 'small', row: 0, col: 0 },
    { shape: 'triangle', color: 'yellow', size: 'large', row: 0, col: 2 },
    { shape: 'square', color: 'blue', size: 'large', row: 2, col: 0 },
    { shape: 'diamond', color: 'green', size: 'small', row: 2, col: 2 },
  ],
};

// Scene F (night), 4 objects: three squares, two of them red; three red objects.
//
//        col 0          col 1          col 2
//      +--------------+--------------+--------------+
// row 0| large red    | small red    |              |
//      | square       | square       |              |
//      +--------------+--------------+--------------+
// row 1|              | large red    |              |
//      |              | circle       |              |
//      +--------------+--------------+--------------+
// row 2|              |              | small blue   |
//      |              |              | square       |
//      +--------------+--------------+--------------+
export const SCENE_F: Scene = {
  background: 'night',
  objects: [
    { shape: 'square', color: 'red', size: 'large', row: 0, col: 0 },
    { shape: 'square', color: 'red', size: 'small', row: 0, col: 1 },
    { shape: 'circle', color: 'red', size: 'large', row: 1, col: 1 },
    { shape: 'square', color: 'blue', size: 'small', row: 2, col: 2 },
  ],
};

const SCENES: Record<string, Scene> = { A: SCENE_A, B: SCENE_B, C: SCENE_C, D: SCENE_D, E: SCENE_E, F: SCENE_F };

const ENV_Q = 'is it day or night ?';
const DESCRIBE_Q = 'describe the image .';

// Short-hands for the common outcomes of a one-fact question.
type Outcome = Pick<JudgeCase, 'hallucination' | 'score' | 'informativeness' | 'unparseable'>;
/** Answered, nothing false, one true claim: 5. */
const OK5: Outcome = { hallucination: false, score: 5, informativeness: 1, unparseable: false };
/** Answered, nothing false, two or more true claims: 6. */
const OK6: Outcome = { hallucination: false, score: 6, informativeness: 1, unparseable: false };
/** Nothing false, question not answered: 3. */
const NOINFO3: Outcome = { hallucination: false, score: 3, informativeness: 0, unparseable: false };
/** Something false, question not answered: 0. */
const FALSE0: Outcome = { hallucination: true, score: 0, informativeness: 0, unparseable: false };
/** Something false, question answered: 2. */
const FALSE2: Outcome = { hallucination: true, score: 2, informativeness: 1, unparseable: false };
/** Unparseable, nothing false: 3. */
const UNP3: Outcome = { hallucination: false, score: 3, informativeness: 0, unparseable: true };

function c(
  sceneKey: keyof typeof SCENES & string,
  question: string,
  response: string,
  outcome: Outcome,
  truths?: Truth[],
  extra: Partial<JudgeCase> = {},
): JudgeCase {
  const scene = SCENES[sceneKey]!;
  return {
    name: `[${sceneKey}] ${question} => "${response}"`,
    scene,
    question,
    response,
    ...outcome,
    ...(truths ? { truths } : {}),
    ...(outcome.unparseable ? {} : { unparsedCount: 0 }),
    ...extra,
  };
}

/**
 * A claim checked through the environment question: the response is
 * "it is <background> . <claim>" so the question is answered (informativeness 1) by the
 * first sentence; a true claim gives 2 true claims (score 6), a false one gives a
 * hallucination with informativeness 1 (score 2).
 */
function claimCase(sceneKey: keyof typeof SCENES & string, claim: string, truth: boolean, kind?: ClaimKind): JudgeCase {
  const scene = SCENES[sceneKey]!;
  const response = `it is ${scene.background} . ${claim}`;
  return c(sceneKey, ENV_Q, response, truth ? OK6 : FALSE2, [true, truth], kind ? { kinds: ['environment', kind] } : {});
}

const FILLERS = [
  'this is a nice picture .',
  'the picture looks nice .',
  'the image is clear .',
  'i hope this helps .',
  'let me describe the image .',
  'the colors are bright .',
  'it is a simple picture .',
  'the shapes are easy to see .',
];

export const CASES: JudgeCase[] = [
  // ===== Scene A: "other" (yes/no existence) questions, present object =====
  c('A', 'is there a red circle in the image ?', 'yes .', OK5, [true], { kinds: ['answer'] }),
  c('A', 'is there a red circle in the image ?', 'no .', FALSE0, [false]),
  c('A', 'is there a red circle in the image ?', 'yes , there is a red circle .', OK6, [true, true], { kinds: ['answer', 'exists'] }),
  c('A', 'is there a red circle in the image ?', 'no , there is no red circle .', FALSE0, [false, false], { kinds: ['answer', 'absent'] }),
  // right answer, wrong place for the extra claim: answered (inf 1) but hallucinating -> 2
  c('A', 'is there a red circle in the image ?', 'yes , there is a red circle at the top right .', FALSE2, [true, false]),
  // wrong answer, but the true exists claim about the asked phrase covers the question -> inf 1 -> 2
  c('A', 'is there a red circle in the image ?', 'no , there is a red circle .', FALSE2, [false, true]),
  // one false claim among true ones; the true exists claim answers -> 2
  c('A', 'is there a red circle in the image ?', 'there is a red circle . there is a yellow triangle . there is a purple cross .', FALSE2, [true, true, false]),
  // a more specific true exists claim is consistent with the question
  c('A', 'is there a circle in the image ?', 'there is a large red circle at the top left .', OK5, [true]),
  // true, but about something else: not informative
  c('A', 'is there a circle in the image ?', 'there is a square .', NOINFO3, [true]),
  // ===== Scene A: adversarial questions (absent object) =====
  c('A', 'is there a purple diamond in the image ?', 'no .', OK5, [true]),
  c('A', 'is there a purple diamond in the image ?', 'yes .', FALSE0, [false]),
  c('A', 'is there a purple diamond in the image ?', 'no , there is no purple diamond .', OK6, [true, true]),
  c('A', 'is there a purple diamond in the image ?', 'yes , there is a purple diamond .', FALSE0, [false, false]),
  c('A', 'is there a purple diamond in the image ?', 'there is no purple diamond .', OK5, [true], { kinds: ['absent'] }),
  // the red circle is large, so a small red circle is absent
  c('A', 'is there a small red circle in the image ?', 'no .', OK5, [true]),
  c('A', 'is there a small red circle in the image ?', 'yes .', FALSE0, [false]),
  c('A', 'is there a small red circle in the image ?', 'there is a small red circle .', FALSE0, [false]),

  // ===== Scene A: attribute questions =====
  c('A', 'what color is the triangle ?', 'the triangle is yellow .', OK5, [true], { kinds: ['attribute'] }),
  c('A', 'what color is the triangle ?', 'the triangle is blue .', FALSE0, [false]),
  c('A', 'what color is the triangle ?', 'there is a yellow triangle .', OK5, [true]),
  // true, but states the size, not the colour asked for
  c('A', 'what color is the triangle ?', 'the triangle is small .', NOINFO3, [true]),
  c('A', 'what color is the triangle ?', 'the triangle is at the top right . the triangle is yellow .', OK6, [true, true]),
  // no green circle in A (there is a green square): what is asked is its absence
  c('A', 'what color is the green circle ?', 'there is no green circle .', OK5, [true]),
  c('A', 'what color is the green circle ?', 'the green circle is red .', FALSE0, [false]),
  c('A', 'what color is the green circle ?', 'i am not sure .', NOINFO3, [null], { kinds: ['unsure'] }),
  c('A', 'what size is the blue square ?', 'the blue square is small .', OK5, [true]),
  c('A', 'what size is the blue square ?', 'the blue square is large .', FALSE0, [false]),
  c('A', 'what shape is the large red object ?', 'there is a large red circle .', OK5, [true]),
  c('A', 'what shape is the large red object ?', 'there is a large red square .', FALSE0, [false]),

  // ===== Scene A: every sentence form, true and false, via "it is day . <claim>" =====
  // attribute (definite phrases; ambiguous phrases true if one match has the property)
  claimCase('A', 'the circle is red .', true, 'attribute'),
  claimCase('A', 'the circle is small .', false),
  claimCase('A', 'the circle is at the top left .', true),
  claimCase('A', 'the circle is in the center .', false),
  claimCase('A', 'the square is small .', true), // blue square is small
  claimCase('A', 'the square is large .', true), // green square is large
  claimCase('A', 'the square is red .', false),
  claimCase('A', 'the square is on the left .', false), // squares at (1,1) and (2,0); (1,0) is empty
  claimCase('A', 'the large square is blue .', false),
  claimCase('A', 'the small object is yellow .', true),
  claimCase('A', 'the large object is at the bottom left .', true),
  claimCase('A', 'the green circle is large .', false), // no green circle at all
  claimCase('A', 'the green circle is red .', false),
  // relation (strict by column / row)
  claimCase('A', 'the red circle is left of the yellow triangle .', true, 'relation'),
  claimCase('A', 'the red circle is left of the green square .', false), // same column 0
  claimCase('A', 'the red circle is above the green square .', true),
  claimCase('A', 'the green square is below the red circle .', true),
  claimCase('A', 'the triangle is above the circle .', false), // same row 0
  claimCase('A', 'the triangle is right of the circle .', true),
  claimCase('A', 'the square is right of the circle .', true), // blue square col 1 > 0
  claimCase('A', 'the square is above the circle .', false),
  claimCase('A', 'the purple circle is left of the triangle .', false), // no purple circle
  // compare
  claimCase('A', 'the circle is bigger than the triangle .', true, 'compare'),
  claimCase('A', 'the triangle is bigger than the circle .', false),
  claimCase('A', 'the square is smaller than the circle .', true), // blue square small
  claimCase('A', 'the circle and the green square are the same size .', true),
  claimCase('A', 'the circle and the triangle are the same size .', false),
  // the only distinct pair of squares is small blue vs large green
  claimCase('A', 'the square and the square are the same size .', false),
  claimCase('A', 'the purple diamond is bigger than the triangle .', false),
  // exists
  claimCase('A', 'there is a blue square in the center .', true, 'exists'),
  claimCase('A', 'there is a green object at the bottom left .', true),
  claimCase('A', 'there is a diamond .', false),
  claimCase('A', 'there is a red circle on the left .', false), // it is at the top left
  claimCase('A', 'there is a large red circle at the top left .', true),
  // count (exact)
  claimCase('A', 'there are two squares .', true, 'count'),
  claimCase('A', 'there are three squares .', false),
  claimCase('A', 'there are four objects .', true),
  claimCase('A', 'there are five objects .', false),
  claimCase('A', 'there is one circle .', true, 'count'),
  claimCase('A', 'there is one square .', false),
  claimCase('A', 'there are zero diamonds .', true),
  // absent
  claimCase('A', 'there are no diamonds .', true, 'absent'),
  claimCase('A', 'there are no squares .', false),
  claimCase('A', 'there is no large square .', false),
  claimCase('A', 'there is no small circle .', true),

  // ===== Scene A: environment =====
  c('A', ENV_Q, 'it is day .', OK5, [true], { kinds: ['environment'] }),
  c('A', ENV_Q, 'it is night .', FALSE0, [false]),
  c('A', ENV_Q, 'this is a nice picture . it is day .', OK5, [true]),
  c('A', ENV_Q, 'i am not sure . it is day .', OK5, [null, true], { kinds: ['unsure', 'environment'] }),

  // ===== Scene A: spatial =====
  c('A', 'where is the triangle ?', 'the triangle is at the top right .', OK5, [true]),
  c('A', 'where is the triangle ?', 'the triangle is on the right .', FALSE0, [false]), // (1,2) is empty
  c('A', 'where is the triangle ?', 'there is a yellow triangle at the top right .', OK5, [true]),
  c('A', 'where is the triangle ?', 'there is a triangle .', NOINFO3, [true]), // no place given
  c('A', 'where is the triangle ?', 'the triangle is at the top left .', FALSE0, [false]),
  c('A', 'is the red circle left of the green square ?', 'no .', OK5, [true]), // same column
  c('A', 'is the red circle left of the green square ?', 'yes .', FALSE0, [false]),
  c('A', 'is the red circle left of the green square ?', 'no , the red circle is above the green square .', OK6, [true, true]),
  c('A', 'is the red circle left of the yellow triangle ?', 'the red circle is left of the yellow triangle .', OK5, [true]),

  // ===== Scene B: counting =====
  c('B', 'how many circles are there ?', 'there are three circles .', OK5, [true]),
  c('B', 'how many circles are there ?', 'there are two circles .', FALSE0, [false]),
  c('B', 'how many circles are there ?', 'there are three circles . there are two circles .', FALSE2, [true, false]),
  // true count, but not of the phrase asked about
  c('B', 'how many circles are there ?', 'there is one red circle .', NOINFO3, [true]),
  c('B', 'how many circles are there ?', 'there are three circles . it is night .', OK6, [true, true]),
  c('B', 'how many crosses are there ?', 'there is one cross .', OK5, [true], { kinds: ['count'] }),
  c('B', 'how many crosses are there ?', 'there are two crosses .', FALSE0, [false]),
  c('B', 'how many objects are there ?', 'there are five objects .', OK5, [true]),
  c('B', 'how many objects are there ?', 'there are four objects .', FALSE0, [false]),
  c('B', 'how many green squares are there ?', 'there are no green squares .', OK5, [true]),
  c('B', 'how many green squares are there ?', 'there are zero green squares .', OK5, [true]),
  c('B', 'how many green squares are there ?', 'there is one green square .', FALSE0, [false]),

  // ===== Scene B: environment and ambiguous phrases =====
  c('B', ENV_Q, 'it is night .', OK5, [true]),
  c('B', ENV_Q, 'it is day .', FALSE0, [false]),
  c('B', ENV_Q, 'it is night . there are four objects .', FALSE2, [true, false]),
  claimCase('B', 'the circle is red .', true), // one of three circles is red
  claimCase('B', 'the circle is yellow .', false),
  claimCase('B', 'the circle is on the right .', true), // green circle at (1,2)
  claimCase('B', 'the circle is at the bottom .', false),
  claimCase('B', 'the circle is bigger than the cross .', true), // large blue circle
  claimCase('B', 'the cross is bigger than the diamond .', false),
  claimCase('B', 'the circle and the cross are the same size .', true), // small red / small green
  claimCase('B', 'there is one circle .', false), // three

  // ===== Scene B: attribute =====
  c('B', 'what color is the large circle ?', 'the large circle is blue .', OK5, [true]),
  c('B', 'what color is the large circle ?', 'the large circle is green .', FALSE0, [false]),
  c('B', 'what size is the purple diamond ?', 'the purple diamond is large .', OK5, [true]),
  c('B', 'what shape is the small orange object ?', 'there is a small orange cross .', OK5, [true]),
  c('B', 'what shape is the small orange object ?', 'there is a small orange diamond .', FALSE0, [false]),

  // ===== Scene B: yes/no existence =====
  // the green circle is small, so a large green circle is absent
  c('B', 'is there a large green circle in the image ?', 'no .', OK5, [true]),
  c('B', 'is there a large green circle in the image ?', 'yes .', FALSE0, [false]),
  c('B', 'is there a large green circle in the image ?', 'no , there is a small green circle .', OK6, [true, true]),
  c('B', 'is there a large circle in the image ?', 'yes , there is a large blue circle at the top .', OK6, [true, true]),
  c('B', 'is there a purple square in the image ?', 'there are no purple squares .', OK5, [true]),
  c('B', 'is there a diamond in the image ?', 'there is a large purple diamond at the bottom left .', OK5, [true]),

  // ===== Scene B: spatial yes/no =====
  c('B', 'is the red circle left of the blue circle ?', 'yes .', OK5, [true]),
  c('B', 'is the red circle left of the blue circle ?', 'no .', FALSE0, [false]),
  c('B', 'is the red circle above the blue circle ?', 'no .', OK5, [true]), // same row
  c('B', 'is the red circle above the blue circle ?', 'yes .', FALSE0, [false]),
  // cross (2,2) and green circle (1,2) share column 2
  c('B', 'is the cross right of the green circle ?', 'yes , the cross is right of the green circle .', FALSE0, [false, false]),
  c('B', 'is the cross right of the green circle ?', 'no , the cross is below the green circle .', OK6, [true, true], { kinds: ['answer', 'relation'] }),
  c('B', 'is the diamond below the red circle ?', 'the diamond is below the red circle .', OK5, [true]),

  // ===== Scene B: comparison =====
  c('B', 'which is bigger , the blue circle or the red circle ?', 'the blue circle is bigger than the red circle .', OK5, [true], { kinds: ['compare'] }),
  c('B', 'which is bigger , the blue circle or the red circle ?', 'the red circle is bigger than the blue circle .', FALSE0, [false]),
  c('B', 'which is bigger , the blue circle or the red circle ?', 'the red circle and the blue circle are the same size .', FALSE0, [false]),

  // ===== Scene C: one object =====
  c('C', 'what color is the square ?', 'there is no square .', OK5, [true]),
  c('C', 'what color is the square ?', 'there are no squares .', OK5, [true]),
  c('C', 'what color is the square ?', 'the square is red .', FALSE0, [false]),
  c('C', 'what color is the cross ?', 'the cross is purple .', OK5, [true]),
  c('C', 'what color is the cross ?', 'the cross is orange .', FALSE0, [false]),
  c('C', 'where is the cross ?', 'the cross is in the center .', OK5, [true]),
  c('C', 'where is the cross ?', 'there is a cross in the center .', OK5, [true]),
  c('C', 'where is the cross ?', 'the cross is at the top .', FALSE0, [false]),
  c('C', 'what size is the red circle ?', 'there is no red circle .', OK5, [true]),
  c('C', 'what size is the red circle ?', 'the red circle is small .', FALSE0, [false]),
  c('C', 'what shape is the small purple object ?', 'there is a small purple cross .', OK5, [true]),
  c('C', 'what shape is the small purple object ?', 'there is a small purple square .', FALSE0, [false]),
  // holistic over one object: 1 of 1 -> informativeness 1; one true claim -> 5, two -> 6
  c('C', DESCRIBE_Q, 'there is a small purple cross in the center .', OK5, [true]),
  c('C', DESCRIBE_Q, 'there is a small purple cross in the center . it is day .', OK6, [true, true]),

  // ===== Scene D: spatial (shared column 1) =====
  c('D', 'is the triangle above the diamond ?', 'yes .', OK5, [true]),
  c('D', 'is the triangle above the diamond ?', 'the triangle is above the diamond .', OK5, [true]),
  c('D', 'is the triangle left of the diamond ?', 'no .', OK5, [true]),
  c('D', 'is the triangle left of the diamond ?', 'yes .', FALSE0, [false]),
  c('D', 'is the triangle left of the diamond ?', 'the triangle is left of the diamond .', FALSE0, [false]),
  c('D', 'is the square left of the diamond ?', 'yes , the square is left of the diamond .', OK6, [true, true]),
  c('D', 'is the square below the triangle ?', 'no .', FALSE0, [false]),

  // ===== Scene D: comparison =====
  c('D', 'which is bigger , the triangle or the diamond ?', 'the triangle is bigger than the diamond .', OK5, [true]),
  c('D', 'which is bigger , the triangle or the diamond ?', 'the diamond is smaller than the triangle .', OK5, [true]),
  c('D', 'which is bigger , the triangle or the diamond ?', 'the diamond is bigger than the triangle .', FALSE0, [false]),
  c('D', 'which is bigger , the triangle or the diamond ?', 'the triangle and the diamond are the same size .', FALSE0, [false]),
  c('D', 'which is bigger , the triangle or the diamond ?', 'i am not sure .', NOINFO3, [null]),
  c('D', 'which is bigger , the square or the diamond ?', 'the square and the diamond are the same size .', OK5, [true]),
  c('D', 'which is bigger , the square or the diamond ?', 'the square is bigger than the diamond .', FALSE0, [false]),

  // ===== Scene D: "the orange object" matches triangle (large) and square (small) =====
  claimCase('D', 'the orange object is large .', true),
  claimCase('D', 'the orange object is small .', true),
  claimCase('D', 'the orange object is yellow .', false),
  claimCase('D', 'the orange object is on the left .', true),
  c(
    'D',
    DESCRIBE_Q,
    'there is a large orange triangle at the top . there is a small orange square on the left . there is a small yellow diamond at the bottom .',
    OK6,
    [true, true, true],
  ),

  // ===== Scene E: holistic descriptions =====
  c('E', DESCRIBE_Q, 'there is a small red circle at the top left .', { hallucination: false, score: 4, informativeness: 0.25, unparseable: false }, [true]),
  c('E', DESCRIBE_Q, 'there is a red circle . there is a blue square .', { hallucination: false, score: 4, informativeness: 0.5, unparseable: false }, [true, true]),
  c(
    'E',
    DESCRIBE_Q,
    'there is a small red circle at the top left . there is a large yellow triangle at the top right . there is a large blue square at the bottom left .',
    { hallucination: false, score: 6, informativeness: 0.75, unparseable: false },
    [true, true, true],
  ),
  c(
    'E',
    DESCRIBE_Q,
    'there is a small red circle at the top left . there is a large yellow triangle at the top right . there is a large blue square at the bottom left . there is a small green diamond at the bottom right .',
    OK6,
    [true, true, true, true],
  ),
  c(
    'E',
    DESCRIBE_Q,
    'there is a red circle . there is a yellow triangle . there is a blue square . there is a green diamond . it is day .',
    OK6,
    [true, true, true, true, true],
  ),
  c(
    'E',
    DESCRIBE_Q,
    'there is a small red circle at the top left . there is a large yellow triangle at the top right . there is a large blue square at the bottom left . there is a small green diamond at the bottom right . there is a purple cross in the center .',
    { hallucination: true, score: 2, informativeness: 1, unparseable: false },
    [true, true, true, true, false],
  ),
  c(
    'E',
    DESCRIBE_Q,
    'there is a red circle . there is a yellow triangle . there is a blue square . there is a purple cross .',
    { hallucination: true, score: 2, informativeness: 0.75, unparseable: false },
    [true, true, true, false],
  ),
  c('E', DESCRIBE_Q, 'there is a red circle . there is a purple cross .', { hallucination: true, score: 1, informativeness: 0.25, unparseable: false }, [true, false]),
  c('E', DESCRIBE_Q, 'there is a purple cross .', FALSE0, [false]),
  c(
    'E',
    DESCRIBE_Q,
    'let me describe the image . there is a red circle . there is a yellow triangle . there is a blue square . there is a green diamond . i hope this helps .',
    OK6,
    [true, true, true, true],
  ),
  // true claims, but none describes an object by its shape
  c('E', DESCRIBE_Q, 'there are four objects . it is day .', NOINFO3, [true, true]),
  // the circle is small, so "a large red circle" is false and covers nothing: 2 of 4
  c(
    'E',
    DESCRIBE_Q,
    'there is a large red circle . there is a large yellow triangle . there is a large blue square .',
    { hallucination: true, score: 1, informativeness: 0.5, unparseable: false },
    [false, true, true],
  ),
  c('E', DESCRIBE_Q, 'there is a small red circle at the bottom right .', FALSE0, [false]),
  // four objects described, then an unparseable sentence: informativeness forced to 0
  c(
    'E',
    DESCRIBE_Q,
    'there is a red circle . there is a yellow triangle . there is a blue square . there is a green diamond . blah blah .',
    UNP3,
    [true, true, true, true],
    { unparsedCount: 1 },
  ),
  c('E', DESCRIBE_Q, 'i am not sure .', NOINFO3, [null]),
  // "a yellow object" names no shape, so it covers no object: circle + square = 2 of 4
  c(
    'E',
    DESCRIBE_Q,
    'there is a red circle . there is a yellow object . there is a blue square .',
    { hallucination: false, score: 4, informativeness: 0.5, unparseable: false },
    [true, true, true],
  ),
  // two claims about the same (only) circle describe one object: 1 of 4
  c('E', DESCRIBE_Q, 'there is a circle . there is a red circle .', { hallucination: false, score: 4, informativeness: 0.25, unparseable: false }, [true, true]),

  // ===== Scene F: counting, exact =====
  c('F', 'how many red squares are there ?', 'there are two red squares .', OK5, [true]),
  c('F', 'how many red squares are there ?', 'there are three red squares .', FALSE0, [false]),
  c('F', 'how many red squares are there ?', 'there are two squares .', FALSE0, [false]), // three squares
  c('F', 'how many squares are there ?', 'there are three squares .', OK5, [true]),
  c('F', 'how many squares are there ?', 'there are two squares .', FALSE0, [false]),
  c('F', 'how many squares are there ?', 'there are three squares . there are two red squares .', OK6, [true, true]),
  c('F', 'how many crosses are there ?', 'there are no crosses .', OK5, [true]),
  c('F', 'how many crosses are there ?', 'there are zero crosses .', OK5, [true]),
  c('F', 'how many crosses are there ?', 'there is one cross .', FALSE0, [false]),
  c('F', 'how many crosses are there ?', 'i am not sure .', NOINFO3, [null]),
  c('F', 'how many blue squares are there ?', 'there is one blue square .', OK5, [true]),
  c('F', 'how many red squares are there ?', 'there are two red squares . it is night .', OK6, [true, true]),

  // ===== Scene F: ambiguous "red square" (large at (0,0), small at (0,1)) =====
  claimCase('F', 'the red square is small .', true),
  claimCase('F', 'the red square is blue .', false),
  claimCase('F', 'the red square is at the top .', true),
  claimCase('F', 'the red square is in the center .', false), // the center holds the circle
  claimCase('F', 'the large square is left of the small square .', true),
  claimCase('F', 'the small square is left of the large square .', false),
  claimCase('F', 'the blue square is above the red square .', false),
  claimCase('F', 'the red square and the blue square are the same size .', true),

  // ===== filler =====
  ...FILLERS.map((f) => c('A', DESCRIBE_Q, f, NOINFO3, [])),
  c('A', 'is there a red circle in the image ?', 'the image is clear . there is a purple cross .', FALSE0, [false]),
  c('A', 'is there a red circle in the image ?', 'yes . i hope this helps .', OK5, [true]),

  // ===== unparseable: reported, scored as not informative, never thrown =====
  c('A', ENV_Q, '', UNP3, []),
  c('A', ENV_Q, 'blorp zig zag .', UNP3, [], { unparsedCount: 1 }),
  c('A', ENV_Q, 'it is day', UNP3, [], { unparsedCount: 1 }), // missing final " ."
  c('A', 'is there a red circle in the image ?', 'there is a red circel .', UNP3, [], { unparsedCount: 1 }),
  c('A', 'is there a red circle in the image ?', 'there is a red circle . blorp .', UNP3, [true], { unparsedCount: 1 }),
  c('A', 'is there a red circle in the image ?', 'there is a purple cross . blorp .', { hallucination: true, score: 0, informativeness: 0, unparseable: true }, [false], { unparsedCount: 1 }),
  c('A', 'is there a red circle in the image ?', 'yes , there is a red circle', UNP3), // missing final " ."
  c('A', 'how many circles are there ?', 'there are six circles .', UNP3, [], { unparsedCount: 1 }), // numbers stop at five
  c('A', 'where is the blue square ?', 'the blue square is in the middle .', UNP3, [], { unparsedCount: 1 }), // not a place
  c('A', ENV_Q, 'it is day . there are four objects', UNP3), // second sentence unterminated
];
