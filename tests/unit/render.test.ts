// The renderer against answers worked out by hand: where each shape, colour and size lands,
// which pixels tell the shapes apart, and what the perception knobs do to the pixels.

import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  CLEAN_PERCEPTION,
  DEFAULT_PERCEPTION,
  LARGE_SCALE,
  PALETTE,
  imageToFloat32,
  renderScene,
  type Rgb,
  type RgbImage,
} from '../../src/engine/world/render';
import { BACKGROUNDS, COLORS, SHAPES, SIZES, type Background, type Scene, type SceneObject, type Shape } from '../../src/engine/world/scene';

const CELL = 16; // 48 px / 3 cells

function pixel(img: RgbImage, x: number, y: number): Rgb {
  const i = (y * img.width + x) * 3;
  return [img.data[i] as number, img.data[i + 1] as number, img.data[i + 2] as number];
}

function one(background: Background, o: Partial<SceneObject> = {}): Scene {
  return { background, objects: [{ shape: 'square', color: 'red', size: 'large', row: 1, col: 1, ...o }] };
}

/** Counts the pixels of a cell that differ from the background. */
function covered(img: RgbImage, bg: Rgb, row: number, col: number): number {
  let n = 0;
  for (let y = row * CELL; y < (row + 1) * CELL; y++) {
    for (let x = col * CELL; x < (col + 1) * CELL; x++) if (pixel(img, x, y).join() !== bg.join()) n++;
  }
  return n;
}

describe('renderScene: determinism', () => {
  const scene: Scene = {
    background: 'night',
    seed: 42,
    objects: [
      { shape: 'triangle', color: 'yellow', size: 'small', row: 0, col: 0, jitterX: 0.3, jitterY: -0.7 },
      { shape: 'cross', color: 'orange', size: 'large', row: 2, col: 1 },
      { shape: 'circle', color: 'red', size: 'large', row: 0, col: 2, jitterX: -1 },
      { shape: 'square', color: 'green', size: 'small', row: 1, col: 1, jitterY: 0.5 },
      { shape: 'diamond', color: 'blue', size: 'large', row: 2, col: 2, jitterX: 0.2, jitterY: 0.9 },
    ],
  };

  it('gives identical bytes for the same scene, perception and seed', () => {
    const a = renderScene(scene);
    const b = renderScene(structuredClone(scene), { ...DEFAULT_PERCEPTION });
    expect(a.width).toBe(48);
    expect(a.height).toBe(48);
    expect(a.data.length).toBe(48 * 48 * 3);
    expect(Buffer.from(b.data).equals(Buffer.from(a.data))).toBe(true);
    expect(Buffer.from(renderScene(scene, {}, { noiseSeed: 7 }).data).equals(Buffer.from(renderScene(scene, {}, { noiseSeed: 7 }).data))).toBe(true);
  });

  it('changes the noise with the noise seed or the scene seed, and only when there is noise', () => {
    const a = Buffer.from(renderScene(scene, {}, { noiseSeed: 1 }).data);
    expect(a.equals(Buffer.from(renderScene(scene, {}, { noiseSeed: 2 }).data))).toBe(false);
    expect(Buffer.from(renderScene(scene).data).equals(Buffer.from(renderScene({ ...scene, seed: 43 }).data))).toBe(false);
    const quiet = { noise: 0 };
    expect(Buffer.from(renderScene(scene, quiet, { noiseSeed: 1 }).data).equals(Buffer.from(renderScene(scene, quiet, { noiseSeed: 2 }).data))).toBe(true);
  });

  it('keeps the pixels of a pinned scene (datasets and the page must agree byte for byte)', () => {
    // Update these only when the picture is meant to change (palette, geometry, noise).
    expect(zlibCrc32(renderScene(scene, CLEAN_PERCEPTION).data)).toBe(GOLDEN_CLEAN);
    expect(zlibCrc32(renderScene(scene).data)).toBe(GOLDEN_DEFAULT);
  });
});

