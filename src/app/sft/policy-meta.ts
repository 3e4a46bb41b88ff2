// Reading a checkpoint's free-form metadata (recipe, about, mixture, steps, benchmark figures)
// safely: every field may be missing, as in the placeholder checkpoints, or of the wrong type.

import type { SftMixture } from '../../engine/sft/data';

export interface PolicySummary {
  about?: string;
  recipe?: string;
  mixture?: Partial<SftMixture>;
  seed?: number;
  sftSteps?: number;
  heldOutLoss?: number;
  /** ShapesHal-Bench figures from metadata.bench, when the checkpoint was benchmarked. */
  bench?: { score: number; hallucinationRate: number };
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined);

/** Returns what the page shows of a checkpoint's metadata; fields it cannot read are left out. */
export function summarise(metadata: Record<string, unknown> | undefined): PolicySummary {
  const m = metadata ?? {};
  const out: PolicySummary = {};
  const about = str(m.about);
  const recipe = str(m.recipe);
  const seed = num(m.seed);
  const sftSteps = num(m.sftSteps);
  const heldOutLoss = num(m.heldOutLoss);
  if (about) out.about = about;
  if (recipe) out.recipe = recipe;
  if (seed !== undefined) out.seed = seed;
  if (sftSteps !== undefined) out.sftSteps = sftSteps;
  if (heldOutLoss !== undefined) out.heldOutLoss = heldOutLoss;
  const mix = obj(m.mixture);
  if (mix) {
    const keys = ['vqaShare', 'hallucinationRate', 'fillerRate', 'factsShare'] as const;
    out.mixture = Object.fromEntries(keys.flatMap((k) => (num(mix[k]) === undefined ? [] : [[k, num(mix[k])]])));
  }
  const shapes = obj(obj(m.bench)?.shapesHal);
  const score = num(shapes?.score);
  const rate = num(shapes?.hallucinationRate);
  if (score !== undefined && rate !== undefined) out.bench = { score, hallucinationRate: rate };
  return out;
}

/** Reads the metadata out of a shipped policy's model.json (our manifest sits in userDefinedMetadata). */
export function metadataOfModelJson(json: unknown): Record<string, unknown> | undefined {
  return obj(obj(obj(obj(json)?.userDefinedMetadata)?.rlhfPlayground)?.metadata);
}

/**
 * How the loaded weights came to be what they are, in words: as loaded, after a PPO run kept with
 * them (its preset and steps), or after some updates in this page (SFT, DPO, a reward of PPO's).
 */
export function lineage(info: { origin: string; version: string; metadata: Record<string, unknown> }): string {
  if (info.version === info.origin) return 'as loaded';
  const run = obj(obj(info.metadata.ppo)?.run);
  const policy = obj(run?.policy);
  if (run && policy?.version === info.version) return `after PPO here (${String(run.preset)}, ${String(run.step)} steps)`;
  const n = Number(info.version.slice(info.origin.length + 1));
  const named = /\/([a-z]+-[0-9a-f]{4})$/.exec(info.origin);
  const of = named ? ` (run ${named[1]})` : '';
  return Number.isInteger(n) && n > 0 ? `after ${n} updates here${of}` : 'trained here';
}
