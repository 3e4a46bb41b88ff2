// `npm run schema:preference`: writes docs/preference.schema.json, the preference record's format as
// JSON Schema, from the schema the importer checks records with (src/engine/prefs/record.ts).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preferenceJsonSchema } from '../src/engine/prefs/preference-schema';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'preference.schema.json');
writeFileSync(out, `${JSON.stringify(preferenceJsonSchema(), null, 2)}\n`);
console.log(`wrote ${out}`);
