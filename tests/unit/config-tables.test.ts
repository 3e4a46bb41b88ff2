// Each config is one table: its defaults pass its own check, a bad field is named with what it
// must be (nested ones by path), a knob's label, tooltip and input bounds come from its field, and
// a command-line flag made from a field parses its value and refuses a bad one as the field does.
import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError, type CommandSpec } from '../../src/cli/args';
import { configFlags, flagProblem, PAIR_FLAG_ALIASES, valuesFromFlags, type ConfigFlagOptions } from '../../src/cli/config-flags';
import { BON_DEFAULTS, BON_TABLE, checkBonConfig } from '../../src/engine/bon/config';
import { checkDpoConfig, DPO_DEFAULTS, DPO_FIELDS, type DpoConfig } from '../../src/engine/dpo/config';
import { checkExperimentConfig, EXPERIMENT_DEFAULTS, experimentConfig } from '../../src/engine/experiment/config';
import { checkLabelJob, LABEL_JOB_DEFAULTS } from '../../src/engine/prefs/label-config';
import { checkPpoConfig, PPO_DEFAULTS, PPO_FIELDS } from '../../src/engine/ppo/config';
import { checkRewardJob, REWARD_JOB_DEFAULTS, REWARD_JOB_FIELDS, REWARD_JOB_TABLE } from '../../src/engine/reward/config';
import { checkSftJob, SFT_JOB_DEFAULTS, SFT_JOB_TABLE, SFT_MIXTURE } from '../../src/engine/sft/config';
import { problemLines } from '../../src/engine/train/fields';

describe('config tables', () => {
  it('have defaults their own checks accept', () => {
    expect(checkPpoConfig(PPO_DEFAULTS)).toEqual([]);
    expect(checkRewardJob(REWARD_JOB_DEFAULTS)).toEqual([]);
    expect(checkDpoConfig(DPO_DEFAULTS)).toEqual([]);
    expect(checkBonConfig(BON_DEFAULTS)).toEqual([]);
    expect(checkSftJob(SFT_JOB_DEFAULTS)).toEqual([]);
    expect(checkLabelJob(LABEL_JOB_DEFAULTS)).toEqual([]);
    expect(checkExperimentConfig(experimentConfig('default'))).toEqual([]);
    expect(SFT_JOB_DEFAULTS.mixture).toEqual(SFT_MIXTURE);
    const { kind: _kind, seed: _seed, ...rm } = REWARD_JOB_DEFAULTS;
    expect(EXPERIMENT_DEFAULTS.rm).toEqual({ ...rm, evalEvery: 0 });
    expect(Object.keys(EXPERIMENT_DEFAULTS)).not.toContain('rows');
  });

  it('name a bad field with what it must be, nested ones by their path', () => {
    expect(checkSftJob({ ...SFT_JOB_DEFAULTS, lr: 0, mixture: { ...SFT_MIXTURE, vqaShare: 1.5 } })).toEqual([
      { field: 'lr', message: 'must be a number above 0 and at most 0.1' },
      { field: 'mixture.vqaShare', message: 'must be a number from 0 to 1' },
    ]);
    const { lam: _lam, ...noLam } = PPO_DEFAULTS;
    expect(checkPpoConfig(noLam as never)).toEqual([{ field: 'lam', message: 'must be a number from 0 to 1' }]);
    expect(checkPpoConfig(null as never)).toEqual([{ field: '', message: 'must be an object' }]);
    expect(checkBonConfig({ ...BON_DEFAULTS, ns: [] })).toEqual([{ field: 'ns', message: 'must list at least one n' }]);
    expect(checkBonConfig({ ...BON_DEFAULTS, ns: [1, 2000] })).toEqual([{ field: 'ns', message: 'must be whole numbers from 1 to 1024' }]);
    expect(checkLabelJob({ ...LABEL_JOB_DEFAULTS, n: 0, maxTries: Number.NaN })).toEqual([
      { field: 'n', message: 'must be a whole number from 1 to 100000' },
      { field: 'maxTries', message: 'must be a whole number from 1 to 100' },
    ]);
    expect(checkLabelJob({ ...LABEL_JOB_DEFAULTS, mix: 0.5, degenerate: 0.75 })).toEqual([{ field: 'degenerate', message: 'must be at most 1 − mix (0.5)' }]);
    const c = experimentConfig('default');
    expect(checkExperimentConfig({ ...c, seeds: [1, 1] })).toEqual([{ field: 'seeds', message: 'must not repeat a seed' }]);
    expect(checkExperimentConfig({ ...c, sftSteps: 0.5, rm: { ...c.rm, readout: 'max' as never } })).toEqual([
      { field: 'rm.readout', message: 'must be last or sum' },
      { field: 'sftSteps', message: 'must be a whole number from 0 to 1000000' },
    ]);
  });

  it('give the page each knob\'s label, tooltip and bounds, and name its problems by the label', () => {
    expect(REWARD_JOB_FIELDS.minSteps).toMatchObject({ label: 'Min steps', bound: { integer: true, min: 0, max: 100_000 }, tooltip: 'At least this many steps, however few the pairs.' });
    expect(REWARD_JOB_FIELDS.heldOutShare).toMatchObject({ step: '0.05', bound: { above: 0, below: 1 } });
    expect(REWARD_JOB_FIELDS.readout).toMatchObject({ kind: 'choice', choices: ['last', 'sum'], options: { last: 'last token (the paper)' } });
    expect(problemLines(checkRewardJob({ ...REWARD_JOB_DEFAULTS, minSteps: -1 }), REWARD_JOB_TABLE)).toEqual(['Min steps must be a whole number from 0 to 100000']);
    expect(problemLines([{ field: 'mixture.fillerRate', message: 'm' }, { field: 'annotator.noise', message: 'n' }], SFT_JOB_TABLE, { 'annotator.noise': 'Noise' })).toEqual(['Filler rate m', 'Noise n']);
    expect(problemLines([{ field: 'size', message: 'must be standard or large' }], BON_TABLE)).toEqual(['Size must be standard or large']);
    expect(DPO_FIELDS.beta.tooltip).toBe('β of the implicit reward β·log(π/π_ref): smaller lets the policy move further from the SFT reference (TRL beta)');
  });
});

