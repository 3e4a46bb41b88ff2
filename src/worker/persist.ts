// What the worker keeps in this browser so a reload loses nothing: the loaded policy (with its
// name, origin and generation, so its version reads on where it left off) and each trained reward
// model, as TensorFlow.js IndexedDB artifacts. The page keeps the figures that go with them.

import * as tf from '@tensorflow/tfjs-core';
import { TOKENIZER_VERSION, VOCAB } from '../engine/language/vocab';
import { fromArtifacts, readManifest, toArtifacts } from '../engine/model/checkpoint';
import type { VlmModel } from '../engine/model/model';
import type { RewardKind } from '../engine/reward/config';
import type { RewardModelInfo } from '../engine/reward/job';

import { SESSION_POLICY_KEY, rewardModelKey } from './protocol';

export { SESSION_POLICY_KEY, rewardModelKey };

async function save(key: string, model: VlmModel, metadata: Record<string, unknown>): Promise<void> {
  const handler = tf.io.getSaveHandlers(`indexeddb://${key}`)[0];
  if (!handler?.save) throw new Error('this browser has no IndexedDB');
  await handler.save(await toArtifacts(model, { tokenizerVersion: TOKENIZER_VERSION, metadata }));
}

async function load(key: string): Promise<{ model: VlmModel; metadata: Record<string, unknown> } | null> {
  const handler = tf.io.getLoadHandlers(`indexeddb://${key}`)[0];
  if (!handler?.load) return null;
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = await handler.load();
  } catch {
    return null; // nothing stored under the key
  }
  const { metadata } = readManifest(artifacts);
  return { model: fromArtifacts(artifacts, { config: { vocabSize: VOCAB.length }, tokenizerVersion: TOKENIZER_VERSION }), metadata };
}

interface SessionNote {
  name: string;
  origin: string;
  generation: number;
}

/** Stores the policy with its name, origin and generation under the session key. */
export function savePolicy(model: VlmModel, name: string, metadata: Record<string, unknown>): Promise<void> {
  const session: SessionNote = { name, origin: model.origin, generation: model.generation };
  return save(SESSION_POLICY_KEY, model, { ...metadata, session });
}

/** The stored session policy, as it was (same origin and generation), or null when none is stored. */
export async function loadPolicy(): Promise<{ model: VlmModel; name: string; metadata: Record<string, unknown> } | null> {
  const got = await load(SESSION_POLICY_KEY);
  if (!got) return null;
  const { session, ...metadata } = got.metadata as Record<string, unknown> & { session?: SessionNote };
  if (session) {
    got.model.origin = session.origin;
    got.model.generation = session.generation;
  }
  return { model: got.model, name: session?.name ?? 'policy', metadata };
}

/** Stores a trained reward model under its kind. */
export function saveRewardModel(model: VlmModel, info: RewardModelInfo): Promise<void> {
  return save(rewardModelKey(info.kind), model, { role: 'reward-model', rewardModel: info });
}

/** The stored reward model of a kind, with what is known of it, or null. */
export async function loadRewardModel(kind: RewardKind): Promise<{ model: VlmModel; info: RewardModelInfo } | null> {
  const got = await load(rewardModelKey(kind));
  if (!got) return null;
  const info = got.metadata.rewardModel as RewardModelInfo | undefined;
  if (!info || info.kind !== kind) {
    got.model.dispose();
    return null;
  }
  return { model: got.model, info };
}
