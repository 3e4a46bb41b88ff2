// Draws a scene to an RGB image with plain arithmetic (no canvas, no Math.sin or Math.log), so
// Node and every browser produce the same pixels; the perception knobs spoil them on purpose.

import { GRID, type Background, type Color, type Scene, type Shape } from './scene';
import { Rng, subSeed } from './rng';
import { describeBound, withinBound, type Bound } from '../train/bounds';

/** How imperfectly the camera sees the scene. Applied in this order: draw, blur, noise, upscale. */
export interface Perception {
  /** Standard deviation of the pixel noise in 0-255 units, drawn independently per channel and render pixel (near-Gaussian, cut at ±3.46σ). 0 for none. */
  noise: number;
  /** Box-blur radius in pixels of the drawn (resolution-sized) image: 0 (none), 1 (3×3) or 2 (5×5). */
  blur: number;
  /** Side in pixels at which the scene is drawn, before nearest-neighbour scaling to the output size (48, 24, 16, ...). */
  resolution: number;
  /** Side of a small object as a share of the cell side; large objects are LARGE_SCALE. In (0, 1]. */
  smallScale: number;
}

/**
 * Defaults under which the frozen vision encoder is nearly always right about large objects and
 * measurably wrong about small ones, their shape first, then their colour (see models/README.md
 * for the measured accuracies). Noise 32 moves a single night-time yellow pixel nearer to orange
 * than to yellow about a fifth of the time; a 3×3 blur rounds the corners of a small object 6.4
 * pixels wide, so small circles, diamonds and squares drift towards one another, while a large
 * object (13.6 pixels) keeps its corners and enough pixels to average the noise away. So the facts
 * say something the image does not, as the paper's captions do.
 */
export const DEFAULT_PERCEPTION: Readonly<Perception> = Object.freeze({
  noise: 32,
  blur: 1,
  resolution: 48,
  smallScale: 0.4,
});

/**
 * Each knob's bounds: the page's limits (its sliders and choices), and the engine's. Every
 * perception read from a file, a flag or a call is held to them, so a label file cannot ask for a
 * 30000-pixel drawing (a resolution of R costs R² × 16 sub-samples per image).
 */
export const PERCEPTION_BOUNDS: Readonly<Record<keyof Perception, Bound>> = Object.freeze({
  noise: { min: 0, max: 64 },
  blur: { integer: true, min: 0, max: 2 },
  resolution: { integer: true, min: 8, max: 48 },
  smallScale: { min: 0.2, max: 0.85 },
});

/** The resolutions the page offers, finest first (within PERCEPTION_BOUNDS.resolution: any whole number there is drawn). */
export const RESOLUTION_CHOICES: readonly number[] = [48, 24, 16, 12, 8];

/** Each knob's valid values, as a check and in words (for messages that say what a field must be). */
export const PERCEPTION_RANGES: Readonly<Record<keyof Perception, { ok: (n: number) => boolean; what: string }>> = Object.freeze(
  Object.fromEntries(
    (Object.entries(PERCEPTION_BOUNDS) as [keyof Perception, Bound][]).map(([k, b]) => [k, { ok: (n: number) => withinBound(n, b), what: k === 'blur' ? '0, 1 or 2' : describeBound(b).replace(/^must be /, '') }]),
  ) as Record<keyof Perception, { ok: (n: number) => boolean; what: string }>,
);

/** Perfect pixels: no noise, no blur, drawn at the default output size. Small objects keep the default size. */
export const CLEAN_PERCEPTION: Readonly<Perception> = Object.freeze({
  noise: 0,
  blur: 0,
  resolution: 48,
  smallScale: DEFAULT_PERCEPTION.smallScale,
});

/** Side of a large object as a share of the cell side. */
export const LARGE_SCALE = 0.85;

/** Half-width of a cross's arms as a share of the object's half-side. */
export const CROSS_ARM = 0.3;

/** An RGB image: row-major, 3 bytes per pixel, no alpha. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export type Rgb = readonly [number, number, number];

/**
 * Background and object colours for day and night. Night colours are the day colours dimmed
 * to about 72% (less light), which is also what brings yellow and orange closer at night.
 */
export const PALETTE: Readonly<Record<Background, { background: Rgb; colors: Readonly<Record<Color, Rgb>> }>> = {
  day: {
    background: [226, 228, 218],
    colors: {
      red: [220, 40, 40],
      green: [40, 165, 60],
      blue: [50, 90, 225],
      yellow: [235, 205, 40],
      purple: [150, 70, 200],
      orange: [240, 130, 30],
    },
  },
  night: {
    background: [36, 40, 62],
    colors: {
      red: [158, 29, 29],
      green: [29, 119, 43],
      blue: [36, 65, 162],
      yellow: [169, 148, 29],
      purple: [108, 50, 144],
      orange: [173, 94, 22],
    },
  },
};

