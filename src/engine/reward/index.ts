// Reward models in one import: the loss, the inputs (facts shuffled for a Fact-RM), the
// training run, the probes, the annotator ceiling and the benchmark.
export * from './loss';
export * from './inputs';
export * from './train-run';
export * from './probes';
export * from './ceiling';
export * from './bench';