const GOLDEN_CLEAN = 0xd7f72cdd;
const GOLDEN_DEFAULT = 0xca5ff66b;

describe('renderScene: every shape, colour, size and cell lands where the scene says (clean)', () => {
  it('colours the centre of the object cell and leaves every other cell as background', () => {
    let checked = 0;
    for (const background of BACKGROUNDS) {
      const bg = PALETTE[background].background;
      for (const shape of SHAPES) {
        for (const color of COLORS) {
          for (const size of SIZES) {
            for (let cellIdx = 0; cellIdx < 9; cellIdx++) {
              const row = Math.floor(cellIdx / 3);
              const col = cellIdx % 3;
              const img = renderScene(one(background, { shape, color, size, row, col }), CLEAN_PERCEPTION);
              const want = PALETTE[background].colors[color];
              const where = `${background} ${size} ${color} ${shape} at row ${row}, col ${col}`;
              for (const [dx, dy] of [[7, 7], [8, 7], [7, 8], [8, 8]] as const) {
                expect(pixel(img, col * CELL + dx, row * CELL + dy), where).toEqual(want);
              }
              let stray = 0;
              for (let y = 0; y < 48; y++) {
                for (let x = 0; x < 48; x++) {
                  const inCell = Math.floor(y / CELL) === row && Math.floor(x / CELL) === col;
                  const i = (y * 48 + x) * 3;
                  if (!inCell && (img.data[i] !== bg[0] || img.data[i + 1] !== bg[1] || img.data[i + 2] !== bg[2])) stray++;
                }
              }
              expect(stray, where).toBe(0);
              checked++;
            }
          }
        }
      }
    }
    expect(checked).toBe(2 * 5 * 6 * 2 * 9);
  });

  it('makes a large object cover more pixels than a small one', () => {
    for (const background of BACKGROUNDS) {
      for (const shape of SHAPES) {
        const bg = PALETTE[background].background;
        const big = covered(renderScene(one(background, { shape, size: 'large' }), CLEAN_PERCEPTION), bg, 1, 1);
        const small = covered(renderScene(one(background, { shape, size: 'small' }), CLEAN_PERCEPTION), bg, 1, 1);
        // Areas scale with the side squared: (0.85 / 0.40)^2 is about 4.5.
        expect(big, `${background} ${shape}`).toBeGreaterThan(2.5 * small);
      }
    }
  });

  it('puts the six colours and the background far apart on both backgrounds', () => {
    for (const background of BACKGROUNDS) {
      const all = [PALETTE[background].background, ...COLORS.map((c) => PALETTE[background].colors[c])];
      for (let i = 0; i < all.length; i++) {
        for (let j = i + 1; j < all.length; j++) {
          const a = all[i] as Rgb, b = all[j] as Rgb;
          const d = Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
          expect(d, `${background}: ${a.join()} vs ${b.join()}`).toBeGreaterThan(50);
        }
      }
    }
  });
});

