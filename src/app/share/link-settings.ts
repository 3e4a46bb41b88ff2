// Settings in a link: the run's seed and name and every knob of the stages (SFT, auto-label, the
// reward model, PPO) as `#/ppo?seed=7&ppo.klCoef=0.2`, so an instructor's link opens the same
// experiment. A link carries only what differs from the defaults; opening one says what it set,
// and names what it could not read (nothing else changes then).

import { PPO_FIELDS, type PpoConfig } from '../../engine/ppo/config';
import { PPO_PRESET_NAMES } from '../../engine/ppo/presets';
import { REWARD_JOB_DEFAULTS } from '../../engine/reward/config';
import { SFT_JOB_DEFAULTS } from '../../engine/sft/config';
import { ANNOTATOR_NAMES } from '../../engine/prefs/annotator';
import type { Session } from '../session.svelte';
import type { AppliedSettings } from './applied';

export type { AppliedSettings };

type Value = string | number | boolean;

/** One setting: its key in the link, how to read and write it on the session, and its default. */
interface Setting {
  key: string;
  kind: 'number' | 'string' | 'boolean';
  /** The values a string setting may take. */
  choices?: readonly string[];
  get(s: Session): Value;
  set(s: Session, v: Value): void;
  default: Value;
}

const num = (key: string, get: (s: Session) => number, set: (s: Session, v: number) => void, def: number): Setting => ({ key, kind: 'number', get, set: (s, v) => set(s, v as number), default: def });
const str = (key: string, choices: readonly string[] | undefined, get: (s: Session) => string, set: (s: Session, v: string) => void, def: string): Setting => ({ key, kind: 'string', ...(choices ? { choices } : {}), get, set: (s, v) => set(s, v as string), default: def });
const bool = (key: string, get: (s: Session) => boolean, set: (s: Session, v: boolean) => void, def: boolean): Setting => ({ key, kind: 'boolean', get, set: (s, v) => set(s, v as boolean), default: def });

/** Every PPO knob, as ppo.FIELD. */
const ppoSettings: Setting[] = Object.values(PPO_FIELDS).map((f) => {
  const field = f.name as keyof PpoConfig;
  const get = (s: Session) => s.ppo.config[field];
  const set = (s: Session, v: Value) => {
    s.ppo.config = { ...s.ppo.config, [field]: v };
  };
  const kind = f.kind === 'flag' ? 'boolean' : f.kind === 'number' ? 'number' : 'string';
  return { key: `ppo.${field}`, kind, ...(f.choices ? { choices: f.choices } : {}), get, set, default: f.default as Value };
});

