// The best-of-n sweep's one config, as one table (train/fields.ts): each knob's default, bounds or
// choices, label and help; and its check. No TensorFlow.js: the page reads it for its knobs and
// checks exactly as the engine does.

import * as v from 'valibot';
import { SHAPES_HAL_SIZE_NAMES } from '../bench/shapes-hal';
import type { ConfigProblem } from '../train/bounds';
import { choice, defaultsOf, fieldsOf, list, num, problemsOf } from '../train/fields';

/** The most answers per prompt a sweep may sample. */
export const BON_MAX_SAMPLES = 1024;

export const BON_TABLE = v.object({
  ns: list([1, 2, 4, 8, 16, 32, 64], { integer: true, min: 1, max: BON_MAX_SAMPLES }, { noun: 'n', ascending: true }, {
    label: 'n list',
    help: 'The n of each row, ascending, separated by commas. The pool is the largest n: 64 answers per prompt takes a while on the CPU; 1,2,4,8 is a quick look.',
  }),
  samples: num(64, { integer: true, min: 1, max: BON_MAX_SAMPLES }, { label: 'Pool', help: 'Answers sampled per prompt (the pool); at least the largest n. Every row is read off one pool: the expected result of best-of-n over every n-subset of it.' }),
  size: choice(SHAPES_HAL_SIZE_NAMES, 'standard', {
    label: 'Size',
    help: 'The ShapesHal-Bench prompts the answers are sampled for and judged on: standard (96), or large (800: about eight times as long, for low variance).',
    options: { standard: 'standard (96)', large: 'large (800)' },
  }),
  temperature: num(1, { above: 0, max: 10 }, { label: 'Temperature', help: 'Sampling temperature of the pool: best-of-n picks among different answers, so above 0; 1 is the policy’s own distribution (the KL formula assumes it).' }),
  maxNewTokens: num(48, { integer: true, min: 1, max: 256 }, { label: 'Max tokens', help: 'Most tokens per answer (the benchmark’s 48); fewer is faster.' }),
  batchRows: num(256, { integer: true, min: 1, max: 4096 }, { label: 'Batch rows', help: 'Rows of one sampling batch (prompts × their samples), through the KV cache.' }),
  seed: num(0, { integer: true, min: 0, max: 2 ** 32 - 1 }, { label: 'Seed', help: 'Seed of the sampler and the images’ pixel noise.' }),
});

export type BonConfig = v.InferOutput<typeof BON_TABLE>;

export const BON_FIELDS = fieldsOf(BON_TABLE);
export const BON_DEFAULTS: BonConfig = defaultsOf(BON_TABLE);

/** Every problem with a config, each naming its field: the table's, then a pool smaller than the largest n; [] when it can run. */
export function checkBonConfig(cfg: BonConfig): ConfigProblem[] {
  const out = problemsOf(BON_TABLE, cfg);
  const largest = Array.isArray(cfg.ns) ? Math.max(...cfg.ns) : NaN;
  if (!out.some((p) => p.field === 'ns' || p.field === 'samples') && largest > cfg.samples) out.push({ field: 'samples', message: `must be at least the largest n (${largest})` });
  return out;
}

/** The config with `over` on top of the defaults; when `over` names ns but no pool, the pool is the largest n. */
export function bonConfig(over: Partial<BonConfig> = {}): BonConfig {
  const samples = over.samples ?? (over.ns?.length ? Math.max(...over.ns) : BON_DEFAULTS.samples);
  return { ...BON_DEFAULTS, ...over, samples };
}

/** The ns of a list like "1,4,16,64" (throws naming the bad entry). */
export function parseNs(text: string): number[] {
  return text.split(',').map((s) => {
    const n = Number(s.trim());
    if (s.trim() === '' || !Number.isInteger(n)) throw new Error(`"${s}" is not a whole number`);
    return n;
  });
}
