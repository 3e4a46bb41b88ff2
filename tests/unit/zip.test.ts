// The zip writer and reader: a round trip with deflated and stored entries, text deflated smaller
// than stored, past 65,535 entries (zip64 end records, read by fflate's own unzip too, or a wrapped
// 16-bit count), and every
// kind of damage refused with the entry named: a changed byte (CRC-32), a cut file, an entry over
// the size limits (refused before anything is inflated) and more entries than the limit.

import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readZip, writeZip, ZIP_LIMITS, type ZipEntry } from '../../src/app/ui/zip';

const WHEN = new Date(2025, 0, 1, 12, 0, 0);
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const jsonl = Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: i, prompt: 'is there a red circle ?', chosen: 'yes .', rejected: 'no .' })).join('\n') + '\n';

/** The central directory's entries: name, method, compressed and uncompressed size, and where each record starts. */
function directory(zip: Uint8Array): { path: string; method: number; compressed: number; size: number; at: number }[] {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  const out = [];
  for (let at = v.getUint32(end + 16, true), i = 0; i < v.getUint16(end + 10, true); i++) {
    const nameLen = v.getUint16(at + 28, true);
    out.push({ path: text(zip.subarray(at + 46, at + 46 + nameLen)), method: v.getUint16(at + 10, true), compressed: v.getUint32(at + 20, true), size: v.getUint32(at + 24, true), at });
    at += 46 + nameLen + v.getUint16(at + 30, true) + v.getUint16(at + 32, true);
  }
  return out;
}

async function refusal(zip: Uint8Array, limits = ZIP_LIMITS): Promise<string> {
  try {
    await readZip(zip, limits);
  } catch (e) {
    return (e as Error).message;
  }
  return 'read without complaint';
}