/** Every setting a link can carry, in the order a link writes them. */
export const LINK_SETTINGS: readonly Setting[] = [
  num('seed', (s) => s.run.seed, (s, v) => (s.run.seed = v), 7),
  str('name', undefined, (s) => s.run.name, (s, v) => (s.run.name = v), 'untitled run'),
  num('sft.steps', (s) => s.sft.train.steps, (s, v) => (s.sft.train.steps = v), SFT_JOB_DEFAULTS.steps),
  num('sft.batchSize', (s) => s.sft.train.batchSize, (s, v) => (s.sft.train.batchSize = v), SFT_JOB_DEFAULTS.batchSize),
  num('sft.lr', (s) => s.sft.train.lr, (s, v) => (s.sft.train.lr = v), SFT_JOB_DEFAULTS.lr),
  str('label.annotator', ANNOTATOR_NAMES, (s) => s.label.auto.preset, (s, v) => s.label.auto.usePreset(v as (typeof ANNOTATOR_NAMES)[number]), 'careful'),
  num('label.n', (s) => s.label.auto.n, (s, v) => (s.label.auto.n = v), 20),
  num('label.mix', (s) => s.label.auto.mix, (s, v) => (s.label.auto.mix = v), 0),
  num('label.degenerate', (s) => s.label.auto.degenerate, (s, v) => (s.label.auto.degenerate = v), 0.25),
  str('rm.choice', ['plain', 'fact', 'both'], (s) => s.reward.choice, (s, v) => (s.reward.choice = v as 'plain' | 'fact' | 'both'), 'both'),
  num('rm.epochs', (s) => s.reward.epochs, (s, v) => (s.reward.epochs = v), REWARD_JOB_DEFAULTS.epochs),
  num('rm.minSteps', (s) => s.reward.minSteps, (s, v) => (s.reward.minSteps = v), REWARD_JOB_DEFAULTS.minSteps),
  num('rm.batchPairs', (s) => s.reward.batchPairs, (s, v) => (s.reward.batchPairs = v), REWARD_JOB_DEFAULTS.batchPairs),
  num('rm.lr', (s) => s.reward.lr, (s, v) => (s.reward.lr = v), REWARD_JOB_DEFAULTS.lr),
  str('rm.readout', ['last', 'sum'], (s) => s.reward.readout, (s, v) => (s.reward.readout = v as 'last' | 'sum'), REWARD_JOB_DEFAULTS.readout),
  bool('rm.trainTrunk', (s) => s.reward.trainTrunk, (s, v) => (s.reward.trainTrunk = v), REWARD_JOB_DEFAULTS.trainTrunk),
  // The preset first: it sets every PPO knob, and the knobs after it override.
  str('ppo.preset', PPO_PRESET_NAMES, (s) => s.ppo.preset, (s, v) => s.ppo.usePreset(v), 'fact-rlhf'),
  ...ppoSettings,
  num('ppo.steps', (s) => s.ppo.steps, (s, v) => (s.ppo.steps = v), 60),
  num('ppo.refreshEvery', (s) => s.ppo.refreshEvery, (s, v) => (s.ppo.refreshEvery = v), 10),
  num('ppo.saveEvery', (s) => s.ppo.saveEvery, (s, v) => (s.ppo.saveEvery = v), 10),
];

const BY_KEY = new Map(LINK_SETTINGS.map((s) => [s.key, s]));

/** The session's settings that differ from their defaults (a PPO knob: from its preset's value), as a query string. */
export function settingsQuery(s: Session): string {
  const q = new URLSearchParams();
  const preset = LINK_SETTINGS.find((x) => x.key === 'ppo.preset') as Setting;
  const presetConfig = s.ppo.presetDefaults;
  for (const st of LINK_SETTINGS) {
    const v = st.get(s);
    const field = st.key.startsWith('ppo.') ? (st.key.slice(4) as keyof PpoConfig) : null;
    const def = field && field in presetConfig ? presetConfig[field] : st.default;
    if (st === preset ? v !== st.default : v !== def) q.set(st.key, String(v));
  }
  return q.toString();
}


/** Reads settings from a query string (`seed=7&ppo.klCoef=0.2`) onto the session; a bad value is named and left as it was. */
export function applySettings(s: Session, query: string): AppliedSettings {
  const params = new URLSearchParams(query);
  const out: AppliedSettings = { set: [], problems: [] };
  // The preset before the knobs it would reset.
  const keys = [...params.keys()].sort((a, b) => Number(b === 'ppo.preset') - Number(a === 'ppo.preset'));
  for (const key of keys) {
    const raw = params.get(key) as string;
    const st = BY_KEY.get(key);
    if (!st) {
      out.problems.push(`“${key}” is not a setting`);
      continue;
    }
    let v: Value;
    if (st.kind === 'number') {
      v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v)) {
        out.problems.push(`${key} must be a number, not “${raw}”`);
        continue;
      }
    } else if (st.kind === 'boolean') {
      if (raw !== 'true' && raw !== 'false') {
        out.problems.push(`${key} must be true or false, not “${raw}”`);
        continue;
      }
      v = raw === 'true';
    } else {
      if (st.choices && !st.choices.includes(raw)) {
        out.problems.push(`${key} must be one of ${st.choices.join(', ')}, not “${raw}”`);
        continue;
      }
      v = raw;
    }
    st.set(s, v);
    out.set.push({ key, value: raw });
  }
  return out;
}

/** The settings part of a hash (`#/ppo?seed=7` → `seed=7`). */
export function queryOfHash(hash: string): string {
  const i = hash.indexOf('?');
  return i === -1 ? '' : hash.slice(i + 1);
}
