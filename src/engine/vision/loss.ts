// Pretraining the vision encoder on its own (as CLIP is pretrained before LLaVA): classify each grid
// cell's shape, colour and size (class 0 = empty) from the pixels; then the encoder can be frozen.
import * as tf from '@tensorflow/tfjs';
import { COLORS, SHAPES, SIZES, type Scene } from '../world/scene';
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

/** Sum over the three heads of the mean per-cell cross-entropy; a scalar tensor (use inside tidy/grads). */
export function cellLoss(enc: VisionEncoder, images: tf.Tensor4D, labels: CellLabels): tf.Scalar {
  const tokens = encodeImages(enc, images); // [B, 9, Dv]
  const [b, cells] = tokens.shape;
  const losses = CELL_HEADS.map((head) => {
    const y = labels[head];
    if (y.length !== b * cells) throw new Error(`cell labels '${head}' have ${y.length} entries, expected ${b * cells}`);
    const logp = tf.logSoftmax(cellLogits(enc, tokens, head)); // [B, 9, C]
    const target = tf.oneHot(tf.tensor2d(y, [b, cells], 'int32'), CELL_CLASSES[head]); // [B, 9, C]
    return tf.neg(tf.mean(tf.sum(tf.mul(target, logp), -1)));
  });
  return tf.addN(losses) as tf.Scalar;
}

/** A trainer over every encoder variable, heads included (the encoder must not be frozen). */
export function createVisionTrainer(enc: VisionEncoder, optim: Partial<OptimConfig> = {}): Trainer {
  if (enc.frozen) throw new Error('the vision encoder is frozen; unfreeze it before pretraining');
  return new Trainer(enc.allVariables(), optim);
}

/** One pretraining step; updates the encoder in place and returns the loss before the update. */
export async function pretrainVisionStep(enc: VisionEncoder, trainer: Trainer, images: ImageInput, labels: CellLabels): Promise<StepResult> {
  const x = toImageTensor(enc.config, images);
  try {
    return await trainer.step(() => cellLoss(enc, x, labels));
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

/** Share of cells each head gets right, and of cells where all three are right. */
export async function cellAccuracy(enc: VisionEncoder, images: ImageInput, labels: CellLabels): Promise<Record<CellHead | 'all', number>> {
  const pred = await predictCells(enc, images);
  const n = labels.shape.length;
  const hits = { shape: 0, color: 0, size: 0, all: 0 };
  for (let i = 0; i < n; i++) {
    let all = true;
    for (const h of CELL_HEADS) {
      if (pred[h][i] === labels[h][i]) hits[h] += 1;
      else all = false;
    }
    if (all) hits.all += 1;
  }
  return { shape: hits.shape / n, color: hits.color / n, size: hits.size / n, all: hits.all / n };
}
