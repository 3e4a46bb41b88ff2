// The import graph of src/, read as Vite reads it, for scripts/check-imports.mjs: every import and
// export-from statement (`import type` included) and every import() with a literal path in the
// .ts, .mts, .js and .mjs files and in the <script> blocks of the .svelte files; relative (and
// root-absolute) paths resolved as Vite resolves them: the file named, else with .mjs, .js, .mts,
// .ts or .json added (so "./prefs.svelte" is prefs.svelte.ts), else ".js" read as ".ts", else the
// folder's index. Packages are not followed. Then the arrows the layers forbid (docs/design.md,
// section 5) and the import circles: the strongly connected components of more than one file.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** Files whose imports are read. */
export const SOURCE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.svelte'];
/** What Vite tries after a path that names no file (resolve.extensions' default). */
const RESOLVE_EXTENSIONS = ['.mjs', '.js', '.mts', '.ts', '.jsx', '.tsx', '.json'];

/** Each layer and the folders of src it must not import (an arrow from a file under `from` to one under a `to`). */
export const FORBIDDEN = [
  { from: 'src/cli/', to: ['src/app/', 'src/worker/'] },
  { from: 'src/engine/', to: ['src/app/', 'src/worker/'] },
  { from: 'src/worker/', to: ['src/app/'] },
];

// Before these a `/` starts a regular expression, not a division.
const REGEX_AFTER_CHAR = new Set('(,=:[!&|?{};+-*%<>~^'.split(''));
const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

/**
 * The code with comments blanked and every string and template literal replaced by a placeholder
 * `"\0N"` (its value in `strings[N]`; null for a template with `${}`), newlines kept, so
 * statements can be matched without matching the text inside strings and comments.
 */
function maskLiterals(code) {
  const strings = [];
  let out = '';
  let i = 0;
  let last = ''; // the last significant character or word outside literals and comments
  const placeholder = (value, raw) => {
    strings.push(value);
    return `"\0${strings.length - 1}"${'\n'.repeat(raw.split('\n').length - 1)}`;
  };
  while (i < code.length) {
    const c = code[i];
    const next = code[i + 1];
    if (c === '/' && next === '/') {
      const end = code.indexOf('\n', i);
      i = end === -1 ? code.length : end;
    } else if (c === '/' && next === '*') {
      const end = code.indexOf('*/', i + 2);
      const stop = end === -1 ? code.length : end + 2;
      out += code.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let value = '';
      while (j < code.length && code[j] !== c && code[j] !== '\n') {
        if (code[j] === '\\') j++;
        value += code[j] ?? '';
        j++;
      }
      out += placeholder(value, code.slice(i, j + 1));
      i = j + 1;
      last = '"';
    } else if (c === '`') {
      let j = i + 1;
      let depth = 0;
      let plain = true;
      while (j < code.length && !(code[j] === '`' && depth === 0)) {
        if (code[j] === '\\') j++;
        else if (code[j] === '$' && code[j + 1] === '{') {
          plain = false;
          depth++;
          j++;
        } else if (code[j] === '}' && depth > 0) depth--;
        j++;
      }
      const raw = code.slice(i, j + 1);
      out += placeholder(plain ? raw.slice(1, -1) : null, raw);
      i = j + 1;
      last = '"';
    } else if (c === '/' && (last === '' || REGEX_AFTER_CHAR.has(last) || REGEX_AFTER_WORD.has(last))) {
      let j = i + 1;
      let inClass = false;
      while (j < code.length && code[j] !== '\n' && (inClass || code[j] !== '/')) {
        if (code[j] === '\\') j++;
        else if (code[j] === '[') inClass = true;
        else if (code[j] === ']') inClass = false;
        j++;
      }
      out += ' '.repeat(j + 1 - i);
      i = j + 1;
      last = ')';
    } else if (/[\w$]/.test(c)) {
      const word = /^[\w$]+/.exec(code.slice(i, i + 64))[0];
      out += word;
      i += word.length;
      last = word;
    } else {
      out += c;
      if (!/\s/.test(c)) last = c;
      i++;
    }
  }
  return { masked: out, strings };
}

/** The code of a .svelte file's <script> blocks, at their own lines (the rest blanked). */
function svelteScripts(text) {
  let code = '';
  let at = 0;
  for (const m of text.matchAll(/(<script\b[^>]*>)([\s\S]*?)<\/script>/g)) {
    const before = text.slice(at, m.index + m[1].length);
    code += before.replace(/[^\n]/g, ' ') + m[2];
    at = m.index + m[1].length + m[2].length;
  }
  return code + text.slice(at).replace(/[^\n]/g, ' ');
}

