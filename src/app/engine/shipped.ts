// The policies shipped in models/ (model.json + weights.bin per folder), found at build time.

import type { PolicySource } from '../../worker/protocol';

const jsons = import.meta.glob('../../../models/*/model.json', { query: '?url', import: 'default', eager: true }) as Record<string, string>;
const weights = import.meta.glob('../../../models/*/weights.bin', { query: '?url', import: 'default', eager: true }) as Record<string, string>;

/** Shipped policies by folder name ("sft", "sft-plus"), as sources the worker can load. */
export const SHIPPED: Record<string, Extract<PolicySource, { kind: 'shipped' }>> = Object.fromEntries(
  Object.entries(jsons).flatMap(([path, url]) => {
    const name = path.split('/').at(-2) as string;
    const w = weights[path.replace(/model\.json$/, 'weights.bin')];
    return w ? [[name, { kind: 'shipped', name, modelJsonUrl: url, weightsUrl: w }]] : [];
  }),
);
