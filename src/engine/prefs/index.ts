// Preferences in one import: the record format, simulated annotators, pair sampling and
// labelling, answer variants, and the native and TRL files.
export * from './record';
export * from './annotator';
export * from './collect';
export * from './label';
export * from './variants';
export * from './native';
export * from './trl';
