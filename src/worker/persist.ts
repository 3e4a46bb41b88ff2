// What the worker keeps in this browser so a reload loses nothing: the loaded policy (with its
// name, origin and generation, so its version reads on where it left off) and each trained reward
// model, as TensorFlow.js IndexedDB artifacts, each save answered once it is on disk. The page
// keeps the figures that go with them.

import * as tf from '@tensorflow/tfjs-core';
import { TOKENIZER_VERSION, VOCAB } from '../engine/language/vocab';
import { fromArtifacts, readManifest, toArtifacts } from '../engine/model/checkpoint';
import type { VlmModel } from '../engine/model/model';
import type { RewardKind } from '../engine/reward/config';
import type { RewardModelInfo } from '../engine/reward/job';

import { SESSION_POLICY_KEY, rewardModelKey } from './protocol';

export { SESSION_POLICY_KEY, rewardModelKey };

/** tf.io's IndexedDB database and its two stores (tfjs-core's io/indexed_db.ts). */
const TFJS_DB = 'tensorflowjs';
const TFJS_STORES = ['models_store', 'model_info_store'];

/**
 * Resolves once every write to tf.io's store begun before it has been committed to disk. tf.io's
 * save answers when its last put succeeds, before its transaction commits (megabytes of weights
 * can take seconds more), so a tab closed meanwhile would lose a save already reported; a read
 * over the same stores only runs once those writes have committed.
 */
function committed(): Promise<void> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(TFJS_DB);
    open.onerror = () => reject(open.error ?? new Error('could not open IndexedDB'));
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(TFJS_STORES, 'readonly');
      tx.objectStore(TFJS_STORES[0] as string).count();
      tx.oncomplete = () => (db.close(), resolve());
      tx.onerror = () => (db.close(), reject(tx.error ?? new Error('IndexedDB read failed')));
    };
  });
}

async function save(key: string, model: VlmModel, metadata: Record<string, unknown>): Promise<void> {
  const handler = tf.io.getSaveHandlers(`indexeddb://${key}`)[0];
  if (!handler?.save) throw new Error('this browser has no IndexedDB');
  await handler.save(await toArtifacts(model, { tokenizerVersion: TOKENIZER_VERSION, metadata }));
  await committed();
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