describe('renderScene: pixels that tell the shapes apart (large, clean, no jitter)', () => {
  // Cell-local probes. The large object's half-side is 0.85 * 16 / 2 = 6.8 px about the cell
  // centre (8, 8); a pixel's 4×4 sub-samples sit at offsets 1/8, 3/8, 5/8, 7/8. Worked by hand:
  //   A (2, 2)  top-left corner:      dx, dy in [-5.875, -5.125]
  //   B (2, 13) bottom-left corner:   dx in [-5.875, -5.125], dy in [5.125, 5.875]
  //   C (2, 8)  left arm:             dx in [-5.875, -5.125], dy in [0.125, 0.875]
  //   D (3, 4)  upper-left, off-axis: dx in [-4.875, -4.125], dy in [-3.875, -3.125]
  //   E (5, 5)  near the diagonal:    dx, dy in [-2.875, -2.125]
  // o = object colour exactly, b = background exactly, m = a blend of the two.
  // Circle: |d| <= 6.8. Triangle (apex up): 2|dx| <= dy + 6.8. Diamond: |dx| + |dy| <= 6.8.
  // Cross: arms 0.3 * 6.8 = 2.04 half-wide. E is 'm' for the triangle: 4.25 <= 4.675 at one
  // sub-sample, 5.75 > 3.925 at another.
  const PROBES = [[2, 2], [2, 13], [2, 8], [3, 4], [5, 5]] as const;
  const SIGNATURE: Record<Shape, string> = {
    square: 'ooooo',
    circle: 'bbooo',
    triangle: 'bobbm',
    diamond: 'bbobo',
    cross: 'bbobb',
  };

  it('has a different signature for every shape', () => {
    expect(new Set(Object.values(SIGNATURE)).size).toBe(SHAPES.length);
  });

  for (const background of BACKGROUNDS) {
    for (const shape of SHAPES) {
      it(`draws a ${shape} by ${background} with signature ${SIGNATURE[shape]}`, () => {
        const { background: bg, colors } = PALETTE[background];
        for (const [row, col, color] of [[1, 1, 'blue'], [0, 2, 'yellow'], [2, 0, 'purple']] as const) {
          const img = renderScene(one(background, { shape, color, row, col }), CLEAN_PERCEPTION);
          const got = PROBES.map(([x, y]) => {
            const p = pixel(img, col * CELL + x, row * CELL + y).join();
            return p === colors[color].join() ? 'o' : p === bg.join() ? 'b' : 'm';
          }).join('');
          expect(got, `${color} ${shape} at row ${row}, col ${col}`).toBe(SIGNATURE[shape]);
        }
      });
    }
  }

  it('draws every shape mirror-symmetric left to right', () => {
    for (const shape of SHAPES) {
      const img = renderScene(one('day', { shape, color: 'green' }), CLEAN_PERCEPTION);
      for (let y = CELL; y < 2 * CELL; y++) {
        for (let x = 0; x < CELL; x++) {
          expect(pixel(img, CELL + x, y), `${shape} at (${x}, ${y})`).toEqual(pixel(img, 2 * CELL - 1 - x, y));
        }
      }
    }
  });
});

describe('renderScene: jitter', () => {
  /** Returns the coverage-weighted centre of the object in cell (1, 1), in cell-local pixels. */
  function centroid(img: RgbImage, background: Background, color: 'red'): [number, number] {
    const bg = PALETTE[background].background;
    const c = PALETTE[background].colors[color];
    const ch = 2; // blue: red differs from both backgrounds by more than 20 in it
    let w = 0, sx = 0, sy = 0;
    for (let y = 0; y < CELL; y++) {
      for (let x = 0; x < CELL; x++) {
        const cov = ((pixel(img, CELL + x, CELL + y)[ch] as number) - (bg[ch] as number)) / ((c[ch] as number) - (bg[ch] as number));
        w += cov;
        sx += cov * (x + 0.5);
        sy += cov * (y + 0.5);
      }
    }
    return [sx / w, sy / w];
  }

  // 4×4 sub-sampling moves a small shape's centre of coverage by up to about 0.1 px.
  it('moves the object by jitter times half the free room in the cell', () => {
    for (const size of SIZES) {
      const side = (size === 'large' ? LARGE_SCALE : CLEAN_PERCEPTION.smallScale) * CELL;
      const room = (CELL - side) / 2; // large: 1.2 px, small: 4.64 px
      for (const shape of SHAPES) {
        const base = centroid(renderScene(one('day', { shape, size }), CLEAN_PERCEPTION), 'day', 'red');
        if (shape !== 'triangle') expect(base[1], `${size} ${shape}`).toBeCloseTo(8, 1);
        expect(base[0], `${size} ${shape}`).toBeCloseTo(8, 1);
        for (const [jx, jy] of [[1, 0], [0, -1], [-0.5, 0.75]] as const) {
          const [x, y] = centroid(renderScene(one('day', { shape, size, jitterX: jx, jitterY: jy }), CLEAN_PERCEPTION), 'day', 'red');
          expect(Math.abs(x - base[0] - jx * room), `${size} ${shape} x, jitter ${jx}`).toBeLessThan(0.15);
          expect(Math.abs(y - base[1] - jy * room), `${size} ${shape} y, jitter ${jy}`).toBeLessThan(0.15);
        }
      }
    }
  });

  it('keeps a fully jittered object inside its cell', () => {
    for (const size of SIZES) {
      for (const [jx, jy] of [[1, 1], [-1, -1], [1, -1], [-1, 1]] as const) {
        const img = renderScene(one('night', { shape: 'square', size, jitterX: jx, jitterY: jy }), CLEAN_PERCEPTION);
        const bg = PALETTE.night.background;
        for (let cell = 0; cell < 9; cell++) {
          if (cell !== 4) expect(covered(img, bg, Math.floor(cell / 3), cell % 3), `${size} ${jx},${jy} cell ${cell}`).toBe(0);
        }
        expect(covered(img, bg, 1, 1)).toBeGreaterThan(0);
      }
    }
  });
});

