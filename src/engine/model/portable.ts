// The files that let other tools open a checkpoint without this project: model.safetensors (every
// weight by name), config.json (what the forward pass needs) and vocab.json (the tokens by id).
// docs/checkpoint.md describes them and the forward pass; scripts/checkpoint_logits.py runs it.
import * as tf from '@tensorflow/tfjs-core';
import { FACTS, SPECIALS, TOKENIZER_VERSION, UNK, VOCAB } from '../language/vocab';
import { MASKED } from './attention';
import { CHECKPOINT_FORMAT, readManifest } from './checkpoint';
import { imageTokenCount, type ModelConfig } from './config';
import { PAD_LOGIT } from './decoder';
import { GELU_SIGMOID_SCALE, LAYER_NORM_EPS } from './layers';
import { encodeSafetensors, type NamedTensor } from './safetensors';

/** The side files' names, as they sit beside model.json and weights.bin. */
export const PORTABLE_FILES = { weights: 'model.safetensors', config: 'config.json', vocab: 'vocab.json' } as const;

/** config.json: the model config plus the constants and layout the forward pass needs. */
export interface PortableConfig extends ModelConfig {
  format: typeof CHECKPOINT_FORMAT;
  formatVersion: number;
  tokenizerVersion: string;
  /** dModel / nHeads. */
  headDim: number;
  /** imageSize / grid: the side of one cell's patch in pixels. */
  patchSize: number;
  /** grid²: the image tokens between the prompt and the response. */
  imageTokens: number;
  /** Pixels are read in [0, 1] and this is subtracted before the patch MLP. */
  pixelShift: number;
  layerNormEps: number;
  /** GELU as x·sigmoid(geluSigmoidScale·x). */
  geluSigmoidScale: number;
  /** Added to the attention score of a key a query may not see (later or padding). */
  attentionMask: number;
  /** Added to the pad token's logit. */
  padLogit: number;
  /** The LM head is tok/emb transposed (no weight of its own). */
  tiedLmHead: true;
  /** Whether the vision encoder was frozen when the checkpoint was saved (training only). */
  visionFrozen: boolean;
}

/** vocab.json: every token by id, the special ones named, and how text becomes ids. */
export interface PortableVocab {
  tokenizerVersion: string;
  /** tokens[id] is the token's text. */
  tokens: string[];
  /** Special tokens by role: pad, bos, eos, sep, unk, facts. */
  special: Record<string, number>;
  tokenize: string;
}

/** One file to write: its name in the checkpoint folder and its bytes. */
export interface PortableFile {
  name: string;
  bytes: Uint8Array;
}

/** The weights of artifacts as named float32 tensors, in their weightSpecs order (views, no copy). */
export function artifactTensors(artifacts: tf.io.ModelArtifacts): NamedTensor[] {
  if (!artifacts.weightSpecs || artifacts.weightData === undefined) throw new Error('artifacts hold no weights');
  const data = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  let offset = 0;
  return artifacts.weightSpecs.map((s) => {
    if (s.dtype !== 'float32') throw new Error(`weight '${s.name}' has dtype ${s.dtype}, only float32 is written`);
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (offset + 4 * n > data.byteLength) throw new Error(`weight '${s.name}' runs past the ${data.byteLength} bytes of weight data`);
    const t = { name: s.name, shape: [...s.shape], data: new Float32Array(data, offset, n) };
    offset += 4 * n;
    return t;
  });
}

/** config.json's content for a checkpoint's manifest config. */
export function portableConfig(config: ModelConfig, formatVersion: number, tokenizerVersion: string, visionFrozen: boolean): PortableConfig {
  return {
    format: CHECKPOINT_FORMAT,
    formatVersion,
    tokenizerVersion,
    ...config,
    headDim: config.dModel / config.nHeads,
    patchSize: config.imageSize / config.grid,
    imageTokens: imageTokenCount(config),
    pixelShift: 0.5,
    layerNormEps: LAYER_NORM_EPS,
    geluSigmoidScale: GELU_SIGMOID_SCALE,
    attentionMask: MASKED,
    padLogit: PAD_LOGIT,
    tiedLmHead: true,
    visionFrozen,
  };
}

/** vocab.json's content: this build's vocabulary. */
export function portableVocab(): PortableVocab {
  const special: Record<string, number> = {};
  SPECIALS.forEach((s, id) => (special[s.slice(1, -1)] = id));
  return {
    tokenizerVersion: TOKENIZER_VERSION,
    tokens: [...VOCAB],
    special,
    tokenize: `words split on white space, each looked up in tokens; a word not there becomes <unk> (${UNK}). A prompt is <bos> [<facts> (${FACTS}) facts...] question <sep>; an answer ends with <eos>.`,
  };
}

/**
 * Returns the three side files of a checkpoint's artifacts; changes nothing. Throws if the
 * artifacts are not one of this project's checkpoints, or if their tokenizer is not this build's
 * (vocab.json would then name the wrong words).
 */
export function portableFiles(artifacts: tf.io.ModelArtifacts): PortableFile[] {
  const m = readManifest(artifacts);
  if (m.tokenizerVersion !== TOKENIZER_VERSION) {
    throw new Error(`the checkpoint's tokenizer '${m.tokenizerVersion}' is not this build's '${TOKENIZER_VERSION}', so its vocab.json cannot be written`);
  }
  if (m.config.vocabSize !== VOCAB.length) throw new Error(`the checkpoint's vocabSize ${m.config.vocabSize} does not match this build's vocabulary of ${VOCAB.length} tokens`);
  const config = portableConfig(m.config, m.formatVersion, m.tokenizerVersion, m.visionFrozen);
  const metadata = { format: CHECKPOINT_FORMAT, formatVersion: String(m.formatVersion), tokenizerVersion: m.tokenizerVersion, config: JSON.stringify(m.config) };
  const json = (v: unknown) => new TextEncoder().encode(`${JSON.stringify(v, null, 1)}\n`);
  return [
    { name: PORTABLE_FILES.weights, bytes: encodeSafetensors(artifactTensors(artifacts), metadata) },
    { name: PORTABLE_FILES.config, bytes: json(config) },
    { name: PORTABLE_FILES.vocab, bytes: json(portableVocab()) },
  ];
}