/** Largest output side renderScene draws (the model reads 48). */
const MAX_SIZE = 1024;

/** Sub-samples per pixel side: 4×4 = 16 inside-tests per pixel give 17 levels of anti-aliasing. */
const SS = 4;
const SHAPE_CODE: Readonly<Record<Shape, number>> = { circle: 0, square: 1, triangle: 2, diamond: 3, cross: 4 };
/** The RNG stream of the pixel noise, so it never overlaps the scene sampler's streams. */
const NOISE_STREAM = 0x6e6f6973;

/** Returns whether the point (dx, dy) from the object's centre (y down) lies inside the shape of half-side h. */
function inside(shape: number, dx: number, dy: number, h: number): boolean {
  const ax = dx < 0 ? -dx : dx;
  const ay = dy < 0 ? -dy : dy;
  switch (shape) {
    case 0:
      return dx * dx + dy * dy <= h * h;
    case 1:
      return ax <= h && ay <= h;
    case 2: // apex at the top centre, base along the bottom edge
      return dy <= h && 2 * ax <= dy + h;
    case 3:
      return ax + ay <= h;
    default: {
      const arm = CROSS_ARM * h;
      return (ax <= arm && ay <= h) || (ay <= arm && ax <= h);
    }
  }
}

/** Throws a RangeError naming the first knob outside PERCEPTION_BOUNDS (or a bad output size). */
function checkPerception(p: Perception, size: number): void {
  for (const k of Object.keys(PERCEPTION_BOUNDS) as (keyof Perception)[]) {
    if (!PERCEPTION_RANGES[k].ok(p[k])) throw new RangeError(`renderScene: ${k} must be ${PERCEPTION_RANGES[k].what}; got ${p[k]}`);
  }
  if (!Number.isInteger(size) || size < 1 || size > MAX_SIZE) throw new RangeError(`renderScene: size must be a whole number from 1 to ${MAX_SIZE}; got ${size}`);
}

/**
 * Draws the objects into `acc` ([R, R, 3], each value 16× a channel value: the sum over a
 * pixel's sub-samples). Objects never overlap (one per cell, jitter stays inside the cell),
 * so each covered sub-sample just swaps the background for the object colour.
 */
function drawObjects(acc: Int32Array, r: number, scene: Scene, smallScale: number): void {
  const pal = PALETTE[scene.background];
  const bg = pal.background;
  const cell = r / GRID;
  for (const o of scene.objects) {
    const side = (o.size === 'large' ? LARGE_SCALE : smallScale) * cell;
    const h = side / 2;
    const jx = Math.max(-1, Math.min(1, o.jitterX ?? 0));
    const jy = Math.max(-1, Math.min(1, o.jitterY ?? 0));
    const cx = (o.col + 0.5) * cell + (jx * (cell - side)) / 2;
    const cy = (o.row + 0.5) * cell + (jy * (cell - side)) / 2;
    const c = pal.colors[o.color];
    const d0 = c[0] - bg[0], d1 = c[1] - bg[1], d2 = c[2] - bg[2];
    const shape = SHAPE_CODE[o.shape];
    const x0 = Math.max(0, Math.floor(cx - h)), x1 = Math.min(r - 1, Math.ceil(cx + h) - 1);
    const y0 = Math.max(0, Math.floor(cy - h)), y1 = Math.min(r - 1, Math.ceil(cy + h) - 1);
    for (let py = y0; py <= y1; py++) {
      for (let px = x0; px <= x1; px++) {
        let k = 0;
        for (let sy = 0; sy < SS; sy++) {
          const dy = py + (2 * sy + 1) / (2 * SS) - cy;
          for (let sx = 0; sx < SS; sx++) {
            if (inside(shape, px + (2 * sx + 1) / (2 * SS) - cx, dy, h)) k++;
          }
        }
        if (k === 0) continue;
        const i = (py * r + px) * 3;
        acc[i] = (acc[i] as number) + d0 * k;
        acc[i + 1] = (acc[i + 1] as number) + d1 * k;
        acc[i + 2] = (acc[i + 2] as number) + d2 * k;
      }
    }
  }
}

