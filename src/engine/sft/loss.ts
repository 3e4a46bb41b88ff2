// Supervised fine-tuning: next-token cross-entropy on the response tokens only (image, prompt and
// pads carry no loss), one Adam step at a time, and the same loss on held-out data without an update.
import * as tf from '@tensorflow/tfjs-core';
import type { PackedBatch } from '../model/batch';
import { responseOutputs } from '../model/logprobs';
import type { VlmModel } from '../model/model';
import { Trainer, type OptimConfig, type StepResult } from '../train/trainer';

/** Mean cross-entropy (nats per response token) over the batch's real response tokens; a scalar tensor. */
export function sftLoss(model: VlmModel, batch: PackedBatch, training = true): tf.Scalar {
  const { logprobs } = responseOutputs(model, batch, { training }); // [B, R], 0 on pads
  const tokens = tf.maximum(tf.sum(batch.responseMask), 1);
  return tf.div(tf.neg(tf.sum(logprobs)), tokens) as tf.Scalar;
}

/** A trainer over the model's trainable variables (the vision encoder's only if it is not frozen). */
export function createSftTrainer(model: VlmModel, optim: Partial<OptimConfig> = {}): Trainer {
  return new Trainer(model.trainableVariables(), optim, { onApplied: () => model.bumpGeneration() });
}

/** One SFT step: updates the model in place; returns the loss before the update, the gradient norm and lr. */
export async function sftStep(model: VlmModel, trainer: Trainer, batch: PackedBatch): Promise<StepResult> {
  return trainer.step(() => sftLoss(model, batch, true));
}

/** The SFT loss on a batch without changing the model (dropout off). */
export async function heldOutLoss(model: VlmModel, batch: PackedBatch): Promise<number> {
  const loss = tf.tidy(() => sftLoss(model, batch, false));
  const v = (await loss.data())[0] as number;
  loss.dispose();
  return v;
}