describe('renderScene: perception knobs', () => {
  const busy: Scene = {
    background: 'day',
    seed: 3,
    objects: [
      { shape: 'circle', color: 'blue', size: 'large', row: 0, col: 0, jitterX: 0.4 },
      { shape: 'triangle', color: 'orange', size: 'small', row: 1, col: 2 },
      { shape: 'cross', color: 'purple', size: 'large', row: 2, col: 1, jitterY: -0.6 },
    ],
  };

  it('draws blocky images at a lower resolution, noise and blur included', () => {
    for (const [resolution, block] of [[16, 3], [24, 2]] as const) {
      const img = renderScene(busy, { ...DEFAULT_PERCEPTION, resolution });
      for (let y = 0; y < 48; y++) {
        for (let x = 0; x < 48; x++) {
          const x0 = x - (x % block), y0 = y - (y % block);
          expect(pixel(img, x, y), `res ${resolution} (${x}, ${y})`).toEqual(pixel(img, x0, y0));
        }
      }
    }
    const clean = renderScene(busy, CLEAN_PERCEPTION).data;
    const low = renderScene(busy, { ...CLEAN_PERCEPTION, resolution: 16 }).data;
    expect(Buffer.from(low).equals(Buffer.from(clean))).toBe(false);
  });

  it('blurs only next to edges, to the box mean of the clean image', () => {
    for (const blur of [1, 2]) {
      const clean = renderScene(busy, CLEAN_PERCEPTION);
      const blurred = renderScene(busy, { ...CLEAN_PERCEPTION, blur });
      const bad: string[] = [];
      let changed = 0;
      for (let y = 0; y < 48; y++) {
        for (let x = 0; x < 48; x++) {
          const here = pixel(clean, x, y);
          let uniform = true;
          const mean = [0, 0, 0];
          for (let dy = -blur; dy <= blur; dy++) {
            for (let dx = -blur; dx <= blur; dx++) {
              const q = pixel(clean, Math.min(47, Math.max(0, x + dx)), Math.min(47, Math.max(0, y + dy)));
              if (q.join() !== here.join()) uniform = false;
              for (let c = 0; c < 3; c++) mean[c] = (mean[c] as number) + (q[c] as number) / (2 * blur + 1) ** 2;
            }
          }
          const got = pixel(blurred, x, y);
          if (got.join() !== here.join()) changed++;
          if (uniform && got.join() !== here.join()) bad.push(`flat (${x}, ${y}) changed`);
          // The blur runs on sub-sample sums, the mean here on rounded pixels: at most 1 apart.
          for (let c = 0; c < 3; c++) if (Math.abs((got[c] as number) - (mean[c] as number)) > 1) bad.push(`(${x}, ${y}) ${got.join()} vs mean ${mean.join()}`);
        }
      }
      expect(bad, `blur ${blur}`).toEqual([]);
      expect(changed, `blur ${blur}`).toBeGreaterThan(50);
    }
  });

  it('adds noise of the asked size that keeps the mean', () => {
    for (const background of BACKGROUNDS) {
      const scene = { ...busy, background };
      const clean = renderScene(scene, CLEAN_PERCEPTION).data;
      const noisy = renderScene(scene, { ...CLEAN_PERCEPTION, noise: 18 }).data;
      let sum = 0, sq = 0, differ = 0;
      for (let i = 0; i < clean.length; i++) {
        const d = (noisy[i] as number) - (clean[i] as number);
        sum += d;
        sq += d * d;
        if (d !== 0) differ++;
      }
      const n = clean.length;
      expect(Math.abs(sum / n), background).toBeLessThan(1); // about 0.2 from chance alone
      expect(Math.sqrt(sq / n), background).toBeGreaterThan(16);
      expect(Math.sqrt(sq / n), background).toBeLessThan(19);
      expect(differ / n, background).toBeGreaterThan(0.9);
    }
  });

  it('makes a small yellow look orange now and then at night under the defaults, less often by day', () => {
    // Classify the 4 centre pixels of a small yellow object by the nearest palette colour.
    const rate = (background: Background) => {
      const colors = PALETTE[background].colors;
      let wrong = 0, total = 0;
      for (let seed = 0; seed < 300; seed++) {
        const img = renderScene({ ...one(background, { shape: 'circle', color: 'yellow', size: 'small' }), seed });
        for (const [x, y] of [[23, 23], [24, 23], [23, 24], [24, 24]] as const) {
          const p = pixel(img, x, y);
          let best = '', bestD = Infinity;
          for (const c of COLORS) {
            const q = colors[c];
            const d = (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 + (p[2] - q[2]) ** 2;
            if (d < bestD) [best, bestD] = [c, d];
          }
          if (best !== 'yellow') wrong++;
          total++;
        }
      }
      return wrong / total;
    };
    const night = rate('night');
    const day = rate('day');
    // Worked out: the centre pixels of a small circle are pure yellow even after the blur (its
    // 3×3 window lies inside the circle, radius 3.2 px), then get noise of 32 per channel. Yellow
    // and orange are 54.6 apart at night and 75.8 by day, so a pixel crosses the half-way plane
    // with probability about Phi(-27.3 / 32) = 19.7% at night and Phi(-37.9 / 32) = 11.8% by day.
    expect(night).toBeGreaterThan(0.15);
    expect(night).toBeLessThan(0.25);
    expect(day).toBeGreaterThan(0.08);
    expect(day).toBeLessThan(0.16);
    expect(day).toBeLessThan(night);
  });

  it('rejects knobs out of range', () => {
    const s = one('day');
    expect(() => renderScene(s, { blur: 3 })).toThrow(RangeError);
    expect(() => renderScene(s, { blur: 0.5 })).toThrow(RangeError);
    expect(() => renderScene(s, { resolution: 0 })).toThrow(RangeError);
    expect(() => renderScene(s, { noise: -1 })).toThrow(RangeError);
    expect(() => renderScene(s, { smallScale: 0 })).toThrow(RangeError);
    expect(() => renderScene(s, {}, { size: 0 })).toThrow(RangeError);
  });

  it('renders at another output size', () => {
    const img = renderScene(one('day'), CLEAN_PERCEPTION, { size: 96 });
    expect(img.width).toBe(96);
    expect(img.data.length).toBe(96 * 96 * 3);
    expect(pixel(img, 48, 48)).toEqual(PALETTE.day.colors.red);
    expect(pixel(img, 95, 0)).toEqual(PALETTE.day.background);
  });
});

describe('imageToFloat32', () => {
  it('divides every byte by 255, keeping the layout', () => {
    const img: RgbImage = { width: 2, height: 1, data: Uint8ClampedArray.from([0, 51, 255, 128, 1, 254]) };
    const f = imageToFloat32(img);
    expect(f).toBeInstanceOf(Float32Array);
    expect(Array.from(f)).toEqual([0, 0.2, 1, 128 / 255, 1 / 255, 254 / 255].map(Math.fround));
  });
});
