// Pretraining the vision encoder on its own (as CLIP is pretrained before LLaVA): classify each grid
// cell's shape, colour and size (class 0 = empty) from the pixels, and, through heads used only
// here, which cell each token comes from and what the cell holds as one category; then the encoder
// can be frozen.
import * as tf from '@tensorflow/tfjs-core';
import { COLORS, SHAPES, SIZES, type Scene } from '../world/scene';
import { Rng } from '../world/rng';
import { Trainer, type OptimConfig, type StepResult } from '../train/trainer';
import { CELL_CLASSES, CELL_HEADS, cellLogits, encodeImages, toImageTensor, type CellHead, type ImageInput, type VisionEncoder } from '../model/vision';

/** Class labels per cell for each head, flattened [B·cells] row-major (cell = row · grid + col). */
export type CellLabels = Record<CellHead, Int32Array>;

/** Builds cell labels from scenes: 0 for an empty cell, else 1 + index in SHAPES / COLORS / SIZES. */
export function cellLabelsFromScenes(scenes: readonly Scene[], grid = 3): CellLabels {
  const n = scenes.length * grid * grid;
  const out: CellLabels = { shape: new Int32Array(n), color: new Int32Array(n), size: new Int32Array(n) };
  scenes.forEach((scene, b) => {
    for (const o of scene.objects) {
      const i = b * grid * grid + o.row * grid + o.col;
      out.shape[i] = SHAPES.indexOf(o.shape) + 1;
      out.color[i] = COLORS.indexOf(o.color) + 1;
      out.size[i] = SIZES.indexOf(o.size) + 1;
    }
  });
  return out;
}

/**
 * A linear classifier used only while pretraining (not part of the model), read off each cell token:
 * `place`, the cell the token comes from; `category`, the cell's colour and shape together (31
 * classes, 0 empty). The model's own heads are the same for every cell and read shape and colour
 * apart, so nothing else makes the tokens say where they sit (the decoder gives image tokens no
 * positions of its own) or name an object as one thing the decoder can match a question against.
 */
export interface AuxHead {
  kind: 'place' | 'category';
  /** [Dv, classes] */
  w: tf.Variable;
  /** [classes] */
  b: tf.Variable;
  /** Weight of its cross-entropy in the pretraining loss. */
  weight: number;
}

const AUX_CLASSES = { place: 9, category: 1 + SHAPES.length * COLORS.length } as const;

/** A fresh auxiliary head for the encoder (seeded); free it with disposeAuxHead. */
export function createAuxHead(enc: VisionEncoder, kind: AuxHead['kind'], seed: number, weight = 1): AuxHead {
  const d = enc.config.visionDim;
  const classes = kind === 'place' ? enc.config.grid * enc.config.grid : AUX_CLASSES.category;
  const rng = new Rng(seed);
  const w = Float32Array.from({ length: d * classes }, () => rng.normal() / Math.sqrt(d));
  return { kind, w: tf.variable(tf.tensor2d(w, [d, classes]), true), b: tf.variable(tf.zeros([classes]), true), weight };
}

export function disposeAuxHead(h: AuxHead): void {
  h.w.dispose();
  h.b.dispose();
}

/** The class of each cell for an auxiliary head, flattened [B·cells]. */
function auxLabels(kind: AuxHead['kind'], labels: CellLabels, cells: number): Int32Array {
  if (kind === 'place') return Int32Array.from({ length: labels.shape.length }, (_, i) => i % cells);
  // 0 for an empty cell, else 1 + (shape − 1) · colours + (colour − 1).
  return Int32Array.from(labels.shape, (sh, i) => (sh === 0 ? 0 : 1 + (sh - 1) * COLORS.length + ((labels.color[i] as number) - 1)));
}

/**
 * Sum over the three heads of the mean per-cell cross-entropy, plus each auxiliary head's weighted
 * cross-entropy; a scalar tensor (use inside tidy/grads).
 */
export function cellLoss(enc: VisionEncoder, images: tf.Tensor4D, labels: CellLabels, aux: readonly AuxHead[] = []): tf.Scalar {
  const tokens = encodeImages(enc, images); // [B, 9, Dv]
  const [b, cells] = tokens.shape;
  const ce = (logits: tf.Tensor, y: Int32Array, classes: number) => {
    const logp = tf.logSoftmax(logits); // [..., C]
    const target = tf.oneHot(tf.tensor(y, logits.shape.slice(0, -1), 'int32'), classes); // [..., C]
    return tf.neg(tf.mean(tf.sum(tf.mul(target, logp), -1)));
  };
  const losses = CELL_HEADS.map((head) => {
    const y = labels[head];
    if (y.length !== b * cells) throw new Error(`cell labels '${head}' have ${y.length} entries, expected ${b * cells}`);
    return ce(cellLogits(enc, tokens, head), y, CELL_CLASSES[head]); // [B, 9, C]
  });
  for (const h of aux) {
    const logits = tf.add(tf.matMul(tokens.reshape([b * cells, -1]), h.w), h.b); // [B·9, C]
    losses.push(tf.mul(ce(logits, auxLabels(h.kind, labels, cells), h.w.shape[1] as number), h.weight));
  }
  return tf.addN(losses) as tf.Scalar;
}

