// Zip archives for the TRL-style preference set and a PPO run's bundle, by fflate. Writing
// deflates every entry unless it is marked stored; past 65,535 entries the archive ends with
// zip64 end records (fflate writes only the 16-bit counts). Reading walks the central directory
// itself, checks every entry's size against limits before inflating anything, checks each
// entry's CRC-32 after, and names the entry at fault (fflate's own unzip checks no CRC-32 and
// allocates whatever size the directory declares).

import { inflateSync, zipSync, type Zippable } from 'fflate';
import { crc32 } from '../../engine/world/png';

export interface ZipEntry {
  path: string;
  data: string | Uint8Array;
  /** Keep the bytes as they are (method 0) rather than deflate them: for data already compressed. */
  stored?: boolean;
}

/** How much an archive may hold before reading it is refused. */
export interface ZipLimits {
  /** Entries in the central directory, folders included. */
  entries: number;
  /** Uncompressed bytes of one entry. */
  entryBytes: number;
  /** Uncompressed bytes of all entries together. */
  totalBytes: number;
}

export const ZIP_LIMITS: ZipLimits = { entries: 200_000, entryBytes: 256 * 2 ** 20, totalBytes: 512 * 2 ** 20 };

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const END64 = 0x06064b50;
const END64_LOCATOR = 0x07064b50;
/** What a 16- or 32-bit field of the classic records holds when the zip64 records have the value. */
const U16_FULL = 0xffff;
const U32_FULL = 0xffffffff;

/** "12.0 MiB", "512 B": a size for a message. */
function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 2 ** 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * Returns a zip archive of the entries (deflated, but for those marked stored); changes nothing.
 * Throws on a path given twice and on more entries than ZIP_LIMITS.entries, which readZip refuses.
 */
export function writeZip(entries: readonly ZipEntry[], when = new Date()): Uint8Array {
  if (entries.length > ZIP_LIMITS.entries) {
    throw new RangeError(`writeZip: ${entries.length} entries, over the ${ZIP_LIMITS.entries} an archive may hold to be read back`);
  }
  const enc = new TextEncoder();
  const files: Zippable = {};
  for (const e of entries) {
    if (Object.hasOwn(files, e.path)) throw new Error(`writeZip: the path ${e.path} is given twice`);
    const data = typeof e.data === 'string' ? enc.encode(e.data) : e.data;
    files[e.path] = [data, { level: e.stored ? 0 : 6, mtime: when }];
  }
  const zip = zipSync(files);
  return entries.length > U16_FULL ? withZip64End(zip, entries.length) : zip;
}

/**
 * Returns fflate's archive with its end record rewritten for `count` entries: a zip64 end record
 * and its locator carry the count, and the classic record's counts say 0xFFFF (APPNOTE 4.4.1.4).
 */
function withZip64End(zip: Uint8Array, count: number): Uint8Array {
  const end = zip.length - 22; // fflate writes no archive comment
  const src = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const cdOffset = src.getUint32(end + 16, true);
  const cdSize = end - cdOffset;
  const out = new Uint8Array(end + 56 + 20 + 22);
  out.set(zip.subarray(0, end));
  const v = new DataView(out.buffer);
  const u64 = (at: number, n: number) => {
    v.setUint32(at, n % 2 ** 32, true);
    v.setUint32(at + 4, Math.floor(n / 2 ** 32), true);
  };
  // The zip64 end of central directory record.
  v.setUint32(end, END64, true);
  u64(end + 4, 44); // the size of the rest of this record
  v.setUint16(end + 12, 45, true); // made by: 4.5 (zip64)
  v.setUint16(end + 14, 45, true); // needed to extract: 4.5
  // disk numbers at +16 and +20 stay 0
  u64(end + 24, count);
  u64(end + 32, count);
  u64(end + 40, cdSize);
  u64(end + 48, cdOffset);
  // Its locator.
  const loc = end + 56;
  v.setUint32(loc, END64_LOCATOR, true);
  u64(loc + 8, end);
  v.setUint32(loc + 16, 1, true); // one disk in all
  // The classic end record, its counts full.
  const fin = loc + 20;
  v.setUint32(fin, END, true);
  v.setUint16(fin + 8, U16_FULL, true);
  v.setUint16(fin + 10, U16_FULL, true);
  v.setUint32(fin + 12, cdSize, true);
  v.setUint32(fin + 16, cdOffset, true);
  return out;
}

/** One entry of the central directory, as it is read before anything is inflated. */
interface DirEntry {
  path: string;
  method: number;
  flags: number;
  crc: number;
  compressed: number;
  size: number;
  local: number;
}

/**
 * Reads a zip archive into its files by path (folders left out); changes nothing. Throws, naming
 * the entry, on a damaged directory, an entry over `limits`, a cut-short file, an entry that does
 * not inflate, a CRC-32 that does not match, encryption, or a method other than stored or deflate.
 */
