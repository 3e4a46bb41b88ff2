// The command line's one convention for flags: each command declares its flags (type, help,
// default, and what a value must be), node:util's parseArgs reads them, and this file checks
// required flags, allowed values and number bounds in one place, naming the flag at fault.
// Shared flags (--policy, --json, --backend, --quiet, --in, --out) are declared once below.

import { parseArgs } from 'node:util';
import { describeBound, oneOf, withinBound, type Bound } from '../engine/train/bounds';

export interface FlagSpec {
  type: 'string' | 'number' | 'boolean';
  help: string;
  default?: string | number | boolean;
  /** The command cannot run without it. */
  required?: boolean;
  /** The values a string flag may take. */
  choices?: readonly string[];
  /** What a number flag must be (whole, at least, at most…). */
  bound?: Bound;
  /** Older spellings still accepted (without the leading --). */
  aliases?: readonly string[];
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  flags: Record<string, FlagSpec>;
}

export type Flags = Record<string, string | number | boolean | undefined>;

export class UsageError extends Error {}

/** The default policy wherever one is optional. */
export const DEFAULT_POLICY = 'models/sft';

/** Flags that mean the same in every command that takes them. */
export const COMMON_FLAGS = {
  json: { type: 'boolean', help: 'print only JSON on stdout (one object, or one per line for line-by-line output); notes go to stderr' },
  quiet: { type: 'boolean', help: 'print nothing on stderr but errors' },
  backend: { type: 'string', help: 'TensorFlow.js backend', default: 'wasm', choices: ['wasm', 'cpu', 'webgpu', 'webgl'] },
  policy: { type: 'string', help: 'policy checkpoint directory (model.json + weights.bin)', default: DEFAULT_POLICY },
} as const satisfies Record<string, FlagSpec>;

/**
 * Parses argv against the spec: `--name value`, `--name=value`, `--flag`. Applies defaults,
 * reads numbers, checks required flags, choices and bounds. Throws a UsageError naming the flag.
 */
export function parseFlags(spec: CommandSpec, argv: readonly string[]): Flags {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  const canonical = new Map<string, string>();
  for (const [name, f] of Object.entries(spec.flags)) {
    for (const n of [name, ...(f.aliases ?? [])]) {
      options[n] = { type: f.type === 'boolean' ? 'boolean' : 'string' };
      canonical.set(n, name);
    }
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    throw new UsageError(`${spec.name}: ${parseError(e as Error & { code?: string })} (see \`${spec.name} --help\`)`);
  }
  const out: Flags = {};
  for (const [k, f] of Object.entries(spec.flags)) if (f.default !== undefined) out[k] = f.default;
  for (const [given, raw] of Object.entries(values)) {
    const name = canonical.get(given) as string;
    const f = spec.flags[name] as FlagSpec;
    if (raw === undefined) continue;
    if (f.type === 'number') {
      const n = Number(raw);
      if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${spec.name}: --${name} must be a number, got "${String(raw)}"`);
      out[name] = n;
    } else out[name] = raw;
  }
  for (const [name, f] of Object.entries(spec.flags)) {
    const v = out[name];
    if (v === undefined) {
      if (f.required) throw new UsageError(`${spec.name}: --${name} is required (${f.help})`);
      continue;
    }
    if (f.choices && !f.choices.includes(String(v))) throw new UsageError(`${spec.name}: --${name} must be ${oneOf(f.choices)}, got "${String(v)}"`);
    if (f.bound && !withinBound(v, f.bound)) throw new UsageError(`${spec.name}: --${name} ${describeBound(f.bound)}, got ${String(v)}`);
  }
  return out;
}

/** parseArgs' errors in this command line's words. */
function parseError(e: Error & { code?: string }): string {
  const flag = /'(-{1,2}[^' <]+)/.exec(e.message)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${flag ?? e.message}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(e.message)?.[0] ?? ''} (flags start with --)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take an argument/.test(e.message) ? `${flag} takes no value` : `${flag} needs a value`;
    default:
      return e.message;
  }
}

/** Returns the help text of a command. */
export function helpText(spec: CommandSpec): string {
  const lines = [`${spec.summary}`, '', `usage: npm run cli -- ${spec.usage}`, ''];
  const width = Math.max(...Object.keys(spec.flags).map((k) => k.length), 4) + 2;
  for (const [k, f] of Object.entries(spec.flags)) {
    const arg = f.type === 'boolean' ? '' : f.type === 'number' ? ' N' : ' X';
    const notes = [
      f.required ? 'required' : '',
      f.choices ? oneOf(f.choices) : '',
      f.default !== undefined ? `default ${String(f.default)}` : '',
      f.aliases?.length ? `also --${f.aliases.join(', --')}` : '',
    ].filter(Boolean);
    lines.push(`  --${(k + arg).padEnd(width + 2)} ${f.help}${notes.length ? ` (${notes.join('; ')})` : ''}`);
  }
  lines.push(`  --${'help'.padEnd(width + 2)} show this help`);
  return lines.join('\n');
}

/** Reads a number flag as a non-negative integer, or throws a UsageError naming it. */
export function intFlag(flags: Flags, name: string, cmd: string): number {
  const v = flags[name];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new UsageError(`${cmd}: --${name} must be a whole number ≥ 0`);
  return v;
}

/** A logger for notes on stderr that --quiet silences. */
export function notes(flags: Flags): (line: string) => void {
  return flags.quiet ? () => {} : (line: string) => console.error(line);
}