/** A trainer over every encoder variable, heads included, and the auxiliary heads' (the encoder must not be frozen). */
export function createVisionTrainer(enc: VisionEncoder, optim: Partial<OptimConfig> = {}, aux: readonly AuxHead[] = []): Trainer {
  if (enc.frozen) throw new Error('the vision encoder is frozen; unfreeze it before pretraining');
  return new Trainer([...enc.allVariables(), ...aux.flatMap((h) => [h.w, h.b])], optim);
}

/** One pretraining step; updates the encoder (and auxiliary heads) in place and returns the loss before the update. */
export async function pretrainVisionStep(enc: VisionEncoder, trainer: Trainer, images: ImageInput, labels: CellLabels, aux: readonly AuxHead[] = []): Promise<StepResult> {
  const x = toImageTensor(enc.config, images);
  try {
    return await trainer.step(() => cellLoss(enc, x, labels, aux));
  } finally {
    x.dispose();
  }
}

/** Share of cells an auxiliary head gets right. */
export async function auxAccuracy(enc: VisionEncoder, images: ImageInput, labels: CellLabels, h: AuxHead): Promise<number> {
  const guess = tf.tidy(() => {
    const tokens = encodeImages(enc, toImageTensor(enc.config, images)); // [B, 9, Dv]
    const [b, cells] = tokens.shape;
    return tf.argMax(tf.add(tf.matMul(tokens.reshape([b * cells, -1]), h.w), h.b), -1);
  });
  const got = await guess.data();
  guess.dispose();
  const want = auxLabels(h.kind, labels, enc.config.grid * enc.config.grid);
  return Array.from(got).filter((g, i) => g === want[i]).length / want.length;
}

/** The cell-classification loss without an update (held-out evaluation). */
export async function visionLoss(enc: VisionEncoder, images: ImageInput, labels: CellLabels): Promise<number> {
  const loss = tf.tidy(() => cellLoss(enc, toImageTensor(enc.config, images), labels));
  const v = (await loss.data())[0] as number;
  loss.dispose();
  return v;
}

/** The encoder's guess for each cell (argmax of each head), in the CellLabels layout. */
export async function predictCells(enc: VisionEncoder, images: ImageInput): Promise<CellLabels> {
  const preds = tf.tidy(() => {
    const tokens = encodeImages(enc, toImageTensor(enc.config, images));
    return CELL_HEADS.map((h) => tf.argMax(cellLogits(enc, tokens, h), -1).reshape([-1]));
  });
  const arrays = await Promise.all(preds.map((p) => p.data()));
  tf.dispose(preds);
  return { shape: Int32Array.from(arrays[0]!), color: Int32Array.from(arrays[1]!), size: Int32Array.from(arrays[2]!) };
}

export type HeadAccuracy = Record<CellHead | 'all', number>;

/** Share of the cells (those where `keep` holds, default all) each head gets right, and all three. */
function accuracyOf(pred: CellLabels, labels: CellLabels, keep: (i: number) => boolean = () => true): HeadAccuracy & { cells: number } {
  const hits = { shape: 0, color: 0, size: 0, all: 0 };
  let n = 0;
  for (let i = 0; i < labels.shape.length; i++) {
    if (!keep(i)) continue;
    n++;
    let all = true;
    for (const h of CELL_HEADS) {
      if (pred[h][i] === labels[h][i]) hits[h] += 1;
      else all = false;
    }
    if (all) hits.all += 1;
  }
  const d = Math.max(1, n);
  return { shape: hits.shape / d, color: hits.color / d, size: hits.size / d, all: hits.all / d, cells: n };
}

/** Share of cells each head gets right, and of cells where all three are right. */
export async function cellAccuracy(enc: VisionEncoder, images: ImageInput, labels: CellLabels): Promise<HeadAccuracy> {
  const { shape, color, size, all } = accuracyOf(await predictCells(enc, images), labels);
  return { shape, color, size, all };
}

/** Per-cell accuracy split by what the cell holds: a small object, a large object, nothing. */
export interface AccuracyBySize {
  small: HeadAccuracy & { cells: number };
  large: HeadAccuracy & { cells: number };
  empty: HeadAccuracy & { cells: number };
}

const SMALL = SIZES.indexOf('small') + 1;
const LARGE = SIZES.indexOf('large') + 1;

/** The encoder's accuracy on cells with a small object, with a large one, and on empty cells. */
export async function cellAccuracyBySize(enc: VisionEncoder, images: ImageInput, labels: CellLabels): Promise<AccuracyBySize> {
  const pred = await predictCells(enc, images);
  return {
    small: accuracyOf(pred, labels, (i) => labels.size[i] === SMALL),
    large: accuracyOf(pred, labels, (i) => labels.size[i] === LARGE),
    empty: accuracyOf(pred, labels, (i) => labels.size[i] === 0),
  };
}

/** How often a small object's true shape (row) is read as each shape (column), empty first: counts. */
export async function smallShapeConfusion(enc: VisionEncoder, images: ImageInput, labels: CellLabels): Promise<number[][]> {
  const pred = await predictCells(enc, images);
  const m = Array.from({ length: SHAPES.length + 1 }, () => new Array<number>(SHAPES.length + 1).fill(0));
  for (let i = 0; i < labels.shape.length; i++) {
    if (labels.size[i] !== SMALL) continue;
    const row = m[labels.shape[i] as number] as number[];
    row[pred.shape[i] as number] = (row[pred.shape[i] as number] as number) + 1;
  }
  return m;
}
