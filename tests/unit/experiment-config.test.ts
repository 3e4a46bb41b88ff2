// The experiment's rows, presets and config: row folders by name, the label sets and reward
// models rows share, every preset valid, each bad field named, and --rows keeping only the
// targets that concern the rows kept.
import { describe, expect, it } from 'vitest';
import { checkExperimentConfig, EXPERIMENT_DEFAULTS, EXPERIMENT_PRESET_NAMES, EXPERIMENT_PRESETS, experimentConfig, parseExperimentPreset } from '../../src/engine/experiment/config';
import { checkRows, MAX_ROWS, planRows, rmId, rowDpoConfig, rowPpoConfig, rowSlug, type DpoRowSpec, type RowSpec } from '../../src/engine/experiment/rows';
import { DPO_DEFAULTS } from '../../src/engine/dpo/config';

describe('rows', () => {
  it('name their folders in lower case with -, + as -plus', () => {
    expect(['SFT', 'SFT+', 'RLHF', 'Fact-RLHF', 'Gold reward', 'BoN-16', 'DPO'].map(rowSlug)).toEqual(['sft', 'sft-plus', 'rlhf', 'fact-rlhf', 'gold-reward', 'bon-16', 'dpo']);
  });

  it('share one label set per start policy and annotator, one reward model per label set and kind', () => {
    const rows: RowSpec[] = [
      { kind: 'start', name: 'SFT', start: 'sft' },
      { kind: 'ppo', name: 'RLHF', start: 'sft-plus', preset: 'plain-rlhf' },
      { kind: 'ppo', name: 'Fact-RLHF', start: 'sft-plus', preset: 'fact-rlhf' },
      { kind: 'ppo', name: 'GRPO', start: 'sft-plus', preset: 'grpo' },
      { kind: 'ppo', name: 'Gold', start: 'sft-plus', preset: 'gold-reward' },
      { kind: 'ppo', name: 'Hacked', start: 'sft-plus', preset: 'reward-hacking' },
      { kind: 'ppo', name: 'Fact on the same labels', start: 'sft-plus', preset: 'fact-rlhf', annotator: 'length-biased' },
      { kind: 'dpo', name: 'DPO', start: 'sft-plus' },
      { kind: 'dpo', name: 'DPO noisy', start: 'sft-plus', annotator: 'noisy' },
    ];
    const plan = planRows(rows);
    expect(plan.starts).toEqual(['sft', 'sft-plus']);
    // A DPO row learns from the careful labels the reward models share; another annotator is another label set, with no reward model.
    expect(plan.labelSets).toEqual([{ start: 'sft-plus', annotator: 'careful' }, { start: 'sft-plus', annotator: 'length-biased' }, { start: 'sft-plus', annotator: 'noisy' }]);
    expect(plan.rms.map(rmId)).toEqual(['sft-plus/careful/plain', 'sft-plus/careful/fact', 'sft-plus/length-biased/plain', 'sft-plus/length-biased/fact']);
    expect(plan.markSets).toEqual([]);
  });

  it('give rows that learn from marks a mark set of their marker, shared by a sentence reward model and a dense DPO row', () => {
    const plan = planRows([
      { kind: 'start', name: 'SFT+', start: 'sft-plus' },
      { kind: 'ppo', name: 'Fact-RLHF', start: 'sft-plus', preset: 'fact-rlhf' },
      { kind: 'ppo', name: 'Fine-grained', start: 'sft-plus', preset: 'fine-grained' },
      { kind: 'ppo', name: 'Fine-grained, noisy marks', start: 'sft-plus', preset: 'fine-grained', marker: 'noisy' },
      { kind: 'dense-dpo', name: 'Dense DPO', start: 'sft-plus' },
    ]);
    expect(plan.labelSets).toEqual([{ start: 'sft-plus', annotator: 'careful' }]);
    expect(plan.markSets).toEqual([{ start: 'sft-plus', marker: 'careful' }, { start: 'sft-plus', marker: 'noisy' }]);
    expect(plan.rms.map(rmId)).toEqual(['sft-plus/careful/fact', 'sft-plus/careful/sentence-fact', 'sft-plus/noisy/sentence-fact']);
    // A marker where pairs are labelled, an annotator where answers are marked, an online sentence model, a marker that does not exist: each named.
    expect(checkRows([
      { kind: 'ppo', name: 'A', start: 'sft-plus', preset: 'fact-rlhf', marker: 'careful' },
      { kind: 'ppo', name: 'B', start: 'sft-plus', preset: 'fine-grained', annotator: 'careful' },
      { kind: 'ppo', name: 'C', start: 'sft-plus', preset: 'fine-grained', online: { rounds: 2 } },
      { kind: 'dense-dpo', name: 'D', start: 'sft-plus', marker: 'sloppy' },
      { kind: 'dense-dpo', name: 'E', start: 'sft-plus', annotator: 'careful' },
    ])).toEqual([
      'rows[0] (A).marker: the fact-rlhf preset learns from labelled pairs, not marks: give annotator instead',
      'rows[1] (B).annotator: the fine-grained preset\'s sentence reward model learns from marks: give marker instead',
      'rows[2] (C).online: the fine-grained preset\'s sentence reward model learns from marks, which an online row does not sample',
      'rows[3] (D).marker: must be one of careful, noisy, lenient; got "sloppy"',
      'rows[4] (E).annotator: a dense DPO row has no such field',
    ]);
  });

  it('give an online row its label set but no shared reward model (it trains its own on part of the labels)', () => {
    const plan = planRows([{ kind: 'ppo', name: 'Online', start: 'sft-plus', preset: 'fact-rlhf', online: { rounds: 3 } }]);
    expect(plan.labelSets).toEqual([{ start: 'sft-plus', annotator: 'careful' }]);
    expect(plan.rms).toEqual([]);
    expect(checkRows([
      { kind: 'ppo', name: 'A', start: 'sft-plus', preset: 'fact-rlhf', online: { rounds: 0 } },
      { kind: 'ppo', name: 'B', start: 'sft-plus', preset: 'gold-reward', online: { rounds: 2 } },
      { kind: 'ppo', name: 'C', start: 'sft-plus', preset: 'fact-rlhf', online: { rounds: 3 } },
    ])).toEqual([
      'rows[0] (A).online.rounds: must be a whole number from 1 to 20; got 0',
      'rows[1] (B).online: the gold-reward preset has no reward model to refresh',
    ]);
  });

  it('refuse a row that is not an object, a field left out or unknown, and too many rows (before any is read)', () => {
    expect(checkRows([7, { kind: 'start', name: 'S' }, { kind: 'start', name: '--', start: 'sft', preset: 'grpo' }, { kind: 'dpo', name: 'D', start: 'sft', config: [] }])).toEqual([
      'rows[0]: must be an object',
      'rows[1] (S).start: must be sft or sft-plus; got undefined',
      'rows[2] (--).name: must be a name with a letter or digit',
      'rows[2] (--).preset: a start row has no such field',
      'rows[3] (D).config: must be an object',
    ]);
    expect(checkRows(Array.from({ length: MAX_ROWS + 1 }, () => 7))).toEqual([`rows: has ${MAX_ROWS + 1} rows; at most ${MAX_ROWS}`]);
  });

  it('take the preset, then their own settings, then the experiment\'s, then the seed', () => {
    const row: RowSpec = { kind: 'ppo', name: 'R', start: 'sft-plus', preset: 'grpo', config: { klCoef: 0.2, batchSize: 64 } };
    const c = rowPpoConfig(row, { batchSize: 8 }, 7);
    expect(c).toMatchObject({ advantageEstimator: 'grpo', numGenerations: 4, klCoef: 0.2, batchSize: 8, seed: 7 });
    const dpo: DpoRowSpec = { kind: 'dpo', name: 'D', start: 'sft-plus', config: { beta: 0.3, seed: 2 } };
    expect(rowDpoConfig(dpo, { lr: 1e-5 }, 7)).toEqual({ ...DPO_DEFAULTS, beta: 0.3, lr: 1e-5, seed: 7 });
  });

  it('name each bad row by index, name and field', () => {
    expect(checkRows([])).toEqual(['rows: at least one row is needed']);
    const bad = checkRows([
      { kind: 'start', name: 'SFT', start: 'sft' },
      { kind: 'start', name: 'sft', start: 'sft-plus' },
      { kind: 'ppo', name: 'X', start: 'sft-plus', preset: 'nope' },
      { kind: 'ppo', name: 'Y', start: 'base', preset: 'fact-rlhf', annotator: 'sloppy', config: { klCoef: -1 } },
      { kind: 'ppo', name: 'Z', start: 'sft-plus', preset: 'fact-rlhf', config: { reward: 'plain' } },
      { kind: 'bon', name: 'W', start: 'sft' },
      { kind: 'dpo', name: 'V', start: 'sft', preset: 'fact-rlhf', annotator: 'sloppy', config: { beta: 0, gamma: 1 } },
      { kind: 'dpo', name: 'U', start: 'sft', config: { beta: 0 } },
    ]);
    expect(bad).toEqual([
      'rows[1] (sft).name: its folder "sft" is also SFT\'s',
      'rows[2] (X).preset: must be one of fact-rlhf, plain-rlhf, reward-hacking, honesty-first, gold-reward, grpo, rloo, fine-grained; got "nope"',
      'rows[3] (Y).start: must be sft or sft-plus; got "base"',
      'rows[3] (Y).annotator: must be one of careful, length-biased, noisy; got "sloppy"',
      'rows[3] (Y).config.klCoef: must be a number from 0 to 10',
      'rows[4] (Z).config.reward: the preset trains a fact reward model, which the plain reward cannot use',
      'rows[5] (W).kind: must be one of start, ppo, dpo, dense-dpo',
      'rows[6] (V).annotator: must be one of careful, length-biased, noisy; got "sloppy"',
      'rows[6] (V).config.beta: must be a number above 0 and at most 100',
      'rows[6] (V).config.gamma: a DPO config has no such field',
      'rows[6] (V).preset: a DPO row has no such field',
      'rows[7] (U).config.beta: must be a number above 0 and at most 100',
    ]);
  });
});