describe('writeZip and readZip', () => {
  const png = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256);
  const entries: ZipEntry[] = [
    { path: 'set/train.jsonl', data: jsonl },
    { path: 'set/images/a.png', data: png, stored: true },
    { path: 'set/README — ünïcode.md', data: '# hello\n' },
    { path: 'set/empty.txt', data: '' },
  ];
  const zip = writeZip(entries, WHEN);

  it('round-trips text and bytes, deflating all but the entry marked stored', async () => {
    const files = await readZip(zip);
    expect([...files.keys()]).toEqual(entries.map((e) => e.path));
    expect(text(files.get('set/train.jsonl'))).toBe(jsonl);
    expect(files.get('set/images/a.png')).toEqual(png);
    expect(text(files.get('set/README — ünïcode.md'))).toBe('# hello\n');
    expect(files.get('set/empty.txt')).toEqual(new Uint8Array(0));
    expect(directory(zip).map((d) => [d.path, d.method])).toEqual([
      ['set/train.jsonl', 8],
      ['set/images/a.png', 0],
      ['set/README — ünïcode.md', 8],
      ['set/empty.txt', 8],
    ]);
  });

  it('deflates a JSONL file to a small part of its stored size', () => {
    const deflated = writeZip([{ path: 'train.jsonl', data: jsonl }], WHEN);
    const stored = writeZip([{ path: 'train.jsonl', data: jsonl, stored: true }], WHEN);
    expect(stored.length).toBeGreaterThan(jsonl.length);
    expect(deflated.length).toBeLessThan(stored.length / 5);
  });

  it('refuses a path given twice', () => {
    expect(() => writeZip([{ path: 'a', data: '1' }, { path: 'a', data: '2' }])).toThrow('the path a is given twice');
  });

  it('refuses a changed byte by its CRC-32, naming the entry', async () => {
    const d = directory(zip).find((e) => e.path === 'set/images/a.png')!;
    const bad = zip.slice();
    const local = new DataView(bad.buffer).getUint32(d.at + 42, true);
    bad[local + 30 + 'set/images/a.png'.length + 100]! ^= 0x01;
    expect(await refusal(bad)).toMatch(/^the zip entry set\/images\/a\.png is damaged: its CRC-32 is [0-9a-f]{8}, not the [0-9a-f]{8} its directory says$/);
    // A byte of a deflated entry: it no longer inflates, or inflates to other bytes; either way named.
    const j = zip.slice();
    j[30 + 'set/train.jsonl'.length + 20]! ^= 0xff;
    expect(await refusal(j)).toMatch(/^the zip entry set\/train\.jsonl (does not inflate|is damaged)/);
  });

  it('refuses a cut file wherever it is cut, and an entry whose data runs past the end', async () => {
    for (let n = 0; n < zip.length; n += 97) expect(await refusal(zip.subarray(0, n)), `cut at ${n}`).not.toBe('read without complaint');
    expect(await refusal(zip.subarray(0, zip.length - 1))).toBe('not a zip archive (no end-of-directory record)');
    // The directory says the stored PNG is longer than what follows its header.
    const d = directory(zip).find((e) => e.path === 'set/images/a.png')!;
    const bad = zip.slice();
    new DataView(bad.buffer).setUint32(d.at + 20, bad.length, true);
    expect(await refusal(bad)).toMatch(/^the zip entry set\/images\/a\.png is cut short: the file ends \d+ bytes before its data does$/);
  });

  it('refuses an entry over the size limit from its directory record, before inflating anything', async () => {
    // 4 GiB uncompressed by the directory: inflating it would need a 4 GiB buffer.
    const d = directory(zip).find((e) => e.path === 'set/train.jsonl')!;
    const huge = zip.slice();
    new DataView(huge.buffer).setUint32(d.at + 24, 0xfffffff0, true);
    expect(await refusal(huge)).toBe('the zip entry set/train.jsonl is 4096.0 MiB uncompressed, over the limit of 256.0 MiB');
    const small = { ...ZIP_LIMITS, entryBytes: 1000 };
    expect(await refusal(zip, small)).toBe(`the zip entry set/train.jsonl is ${(jsonl.length / 1024).toFixed(1)} KiB uncompressed, over the limit of 1000 B`);
    const total = { ...ZIP_LIMITS, totalBytes: jsonl.length + 100 };
    expect(await refusal(zip, total)).toBe(`the archive's entries come to more than ${((jsonl.length + 100) / 1024).toFixed(1)} KiB uncompressed (the limit), passing it at set/images/a.png`);
    expect(await refusal(zip, { ...ZIP_LIMITS, entries: 3 })).toBe('the archive holds 4 entries; at most 3 are read');
  });

  it('writes and reads 70,000 entries, past the 16-bit count, with zip64 end records', async () => {
    const many: ZipEntry[] = Array.from({ length: 70_000 }, (_, i) => ({ path: `f/${i}.txt`, data: String(i), stored: true }));
    const big = writeZip(many, WHEN);
    const v = new DataView(big.buffer, big.byteOffset, big.byteLength);
    const end = big.length - 22;
    expect(v.getUint32(end, true)).toBe(0x06054b50);
    expect(v.getUint16(end + 10, true)).toBe(0xffff);
    expect(v.getUint32(end - 20, true)).toBe(0x07064b50);
    expect(v.getUint32(end - 76, true)).toBe(0x06064b50);
    expect(v.getUint32(end - 76 + 32, true)).toBe(70_000);
    const files = await readZip(big);
    expect(files.size).toBe(70_000);
    expect(text(files.get('f/0.txt'))).toBe('0');
    expect(text(files.get('f/65535.txt'))).toBe('65535');
    expect(text(files.get('f/69999.txt'))).toBe('69999');
    // fflate's own reader follows the zip64 records to the same entries.
    expect(Object.keys(unzipSync(big)).length).toBe(70_000);
    // Without the zip64 records and with the 16-bit count wrapped (70,000 − 65,536), as writers that
    // know no zip64 leave it, the directory is still read to its end.
    const wrapped = new Uint8Array(end - 76 + 22);
    wrapped.set(big.subarray(0, end - 76));
    wrapped.set(big.subarray(end), end - 76);
    new DataView(wrapped.buffer).setUint16(end - 76 + 8, 70_000 - 65_536, true);
    new DataView(wrapped.buffer).setUint16(end - 76 + 10, 70_000 - 65_536, true);
    expect((await readZip(wrapped)).size).toBe(70_000);
    expect(await refusal(wrapped, { ...ZIP_LIMITS, entries: 69_999 })).toBe('the archive holds more than 69999 entries; at most 69999 are read');
  });
});
