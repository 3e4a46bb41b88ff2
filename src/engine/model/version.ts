// A policy's version: where its weights came from (its origin: a checkpoint's recipe or name and
// the CRC-32 of the weights it was loaded with) and how many times they have changed since (the
// model's generation, which every optimiser step bumps). Labelled pairs record it.

import { crc32 } from '../world/png';

/** The origin of weights loaded from a checkpoint: "recipe@crc32", e.g. "sft@1a2b3c4d". */
export function checkpointOrigin(metadata: Record<string, unknown>, fallbackName: string, weights: Uint8Array): string {
  const recipe = typeof metadata.recipe === 'string' && metadata.recipe !== '' ? metadata.recipe : fallbackName;
  return `${recipe}@${crc32(weights).toString(16).padStart(8, '0')}`;
}

/** The version of weights at a generation of their origin: the origin itself before any change, else "origin+N". */
export function policyVersion(origin: string, generation: number): string {
  return generation === 0 ? origin : `${origin}+${generation}`;
}