describe('experiment presets', () => {
  it('are default, fine-grained and reward-hacking, each a valid config, with the rows the issue names', () => {
    expect([...EXPERIMENT_PRESET_NAMES].sort()).toEqual(['default', 'fine-grained', 'reward-hacking']);
    for (const name of EXPERIMENT_PRESET_NAMES) expect(checkExperimentConfig(experimentConfig(name))).toEqual([]);
    expect(EXPERIMENT_PRESETS.default!.rows.map((r) => r.name)).toEqual(['SFT', 'SFT+', 'RLHF', 'Fact-RLHF', 'Gold reward', 'GRPO', 'RLOO', 'Online Fact-RLHF', 'DPO']);
    const hack = experimentConfig('reward-hacking');
    const [rlhf, fact] = [hack.rows[1]!, hack.rows[2]!];
    expect(planRows(hack.rows).labelSets).toEqual([{ start: 'sft-plus', annotator: 'length-biased' }]);
    expect(rlhf.kind === 'ppo' && rowPpoConfig(rlhf).lengthPenalty).toBe(0);
    expect(fact.kind === 'ppo' && rowPpoConfig(fact).lengthPenalty).toBeGreaterThan(0);
    // Fine-grained: as many marked answers as labelled pairs (the same mark set for the sentence Fact-RM and dense DPO).
    const fine = experimentConfig('fine-grained');
    expect(fine.rows.map((r) => r.name)).toEqual(['SFT+', 'Fact-RLHF', 'Fine-grained RLHF', 'DPO', 'Dense DPO']);
    expect(fine.pairs).toBe(400);
    expect(planRows(fine.rows)).toMatchObject({ labelSets: [{ start: 'sft-plus', annotator: 'careful' }], markSets: [{ start: 'sft-plus', marker: 'careful' }] });
    expect(planRows(fine.rows).rms.map(rmId)).toEqual(['sft-plus/careful/fact', 'sft-plus/careful/sentence-fact']);
    expect(fine.targets.map((t) => t.kind)).toEqual(['beats', 'beats']);
  });

  it('take the defaults, the preset\'s settings, then overrides (ppo and rm field by field)', () => {
    const c = experimentConfig('default', { pairs: 12, ppo: { batchSize: 4 }, rm: { ...EXPERIMENT_DEFAULTS.rm, epochs: 1 } });
    expect(c.pairs).toBe(12);
    expect(c.ppo).toEqual({ ...EXPERIMENT_DEFAULTS.ppo, batchSize: 4 });
    expect(c.rm.epochs).toBe(1);
    expect(c.seeds).toEqual([1, 2, 3]);
  });

  it('keep only the rows asked for, in the preset\'s order, and the targets that concern only them', () => {
    const c = experimentConfig('default', {}, ['Fact-RLHF', 'SFT+']);
    expect(c.rows.map((r) => r.name)).toEqual(['SFT+', 'Fact-RLHF']);
    expect(c.targets.map((t) => t.kind)).toEqual(['cut']);
    expect(() => experimentConfig('default', {}, ['BoN-16'])).toThrow('experiment preset default has no row "BoN-16"; its rows are SFT, SFT+, RLHF, Fact-RLHF, Gold reward, GRPO, RLOO, Online Fact-RLHF, DPO');
    expect(() => experimentConfig('huge')).toThrow('no experiment preset "huge"');
  });

  it('refuse a preset whose targets name no row, or a PPO target on a start row', () => {
    const base = { name: 'p', description: 'd', rows: [{ kind: 'start', name: 'SFT', start: 'sft' }], settings: {} };
    expect(() => parseExperimentPreset({ ...base, targets: [{ kind: 'bound', row: 'SFT', other: 'RLHF' }] })).toThrow('targets[0].other no row "RLHF"');
    expect(() => parseExperimentPreset({ ...base, targets: [{ kind: 'hacked', row: 'SFT', lengthGrowth: 0.5 }] })).toThrow('"SFT" is not a PPO row');
    expect(() => parseExperimentPreset({ name: 'q', rows: [] })).toThrow('experiment preset q: needs a description, rows, targets and settings');
  });
});

