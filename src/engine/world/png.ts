// A minimal PNG writer in plain TypeScript (8-bit RGB, colour type 2): the rows go into a zlib
// stream of stored (uncompressed) deflate blocks, so nothing is needed beyond CRC-32 and Adler-32.
// And a reader for what other tools write of such an image (PIL, browsers): 8-bit grey, grey with
// alpha, RGB or RGBA, any filters and compression, not interlaced; inflated by fflate.

import { unzlibSync } from 'fflate';
import type { RgbImage } from './render';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const MAX_STORED = 65535;

let crcTable: Uint32Array | undefined;

/** Returns the CRC-32 (ISO-HDLC, the one PNG and zip use) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = (crcTable[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Returns the Adler-32 checksum (the zlib trailer) of `bytes`. */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  // Reduce modulo 65521 every 5552 bytes (zlib's NMAX), so the sums stay small integers.
  for (let start = 0; start < bytes.length; start += 5552) {
    const end = Math.min(bytes.length, start + 5552);
    for (let i = start; i < end; i++) {
      a += bytes[i] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Returns `data` wrapped as a zlib stream of stored deflate blocks (at most 65535 bytes each). */
function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / MAX_STORED));
  const out = new Uint8Array(2 + blocks * 5 + data.length + 4);
  const view = new DataView(out.buffer);
  out[0] = 0x78; // deflate, 32 KiB window
  out[1] = 0x01; // no preset dictionary; (0x78 << 8 | 0x01) % 31 === 0
  let o = 2;
  for (let b = 0; b < blocks; b++) {
    const start = b * MAX_STORED;
    const len = Math.min(MAX_STORED, data.length - start);
    out[o] = b === blocks - 1 ? 1 : 0; // BFINAL on the last block, BTYPE 00 (stored)
    view.setUint16(o + 1, len, true);
    view.setUint16(o + 3, len ^ 0xffff, true);
    out.set(data.subarray(start, start + len), o + 5);
    o += 5 + len;
  }
  view.setUint32(o, adler32(data), false);
  return out;
}

/** Returns one PNG chunk: length, type, data, CRC-32 of type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length, false);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)), false);
  return out;
}

/** Returns the image encoded as a PNG file (8-bit RGB, no interlace, filter 0 on every row). */
export function encodePng(img: RgbImage): Uint8Array {
  const { width: w, height: h, data } = img;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1 || data.length !== w * h * 3) {
    throw new RangeError(`encodePng: need width, height >= 1 and ${w * h * 3} bytes of RGB; got ${w}×${h}, ${data.length} bytes`);
  }
  const ihdr = new Uint8Array(13);
  const iv = new DataView(ihdr.buffer);
  iv.setUint32(0, w, false);
  iv.setUint32(4, h, false);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  // compression 0, filter method 0, interlace 0 are already zero

  const raw = new Uint8Array(h * (1 + w * 3)); // [H, 1 + W*3]: filter byte 0, then the row
  for (let y = 0; y < h; y++) raw.set(data.subarray(y * w * 3, (y + 1) * w * 3), y * (1 + w * 3) + 1);

  const parts = [Uint8Array.from(SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', zlibStored(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A decoded PNG: its pixels as RGBA, whatever colour type the file used (alpha 255 where it had none). */
export interface RgbaImage {
  width: number;
  height: number;
  /** [H, W, 4] */
  data: Uint8Array;
}

/** Channels per pixel of each colour type read: grey, RGB, grey + alpha, RGBA. */
const CHANNELS: Partial<Record<number, number>> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** The most pixels decodePng allocates for: 4096 × 4096. */
export const PNG_MAX_PIXELS = 4096 * 4096;

/** The width and height a PNG's IHDR gives, read without decoding; undefined when it is no PNG with its IHDR first. */
export function pngSize(png: Uint8Array): { width: number; height: number } | undefined {
  if (png.length < 24 || SIGNATURE.some((b, i) => png[i] !== b) || String.fromCharCode(...png.subarray(12, 16)) !== 'IHDR') return undefined;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16, false), height: view.getUint32(20, false) };
}

/**
 * Returns the pixels of an 8-bit, non-interlaced PNG of colour type 0, 2, 4 or 6; changes nothing.
 * Throws, saying what is wrong, on anything else: not a PNG, a damaged or cut chunk (CRC-32), a
 * palette, 16-bit or interlaced image, more than `maxPixels` pixels (checked before allocating),
 * image data that does not inflate to the rows its size needs, or an unknown filter type.
 */
