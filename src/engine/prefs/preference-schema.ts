// The preference record's format as a JSON Schema document (docs/preference.schema.json), written
// from RECORD_SCHEMA so the two cannot drift; `npm run schema:preference` writes the file.

import { toJsonSchema, type JsonSchema } from '../files/json-schema';
import { PREFERENCE_FORMAT, PREFERENCE_VERSION, RECORD_SCHEMA } from './record';

/** The JSON Schema of one line of a native preference file (one record). */
export function preferenceJsonSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: `${PREFERENCE_FORMAT}, version ${PREFERENCE_VERSION}`,
    description:
      'One labelled pair of responses to a question about a scene: one JSON object per line of a native preference file (.jsonl). ' +
      'Keys not listed here are ignored. Three rules have no JSON Schema form and are checked on import too: no two objects of a scene share a cell (row, col); ' +
      'responseB differs from responseA; labelledAt is a real date and time. An absent id is the record\'s content hash; an absent perception knob takes its default; ' +
      'jitter outside [-1, 1] is clamped.',
    ...toJsonSchema(RECORD_SCHEMA),
  };
}
