// The PNG writer, checked byte by byte and against Node's own zlib (CRC-32, inflate, Adler-32);
// the reader, on the writer's files and on the same pixels as other tools write them (every filter
// type, zlib levels, RGBA, grey), and on what it must refuse, each by what is wrong.

import { crc32 as zlibCrc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { adler32, crc32, decodePng, encodePng } from '../../src/engine/world/png';
import { reencodePng, withAlpha } from './png-reencode';
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

describe('decodePng', () => {
  const scene = renderScene({ background: 'day', seed: 3, objects: [{ shape: 'triangle', color: 'blue', size: 'large', row: 1, col: 1 }] });
  const rgb = Uint8Array.from(scene.data);
  const rgba = withAlpha(rgb);
  const refusal = (png: Uint8Array, maxPixels?: number) => {
    try {
      decodePng(png, maxPixels);
    } catch (e) {
      return (e as Error).message;
    }
    return 'read';
  };

  it('reads back what encodePng writes, alpha 255', () => {
    for (const img of [scene, randomImage(7, 3, 1), randomImage(1, 1, 2), randomImage(150, 300, 9)]) {
      const back = decodePng(encodePng(img));
      expect([back.width, back.height]).toEqual([img.width, img.height]);
      expect(back.data).toEqual(withAlpha(img.data));
    }
  });

  it('undoes each filter type, alone and mixed by row, whatever the zlib level', () => {
    for (const filter of [0, 1, 2, 3, 4]) {
      for (const level of [0, 1, 9]) {
        const png = reencodePng(48, 48, rgb, { colour: 2, filter: () => filter, level });
        expect(decodePng(png).data, `filter ${filter}, level ${level}`).toEqual(rgba);
      }
    }
    // Noise with every byte value puts the sums past 255 and Paeth through all three of its choices.
    const noise = randomImage(31, 17, 4);
    const png = reencodePng(31, 17, Uint8Array.from(noise.data), { colour: 2, filter: (y) => (y * 3) % 5, level: 6, idatBytes: 100 });
    expect(decodePng(png).data).toEqual(withAlpha(noise.data));
  });

  it('reads RGBA, grey and grey with alpha', () => {
    const a = Uint8Array.from({ length: 5 * 4 * 4 }, (_, i) => (i * 37) % 256);
    expect(decodePng(reencodePng(5, 4, a, { colour: 6, filter: (y) => y % 5, level: 9 })).data).toEqual(a);
    const grey = Uint8Array.from({ length: 6 * 2 }, (_, i) => i * 20);
    expect(Array.from(decodePng(reencodePng(6, 2, grey, { colour: 0, filter: () => 4, level: 6 })).data.subarray(0, 8))).toEqual([0, 0, 0, 255, 20, 20, 20, 255]);
    const ga = Uint8Array.from([10, 200, 30, 40]);
    expect(Array.from(decodePng(reencodePng(2, 1, ga, { colour: 4, filter: () => 1, level: 6 })).data)).toEqual([10, 10, 10, 200, 30, 30, 30, 40]);
  });

  it('refuses, saying why: not a PNG, a damaged or cut chunk, palette, 16-bit, interlaced, too large, a bad filter', () => {
    const good = reencodePng(48, 48, rgb, { colour: 2, filter: () => 2, level: 6 });
    expect(refusal(new TextEncoder().encode('GIF89a not a png'))).toBe('not a PNG (it does not start with the PNG signature)');
    const flipped = good.slice();
    flipped[good.length - 30]! ^= 1; // inside the IDAT's data
    expect(refusal(flipped)).toBe("the PNG's IDAT chunk is damaged (its CRC-32 does not match)");
    expect(refusal(good.subarray(0, good.length - 20))).toMatch(/^the PNG is cut short/);
    expect(refusal(reencodePng(2, 2, new Uint8Array(4), { colour: 0, filter: () => 0, level: 6, depth: 16 }))).toBe('the PNG is 16-bit; only 8-bit channels are read');
    expect(refusal(reencodePng(48, 48, rgb, { colour: 2, filter: () => 0, level: 6, interlace: 1 }))).toBe('the PNG is interlaced (Adam7); only non-interlaced images are read');
    const palette = reencodePng(2, 2, new Uint8Array(4), { colour: 0, filter: () => 0, level: 6 });
    palette[8 + 8 + 9] = 3; // colour type, then the IHDR's CRC put right
    new DataView(palette.buffer).setUint32(8 + 8 + 13, crc32(palette.subarray(12, 29)));
    expect(refusal(palette)).toBe('the PNG uses a palette (colour type 3); only grey, RGB and RGBA are read');
    // 48 × 48 is over a limit of 2,000 pixels: refused from the IHDR alone.
    expect(refusal(good, 2000)).toBe('the PNG is 48×48; at least 1×1 and at most 2000 pixels are read');
    expect(refusal(reencodePng(2, 2, new Uint8Array(12), { colour: 2, filter: (y) => 5 + y, level: 6 }))).toBe("the PNG's row 0 has filter type 5; only 0 to 4 exist");
  });
});
