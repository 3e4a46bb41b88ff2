// The PNG writer, checked byte by byte and against Node's own zlib (CRC-32, inflate, Adler-32).

import { crc32 as zlibCrc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { adler32, crc32, encodePng } from '../../src/engine/world/png';
import { renderScene, type RgbImage } from '../../src/engine/world/render';
import { Rng } from '../../src/engine/world/rng';

interface Chunk {
  type: string;
  data: Uint8Array;
  crc: number;
}

/** Splits a PNG after its signature into chunks, without checking anything. */
function chunks(png: Uint8Array): Chunk[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: Chunk[] = [];
  for (let o = 8; o < png.length; ) {
    const len = view.getUint32(o);
    out.push({
      type: String.fromCharCode(...png.subarray(o + 4, o + 8)),
      data: png.subarray(o + 8, o + 8 + len),
      crc: view.getUint32(o + 8 + len),
    });
    o += 12 + len;
  }
  return out;
}

/** Returns the rows of an image each prefixed by filter byte 0: what IDAT must inflate to. */
function filteredRows(img: RgbImage): Uint8Array {
  const out = new Uint8Array(img.height * (1 + img.width * 3));
  for (let y = 0; y < img.height; y++) {
    out.set(img.data.subarray(y * img.width * 3, (y + 1) * img.width * 3), y * (1 + img.width * 3) + 1);
  }
  return out;
}

function randomImage(width: number, height: number, seed: number): RgbImage {
  const rng = new Rng(seed);
  return { width, height, data: Uint8ClampedArray.from({ length: width * height * 3 }, () => rng.int(256)) };
}

function checkPng(img: RgbImage): void {
  const png = encodePng(img);
  expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const cs = chunks(png);
  expect(cs.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
  for (const c of cs) {
    const typed = new Uint8Array(4 + c.data.length);
    typed.set(Buffer.from(c.type, 'latin1'));
    typed.set(c.data, 4);
    expect(c.crc, `${c.type} CRC`).toBe(zlibCrc32(typed));
  }
  const ihdr = new DataView(cs[0]!.data.buffer, cs[0]!.data.byteOffset, 13);
  expect(cs[0]!.data.length).toBe(13);
  expect(ihdr.getUint32(0)).toBe(img.width);
  expect(ihdr.getUint32(4)).toBe(img.height);
  expect(Array.from(cs[0]!.data.subarray(8))).toEqual([8, 2, 0, 0, 0]); // depth 8, RGB, deflate, filter 0, no interlace
  expect(cs[2]!.data.length).toBe(0);

  const z = cs[1]!.data;
  expect([z[0], z[1]]).toEqual([0x78, 0x01]);
  // Walk the stored blocks by hand: header byte, LEN, NLEN = ~LEN, LEN bytes; last one final.
  const raw = filteredRows(img);
  const view = new DataView(z.buffer, z.byteOffset, z.byteLength);
  let o = 2, seen = 0, final = false;
  while (!final) {
    expect(z[o]! & 0b110, 'BTYPE 00 (stored)').toBe(0);
    final = (z[o]! & 1) === 1;
    const len = view.getUint16(o + 1, true);
    expect(view.getUint16(o + 3, true)).toBe(len ^ 0xffff);
    expect(len).toBeLessThanOrEqual(65535);
    if (!final) expect(len).toBe(65535);
    seen += len;
    o += 5 + len;
  }
  expect(seen).toBe(raw.length);
  expect(view.getUint32(o)).toBe(adler32(raw));
  expect(o + 4).toBe(z.length);
  // Node's inflate checks the Adler-32 trailer itself and throws when it is wrong.
  expect(Buffer.from(inflateSync(z)).equals(Buffer.from(raw))).toBe(true);
}

describe('crc32 and adler32', () => {
  it('give the published check values', () => {
    const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(ascii('IEND'))).toBe(0xae426082);
    expect(adler32(ascii('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(new Uint8Array(0))).toBe(1);
  });

  it('agree with zlib and a one-byte-at-a-time Adler-32 on long input', () => {
    const bytes = Uint8Array.from(randomImage(200, 100, 5).data); // 60,000 bytes
    bytes.fill(255, 0, 20000); // long runs of 255 push the sums the hardest
    expect(crc32(bytes)).toBe(zlibCrc32(bytes));
    let a = 1, b = 0;
    for (const x of bytes) {
      a = (a + x) % 65521;
      b = (b + a) % 65521;
    }
    expect(adler32(bytes)).toBe(((b << 16) | a) >>> 0);
  });
});

describe('encodePng', () => {
  it('writes a rendered 48×48 scene', () => {
    checkPng(renderScene({ background: 'day', seed: 1, objects: [{ shape: 'circle', color: 'red', size: 'large', row: 0, col: 0 }] }));
  });

  it('writes a 1×1 image and ends with the standard IEND chunk', () => {
    const img: RgbImage = { width: 1, height: 1, data: Uint8ClampedArray.from([1, 2, 3]) };
    checkPng(img);
    expect(Array.from(encodePng(img).slice(-12))).toEqual([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
  });

  it('splits large images into stored blocks of at most 65535 bytes', () => {
    checkPng(randomImage(150, 300, 9)); // 300 rows × 451 bytes = 135,300: three blocks
    checkPng(randomImage(1, 21845, 2)); // 21845 × 4 = 87,380 bytes: two blocks
  });

  it('writes a non-square image with width and height the right way round', () => {
    checkPng(randomImage(7, 3, 1));
  });

  it('rejects an image whose data does not match its size', () => {
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8ClampedArray(11) })).toThrow(RangeError);
    expect(() => encodePng({ width: 0, height: 0, data: new Uint8ClampedArray(0) })).toThrow(RangeError);
  });
});
