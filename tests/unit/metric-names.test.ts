// Rows written before the PPO metrics took TRL's names read under today's names: in a kept run or
// a bundle (readMetricRow, readStoredRun) and in a metrics.jsonl (parseMetricsJsonl).
import { describe, expect, it } from 'vitest';
import { currentMetricNames } from '../../src/engine/ppo/metric-names';
import { readMetricRow } from '../../src/engine/ppo/run-record';
import { parseMetricsJsonl } from '../../src/engine/overopt/points';

/** A step's row as the engine wrote it before the rename: the exact entropy under objective/entropy. */
const OLD = { step: 3, 'objective/kl': 0.25, 'objective/entropy': 7.5, 'tokens/response_len_mean': 4.5, lr: 0.0003 };
/** The same step as the engine writes it now. */
const NEW = { step: 3, 'objective/kl': 0.25, 'objective/entropy': 6.25, 'objective/entropy_exact': 7.5, 'tokens/responses_len_mean': 4.5, lr: 0.0003 };

describe('currentMetricNames', () => {
  it('moves the old length and the old (exact) entropy to their new names, keeping every other figure', () => {
    expect(currentMetricNames(OLD)).toEqual({ step: 3, 'objective/kl': 0.25, 'objective/entropy_exact': 7.5, 'tokens/responses_len_mean': 4.5, lr: 0.0003 });
  });

  it('leaves a new row as it is: its objective/entropy is the sampled estimate', () => {
    expect(currentMetricNames(NEW)).toBe(NEW);
    const gold = { step: 0, 'gold/score': 3.5 };
    expect(currentMetricNames(gold)).toBe(gold);
  });

  it('keeps the new name where a row has both, and changes nothing it is given', () => {
    const both = { step: 1, 'tokens/response_len_mean': 9, 'tokens/responses_len_mean': 4 };
    expect(currentMetricNames(both)).toEqual({ step: 1, 'tokens/responses_len_mean': 4 });
    expect(both['tokens/response_len_mean']).toBe(9);
  });

  it('is what a kept run, a bundle and a metrics.jsonl are read through', () => {
    expect(readMetricRow(JSON.parse(JSON.stringify(OLD)))).toEqual(currentMetricNames(OLD));
    expect(readMetricRow(JSON.parse(JSON.stringify(NEW)))).toEqual(NEW);
    expect(parseMetricsJsonl(`${JSON.stringify(OLD)}\n${JSON.stringify({ ...NEW, step: 4 })}\n`)).toEqual([currentMetricNames(OLD), { ...NEW, step: 4 }]);
  });
});
