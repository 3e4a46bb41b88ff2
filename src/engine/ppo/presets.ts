// The PPO presets, data in presets/*.json (one per name): a partial PpoConfig plus what the whole
// experiment needs (which simulated annotator labels the pairs, which reward model to train), read
// through one small typed loader. No TensorFlow.js. Plain JSON imports work in Vite, tsx and tsc.

import * as v from 'valibot';
import { ANNOTATOR_NAMES, type AnnotatorName } from '../prefs/annotator';
import { choice, MAX_NAME, MAX_TEXT, obj, problemsOfIssues, text } from '../files/schema';
import { PPO_DEFAULTS, checkPpoConfig, type PpoConfig } from './config';
import factRlhf from './presets/fact-rlhf.json';
import plainRlhf from './presets/plain-rlhf.json';
import rewardHacking from './presets/reward-hacking.json';
import honestyFirst from './presets/honesty-first.json';
import goldReward from './presets/gold-reward.json';
import grpo from './presets/grpo.json';
import rloo from './presets/rloo.json';
import fineGrained from './presets/fine-grained.json';

/**
 * Which reward model an experiment trains for the preset: plain, Fact-RM, a sentence reward model
 * (plain or Fact, trained on marks rather than labelled pairs; the dense reward reads it), or none
 * (the gold reward needs none).
 */
export const PRESET_RM_KINDS = ['plain', 'fact', 'sentence-fact', 'sentence-plain', 'none'] as const;
export type PresetRmKind = (typeof PRESET_RM_KINDS)[number];

/** A preset file: its name and words, who labels and which reward model, and the PPO settings that differ from PPO_DEFAULTS. */
export const PPO_PRESET_SCHEMA = obj(
  {
    name: text(MAX_NAME, { nonEmpty: true }),
    /** What the preset shows, in a sentence (for a tooltip or a table row). */
    description: text(MAX_TEXT),
    /** The simulated annotator that labels the preference pairs the reward model learns from (a sentence reward model's marks come from the experiment row's marker instead). */
    annotator: choice(ANNOTATOR_NAMES as readonly AnnotatorName[], `must be one of ${ANNOTATOR_NAMES.join(', ')}`),
    /** The reward model the experiment trains on those labels. */
    rmKind: choice(PRESET_RM_KINDS, `must be one of ${PRESET_RM_KINDS.join(', ')}`),
    /** The PPO settings that differ from PPO_DEFAULTS (checked as a whole config below). */
    config: v.custom<Partial<PpoConfig>>((x) => typeof x === 'object' && x !== null && !Array.isArray(x), 'must be an object'),
  },
  'must be a JSON object',
);

export type PpoPreset = v.InferOutput<typeof PPO_PRESET_SCHEMA>;

const RAW: readonly unknown[] = [factRlhf, plainRlhf, rewardHacking, honestyFirst, goldReward, grpo, rloo, fineGrained];

/** Checks one parsed preset; returns it typed, or throws naming the preset and the field. */
export function parsePreset(raw: unknown): PpoPreset {
  const given = (raw as { name?: unknown } | null)?.name;
  const name = typeof given === 'string' && given.trim() !== '' ? given : '(unnamed)';
  const fail = (msg: string): never => {
    throw new Error(`ppo preset ${name}: ${msg}`);
  };
  const res = v.safeParse(PPO_PRESET_SCHEMA, raw);
  if (!res.success) return fail(problemsOfIssues(res.issues).map((p) => (p.field ? `${p.field} ${p.message}` : p.message)).join('; '));
  const preset = res.output;
  const unknown = Object.keys(preset.config).filter((k) => !Object.hasOwn(PPO_DEFAULTS, k));
  if (unknown.length) fail(`config has unknown fields ${unknown.join(', ')}`);
  const problems = checkPpoConfig({ ...PPO_DEFAULTS, ...preset.config });
  if (problems.length) fail(problems.map((p) => `config.${p.field} ${p.message}`).join('; '));
  const full = { ...PPO_DEFAULTS, ...preset.config };
  const fits = rmKindsFor(full);
  if (!fits.includes(preset.rmKind)) fail(`reward ${full.reward} needs rmKind ${fits.join(' or ')}, not ${preset.rmKind}`);
  return preset;
}

/**
 * The reward-model kinds a config can run with: its reward option decides (honesty-first with the
 * Fact-RM check needs a Fact-RM; the dense reward a sentence reward model, train-rm --dense).
 */
export function rmKindsFor(cfg: Pick<PpoConfig, 'reward' | 'honestyCheck'>): PresetRmKind[] {
  if (cfg.reward === 'gold') return ['none'];
  if (cfg.reward === 'dense') return ['sentence-fact', 'sentence-plain'];
  if (cfg.reward === 'honesty-first') return cfg.honestyCheck === 'fact-rm' ? ['fact'] : ['plain', 'fact'];
  return [cfg.reward];
}

/** The trained pairwise reward models a config can read, in the order a run picks them (the Fact-RM first); none for the gold and the dense reward. */
export function rewardModelOrder(cfg: Pick<PpoConfig, 'reward' | 'honestyCheck'>): ('plain' | 'fact')[] {
  return rmKindsFor(cfg).filter((k): k is 'plain' | 'fact' => k === 'plain' || k === 'fact').sort((a) => (a === 'fact' ? -1 : 1));
}

/** Every preset by name, in a fixed order. */
export const PPO_PRESETS: Readonly<Record<string, PpoPreset>> = Object.fromEntries(RAW.map((raw) => parsePreset(raw)).map((p) => [p.name, p]));

export const PPO_PRESET_NAMES: readonly string[] = Object.keys(PPO_PRESETS);

/** The preset called `name`; throws listing the names when there is none. */
export function ppoPreset(name: string): PpoPreset {
  const p = PPO_PRESETS[name];
  if (!p) throw new Error(`no PPO preset "${name}"; the presets are ${PPO_PRESET_NAMES.join(', ')}`);
  return p;
}

/** The full config of a preset: the defaults, the preset's settings, then `overrides`. */
export function presetConfig(name: string, overrides: Partial<PpoConfig> = {}): PpoConfig {
  return { ...PPO_DEFAULTS, ...ppoPreset(name).config, ...overrides };
}
