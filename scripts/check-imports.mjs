// `npm run check:imports`: the import graph of src/ (scripts/import-graph.mjs) against the layers
// of docs/design.md, section 5. Fails (exit 1) listing every forbidden arrow (src/cli to src/app or
// src/worker, src/engine to src/app or src/worker, src/worker to src/app), every relative import
// that names no file, and every import circle, imports of types alone included, each as a chain
// of files through the one most of the circle imports.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkImports } from './import-graph.mjs';

const { ok, text } = checkImports(join(dirname(fileURLToPath(import.meta.url)), '..'));
console.log(text);
if (!ok) process.exitCode = 1;
