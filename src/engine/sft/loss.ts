// Supervised fine-tuning: next-token cross-entropy on the response tokens only (image, prompt and
// pads carry no loss), optionally with the auxiliary grounding loss, one Adam step at a time, and
// the cross-entropy on held-out data without an update.
import * as tf from '@tensorflow/tfjs-core';
import type { PackedBatch } from '../model/batch';
import { responseOutputs } from '../model/logprobs';
import type { VlmModel } from '../model/model';
import { Trainer, type OptimConfig, type StepResult } from '../train/trainer';
import { groundingLoss, type GroundingHead } from './grounding-loss';

/** The auxiliary grounding loss of one batch (grounding-loss.ts): its head, targets and weight in the total. */
export interface GroundingAux {
  head: GroundingHead;
  targets: Float32Array;
  weights: Float32Array;
  /** Weight of the grounding loss beside the cross-entropy. */
  weight: number;
}

/** The image tokens' states are read after the first block, so the next block can use what they say. */
const GROUNDING_BLOCK = 0;

/**
 * Mean cross-entropy (nats per response token) over the batch's real response tokens, plus
 * `aux.weight` × the grounding loss when `aux` is given; a scalar tensor.
 */
export function sftLoss(model: VlmModel, batch: PackedBatch, training = true, aux?: GroundingAux): tf.Scalar {
  const out = responseOutputs(model, batch, { training, ...(aux ? { imageStatesAfter: GROUNDING_BLOCK } : {}) }); // logprobs [B, R], 0 on pads
  const tokens = tf.maximum(tf.sum(batch.responseMask), 1);
  const ce = tf.div(tf.neg(tf.sum(out.logprobs)), tokens) as tf.Scalar;
  if (!aux || !out.imageStates) return ce;
  return tf.add(ce, tf.mul(aux.weight, groundingLoss(aux.head, out.imageStates, aux.targets, aux.weights))) as tf.Scalar;
}

/** A trainer over the model's trainable variables (the vision encoder's only if it is not frozen), and a grounding head's. */
export function createSftTrainer(model: VlmModel, optim: Partial<OptimConfig> = {}, head?: GroundingHead): Trainer {
  return new Trainer([...model.trainableVariables(), ...(head ? [head.w, head.b] : [])], optim, { onApplied: () => model.bumpGeneration() });
}

/** One SFT step: updates the model (and the grounding head) in place; returns the loss before the update, the gradient norm and lr. */
export async function sftStep(model: VlmModel, trainer: Trainer, batch: PackedBatch, aux?: GroundingAux): Promise<StepResult> {
  return trainer.step(() => sftLoss(model, batch, true, aux));
}

/** The SFT loss on a batch without changing the model (dropout off). */
export async function heldOutLoss(model: VlmModel, batch: PackedBatch): Promise<number> {
  const loss = tf.tidy(() => sftLoss(model, batch, false));
  const v = (await loss.data())[0] as number;
  loss.dispose();
  return v;
}
