// `npm run schema:mark`: writes docs/mark.schema.json, the mark record's format as JSON Schema, from
// the schema the importer checks marks with (src/engine/prefs/mark.ts).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markJsonSchema } from '../src/engine/prefs/mark-schema';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'mark.schema.json');
writeFileSync(out, `${JSON.stringify(markJsonSchema(), null, 2)}\n`);
console.log(`wrote ${out}`);
