// The question types as MMHal-Bench defines them, and why a scene can lack one: the names and
// blurbs every stage shows beside a question (World, SFT's samples and bench, Label's pairs).

import type { QuestionType } from '../../engine/language/question';

/** A label and a one-line explanation for each of the eight MMHal-Bench question types. */
export const QUESTION_TYPE_INFO: Readonly<Record<QuestionType, { label: string; blurb: string }>> = {
  attribute: { label: 'Attribute', blurb: 'Object attribute: asks the colour, size or shape of an object that is in the image.' },
  adversarial: {
    label: 'Adversarial',
    blurb: 'Adversarial object: asks about an object that is NOT in the image, one the co-occurrence prior makes a model expect.',
  },
  comparison: { label: 'Comparison', blurb: 'Comparison: asks which of two objects is bigger.' },
  counting: { label: 'Counting', blurb: 'Counting: asks how many objects of a kind (a shape, a colour, or all) there are.' },
  spatial: { label: 'Spatial', blurb: 'Spatial relation: asks where an object is, or whether one is left of, right of, above or below another.' },
  environment: { label: 'Environment', blurb: 'Environment: asks about the setting as a whole; here, is it day or night?' },
  holistic: { label: 'Holistic', blurb: 'Holistic description: asks to describe the whole image; informativeness is the share of objects described.' },
  other: { label: 'Other', blurb: 'Other: anything else, here a yes/no question on whether an object is in the image.' },
};

/** Why a question type can be missing for a scene (makeQuestion returned undefined). */
export const NO_QUESTION: Partial<Record<QuestionType, string>> = {
  comparison: 'This scene has no two objects that can be named apart without their size, so it cannot support a comparison question.',
  attribute: 'No object in this scene can be named uniquely without the attribute asked about.',
  spatial: 'No object in this scene can be named uniquely.',
};
