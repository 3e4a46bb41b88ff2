// The mark record's format as a JSON Schema document (docs/mark.schema.json), written from
// MARK_SCHEMA so the two cannot drift; `npm run schema:mark` writes the file.

import { toJsonSchema, type JsonSchema } from '../files/json-schema';
import { MARK_FORMAT, MARK_SCHEMA, MARK_VERSION } from './mark';

/** The JSON Schema of one line of a marks file (one mark). */
export function markJsonSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: `${MARK_FORMAT}, version ${MARK_VERSION}`,
    description:
      'One answer to a question about a scene, its sentences marked false or not (a false one perhaps with a correction), who marked it and when: one JSON object per line of a marks file (.jsonl). ' +
      'Keys not listed here are ignored. Rules with no JSON Schema form, checked on import too: no two objects of a scene share a cell (row, col); ' +
      'the answer is written as the grammar writes it (words separated by single spaces) and sentences[].text are its sentences as the judge splits them, at each " ." token, joined by single spaces they are the answer; ' +
      'a correction is one sentence of the grammar and is given only for a sentence marked false; markedAt is a real date and time. ' +
      'An absent id is the mark\'s content hash; an absent perception knob takes its default; jitter outside [-1, 1] is clamped.',
    ...toJsonSchema(MARK_SCHEMA),
  };
}
