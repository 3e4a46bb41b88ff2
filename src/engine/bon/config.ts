// The best-of-n sweep's one typed config, documented field by field, its defaults, bounds and the
// one check. No TensorFlow.js: the page reads it for its knobs and checks exactly as the engine does.

import { SHAPES_HAL_SIZES, type BenchSize } from '../bench/shapes-hal';
import { checkBounds, type Bounds, type ConfigProblem } from '../train/bounds';

export interface BonConfig {
  /**
   * The n of each row (ascending, no repeats). Every row is read off one pool of `samples`
   * answers per prompt: the expected result of best-of-n over every n-subset of the pool.
   */
  ns: number[];
  /** Answers sampled per prompt (the pool); at least the largest n. */
  samples: number;
  /** Which prompts: the ShapesHal-Bench items of this size (`standard`: 96, `large`: 800), so the gold is the benchmark's own score. */
  size: BenchSize;
  /** Sampling temperature (above 0: best-of-n needs different answers; the policy's own distribution is 1). */
  temperature: number;
  /** Most tokens an answer may have (the benchmarks' 48). */
  maxNewTokens: number;
  /** Rows of one sampling batch (prompts × their samples), through the KV cache. */
  batchRows: number;
  /** Seed of the sampler and of the images' pixel noise. */
  seed: number;
}

export const BON_DEFAULTS: BonConfig = { ns: [1, 2, 4, 8, 16, 32, 64], samples: 64, size: 'standard', temperature: 1, maxNewTokens: 48, batchRows: 256, seed: 0 };

/** The most answers per prompt a sweep may sample. */
export const BON_MAX_SAMPLES = 1024;

export const BON_BOUNDS: Bounds<BonConfig> = {
  samples: { integer: true, min: 1, max: BON_MAX_SAMPLES },
  temperature: { above: 0, max: 10 },
  maxNewTokens: { integer: true, min: 1, max: 256 },
  batchRows: { integer: true, min: 1, max: 4096 },
  seed: { integer: true, min: 0, max: 2 ** 32 - 1 },
};

/** Every problem with a config, each naming its field; [] when it can run. */
export function checkBonConfig(cfg: BonConfig): ConfigProblem[] {
  const out = checkBounds(cfg, BON_BOUNDS);
  const ns = cfg.ns;
  if (!Array.isArray(ns) || ns.length === 0) out.push({ field: 'ns', message: 'must list at least one n' });
  else if (ns.some((n) => !Number.isInteger(n) || n < 1 || n > BON_MAX_SAMPLES)) out.push({ field: 'ns', message: `must be whole numbers from 1 to ${BON_MAX_SAMPLES}` });
  else if (ns.some((n, i) => i > 0 && n <= (ns[i - 1] as number))) out.push({ field: 'ns', message: 'must be ascending without repeats' });
  else if (Number.isInteger(cfg.samples) && Math.max(...ns) > cfg.samples) out.push({ field: 'samples', message: `must be at least the largest n (${Math.max(...ns)})` });
  if (!Object.hasOwn(SHAPES_HAL_SIZES, cfg.size)) out.push({ field: 'size', message: `must be ${Object.keys(SHAPES_HAL_SIZES).join(' or ')}` });
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
