// The bounds of a config's numeric knobs, as data, checked in one place: the page shows the
// problems beside its inputs, the command line turns the first into a usage error.

export interface Bound {
  /** Smallest allowed value (included). */
  min?: number;
  /** Largest allowed value (included). */
  max?: number;
  /** The value must be above this (excluded). */
  above?: number;
  /** The value must be below this (excluded). */
  below?: number;
  integer?: boolean;
}

export type Bounds<T> = { [K in keyof T]?: Bound };

export interface ConfigProblem {
  /** The config field, by its engine name. */
  field: string;
  /** What it must be, without its name: "must be a whole number from 1 to 256". */
  message: string;
}

/**
 * What a bound asks for, in words: "must be a whole number from 1 to 256", "must be a number above
 * 0 and at most 0.1"; of several numbers: "must be whole numbers from 1 to 256".
 */
export function describeBound(b: Bound, plural = false): string {
  const kind = plural ? (b.integer ? 'whole numbers' : 'numbers') : b.integer ? 'a whole number' : 'a number';
  const lo = b.min !== undefined ? { word: 'from', v: b.min } : b.above !== undefined ? { word: 'above', v: b.above } : undefined;
  const hi = b.max !== undefined ? { word: 'at most', v: b.max } : b.below !== undefined ? { word: 'below', v: b.below } : undefined;
  if (lo?.word === 'from' && hi?.word === 'at most') return `must be ${kind} from ${lo.v} to ${hi.v}`;
  const parts = [lo && (lo.word === 'from' ? `at least ${lo.v}` : `above ${lo.v}`), hi && `${hi.word} ${hi.v}`].filter(Boolean);
  return `must be ${kind}${parts.length ? ` ${parts.join(' and ')}` : ''}`;
}

/** "a or b", "one of a, b, c". */
export function oneOf(xs: readonly string[]): string {
  return xs.length <= 2 ? xs.join(' or ') : `one of ${xs.join(', ')}`;
}

/** True when v is within the bound. */
export function withinBound(v: unknown, b: Bound): boolean {
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  if (b.integer && !Number.isInteger(v)) return false;
  if (b.min !== undefined && v < b.min) return false;
  if (b.max !== undefined && v > b.max) return false;
  if (b.above !== undefined && !(v > b.above)) return false;
  if (b.below !== undefined && !(v < b.below)) return false;
  return true;
}

/** Every field of `cfg` outside its bound, in the bounds' order; [] when all are fine. */
export function checkBounds<T extends object>(cfg: T, bounds: Bounds<T>): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const [field, b] of Object.entries(bounds) as [string, Bound][]) {
    if (!withinBound((cfg as Record<string, unknown>)[field], b)) out.push({ field, message: describeBound(b) });
  }
  return out;
}