describe('checkExperimentConfig', () => {
  it('names each bad field', () => {
    const c = experimentConfig('default');
    const fields = (o: object) => checkExperimentConfig({ ...c, ...o }).map((p) => p.field);
    expect(fields({ seeds: [] })).toEqual(['seeds']);
    expect(fields({ seeds: [1, 1] })).toEqual(['seeds']);
    expect(fields({ seeds: [1.5] })).toEqual(['seeds']);
    expect(fields({ pairs: 1 })).toEqual(['pairs']);
    expect(fields({ benchSize: 'huge' })).toEqual(['benchSize']);
    expect(fields({ sftSteps: -1 })).toEqual(['sftSteps']);
    expect(fields({ rm: { ...c.rm, lr: 0 } })).toEqual(['rm.lr']);
    expect(fields({ ppo: { warmup: 3 } })).toEqual(['ppo']);
    expect(fields({ ppo: { seed: 3 } })).toEqual(['ppo.seed']);
    // An override that breaks a row is named at the row it breaks (GRPO needs batches of whole groups).
    expect(checkExperimentConfig({ ...c, ppo: { batchSize: 18 } })).toEqual([
      { field: 'rows[5] (GRPO).config.batchSize', message: 'must be a multiple of numGenerations (4)' },
      { field: 'rows[6] (RLOO).config.batchSize', message: 'must be a multiple of numGenerations (4)' },
    ]);
    expect(fields({ labelDegenerate: 1.5 })).toEqual(['labelDegenerate']);
    expect(checkExperimentConfig({ ...c, labelMix: 0.5, labelDegenerate: 0.6 })).toEqual([{ field: 'labelDegenerate', message: 'must be at most 1 − labelMix (0.5)' }]);
  });
});