describe('flags made from a table', () => {
  const spec = (flags: CommandSpec['flags']): CommandSpec => ({ name: 'cmd', summary: '', usage: '', flags });

  it('parse each field\'s value: numbers, choices, yes/no', () => {
    const s = spec(configFlags(PPO_FIELDS));
    expect(s.flags['kl-coef']).toMatchObject({ type: 'number', bound: { min: 0, max: 10 } });
    expect(s.flags['kl-coef']?.help).toBe(PPO_FIELDS.klCoef.tooltip);
    const flags = parseFlags(s, ['--kl-coef', '0.3', '--kl-estimator', 'k3', '--whiten-rewards', 'true', '--adaptive-kl=false']);
    expect(valuesFromFlags(PPO_FIELDS, flags)).toEqual({ klCoef: 0.3, klEstimator: 'k3', whitenRewards: true, adaptiveKl: false });
  });

  it('refuse a value the field refuses, naming the flag', () => {
    const s = spec(configFlags(PPO_FIELDS));
    expect(() => parseFlags(s, ['--lam', '2'])).toThrow('cmd: --lam must be a number from 0 to 1, got 2');
    expect(() => parseFlags(s, ['--kl-estimator', 'k2'])).toThrow('cmd: --kl-estimator must be k1 or k3, got "k2"');
    expect(() => parseFlags(s, ['--whiten-rewards', 'yes'])).toThrow('cmd: --whiten-rewards must be true or false, got "yes"');
    const problem = flagProblem('cmd', checkPpoConfig({ ...PPO_DEFAULTS, batchSize: 30, numGenerations: 4 }));
    expect(problem).toBeInstanceOf(UsageError);
    expect(problem?.message).toBe('cmd: --batch-size must be a multiple of numGenerations (4)');
  });

  it('take the table\'s defaults, older spellings, a prefix and a command\'s own names', () => {
    const opts: ConfigFlagOptions<keyof DpoConfig> = { defaults: true, aliases: PAIR_FLAG_ALIASES };
    const s = spec(configFlags(DPO_FIELDS, opts));
    expect(s.flags['held-out-share']).toMatchObject({ default: 0.2, aliases: ['held-out'] });
    expect(valuesFromFlags(DPO_FIELDS, parseFlags(s, ['--batch', '4']), opts)).toEqual({ ...DPO_DEFAULTS, batchPairs: 4 });
    const rm = { only: ['epochs', 'minSteps'] as const, prefix: 'rm-' };
    expect(Object.keys(configFlags(REWARD_JOB_FIELDS, rm))).toEqual(['rm-epochs', 'rm-min-steps']);
    expect(flagProblem('cmd', [{ field: 'ppoSteps', message: 'm' }], { names: { ppoSteps: 'steps' } })?.message).toBe('cmd: --steps m');
  });
});
