// The building blocks every part of the model shares: a matMul and a dense layer with WASM-friendly gradients,
// layer norm, GELU, and an embedding lookup done as one-hot × table (WASM has no gather gradient).
import * as tf from '@tensorflow/tfjs-core';

/**
 * a @ b for 2-D tensors, [M, K] × [K, N] → [M, N], whose gradient uses explicit transposes.
 * tfjs's own gradient calls matMul with transposeA/transposeB, which the WASM backend runs 10-20×
 * slower than a plain matMul (it skips XNNPACK); an explicit transpose costs little on every backend.
 */
export const matMul2d = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as tf.Tensor2D)];
    },
  };
}) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;

/**
 * x @ w + b for 2-D x, [N, In] × [In, Out] + [Out] → [N, Out], as one fused matMul, with a gradient
 * made of plain matMuls: the bias's is ones[1, N] @ dy, since WASM sums a [N, Out] gradient over its
 * rows about 30× slower (it transposes first).
 */
export const affine2d = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.fused.matMul({ a: x, b: w, bias: b }),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      const db = tf.matMul(tf.ones([1, g.shape[0]]), g).reshape([g.shape[1]]);
      return [tf.matMul(g, tf.transpose(sw)), tf.matMul(tf.transpose(sx), g), db];
    },
  };
}) as (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;

/** x @ w + b over the last axis, for any rank: [..., In] → [..., Out]. */
export function dense(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const [inDim, outDim] = w.shape as [number, number];
  const lead = x.shape.slice(0, -1);
  const x2 = x.reshape([-1, inDim]);
  const y = b ? affine2d(x2, w, b) : matMul2d(x2, w); // [N, Out]
  return y.reshape([...lead, outDim]);
}

/** Added to the variance in every layer norm. */
export const LAYER_NORM_EPS = 1e-5;
/** GELU's sigmoid form is x·σ(GELU_SIGMOID_SCALE·x). */
export const GELU_SIGMOID_SCALE = 1.702;

/** Layer normalisation over the last axis with gain g and bias b (eps 1e-5, the biased variance). */
export function layerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LAYER_NORM_EPS))), g), b);
}

/** GELU in its sigmoid form, x·σ(1.702x) (as in CLIP): three ops, smooth, close to the erf form. */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(tf.mul(x, GELU_SIGMOID_SCALE)));
}

/**
 * Looks rows of `table` up by integer ids: ids [...S] int32, table [N, D] → [...S, D].
 * Done as oneHot(ids) @ table so it is differentiable on every backend, and exact (1·x + 0·y = x).
 */
export function embed(ids: tf.Tensor, table: tf.Tensor): tf.Tensor {
  const [n, d] = table.shape as [number, number];
  const hot = tf.oneHot(ids.reshape([-1]).toInt() as tf.Tensor1D, n); // [N_ids, N]
  // Only the table has a gradient, oneHotᵀ @ dy: the ids' would be a matMul thrown away.
  const lookup = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [t, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    save([hot]);
    return {
      value: tf.matMul(hot, t), // [N_ids, D]
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.matMul(tf.transpose(saved[0] as tf.Tensor2D), dy as tf.Tensor2D)],
    };
  }) as (t: tf.Tensor) => tf.Tensor2D;
  return lookup(table).reshape([...ids.shape, d]);
}

/** Applies dropout only while training and only when the rate is positive. */
export function maybeDropout(x: tf.Tensor, rate: number, training: boolean): tf.Tensor {
  return training && rate > 0 ? tf.dropout(x, rate) : x;
}
