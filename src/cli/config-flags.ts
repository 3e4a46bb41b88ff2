// A config's flags, from its table (engine/train/fields.ts): one per field, --kl-coef for klCoef,
// with the field's bounds or options and its tooltip as help; a yes/no field as `--x true|false`
// (or as a bare switch); and back from the flags given to the config's fields, and from the
// config's problems to a usage error naming the flag.

import { UsageError, type FlagSpec, type Flags } from './args';
import type { ConfigProblem } from '../engine/train/bounds';
import type { Field } from '../engine/train/fields';

/** klCoef → kl-coef. */
export const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Which fields of a table a command takes as flags, and how. */
export interface ConfigFlagOptions<K extends string> {
  /** The fields that get a flag (default: every number, choice and yes/no field). */
  only?: readonly K[];
  /** Fields that get none. */
  except?: readonly K[];
  /** Put before each flag's name: "dpo-" gives --dpo-beta. */
  prefix?: string;
  /** A flag's name where the command keeps one other than the field's in kebab case. */
  names?: Partial<Record<K, string>>;
  /** Older spellings a flag still accepts. */
  aliases?: Partial<Record<K, readonly string[]>>;
  /** Yes/no fields given as a bare switch (--retrain-sft) instead of `true|false`. */
  switches?: readonly K[];
  /** Give each flag the table's default (else it is unset unless given: a preset decides). */
  defaults?: boolean;
  /** The help, from the field (default: its tooltip). */
  help?: (field: Field<K>) => string;
}

/** train-rm's older spellings of the knobs a reward model's and a DPO job's configs share. */
export const PAIR_FLAG_ALIASES = { batchPairs: ['batch'], heldOutShare: ['held-out'], probeItems: ['probe-n'] } as const;

type Fields<K extends string> = { readonly [P in K]: Field<P> };

/** A field's flag, without the leading --. */
export function flagName<K extends string>(field: K, opts: ConfigFlagOptions<K> = {}): string {
  return `${opts.prefix ?? ''}${opts.names?.[field] ?? kebab(field)}`;
}

function flagged<K extends string>(fields: Fields<K>, opts: ConfigFlagOptions<K>): Field<K>[] {
  return (Object.values(fields) as Field<K>[]).filter((f) => (opts.only ? opts.only.includes(f.name) : f.kind !== 'list' && f.kind !== 'value') && !opts.except?.includes(f.name));
}

/** The flags of a table's fields. */
export function configFlags<K extends string>(fields: Fields<K>, opts: ConfigFlagOptions<K> = {}): Record<string, FlagSpec> {
  return Object.fromEntries(flagged(fields, opts).map((f) => {
    const help = opts.help ? opts.help(f) : f.tooltip;
    const spec: FlagSpec =
      f.kind === 'number' ? { type: 'number', help, ...(f.bound ? { bound: f.bound } : {}) }
        : f.kind === 'flag' ? (opts.switches?.includes(f.name) ? { type: 'boolean', help } : { type: 'string', help, choices: ['true', 'false'] })
          : { type: 'string', help, ...(f.choices ? { choices: f.choices } : {}) };
    if (opts.defaults && f.default !== undefined && spec.type !== 'boolean') spec.default = f.kind === 'flag' ? String(f.default) : (f.default as string | number);
    const aliases = opts.aliases?.[f.name];
    if (aliases) spec.aliases = aliases;
    return [flagName(f.name, opts), spec];
  }));
}

/** The fields the flags give, as the config's values (only those given; every one with `defaults`). parseFlags has checked their types. */
export function valuesFromFlags<C extends Record<string, unknown>>(fields: { readonly [P in keyof C & string]: Field<P, C[P]> }, flags: Flags, opts: ConfigFlagOptions<keyof C & string> = {}): Partial<C> {
  const out: Record<string, unknown> = {};
  for (const f of flagged<keyof C & string>(fields, opts)) {
    const v = flags[flagName(f.name, opts)];
    if (v === undefined) continue;
    out[f.name] = f.kind === 'flag' ? v === true || v === 'true' : v;
  }
  return out as Partial<C>;
}

/** A usage error naming the flag of the first problem ("ppo: --kl-coef must be a number from 0 to 10"), or null when there is none. */
export function flagProblem<K extends string>(command: string, problems: readonly ConfigProblem[], opts: ConfigFlagOptions<K> = {}): UsageError | null {
  const p = problems[0];
  return p ? new UsageError(`${command}: --${flagName(p.field as K, opts)} ${p.message}`) : null;
}