/**
 * The imports of one file's text: { specifier, line, typeOnly, dynamic } for each import or
 * export-from statement and each import() with a literal path, in order.
 */
export function readImports(text, { svelte = false } = {}) {
  const { masked, strings } = maskLiterals(svelte ? svelteScripts(text) : text);
  const found = [];
  const lineAt = (index) => masked.slice(0, index).split('\n').length;
  const add = (index, n, typeOnly, dynamic) => {
    const specifier = strings[Number(n)];
    if (typeof specifier === 'string') found.push({ specifier, line: lineAt(index), typeOnly, dynamic });
  };
  // import x from "…", import { a, type b } from "…", import type … from "…", import "…", export … from "…".
  const STATIC = /(?<![\w$.])(import|export)(\s+type(?=[\s{*]))?\s*(?:([^"();]*?)\bfrom\s*)?"\0(\d+)"/g;
  for (const m of masked.matchAll(STATIC)) {
    const names = m[3] ?? '';
    if (m[1] === 'export' && !/^\s*(\*|\{)/.test(names)) continue; // export const … = "…"
    if (m[1] === 'export' && m[3] === undefined) continue;
    const braces = /^\s*\{([^}]*)\}\s*$/.exec(names);
    const allTypes = braces !== null && braces[1].trim() !== '' && braces[1].split(',').every((s) => s.trim() === '' || /^type\s/.test(s.trim()));
    add(m.index, m[4], Boolean(m[2]) || allTypes, false);
  }
  // import("…"), typeof import("…") in a type.
  for (const m of masked.matchAll(/(typeof\s+)?(?<![\w$.])import\s*\(\s*"\0(\d+)"\s*[,)]/g)) add(m.index + (m[1]?.length ?? 0), m[2], Boolean(m[1]), true);
  return found.sort((a, b) => a.line - b.line);
}

/** The file a relative or root-absolute specifier names, as Vite resolves it, or null (a package, or nothing there). */
export function resolveImport(root, importer, specifier) {
  const path = specifier.replace(/[?#].*$/, '');
  let base;
  if (path.startsWith('./') || path.startsWith('../') || path === '.' || path === '..') base = join(dirname(importer), path);
  else if (path.startsWith('/')) base = join(root, path);
  else return null;
  const isFile = (p) => existsSync(p) && statSync(p).isFile();
  if (isFile(base)) return base;
  for (const ext of RESOLVE_EXTENSIONS) if (isFile(base + ext)) return base + ext;
  const ts = base.replace(/\.(m?)js$/, '.$1ts');
  if (ts !== base && isFile(ts)) return ts;
  for (const ext of RESOLVE_EXTENSIONS) if (isFile(join(base, `index${ext}`))) return join(base, `index${ext}`);
  return undefined;
}

/** Every source file under `dir` (absolute paths, sorted). */
function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(p));
    else if (SOURCE_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) out.push(p);
  }
  return out.sort();
}

const posix = (p) => p.split(sep).join('/');

/**
 * The import graph of `root`/src: `files` (paths relative to root, with "/"), `edges` (from, to,
 * line, typeOnly, dynamic; to one of `files` or another file of the repository) and `unresolved`
 * (from, line, specifier: a relative path that names no file).
 */
export function importGraph(root) {
  const files = sourceFiles(join(root, 'src'));
  const edges = [];
  const unresolved = [];
  for (const file of files) {
    const from = posix(relative(root, file));
    for (const imp of readImports(readFileSync(file, 'utf8'), { svelte: file.endsWith('.svelte') })) {
      const target = resolveImport(root, file, imp.specifier);
      if (target === null) continue;
      if (target === undefined) unresolved.push({ from, line: imp.line, specifier: imp.specifier });
      else edges.push({ from, to: posix(relative(root, target)), line: imp.line, typeOnly: imp.typeOnly, dynamic: imp.dynamic });
    }
  }
  return { files: files.map((f) => posix(relative(root, f))), edges, unresolved };
}

/** The edges the layers forbid (FORBIDDEN), in the graph's order. */
export function forbiddenArrows(graph, rules = FORBIDDEN) {
  return graph.edges.filter((e) => rules.some((r) => e.from.startsWith(r.from) && r.to.some((t) => e.to.startsWith(t))));
}

/** The strongly connected components of more than one file (Tarjan's algorithm), each sorted, largest first, then by first file. */
export function stronglyConnected(graph) {
  const next = new Map(graph.files.map((f) => [f, []]));
  for (const e of graph.edges) if (next.has(e.to)) next.get(e.from).push(e.to);
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const components = [];
  let counter = 0;
  for (const start of graph.files) {
    if (index.has(start)) continue;
    // Iterative depth-first search: each frame is a file and the position in its list of next files.
    const frames = [[start, 0]];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (frames.length) {
      const frame = frames[frames.length - 1];
      const [v, k] = frame;
      const targets = next.get(v);
      if (k < targets.length) {
        frame[1]++;
        const w = targets[k];
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          frames.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
        continue;
      }
      frames.pop();
      if (frames.length) {
        const parent = frames[frames.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(v)));
      }
      if (low.get(v) === index.get(v)) {
        const component = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1) components.push(component.sort());
      }
    }
  }
  return components.sort((a, b) => b.length - a.length || (a[0] < b[0] ? -1 : 1));
}

/** The arrows inside a component, one per pair of files (of types alone only when every import between them is), each file's sorted by target. */
function arrowsInside(graph, component) {
  const inside = new Set(component);
  const out = new Map(component.map((f) => [f, new Map()]));
  for (const e of graph.edges) {
    if (!inside.has(e.from) || !inside.has(e.to)) continue;
    const seen = out.get(e.from).get(e.to);
    if (!seen || (seen.typeOnly && !e.typeOnly)) out.get(e.from).set(e.to, e);
  }
  return new Map([...out].map(([f, m]) => [f, [...m.values()].sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0))]));
}