/** Writes to `to` the running window sums along r lines of `from` (`lineStep` apart, pixels `step` apart), ends clamped. */
function slide(from: Int32Array, to: Int32Array, r: number, radius: number, lineStep: number, step: number): void {
  for (let l = 0; l < r; l++) {
    const base = l * lineStep;
    let s0 = 0, s1 = 0, s2 = 0;
    for (let k = -radius; k <= radius; k++) {
      const j = base + (k < 0 ? 0 : k >= r ? r - 1 : k) * step;
      s0 += from[j] as number;
      s1 += from[j + 1] as number;
      s2 += from[j + 2] as number;
    }
    for (let k = 0; k < r; k++) {
      const i = base + k * step;
      to[i] = s0;
      to[i + 1] = s1;
      to[i + 2] = s2;
      const add = base + Math.min(r - 1, k + radius + 1) * step;
      const drop = base + Math.max(0, k - radius) * step;
      s0 += (from[add] as number) - (from[drop] as number);
      s1 += (from[add + 1] as number) - (from[drop + 1] as number);
      s2 += (from[add + 2] as number) - (from[drop + 2] as number);
    }
  }
}

/** Returns the box blur of `src` ([R, R, 3]) as window sums (not averages), edges clamped. */
function boxSums(src: Int32Array, r: number, radius: number): Int32Array {
  const tmp = new Int32Array(src.length);
  const out = new Int32Array(src.length);
  slide(src, tmp, r, radius, r * 3, 3); // along rows
  slide(tmp, out, r, radius, 3, r * 3); // along columns
  return out;
}

/**
 * Renders a scene as seen through `perception` (missing fields from DEFAULT_PERCEPTION).
 * Returns a new size×size image (size defaults to 48); the same scene, perception, size and
 * noise seed always give the same bytes. The noise seed defaults to one derived from scene.seed
 * (or 0). Changes nothing.
 */
export function renderScene(
  scene: Scene,
  perception: Partial<Perception> = {},
  opts: { size?: number; noiseSeed?: number } = {},
): RgbImage {
  const p: Perception = { ...DEFAULT_PERCEPTION, ...perception };
  const size = opts.size ?? 48;
  checkPerception(p, size);
  const r = p.resolution;

  // Draw: every pixel starts as the background, 16 sub-samples deep.   // [R, R, 3]
  let acc: Int32Array = new Int32Array(r * r * 3);
  const bg = PALETTE[scene.background].background;
  for (let i = 0; i < acc.length; i += 3) {
    acc[i] = bg[0] * SS * SS;
    acc[i + 1] = bg[1] * SS * SS;
    acc[i + 2] = bg[2] * SS * SS;
  }
  drawObjects(acc, r, scene, p.smallScale);

  let div = SS * SS;
  if (p.blur > 0) {
    acc = boxSums(acc, r, p.blur);
    div *= (2 * p.blur + 1) * (2 * p.blur + 1);
  }

  // Noise: sum of the four bytes of one 32-bit draw (Irwin-Hall, mean 510, variance 21845),
  // a near-Gaussian made of integer operations, so no engine's Math.log can change a pixel.
  const low = new Uint8ClampedArray(r * r * 3);
  if (p.noise > 0) {
    const rng = new Rng(opts.noiseSeed ?? subSeed(scene.seed ?? 0, NOISE_STREAM));
    const scale = p.noise / Math.sqrt(21845);
    for (let i = 0; i < low.length; i++) {
      const u = rng.next() * 4294967296; // the generator's exact 32-bit output
      const s = (u & 255) + ((u >>> 8) & 255) + ((u >>> 16) & 255) + (u >>> 24);
      low[i] = (acc[i] as number) / div + (s - 510) * scale; // clamps, rounds half to even
    }
  } else {
    for (let i = 0; i < low.length; i++) low[i] = (acc[i] as number) / div;
  }
  if (r === size) return { width: size, height: size, data: low };

  // Nearest-neighbour scaling to the output size.   // [R, R, 3] -> [size, size, 3]
  const data = new Uint8ClampedArray(size * size * 3);
  for (let y = 0; y < size; y++) {
    const sy = Math.floor((y * r) / size);
    for (let x = 0; x < size; x++) {
      const j = (sy * r + Math.floor((x * r) / size)) * 3;
      const i = (y * size + x) * 3;
      data[i] = low[j] as number;
      data[i + 1] = low[j + 1] as number;
      data[i + 2] = low[j + 2] as number;
    }
  }
  return { width: size, height: size, data };
}

const TO_UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/** Returns the image as floats in [0, 1], same layout ([H, W, 3], length w*h*3), for the model. */
export function imageToFloat32(img: RgbImage): Float32Array {
  const out = new Float32Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = TO_UNIT[img.data[i] as number] as number;
  return out;
}
