// The import graph behind `npm run check:imports` (scripts/import-graph.mjs): what counts as an
// import (type-only and dynamic ones included, nothing in comments or strings, the <script> of a
// .svelte file), how a path resolves (as Vite does), and the report on a small tree with a known
// circle, a known forbidden arrow and a path that names no file.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkImports, readImports, resolveImport } from '../../scripts/import-graph.mjs';

describe('readImports', () => {
  it('reads import and export-from statements, type-only ones and import() with a literal path', () => {
    const text = [
      "import { a, b } from './ab';",
      "import type { T } from './types';",
      "import { type U, type V } from './uv';",
      "import W, { type X } from './wx';",
      "import './side-effect.css';",
      "export * from './all';",
      "export type { Y } from './y';",
      "const m = await import('./lazy');",
      'type M = typeof import("./typed");',
      'import {',
      '  c,',
      "} from '../multi';",
    ].join('\n');
    expect(readImports(text)).toEqual([
      { specifier: './ab', line: 1, typeOnly: false, dynamic: false },
      { specifier: './types', line: 2, typeOnly: true, dynamic: false },
      { specifier: './uv', line: 3, typeOnly: true, dynamic: false },
      { specifier: './wx', line: 4, typeOnly: false, dynamic: false },
      { specifier: './side-effect.css', line: 5, typeOnly: false, dynamic: false },
      { specifier: './all', line: 6, typeOnly: false, dynamic: false },
      { specifier: './y', line: 7, typeOnly: true, dynamic: false },
      { specifier: './lazy', line: 8, typeOnly: false, dynamic: true },
      { specifier: './typed', line: 9, typeOnly: true, dynamic: true },
      { specifier: '../multi', line: 10, typeOnly: false, dynamic: false },
    ]);
  });

  it('reads nothing in comments, strings, templates or regular expressions', () => {
    const text = [
      "// import { a } from './commented';",
      "/* import b from './block';",
      "   import('./block-dynamic') */",
      "const s = \"import c from './in-a-string'\";",
      "const t = `export * from './in-a-template' ${s}`;",
      "const r = /import d from '.\\/in-a-regex'/;",
      "export const from = './not-an-import';",
      "const u = import.meta.url;",
      "import { real } from './real';",
    ].join('\n');
    expect(readImports(text)).toEqual([{ specifier: './real', line: 9, typeOnly: false, dynamic: false }]);
  });

  it('reads the <script> blocks of a .svelte file alone, at their own lines', () => {
    const text = ['<script module lang="ts">', "  import type { P } from './p';", '</script>', '<script lang="ts">', "  import Q from './Q.svelte';", '</script>', "<p>import z from './markup'</p>"].join('\n');
    expect(readImports(text, { svelte: true }).map((i) => [i.specifier, i.line, i.typeOnly])).toEqual([['./p', 2, true], ['./Q.svelte', 5, false]]);
  });
});

/** A tree of files under a temporary root: path → text. */
function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

describe('a small tree', () => {
  let root = '';
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'import-graph-'));
    writeTree(root, {
      'src/engine/a.ts': "import { b } from './b';\nimport { tf } from '@tensorflow/tfjs-core';\nexport const a = b + tf;\n",
      'src/engine/b.ts': "// b reads a's type: a circle of types\nimport type { A } from './a.js';\nexport const b = 1 as A;\n",
      'src/engine/c.ts': "import { a } from './a';\nexport const c = a;\n",
      'src/engine/bad.ts': "\nimport type { S } from '../app/state.svelte';\nexport type T = S;\n",
      'src/app/state.svelte.ts': "import { c } from '../engine/c';\nimport { d } from './dir';\nexport class S { c = c + d; }\n",
      'src/app/dir/index.ts': "export const d = 4;\n",
      'src/app/Page.svelte': '<script lang="ts">\n  import { S } from \'./state.svelte\';\n  import Missing from \'./Missing.svelte\';\n</script>\n',
      'src/cli/main.ts': "export async function run() {\n  return import('/src/worker/w.ts');\n}\n",
      'src/worker/w.ts': "import { c } from '../engine/c';\nexport const w = c;\n",
      'src/README.md': "import x from './not-source';\n",
    });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('resolves paths as Vite does', () => {
    const importer = join(root, 'src/app/Page.svelte');
    expect(resolveImport(root, importer, './state.svelte')).toBe(join(root, 'src/app/state.svelte.ts'));
    expect(resolveImport(root, importer, './dir')).toBe(join(root, 'src/app/dir/index.ts'));
    expect(resolveImport(root, importer, '../engine/a.js')).toBe(join(root, 'src/engine/a.ts'));
    expect(resolveImport(root, importer, '/src/worker/w.ts?worker')).toBe(join(root, 'src/worker/w.ts'));
    expect(resolveImport(root, importer, 'svelte')).toBeNull();
    expect(resolveImport(root, importer, './Missing.svelte')).toBeUndefined();
  });

  it('lists the forbidden arrows, the paths that name no file and the circles', () => {
    const { ok, text } = checkImports(root);
    expect(ok).toBe(false);
    expect(text).toBe([
      '2 forbidden arrows (docs/design.md, section 5):',
      '  src/cli/main.ts:2 → src/worker/w.ts',
      '  src/engine/bad.ts:2 → (types) src/app/state.svelte.ts',
      '1 import names no file:',
      '  src/app/Page.svelte:3 "./Missing.svelte"',
      '1 import circle:',
      '  2 files, through src/engine/a.ts:',
      '    src/engine/a.ts:1 → src/engine/b.ts:2 → (types) src/engine/a.ts',
    ].join('\n'));
  });

  it('reports a clean tree in one line', () => {
    writeTree(root, {
      'src/engine/b.ts': 'export const b = 1;\n',
      'src/engine/bad.ts': 'export type T = number;\n',
      'src/app/Page.svelte': '<script lang="ts">\n  import { S } from \'./state.svelte\';\n</script>\n',
      'src/cli/main.ts': "export async function run() {\n  return import('../engine/c');\n}\n",
    });
    expect(checkImports(root)).toEqual({ ok: true, text: '9 files, 7 imports: no forbidden arrow, no circle' });
  });
});
