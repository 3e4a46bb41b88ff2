// The models this browser keeps (TensorFlow.js's IndexedDB store: the session's policy and reward
// models, the policy saved by hand), for the storage panel: listed with their sizes, exported as
// one checkpoint file each, and deleted.

import * as tf from '@tensorflow/tfjs-core';
import { encodeCheckpointFile } from '../../engine/model/checkpoint-file';
import type { StoredModel } from '../protocol';
import type { HandlerSet } from './types';

const SCHEME = 'indexeddb://';

export const storageHandlers: HandlerSet<'stored-models' | 'export-stored-model' | 'remove-stored-model'> = {
  async 'stored-models'() {
    const all = await tf.io.listModels();
    const models: StoredModel[] = Object.entries(all)
      .filter(([url]) => url.startsWith(SCHEME))
      .map(([url, info]) => ({
        key: url.slice(SCHEME.length),
        bytes: (info.modelTopologyBytes ?? 0) + (info.weightSpecsBytes ?? 0) + (info.weightDataBytes ?? 0),
        savedAt: new Date(info.dateSaved).toISOString(),
      }));
    return { models };
  },
  async 'export-stored-model'(req) {
    const handler = tf.io.getLoadHandlers(`${SCHEME}${req.key}`)[0];
    if (!handler?.load) throw new Error('this browser has no IndexedDB');
    const bytes = encodeCheckpointFile(await handler.load());
    return { bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
  },
  async 'remove-stored-model'(req) {
    await tf.io.removeModel(`${SCHEME}${req.key}`);
    return {};
  },
};
