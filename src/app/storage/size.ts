// How many bytes a stored value takes, roughly (IndexedDB does not say): text a byte a character,
// numbers 8, binary data its length, and each object's keys with its values.

/** The approximate size of `v` in bytes, as IndexedDB's structured clone would hold it. */
export function approxBytes(v: unknown): number {
  if (v === null || v === undefined) return 0;
  switch (typeof v) {
    case 'string':
      return v.length;
    case 'number':
    case 'bigint':
      return 8;
    case 'boolean':
      return 1;
    case 'object':
      break;
    default:
      return 0;
  }
  if (v instanceof ArrayBuffer) return v.byteLength;
  if (ArrayBuffer.isView(v)) return v.byteLength;
  if (typeof Blob !== 'undefined' && v instanceof Blob) return v.size;
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + approxBytes(x), 0);
  return Object.entries(v).reduce((n, [k, x]) => n + k.length + approxBytes(x), 0);
}

/** A size in words: "512 B", "12.3 KB", "4.5 MB" (powers of 1024). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
