// Pretraining the vision encoder on its own (as CLIP is pretrained before LLaVA): classify each grid
// cell's shape, colour and size (class 0 = empty) from the pixels, and say which cell each token
// comes from (so the decoder can tell where an object is); then the encoder can be frozen.
import * as tf from '@tensorflow/tfjs';
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
 * A linear classifier of the cell a token comes from, used only while pretraining (it is not part of
 * the model). The per-cell heads are the same for every cell, so nothing else makes the encoder's
 * position embedding say where a token sits; without it the decoder, which gives image tokens no
 * positions of its own, cannot tell "at the top right" from "in the center".
 */
export interface PlaceHead {
  /** [Dv, cells] */
  w: tf.Variable;
  /** [cells] */
  b: tf.Variable;
}

/** A fresh place head for the encoder (seeded); free it with disposePlaceHead. */
export function createPlaceHead(enc: VisionEncoder, seed: number): PlaceHead {
  const { visionDim: d, grid } = enc.config;
  const cells = grid * grid;
  const rng = new Rng(seed);
  const w = Float32Array.from({ length: d * cells }, () => rng.normal() / Math.sqrt(d));
  return { w: tf.variable(tf.tensor2d(w, [d, cells]), true), b: tf.variable(tf.zeros([cells]), true) };
}

export function disposePlaceHead(h: PlaceHead): void {
  h.w.dispose();
  h.b.dispose();
}

/**
 * Sum over the three heads of the mean per-cell cross-entropy, plus (with a place head) the
 * cross-entropy of each token's cell index; a scalar tensor (use inside tidy/grads).
 */
export function cellLoss(enc: VisionEncoder, images: tf.Tensor4D, labels: CellLabels, place?: PlaceHead): tf.Scalar {
  const tokens = encodeImages(enc, images); // [B, 9, Dv]
  const [b, cells] = tokens.shape;
  const losses = CELL_HEADS.map((head) => {
    const y = labels[head];
    if (y.length !== b * cells) throw new Error(`cell labels '${head}' have ${y.length} entries, expected ${b * cells}`);
    const logp = tf.logSoftmax(cellLogits(enc, tokens, head)); // [B, 9, C]
    const target = tf.oneHot(tf.tensor2d(y, [b, cells], 'int32'), CELL_CLASSES[head]); // [B, 9, C]
    return tf.neg(tf.mean(tf.sum(tf.mul(target, logp), -1)));
  });
  if (place) {
    const logp = tf.logSoftmax(tf.add(tf.matMul(tokens.reshape([b * cells, -1]), place.w), place.b)); // [B·9, 9]
    const target = tf.oneHot(tf.tensor1d(Int32Array.from({ length: b * cells }, (_, i) => i % cells), 'int32'), cells); // [B·9, 9]
    losses.push(tf.neg(tf.mean(tf.sum(tf.mul(target, logp), -1))));
  }
  return tf.addN(losses) as tf.Scalar;
}

/** A trainer over every encoder variable, heads included, and the place head's (the encoder must not be frozen). */
export function createVisionTrainer(enc: VisionEncoder, optim: Partial<OptimConfig> = {}, place?: PlaceHead): Trainer {
  if (enc.frozen) throw new Error('the vision encoder is frozen; unfreeze it before pretraining');
  return new Trainer([...enc.allVariables(), ...(place ? [place.w, place.b] : [])], optim);
}

/** One pretraining step; updates the encoder (and place head) in place and returns the loss before the update. */
export async function pretrainVisionStep(enc: VisionEncoder, trainer: Trainer, images: ImageInput, labels: CellLabels, place?: PlaceHead): Promise<StepResult> {
  const x = toImageTensor(enc.config, images);
  try {
    return await trainer.step(() => cellLoss(enc, x, labels, place));
  } finally {
    x.dispose();
  }
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