/**
 * A shortest circle inside a component through its hub (the file most of the others import, the
 * first by name of those): the arrows from the hub back to it, in order.
 */
export function shortestCircle(graph, component) {
  const out = arrowsInside(graph, component);
  const importers = new Map(component.map((f) => [f, 0]));
  for (const list of out.values()) for (const e of list) importers.set(e.to, importers.get(e.to) + 1);
  const start = component.reduce((best, f) => (importers.get(f) > importers.get(best) ? f : best));
  const via = new Map(); // file → the arrow it was first reached by
  const queue = [start];
  for (let q = 0; q < queue.length; q++) {
    for (const e of out.get(queue[q])) {
      if (e.to === start) {
        const path = [e];
        for (let f = e.from; f !== start; f = via.get(f).from) path.unshift(via.get(f));
        return path;
      }
      if (!via.has(e.to)) {
        via.set(e.to, e);
        queue.push(e.to);
      }
    }
  }
  return [];
}

/** One edge as the report writes it: the importer's line, then the arrow (marked when the import is of types alone). */
const arrow = (e) => `:${e.line} ${e.typeOnly ? '→ (types) ' : '→ '}`;

/** The report on `root`/src: the text to print and whether the graph is clean. */
export function checkImports(root) {
  const graph = importGraph(root);
  const lines = [];
  const bad = forbiddenArrows(graph);
  if (bad.length) {
    lines.push(`${bad.length} forbidden ${bad.length === 1 ? 'arrow' : 'arrows'} (docs/design.md, section 5):`);
    for (const e of bad) lines.push(`  ${e.from}${arrow(e)}${e.to}`);
  }
  if (graph.unresolved.length) {
    lines.push(`${graph.unresolved.length} ${graph.unresolved.length === 1 ? 'import names' : 'imports name'} no file:`);
    for (const u of graph.unresolved) lines.push(`  ${u.from}:${u.line} "${u.specifier}"`);
  }
  const circles = stronglyConnected(graph);
  if (circles.length) {
    lines.push(`${circles.length} import ${circles.length === 1 ? 'circle' : 'circles'}:`);
    for (const c of circles) {
      const path = shortestCircle(graph, c);
      lines.push(`  ${c.length} files, through ${path[0].from}:`);
      lines.push(`    ${path.map((e) => `${e.from}${arrow(e)}`).join('')}${path[0].from}`);
      const rest = c.filter((f) => !path.some((e) => e.from === f));
      if (rest.length) lines.push(`    and ${rest.join(', ')}`);
    }
  }
  const ok = lines.length === 0;
  if (ok) lines.push(`${graph.files.length} files, ${graph.edges.length} imports: no forbidden arrow, no circle`);
  return { ok, text: lines.join('\n') };
}
