// The scene: a 3×3 grid holding 1 to 5 objects on a day or night background.
// Its JSON form is the contract with tools outside the project (docs/design.md, section 1).

import * as v from 'valibot';
import { bounded, choice, list, obj, problemsOfIssues, seed } from '../files/schema';

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

const cellIndex = () => bounded({ integer: true, min: 0, max: GRID - 1 }, `must be an integer from 0 to ${GRID - 1}`);
/** Jitter is clamped into [-1, 1] (any finite number is read). */
const jitter = () => v.optional(v.pipe(bounded({}, 'must be a finite number'), v.transform((x: number) => Math.max(-1, Math.min(1, x)))));

/** One object of a scene, as its JSON holds it. */
export const SCENE_OBJECT_SCHEMA = obj(
  {
    shape: choice(SHAPES, `must be one of ${SHAPES.join(', ')}`),
    color: choice(COLORS, `must be one of ${COLORS.join(', ')}`),
    size: choice(SIZES),
    /** 0 to 2, row 0 at the top. */
    row: cellIndex(),
    /** 0 to 2, column 0 on the left. */
    col: cellIndex(),
    /** Position jitter in [-1, 1] as a share of the free room in the cell; optional, ignored by the judge. */
    jitterX: jitter(),
    jitterY: jitter(),
  },
  'must be an object',
);

/** The scene's JSON: the contract (extra keys are dropped). */
export const SCENE_SCHEMA = obj(
  {
    background: choice(BACKGROUNDS),
    objects: list(SCENE_OBJECT_SCHEMA, MAX_OBJECTS, 'objects'),
    /** The seed this scene was sampled from, when it was sampled. */
    seed: v.optional(seed()),
  },
  'must be an object',
);

export type SceneObject = v.InferOutput<typeof SCENE_OBJECT_SCHEMA>;
export type Scene = v.InferOutput<typeof SCENE_SCHEMA>;

/** A problem found in a scene, with the JSON path of the field at fault. */
export interface SceneError {
  path: string;
  message: string;
}

/** Objects that share a cell with an earlier one, each named by its path under `at` ("scene.objects[2]"). */
export function sharedCells(objects: readonly SceneObject[], at = 'scene.objects'): SceneError[] {
  const taken = new Set<string>();
  const out: SceneError[] = [];
  objects.forEach((o, i) => {
    const cell = `${o.row},${o.col}`;
    if (taken.has(cell)) out.push({ path: `${at}[${i}]`, message: `cell row ${o.row}, col ${o.col} already holds an object` });
    taken.add(cell);
  });
  return out;
}

/** The scene without the keys left undefined (an absent jitter or seed stays absent). */
function withoutUndefined(s: Scene): Scene {
  const objects = s.objects.map((o) => Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as SceneObject);
  return s.seed === undefined ? { background: s.background, objects } : { background: s.background, objects, seed: s.seed };
}

/**
 * Checks a parsed JSON value against the scene contract.
 * Returns the scene (extra keys dropped, except jitter and seed) or the list of errors.
 */
export function validateScene(value: unknown): { scene: Scene } | { errors: SceneError[] } {
  const res = v.safeParse(SCENE_SCHEMA, value);
  if (!res.success) return { errors: problemsOfIssues(res.issues, 'scene').map((p) => ({ path: p.field, message: p.message })) };
  const cells = sharedCells(res.output.objects);
  return cells.length ? { errors: cells } : { scene: withoutUndefined(res.output) };
}

/** Returns the object in a cell, if any. */
export function objectAt(scene: Scene, row: number, col: number): SceneObject | undefined {
  return scene.objects.find((o) => o.row === row && o.col === col);
}
