// Attention's two batched products, q·kᵀ and weights·v, over N = batch × heads small matrices.
// The WASM backend runs a batched matMul through a plain loop (1-3 GFLOPS here, against 15-20 for
// one large matMul through XNNPACK); one depthwise convolution computes the same products about 3×
// faster, so on WASM both go through it, each with a gradient written as the other product. Other
// backends use tf.matMul.
//
// The trick: a depthwise conv sums input × filter over the kernel window, separately per channel.
// With the N matrices as channels, the inner dimension as the (VALID, full-width) kernel window and
// the output columns as the channel multiplier, out[n, m, p] = Σ_k a[n, m, k] · b[n, k, p].
import * as tf from '@tensorflow/tfjs-core';

/** a [N, M, K] × b [N, K, P] → [N, M, P] by one depthwise conv (b arrives as f [K, N, P]). */
function convProduct(a: tf.Tensor3D, f: tf.Tensor3D): tf.Tensor3D {
  const [n, m, k] = a.shape;
  const p = f.shape[2];
  const x = a.transpose([1, 2, 0]).reshape([1, m, k, n]) as tf.Tensor4D; // [1, M, K, N]: height M, width K, channels N
  const y = tf.depthwiseConv2d(x, f.reshape([1, k, n, p]) as tf.Tensor4D, 1, 'valid'); // [1, M, 1, N·P]
  return y.reshape([m, n, p]).transpose([1, 0, 2]) as tf.Tensor3D; // [N, M, P]
}

const onWasm = () => tf.getBackend() === 'wasm';

/** q [N, T, d] · kᵀ (k [N, S, d]) → [N, T, S], without gradient. */
function scoresRaw(q: tf.Tensor3D, k: tf.Tensor3D): tf.Tensor3D {
  return convProduct(q, k.transpose([2, 0, 1]) as tf.Tensor3D); // f [d, N, S]
}

/** w [N, T, S] · v [N, S, d] → [N, T, d], without gradient. */
function mixRaw(w: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
  return convProduct(w, v.transpose([1, 0, 2]) as tf.Tensor3D); // f [S, N, d]
}

const tr = (x: tf.Tensor) => x.transpose([0, 2, 1]) as tf.Tensor3D;

const scoresConv = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [q, k, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
  save([q, k]);
  return {
    value: scoresRaw(q, k),
    // S = q·kᵀ: dq = dS·k, dk = dSᵀ·q
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sq, sk] = saved as [tf.Tensor3D, tf.Tensor3D];
      return [mixRaw(dy as tf.Tensor3D, sk), mixRaw(tr(dy), sq)];
    },
  };
}) as (q: tf.Tensor3D, k: tf.Tensor3D) => tf.Tensor3D;

const mixConv = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [w, v, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
  save([w, v]);
  return {
    value: mixRaw(w, v),
    // Y = w·v: dw = dY·vᵀ, dv = wᵀ·dY
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sw, sv] = saved as [tf.Tensor3D, tf.Tensor3D];
      return [scoresRaw(dy as tf.Tensor3D, sv), mixRaw(tr(sw), dy as tf.Tensor3D)];
    },
  };
}) as (w: tf.Tensor3D, v: tf.Tensor3D) => tf.Tensor3D;

/** Attention scores q·kᵀ: q [B, H, T, d], k [B, H, S, d] → [B, H, T, S]. */
export function attentionScores(q: tf.Tensor4D, k: tf.Tensor4D): tf.Tensor4D {
  if (!onWasm()) return tf.matMul(q, k, false, true);
  const [b, h, t, d] = q.shape;
  const s = k.shape[2];
  return tf.tidy(() => scoresConv(q.reshape([b * h, t, d]), k.reshape([b * h, s, d])).reshape([b, h, t, s]));
}

/** Attention output weights·v: w [B, H, T, S], v [B, H, S, d] → [B, H, T, d]. */
export function attentionMix(w: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor4D {
  if (!onWasm()) return tf.matMul(w, v);
  const [b, h, t, s] = w.shape;
  const d = v.shape[3];
  return tf.tidy(() => mixConv(w.reshape([b * h, t, s]), v.reshape([b * h, s, d])).reshape([b, h, t, d]));
}