export function decodePng(png: Uint8Array, maxPixels = PNG_MAX_PIXELS): RgbaImage {
  if (png.length < 8 || SIGNATURE.some((b, i) => png[i] !== b)) throw new Error('not a PNG (it does not start with the PNG signature)');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let ihdr: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  let ended = false;
  for (let o = 8; !ended; ) {
    if (o + 12 > png.length) throw new Error('the PNG is cut short (no IEND chunk)');
    const len = view.getUint32(o, false);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    if (o + 12 + len > png.length) throw new Error(`the PNG is cut short in its ${type} chunk`);
    if (crc32(png.subarray(o + 4, o + 8 + len)) !== view.getUint32(o + 8 + len, false)) throw new Error(`the PNG's ${type} chunk is damaged (its CRC-32 does not match)`);
    const data = png.subarray(o + 8, o + 8 + len);
    if (type === 'IHDR') ihdr = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    else if (type === 'PLTE') throw new Error('the PNG uses a palette (colour type 3); only grey, RGB and RGBA are read');
    // A chunk whose name starts with a capital letter is critical: one this reader does not know changes the image.
    else if (type.charCodeAt(0) < 97) throw new Error(`the PNG has a ${type} chunk, which this reader does not know`);
    o += 12 + len;
  }
  if (!ihdr || ihdr.length !== 13) throw new Error('the PNG has no IHDR chunk of 13 bytes');
  const hv = new DataView(ihdr.buffer, ihdr.byteOffset, 13);
  const width = hv.getUint32(0, false);
  const height = hv.getUint32(4, false);
  const [depth, colour, compression, filterMethod, interlace] = [ihdr[8], ihdr[9], ihdr[10], ihdr[11], ihdr[12]] as number[];
  const channels = CHANNELS[colour as number];
  if (colour === 3) throw new Error('the PNG uses a palette (colour type 3); only grey, RGB and RGBA are read');
  if (channels === undefined) throw new Error(`the PNG has colour type ${colour}, which does not exist`);
  if (depth !== 8) throw new Error(`the PNG is ${depth}-bit; only 8-bit channels are read`);
  if (compression !== 0 || filterMethod !== 0) throw new Error(`the PNG has compression method ${compression} and filter method ${filterMethod}; only 0 and 0 exist`);
  if (interlace !== 0) throw new Error('the PNG is interlaced (Adam7); only non-interlaced images are read');
  if (width < 1 || height < 1 || width * height > maxPixels) throw new Error(`the PNG is ${width}×${height}; at least 1×1 and at most ${maxPixels} pixels are read`);

  const stride = width * channels; // bytes per row, without its filter byte
  const zlib = new Uint8Array(idat.reduce((n, d) => n + d.length, 0));
  idat.reduce((at, d) => (zlib.set(d, at), at + d.length), 0);
  let raw: Uint8Array;
  try {
    raw = unzlibSync(zlib, { out: new Uint8Array(height * (1 + stride)) }); // [H, 1 + W·C]; never grows past it
  } catch (e) {
    throw new Error(`the PNG's image data does not inflate (${(e as Error).message})`, { cause: e });
  }
  if (raw.length !== height * (1 + stride)) throw new Error(`the PNG's image data inflates to ${raw.length} bytes, not the ${height * (1 + stride)} of ${height} rows`);
  if (zlib.length < 6 || adler32(raw) !== new DataView(zlib.buffer).getUint32(zlib.length - 4, false)) throw new Error("the PNG's image data is damaged (its Adler-32 does not match)");

  const px = unfilter(raw, height, stride, channels);
  const out = new Uint8Array(width * height * 4); // [H, W, 4]
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    const grey = channels < 3;
    out[i * 4] = px[s] as number;
    out[i * 4 + 1] = px[grey ? s : s + 1] as number;
    out[i * 4 + 2] = px[grey ? s : s + 2] as number;
    out[i * 4 + 3] = channels === 2 || channels === 4 ? (px[s + channels - 1] as number) : 255;
  }
  return { width, height, data: out };
}

/** Paeth's predictor: whichever of left, up and up-left is nearest to left + up − up-left. */
function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Returns the rows of `raw` (each a filter byte, then `stride` bytes) with their filters undone: [H, W·C]. */
function unfilter(raw: Uint8Array, height: number, stride: number, bpp: number): Uint8Array {
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (1 + stride)] as number;
    const src = raw.subarray(y * (1 + stride) + 1, (y + 1) * (1 + stride));
    const row = y * stride;
    const up = (x: number) => (y > 0 ? (out[row - stride + x] as number) : 0);
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? (out[row + x - bpp] as number) : 0;
      const b = up(x);
      const c = x >= bpp ? up(x - bpp) : 0;
      const pred = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : filter === 4 ? paeth(a, b, c) : -1;
      if (pred < 0) throw new Error(`the PNG's row ${y} has filter type ${filter}; only 0 to 4 exist`);
      out[row + x] = ((src[x] as number) + pred) & 0xff;
    }
  }
  return out;
}
