// A policy's version: where its weights came from (its origin: a checkpoint's recipe or name and
// the CRC-32 of the weights it was loaded with) and how many times they have changed since (the
// model's generation, which every optimiser step bumps). A run in the page starts an origin of its
// own, named after it, at its first update ("sft@1a2b3c4d/ppo-3f9a+80"), so two runs from the same
// weights never share a version. Labelled pairs record it.

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

/** The origin of a run's weights: the version it started from, and the run's name. */
export function runOrigin(from: string, run: string): string {
  return `${from}/${run}`;
}

/** A new run's name: its kind and four hex digits ("ppo-3f9a"), told apart from other runs by chance (1 in 65,536). */
export function newRunName(kind: string, random: () => number = Math.random): string {
  return `${kind}-${Math.floor(random() * 0x10000).toString(16).padStart(4, '0')}`;
}

/**
 * A version as a person reads it beside the policy's name: what follows the loaded checkpoint's
 * checksum ("/ppo-3f9a+80"; "" as loaded), or for weights not loaded from a checkpoint what follows their origin.
 */
export function versionSuffix(version: string, origin: string): string {
  const m = /@[0-9a-f]{8}(.*)$/.exec(version);
  return m ? m[1]! : version.slice(origin.length);
}
