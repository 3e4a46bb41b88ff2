// A small, strict flag parser for the CLI: every flag is declared with its type and help,
// and anything unknown or malformed is an error that names the flag.

export interface FlagSpec {
  type: 'string' | 'number' | 'boolean';
  help: string;
  default?: string | number | boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  flags: Record<string, FlagSpec>;
}

export type Flags = Record<string, string | number | boolean | undefined>;

export class UsageError extends Error {}

/** Parses `--name value` / `--name=value` / `--flag` into typed values; throws UsageError. */
export function parseFlags(spec: CommandSpec, argv: readonly string[]): Flags {
  const out: Flags = {};
  for (const [k, f] of Object.entries(spec.flags)) if (f.default !== undefined) out[k] = f.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new UsageError(`${spec.name}: unexpected argument "${arg}" (flags start with --; see \`${spec.name} --help\`)`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const f = spec.flags[name];
    if (!f) throw new UsageError(`${spec.name}: unknown flag --${name} (see \`${spec.name} --help\`)`);
    if (f.type === 'boolean') {
      if (eq !== -1) throw new UsageError(`${spec.name}: --${name} takes no value`);
      out[name] = true;
      continue;
    }
    const raw = eq !== -1 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined || (eq === -1 && raw.startsWith('--'))) throw new UsageError(`${spec.name}: --${name} needs a value`);
    if (f.type === 'number') {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${spec.name}: --${name} must be a number, got "${raw}"`);
      out[name] = n;
    } else out[name] = raw;
  }
  return out;
}

/** Returns the help text of a command. */
export function helpText(spec: CommandSpec): string {
  const lines = [`${spec.summary}`, '', `usage: npm run cli -- ${spec.usage}`, ''];
  const width = Math.max(...Object.keys(spec.flags).map((k) => k.length), 4) + 2;
  for (const [k, f] of Object.entries(spec.flags)) {
    const arg = f.type === 'boolean' ? '' : f.type === 'number' ? ' N' : ' X';
    const def = f.default !== undefined ? ` (default ${String(f.default)})` : '';
    lines.push(`  --${(k + arg).padEnd(width + 2)} ${f.help}${def}`);
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
