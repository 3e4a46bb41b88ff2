// The model's one typed configuration, documented field by field, and its presets (data, not code).
// A checkpoint stores its config; loading compares it field by field with the expected one.

export interface ModelConfig {
  /** Number of token ids the decoder reads and writes (the language module's vocabulary size). */
  vocabSize: number;
  /** Width of the decoder's residual stream (d_model); a multiple of nHeads. */
  dModel: number;
  /** Number of transformer blocks in the decoder. */
  nLayers: number;
  /** Attention heads per block; head size is dModel / nHeads. */
  nHeads: number;
  /** Hidden width of each block's MLP (usually 4 × dModel). */
  dFF: number;
  /** Text token positions (prompt + response), excluding the image tokens; the longest sequence the model can read. */
  maxLen: number;
  /** Side of the square RGB input image in pixels; images are Float32 [B, imageSize, imageSize, 3] in [0, 1]. */
  imageSize: number;
  /** Cells per side of the image grid; the vision encoder emits grid × grid tokens, one per cell. */
  grid: number;
  /** Width of a vision token (the encoder's output, before the projector maps it to dModel). */
  visionDim: number;
  /** Hidden width of the per-cell patch MLP in the vision encoder. */
  visionHidden: number;
  /** Token id used for padding; never sampled, masked out of attention and losses. */
  padId: number;
  /** Token id that begins a sequence (the language module decides where it goes). */
  bosId: number;
  /** Token id that ends a response; generation stops a row when it samples this. */
  eosId: number;
  /** Token id that separates the question from the response. */
  sepId: number;
  /** Dropout rate on residual branches while training; 0 turns it off (the default, and what PPO wants). */
  dropout: number;
  /**
   * Where the scalar score head reads a sequence (only reward models use it): 'last', its last
   * real token (absent means this); or 'sum', the head applied to every response token and summed,
   * so each sentence adds its own share and a flaw anywhere costs on its own.
   */
  scoreReadout?: ScoreReadout;
}

export const SCORE_READOUTS = ['last', 'sum'] as const;
export type ScoreReadout = (typeof SCORE_READOUTS)[number];

/** A preset is a config without the vocabulary size, which the language module supplies. */
export type ModelPreset = Omit<ModelConfig, 'vocabSize'>;

const SPECIAL_IDS = { padId: 0, bosId: 1, eosId: 2, sepId: 3 } as const;

export const MODEL_PRESETS = {
  /** For CI and unit tests: one SFT step in well under a second on the CPU/WASM backends. */
  tiny: {
    dModel: 32, nLayers: 2, nHeads: 2, dFF: 64, maxLen: 160,
    imageSize: 48, grid: 3, visionDim: 32, visionHidden: 64, ...SPECIAL_IDS, dropout: 0,
  },
  /**
   * For the page and the shipped policies: d_model 128, 2 layers, 4 heads, MLP 256 (about 0.45 M
   * parameters). Sized so an SFT step at batch 32 takes under a second on WASM in Node.
   */
  default: {
    dModel: 128, nLayers: 2, nHeads: 4, dFF: 256, maxLen: 160,
    imageSize: 48, grid: 3, visionDim: 64, visionHidden: 128, ...SPECIAL_IDS, dropout: 0,
  },
} as const satisfies Record<string, ModelPreset>;

export type PresetName = keyof typeof MODEL_PRESETS;

/** Returns a full config from a preset name, the vocabulary size and optional overrides; throws if inconsistent. */
export function makeConfig(preset: PresetName, vocabSize: number, overrides: Partial<ModelConfig> = {}): ModelConfig {
  const cfg: ModelConfig = { ...MODEL_PRESETS[preset], vocabSize, ...overrides };
  validateConfig(cfg);
  return cfg;
}

/** Throws an Error naming the first field that makes the config unusable. */
export function validateConfig(cfg: ModelConfig): void {
  const positive = [
    'vocabSize', 'dModel', 'nLayers', 'nHeads', 'dFF', 'maxLen', 'imageSize', 'grid', 'visionDim', 'visionHidden',
  ] as const satisfies (keyof ModelConfig)[];
  for (const k of positive) {
    const v = cfg[k];
    if (!Number.isInteger(v) || v <= 0) throw new Error(`model config: ${k} must be a positive integer, got ${v}`);
  }
  if (cfg.dModel % cfg.nHeads !== 0) throw new Error(`model config: dModel ${cfg.dModel} is not a multiple of nHeads ${cfg.nHeads}`);
  if (cfg.imageSize % cfg.grid !== 0) throw new Error(`model config: imageSize ${cfg.imageSize} is not a multiple of grid ${cfg.grid}`);
  for (const k of ['padId', 'bosId', 'eosId', 'sepId'] as const) {
    const v = cfg[k];
    if (!Number.isInteger(v) || v < 0 || v >= cfg.vocabSize) throw new Error(`model config: ${k} ${v} is outside the vocabulary [0, ${cfg.vocabSize})`);
  }
  if (!(cfg.dropout >= 0 && cfg.dropout < 1)) throw new Error(`model config: dropout must be in [0, 1), got ${cfg.dropout}`);
  if (cfg.scoreReadout !== undefined && !(SCORE_READOUTS as readonly string[]).includes(cfg.scoreReadout)) {
    throw new Error(`model config: scoreReadout must be one of ${SCORE_READOUTS.join(', ')}, got ${String(cfg.scoreReadout)}`);
  }
}

/** Number of image tokens the vision encoder puts between the prompt and the response (grid × grid). */
export function imageTokenCount(cfg: ModelConfig): number {
  return cfg.grid * cfg.grid;
}

const CONFIG_KEYS: (keyof ModelConfig)[] = [
  'vocabSize', 'dModel', 'nLayers', 'nHeads', 'dFF', 'maxLen', 'imageSize', 'grid', 'visionDim', 'visionHidden',
  'padId', 'bosId', 'eosId', 'sepId', 'dropout', 'scoreReadout',
];

/**
 * Lists, in words, every field where a checkpoint's config differs from the expected one,
 * e.g. "checkpoint vocabSize 150 does not match this build's 148". Fields absent from `expected` are not compared.
 */
export function configDifferences(checkpoint: ModelConfig, expected: Partial<ModelConfig>): string[] {
  const out: string[] = [];
  for (const k of CONFIG_KEYS) {
    const want = expected[k];
    if (want === undefined) continue;
    if (checkpoint[k] !== want) out.push(`checkpoint ${k} ${String(checkpoint[k])} does not match this build's ${String(want)}`);
  }
  return out;
}

/** Returns the config with only the known fields, in a fixed order (what a checkpoint stores); unset optional ones are left out. */
export function canonicalConfig(cfg: ModelConfig): ModelConfig {
  const out: Record<string, unknown> = {};
  for (const k of CONFIG_KEYS) if (cfg[k] !== undefined) out[k] = cfg[k];
  return out as unknown as ModelConfig;
}
