// PNGs of the same pixels as another tool might write them (PIL, a browser): any colour type of
// 8-bit channels, a filter type per row, a zlib level, the image data split over several IDAT
// chunks and an ancillary chunk before it. Compressed by Node's zlib, not the code under test.

import { deflateSync, crc32 } from 'node:zlib';

export interface ReencodeOptions {
  /** 0 grey, 2 RGB, 4 grey + alpha, 6 RGBA. */
  colour: 0 | 2 | 4 | 6;
  /** The filter type (0 to 4) of row y. */
  filter: (y: number) => number;
  level: number;
  /** Bytes per IDAT chunk. */
  idatBytes?: number;
  interlace?: 0 | 1;
  depth?: number;
}

const CHANNELS = { 0: 1, 2: 3, 4: 2, 6: 4 } as const;

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const paeth = (a: number, b: number, c: number) => {
  const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};

/** Returns a PNG of `pixels` ([H, W, channels of opts.colour]) written the way `opts` says. */
export function reencodePng(width: number, height: number, pixels: Uint8Array, opts: ReencodeOptions): Uint8Array {
  const bpp = CHANNELS[opts.colour];
  const stride = width * bpp;
  const raw = new Uint8Array(height * (1 + stride));
  for (let y = 0; y < height; y++) {
    const f = opts.filter(y);
    raw[y * (1 + stride)] = f;
    const at = (yy: number, x: number) => (yy < 0 || x < 0 ? 0 : pixels[yy * stride + x]!);
    for (let x = 0; x < stride; x++) {
      const a = at(y, x - bpp), b = at(y - 1, x), c = at(y - 1, x - bpp);
      const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][f] ?? 0;
      raw[y * (1 + stride) + 1 + x] = (pixels[y * stride + x]! - pred) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = opts.depth ?? 8;
  ihdr[9] = opts.colour;
  ihdr[12] = opts.interlace ?? 0;
  const z = deflateSync(raw, { level: opts.level });
  const step = opts.idatBytes ?? z.length;
  const idats: Buffer[] = [];
  for (let o = 0; o < z.length; o += step) idats.push(chunk('IDAT', z.subarray(o, o + step)));
  const phys = Buffer.from([0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1]); // 72 dpi, as PIL writes when asked for a dpi
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(Buffer.concat([sig, chunk('IHDR', ihdr), chunk('pHYs', phys), ...idats, chunk('IEND', new Uint8Array(0))]));
}

/** RGB pixels ([H, W, 3]) as RGBA ([H, W, 4]) with alpha 255. */
export function withAlpha(rgb: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array((rgb.length / 3) * 4);
  for (let i = 0; i < rgb.length / 3; i++) out.set([rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, 255], i * 4);
  return out;
}
