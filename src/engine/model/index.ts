// The model half of the engine, in one import: config, model, vision pretraining, batching,
// generation, log-probs and scores, SFT, the training step, checkpoints and speed measurement.
export * from './config';
export { VlmModel, createModel, modelParamSpecs, type CreateModelOptions } from './model';
export { VisionEncoder, createVisionEncoder, toImageTensor, CELL_CLASSES, CELL_HEADS, type CellHead, type ImageInput } from './vision';
export * from './vision-pretrain';
export { packBatch, disposeBatch, withBatch, layoutPrompts, type PackedBatch, type PromptLayout } from './batch';
export { generate, sampleToken, type GenerateOptions, type Generation } from './generate';
export { prefill, decodeStep, disposeCache, type KVCache } from './kv-cache';
export { decoderForward, lmLogits, scoreHead, valueHead, type DecoderInput } from './decoder';
export * from './logprobs';
export * from './sft';
export * from './trainer';
export * from './checkpoint';
export { encodeCheckpointFile, decodeCheckpointFile } from './checkpoint-file';
export { measureModelPerf, type PerfOptions, type PerfReport } from './perf';
