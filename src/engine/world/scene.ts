// The scene: a 3×3 grid holding 1 to 5 objects on a day or night background.
// Its JSON form is the contract with tools outside the project (docs/design.md, section 1).

export const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'cross'] as const;
export const COLORS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange'] as const;
export const SIZES = ['small', 'large'] as const;
export const BACKGROUNDS = ['day', 'night'] as const;
export const GRID = 3;
export const MAX_OBJECTS = 5;

export type Shape = (typeof SHAPES)[number];
export type Color = (typeof COLORS)[number];
export type Size = (typeof SIZES)[number];
export type Background = (typeof BACKGROUNDS)[number];

export interface SceneObject {
  shape: Shape;
  color: Color;
  size: Size;
  /** 0 to 2, row 0 at the top. */
  row: number;
  /** 0 to 2, column 0 on the left. */
  col: number;
  /** Position jitter in [-1, 1] as a share of the free room in the cell; optional, ignored by the judge. */
  jitterX?: number;
  jitterY?: number;
}

export interface Scene {
  background: Background;
  objects: SceneObject[];
  /** The seed this scene was sampled from, when it was sampled. */
  seed?: number;
}

/** A problem found in a scene, with the JSON path of the field at fault. */
export interface SceneError {
  path: string;
  message: string;
}

function isOneOf<T extends string>(list: readonly T[], v: unknown): v is T {
  return typeof v === 'string' && (list as readonly string[]).includes(v);
}

/**
 * Checks a parsed JSON value against the scene contract.
 * Returns the scene (extra keys dropped, except jitter and seed) or the list of errors.
 */
export function validateScene(value: unknown): { scene: Scene } | { errors: SceneError[] } {
  const errors: SceneError[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { errors: [{ path: 'scene', message: 'must be an object' }] };
  }
  const v = value as Record<string, unknown>;
  if (!isOneOf(BACKGROUNDS, v.background)) {
    errors.push({ path: 'scene.background', message: `must be "day" or "night", got ${JSON.stringify(v.background)}` });
  }
  const objects: SceneObject[] = [];
  if (!Array.isArray(v.objects)) {
    errors.push({ path: 'scene.objects', message: 'must be an array' });
  } else {
    if (v.objects.length > MAX_OBJECTS) {
      errors.push({ path: 'scene.objects', message: `has ${v.objects.length} objects; at most ${MAX_OBJECTS}` });
    }
    const taken = new Set<string>();
    v.objects.forEach((o: unknown, i: number) => {
      const p = `scene.objects[${i}]`;
      if (typeof o !== 'object' || o === null || Array.isArray(o)) {
        errors.push({ path: p, message: 'must be an object' });
        return;
      }
      const r = o as Record<string, unknown>;
      const before = errors.length;
      if (!isOneOf(SHAPES, r.shape)) errors.push({ path: `${p}.shape`, message: `must be one of ${SHAPES.join(', ')}; got ${JSON.stringify(r.shape)}` });
      if (!isOneOf(COLORS, r.color)) errors.push({ path: `${p}.color`, message: `must be one of ${COLORS.join(', ')}; got ${JSON.stringify(r.color)}` });
      if (!isOneOf(SIZES, r.size)) errors.push({ path: `${p}.size`, message: `must be "small" or "large"; got ${JSON.stringify(r.size)}` });
      for (const k of ['row', 'col'] as const) {
        const n = r[k];
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n >= GRID) {
          errors.push({ path: `${p}.${k}`, message: `must be an integer from 0 to ${GRID - 1}; got ${JSON.stringify(n)}` });
        }
      }
      if (errors.length > before) return;
      const cell = `${r.row},${r.col}`;
      if (taken.has(cell)) {
        errors.push({ path: p, message: `cell row ${String(r.row)}, col ${String(r.col)} already holds an object` });
        return;
      }
      taken.add(cell);
      const obj: SceneObject = { shape: r.shape as Shape, color: r.color as Color, size: r.size as Size, row: r.row as number, col: r.col as number };
      if (typeof r.jitterX === 'number') obj.jitterX = Math.max(-1, Math.min(1, r.jitterX));
      if (typeof r.jitterY === 'number') obj.jitterY = Math.max(-1, Math.min(1, r.jitterY));
      objects.push(obj);
    });
  }
  if (errors.length > 0) return { errors };
  const scene: Scene = { background: v.background as Background, objects };
  if (typeof v.seed === 'number') scene.seed = v.seed;
  return { scene };
}

/** Returns the object in a cell, if any. */
export function objectAt(scene: Scene, row: number, col: number): SceneObject | undefined {
  return scene.objects.find((o) => o.row === row && o.col === col);
}