export async function readZip(zip: Uint8Array, limits: ZipLimits = ZIP_LIMITS): Promise<Map<string, Uint8Array>> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const u64 = (at: number) => view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === END) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip archive (no end-of-directory record)');
  let count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  let zip64 = false;
  if (end >= 20 && view.getUint32(end - 20, true) === END64_LOCATOR) {
    const end64 = u64(end - 12);
    if (end64 + 56 > end || view.getUint32(end64, true) !== END64) throw new Error('the zip directory is damaged (its zip64 end record is missing)');
    count = u64(end64 + 32);
    at = u64(end64 + 48);
    zip64 = true;
  }
  if (count > limits.entries) throw new Error(`the archive holds ${count} entries; at most ${limits.entries} are read`);

  const dec = new TextDecoder();
  const dir: DirEntry[] = [];
  let total = 0;
  // Without zip64 records, the directory is read to its end rather than to its 16-bit count:
  // writers that knew no zip64 (this project's earlier builds among them) let it wrap past 65,535.
  let n = 0;
  for (; n < count || (!zip64 && at + 4 <= zip.length && view.getUint32(at, true) === CENTRAL); n++) {
    if (n >= limits.entries) throw new Error(`the archive holds more than ${limits.entries} entries; at most ${limits.entries} are read`);
    if (at + 46 > zip.length || view.getUint32(at, true) !== CENTRAL) throw new Error(`the zip directory is damaged (at entry ${n + 1} of ${count})`);
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    if (at + 46 + nameLen + extraLen > zip.length) throw new Error(`the zip directory is damaged (at entry ${n + 1} of ${count})`);
    const e: DirEntry = {
      path: dec.decode(zip.subarray(at + 46, at + 46 + nameLen)),
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      compressed: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      local: view.getUint32(at + 42, true),
    };
    // A zip64 extra field (id 1) holds, in this order, whichever of the three sizes are full.
    for (let x = at + 46 + nameLen; x + 4 <= at + 46 + nameLen + extraLen; x += 4 + view.getUint16(x + 2, true)) {
      if (view.getUint16(x, true) !== 1) continue;
      let f = x + 4;
      for (const key of ['size', 'compressed', 'local'] as const) {
        if (e[key] !== U32_FULL || f + 8 > x + 4 + view.getUint16(x + 2, true)) continue;
        e[key] = u64(f);
        f += 8;
      }
    }
    at += 46 + nameLen + extraLen + view.getUint16(at + 32, true);
    if (e.path.endsWith('/')) continue;
    if (e.size > limits.entryBytes) throw new Error(`the zip entry ${e.path} is ${bytes(e.size)} uncompressed, over the limit of ${bytes(limits.entryBytes)}`);
    total += e.size;
    if (total > limits.totalBytes) throw new Error(`the archive's entries come to more than ${bytes(limits.totalBytes)} uncompressed (the limit), passing it at ${e.path}`);
    dir.push(e);
  }

  if (n % 65536 !== count % 65536) throw new Error(`the zip directory is damaged (it lists ${n} entries; its end record says ${count})`);

  const files = new Map<string, Uint8Array>();
  for (const e of dir) files.set(e.path, readEntry(zip, view, e));
  return files;
}

/** The bytes of one entry, inflated and checked against its CRC-32. */
function readEntry(zip: Uint8Array, view: DataView, e: DirEntry): Uint8Array {
  if (e.flags & 1) throw new Error(`the zip entry ${e.path} is encrypted`);
  if (e.method !== 0 && e.method !== 8) throw new Error(`the zip entry ${e.path} uses compression method ${e.method}; only stored and deflate are read`);
  if (e.local + 30 > zip.length || view.getUint32(e.local, true) !== LOCAL) throw new Error(`the zip entry ${e.path} is damaged (no local header at byte ${e.local})`);
  const start = e.local + 30 + view.getUint16(e.local + 26, true) + view.getUint16(e.local + 28, true);
  if (start + e.compressed > zip.length) throw new Error(`the zip entry ${e.path} is cut short: the file ends ${start + e.compressed - zip.length} bytes before its data does`);
  const raw = zip.subarray(start, start + e.compressed);
  let data: Uint8Array;
  if (e.method === 0) {
    if (e.compressed !== e.size) throw new Error(`the zip entry ${e.path} is damaged (stored, yet ${e.compressed} bytes long for ${e.size} of content)`);
    data = raw;
  } else {
    try {
      // Into a buffer of the size the directory gives: inflating never grows past it.
      data = inflateSync(raw, { out: new Uint8Array(e.size) });
    } catch (err) {
      throw new Error(`the zip entry ${e.path} does not inflate (${(err as Error).message})`, { cause: err });
    }
    if (data.length !== e.size) throw new Error(`the zip entry ${e.path} is damaged: it inflates to ${data.length} bytes, not the ${e.size} its directory says`);
  }
  const crc = crc32(data);
  if (crc !== e.crc) throw new Error(`the zip entry ${e.path} is damaged: its CRC-32 is ${hex(crc)}, not the ${hex(e.crc)} its directory says`);
  return data;
}

const hex = (n: number) => n.toString(16).padStart(8, '0');
