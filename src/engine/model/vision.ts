// The vision encoder: a 48×48 RGB image becomes one token per grid cell (a 16×16×3 patch through a
// small MLP, plus a learned cell-position embedding), with per-cell classification heads for pretraining.
import * as tf from '@tensorflow/tfjs-core';
import { COLORS, SHAPES, SIZES } from '../world/scene';
import type { ModelConfig } from './config';
import { imageTokenCount } from './config';
import { subSeed } from '../world/rng';
import { dense, gelu, layerNorm } from './layers';
import { Params, type ParamSpec } from './params';

/** Images as a tensor [B, S, S, 3], or Float32 pixels in [0, 1] (one array per image, or all concatenated). */
export type ImageInput = tf.Tensor4D | Float32Array | Float32Array[];

/**
 * Returns a new tensor [B, S, S, 3] for the images (a tensor input is cloned, so the caller keeps
 * ownership of theirs and disposes the result separately).
 */
export function toImageTensor(cfg: ModelConfig, images: ImageInput): tf.Tensor4D {
  const s = cfg.imageSize;
  if (images instanceof tf.Tensor) {
    const [, h, w, c] = images.shape;
    if (h !== s || w !== s || c !== 3) throw new Error(`images must be [B, ${s}, ${s}, 3], got [${images.shape.join(', ')}]`);
    return tf.clone(images);
  }
  const per = s * s * 3;
  const flat = Array.isArray(images) ? concatFloat(images) : images;
  if (flat.length % per !== 0) throw new Error(`image data length ${flat.length} is not a multiple of ${s}×${s}×3`);
  return tf.tensor4d(flat, [flat.length / per, s, s, 3]);
}

function concatFloat(list: Float32Array[]): Float32Array {
  const out = new Float32Array(list.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of list) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

/** Classes of each per-cell head; class 0 is "empty cell", then the world's lists in order. */
export const CELL_CLASSES = {
  shape: SHAPES.length + 1,
  color: COLORS.length + 1,
  size: SIZES.length + 1,
} as const;
export type CellHead = keyof typeof CELL_CLASSES;
export const CELL_HEADS: readonly CellHead[] = ['shape', 'color', 'size'];

function visionSpecs(cfg: ModelConfig): ParamSpec[] {
  const patch = (cfg.imageSize / cfg.grid) ** 2 * 3;
  const { visionHidden: h, visionDim: d } = cfg;
  const specs: ParamSpec[] = [
    { name: 'patch/w1', shape: [patch, h], init: 'normal', std: 1 / Math.sqrt(patch) },
    { name: 'patch/b1', shape: [h], init: 'zeros' },
    { name: 'patch/w2', shape: [h, d], init: 'normal', std: 1 / Math.sqrt(h) },
    { name: 'patch/b2', shape: [d], init: 'zeros' },
    { name: 'pos', shape: [imageTokenCount(cfg), d], init: 'normal', std: 0.02 },
    { name: 'ln/g', shape: [d], init: 'ones' },
    { name: 'ln/b', shape: [d], init: 'zeros' },
  ];
  for (const head of CELL_HEADS) {
    specs.push({ name: `head/${head}/w`, shape: [d, CELL_CLASSES[head]], init: 'normal', std: 1 / Math.sqrt(d) });
    specs.push({ name: `head/${head}/b`, shape: [CELL_CLASSES[head]], init: 'zeros' });
  }
  return specs;
}

export class VisionEncoder {
  readonly config: ModelConfig;
  readonly params: Params;

  constructor(config: ModelConfig, params: Params) {
    this.config = config;
    this.params = params;
  }

  /** True when frozen: its variables are marked untrainable and left out of every trainable list. */
  get frozen(): boolean {
    const first = this.params.vars.values().next().value;
    return first !== undefined && !first.trainable;
  }

  /** Freezes (true) or unfreezes (false) the encoder; changes the variables' trainable flags. */
  setFrozen(frozen: boolean): void {
    this.params.setTrainable(!frozen);
  }

  /** Variables that produce the cell tokens (no classification heads). */
  trunkVariables(): tf.Variable[] {
    return [...this.params.vars].filter(([n]) => !n.startsWith('head/')).map(([, v]) => v);
  }

  /** Every variable, heads included: what vision pretraining updates. */
  allVariables(): tf.Variable[] {
    return [...this.params.vars.values()];
  }

  clone(): VisionEncoder {
    return new VisionEncoder(this.config, this.params.clone());
  }

  dispose(): void {
    this.params.dispose();
  }
}

/** Creates a freshly initialised encoder; the same seed gives the same weights on every backend. */
export function createVisionEncoder(config: ModelConfig, seed: number): VisionEncoder {
  return new VisionEncoder(config, Params.init(visionSpecs(config), subSeed(seed, 101)));
}

/** Parameter specs, for checking a checkpoint's shapes. */
export function visionParamSpecs(config: ModelConfig): ParamSpec[] {
  return visionSpecs(config);
}

/**
 * Encodes images into cell tokens: [B, S, S, 3] in [0, 1] → [B, G·G, visionDim].
 * Cell index = row · grid + col (row 0 at the top), the order the world's scene uses.
 */
export function encodeImages(enc: VisionEncoder, images: tf.Tensor4D): tf.Tensor3D {
  const { grid: g, imageSize: s } = enc.config;
  const p = s / g;
  const b = images.shape[0];
  const w = enc.params;
  const patches = tf
    .sub(images, 0.5)
    .reshape([b, g, p, g, p, 3]) // [B, gy, py, gx, px, C]
    .transpose([0, 1, 3, 2, 4, 5]) // [B, gy, gx, py, px, C]
    .reshape([b * g * g, p * p * 3]); // [B·9, P]
  const h = gelu(dense(patches, w.get('patch/w1'), w.get('patch/b1'))); // [B·9, Hv]
  const tokens = dense(h, w.get('patch/w2'), w.get('patch/b2')).reshape([b, g * g, enc.config.visionDim]); // [B, 9, Dv]
  return layerNorm(tf.add(tokens, w.get('pos')), w.get('ln/g'), w.get('ln/b')) as tf.Tensor3D;
}

/** Per-cell class logits of one head from cell tokens: [B, 9, Dv] → [B, 9, C]. */
export function cellLogits(enc: VisionEncoder, tokens: tf.Tensor3D, head: CellHead): tf.Tensor3D {
  return dense(tokens, enc.params.get(`head/${head}/w`), enc.params.get(`head/${head}/b`)) as tf.Tensor3D;
}
