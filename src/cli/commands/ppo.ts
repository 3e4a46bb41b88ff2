// `ppo`: tunes a policy with PPO (or GRPO, RLOO) against a reward model under a preset, every
// PpoConfig knob settable as a flag; appends one JSON line of metrics per step to --out/metrics.jsonl
// as it goes, writes the tuned policy (model.json + weights.bin) there at the end or on Ctrl-C
// (SIGINT, SIGTERM: the last finished step's, exit 130/143), and prints a summary as its last line.
// With --reward dense, --rm is a sentence reward model (train-rm --dense), read at every sentence's end.

import { existsSync, readFileSync } from 'node:fs';
import { COMMON_FLAGS, notes, UsageError, type CommandSpec, type Flags } from '../args';
import { configFlags, valuesFromFlags, flagProblem } from '../config-flags';
import { initNodeBackend } from '../backend-node';
import { loadModelDir, saveModelDir } from '../model-files';
import { MetricsLog } from '../metrics-log';
import { Interruption } from '../interrupt';
import { DEFAULT_PERCEPTION, type Perception } from '../../engine/world/render';
import { importNative } from '../../engine/prefs/native';
import type { PreferenceRecord } from '../../engine/prefs/record';
import { probePerception } from '../../engine/reward/probes';
import { drawPrompts } from '../../engine/data/prompts';
import type { VlmModel } from '../../engine/model/model';
import { checkPpoConfig, PPO_DEFAULTS, PPO_FIELDS, type PpoConfig } from '../../engine/ppo/config';
import { ppoPreset, PPO_PRESET_NAMES, rmKindsFor } from '../../engine/ppo/presets';
import { rewardNorm, rolloutNorm, type RewardRole, type SentenceRole } from '../../engine/ppo/rm-score';
import { sampleRollout } from '../../engine/ppo/rollout';
import { createPpoRun, runPpoSteps, type PpoPoint } from '../../engine/ppo/run';
import { ppoAlarms, type RmHeldOut } from '../../engine/ppo/alarms';
import type { MetricRow } from '../../engine/ppo/run-record';
import { isSentenceRewardModel } from '../../engine/reward/dense';
import { readMarksFile } from './label';

/** One flag per PpoConfig field (--kl-coef, --mini-batch-size, ...), unset unless given: the preset decides. */
const CONFIG_FLAGS = configFlags(PPO_FIELDS, { help: (f) => `${f.tooltip} (default ${String(f.default)}, or the preset's)` });

export const spec: CommandSpec = {
  name: 'ppo',
  summary: 'Tune a policy with PPO (or GRPO, RLOO) against a reward model under a preset; write it and its metrics.',
  usage: `ppo --policy DIR --rm DIR --preset ${PPO_PRESET_NAMES.join('|')} --steps N --out DIR [--prefs FILE] [--reward dense --sentence-reward-weight W] [--kl-coef X ...]`,
  flags: {
    policy: { ...COMMON_FLAGS.policy, help: 'SFT policy to start from (the reference is a frozen copy of it)' },
    rm: { type: 'string', help: 'reward model checkpoint (as train-rm writes it); for --reward dense a sentence reward model (train-rm --dense); not needed for the gold reward' },
    'honesty-rm': { type: 'string', help: 'a Fact-RM for the honesty check of honesty-first (default: --rm when it is a Fact-RM)' },
    prefs: { type: 'string', help: "the RM's training pairs, for the score normalisation (default: the file its checkpoint names)" },
    preset: { type: 'string', help: 'PPO preset (data in src/engine/ppo/presets)', default: 'fact-rlhf', choices: PPO_PRESET_NAMES },
    steps: { type: 'number', help: 'PPO steps', default: 50, bound: { integer: true, min: 1, max: 1_000_000 } },
    out: { type: 'string', required: true, help: 'directory for the tuned policy and metrics.jsonl' },
    ...CONFIG_FLAGS,
    backend: COMMON_FLAGS.backend,
    quiet: COMMON_FLAGS.quiet,
    json: { ...COMMON_FLAGS.json, help: 'print every step as a JSON line on stdout, then the summary' },
  },
};

/** The preset's config with the flags given on top; a UsageError names the first bad field. */
function configFromPresetAndFlags(flags: Flags): PpoConfig {
  const cfg = { ...PPO_DEFAULTS, ...ppoPreset(String(flags.preset)).config, ...valuesFromFlags(PPO_FIELDS, flags) } as PpoConfig;
  const problem = flagProblem('ppo', checkPpoConfig(cfg));
  if (problem) throw problem;
  return cfg;
}

function readRecords(path: string): PreferenceRecord[] {
  return importNative(readFileSync(path, 'utf8')).records;
}

/** Loads a reward model and its normalisation (from its training pairs, else from the policy's own samples). */
async function loadRewardRole(dir: string, prefsFlag: string | undefined, policy: VlmModel, cfg: PpoConfig, log: (l: string) => void): Promise<{ role: RewardRole; perception: Perception; heldOut?: RmHeldOut }> {
  const { model, manifest } = loadModelDir(dir);
  const meta = manifest.metadata as { rewardModel?: { fact?: boolean }; prefs?: string; result?: { heldOutAccuracy?: unknown; pairs?: { heldOutDecided?: unknown } } };
  if (isSentenceRewardModel(manifest.metadata)) {
    model.dispose();
    throw new UsageError(`ppo: ${dir} is a sentence reward model (train-rm --dense): it scores sentences, not whole answers; only --reward dense reads it (the reward here is ${cfg.reward})`);
  }
  if (!meta.rewardModel) log(`ppo: note: ${dir} does not say it is a reward model; reading it as a plain one`);
  const fact = meta.rewardModel?.fact === true;
  // How train-rm measured it, when it did: the run's alarms say when that is no better than a coin.
  const acc = meta.result?.heldOutAccuracy;
  const decided = meta.result?.pairs?.heldOutDecided;
  const heldOut = typeof decided === 'number' && (acc === null || typeof acc === 'number') ? { heldOut: { name: fact ? 'the Fact-RM' : 'the plain RM', accuracy: acc, decided } } : {};
  const prefs = prefsFlag ?? meta.prefs;
  if (prefs && existsSync(prefs)) {
    const records = readRecords(prefs);
    const norm = await rewardNorm(model, fact, records);
    log(`ppo: ${fact ? 'Fact-RM' : 'plain RM'} ${dir}: scores normalised by mean ${norm.mean.toFixed(3)}, spread ${norm.std.toFixed(3)} on ${norm.source} (${prefs})`);
    return { role: { model, fact, norm }, perception: probePerception(records), ...heldOut };
  }
  const ro = await sampleRollout(policy, drawPrompts(64, cfg.seed + 1), { numGenerations: 1, responseLength: cfg.responseLength, temperature: cfg.temperature, seed: cfg.seed, perception: { ...DEFAULT_PERCEPTION } });
  const norm = await rolloutNorm({ model, fact }, ro);
  log(`ppo: note: no training pairs for ${dir} (${prefs ?? 'none named'}); scores normalised on ${norm.source} instead (mean ${norm.mean.toFixed(3)}, spread ${norm.std.toFixed(3)})`);
  return { role: { model, fact, norm }, perception: { ...DEFAULT_PERCEPTION }, ...heldOut };
}

/** Loads a sentence reward model for the dense reward, and the perception its marks were rendered with (the default without them). */
function loadSentenceRole(dir: string, log: (l: string) => void): { role: SentenceRole; perception: Perception } {
  const { model, manifest } = loadModelDir(dir);
  if (!isSentenceRewardModel(manifest.metadata)) {
    model.dispose();
    throw new UsageError(`ppo: the dense reward needs a sentence reward model (train-rm --dense); ${dir} is not one (it scores whole answers): give --rm a sentence reward model, or choose another --reward`);
  }
  const meta = manifest.metadata as { rewardModel?: { fact?: boolean }; marks?: unknown };
  const fact = meta.rewardModel?.fact === true;
  const marks = typeof meta.marks === 'string' && existsSync(meta.marks) ? readMarksFile(meta.marks).marks : [];
  log(`ppo: sentence ${fact ? 'Fact-RM' : 'RM'} ${dir}: each sentence earns weight · (2σ(s) − 1) at its end${marks.length ? ` (images rendered as its ${marks.length} marks were)` : ''}`);
  return { role: { model, fact }, perception: probePerception(marks) };
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

export async function run(flags: Flags): Promise<number> {
  const log = notes(flags);
  const cfg = configFromPresetAndFlags(flags);
  const presetName = String(flags.preset);
  const out = String(flags.out);
  const steps = Number(flags.steps);
  const dense = cfg.reward === 'dense';
  const needsRm = dense || rmKindsFor(cfg)[0] !== 'none';
  if (needsRm && typeof flags.rm !== 'string') throw new UsageError(`ppo: --rm is required for the ${cfg.reward} reward (preset ${presetName})`);

  await initNodeBackend(String(flags.backend));
  const policyDir = String(flags.policy);
  const { model: policy } = loadModelDir(policyDir);
  const start = policy.version;
  const loaded: { dispose(): void }[] = [];
  const stop = new Interruption('ppo');
  // A step that goes non-finite holds the job; on the command line nobody can resume it, so the run ends there.
  stop.control.onHold = async () => stop.control.stop();
  try {
    let rm: RewardRole | undefined;
    let honestyRm: RewardRole | undefined;
    let sentenceRm: SentenceRole | undefined;
    let perception: Perception = { ...DEFAULT_PERCEPTION };
    let rmHeldOut: RmHeldOut | undefined;
    if (dense) {
      if (flags['honesty-rm']) throw new UsageError('ppo: --honesty-rm is for honesty-first, not the dense reward');
      const r = loadSentenceRole(String(flags.rm), log);
      sentenceRm = r.role;
      perception = r.perception;
      loaded.push(sentenceRm.model);
    } else if (needsRm) {
      const r = await loadRewardRole(String(flags.rm), flags.prefs as string | undefined, policy, cfg, log);
      rm = r.role;
      rmHeldOut = r.heldOut;
      perception = r.perception;
      loaded.push(rm.model);
      const kinds = rmKindsFor(cfg);
      if (!kinds.includes(rm.fact ? 'fact' : 'plain') && !flags['honesty-rm']) throw new UsageError(`ppo: the ${cfg.reward} reward needs a ${kinds.join(' or ')} reward model; ${flags.rm} is ${rm.fact ? 'a Fact-RM' : 'a plain RM'}`);
    }
    if (typeof flags['honesty-rm'] === 'string') {
      honestyRm = (await loadRewardRole(flags['honesty-rm'], undefined, policy, cfg, log)).role;
      loaded.push(honestyRm.model);
    }
    const ppo = createPpoRun(policy, rm, cfg, { perception, ...(honestyRm ? { honestyRm } : {}), ...(sentenceRm ? { sentenceRm } : {}) });
    loaded.push({ dispose: () => ppo.dispose() });
    log(`ppo: preset ${presetName} (${cfg.advantageEstimator.toUpperCase()}, reward ${cfg.reward}) from ${start}; ${steps} steps of ${cfg.batchSize} responses`);
    const metricsLog = new MetricsLog(out);
    const rows: MetricRow[] = [];
    let gold0: PpoPoint['gold'];
    const started = performance.now();
    const result = await runPpoSteps(ppo, steps, {
      control: stop.control,
      onPoint: (p) => {
        const row = { step: p.step, ...Object.fromEntries(Object.entries(p.metrics).map(([k, v]) => [k, round(v as number)])) };
        rows.push(row);
        const line = metricsLog.append({ ...row, ...(p.nonFinite ? { nonFinite: p.nonFinite } : {}) });
        if (flags.json) console.log(line);
        if (p.step === 0 && p.gold) gold0 = p.gold;
        const m = p.metrics;
        if (p.nonFinite) log(`  step ${p.step + 1}: not applied, ${p.nonFinite} was not finite; the run stops with the last good weights`);
        else if (p.samples.length || m['objective/scores'] !== undefined) {
          log(`  step ${p.step}: score ${m['objective/scores']?.toFixed(3)}, kl ${m['objective/kl']?.toFixed(3)}, length ${m['tokens/responses_len_mean']?.toFixed(1)}, ${((m['time/ppo/total'] ?? 0) * 1000).toFixed(0)} ms${p.gold ? `; gold true and informative ${(p.gold['gold/true_informative'] * 100).toFixed(1)}%, hallucination ${(p.gold['gold/hallucination_rate'] * 100).toFixed(1)}%, no answer ${(p.gold['gold/no_answer_rate'] * 100).toFixed(1)}%, score ${p.gold['gold/score'].toFixed(2)}` : ''}`);
        } else if (p.gold) log(`  start: gold true and informative ${(p.gold['gold/true_informative'] * 100).toFixed(1)}%, hallucination ${(p.gold['gold/hallucination_rate'] * 100).toFixed(1)}%, no answer ${(p.gold['gold/no_answer_rate'] * 100).toFixed(1)}%, score ${p.gold['gold/score'].toFixed(2)}`);
      },
    });
    const seconds = Math.round((performance.now() - started) / 1000);
    const summary = {
      out, preset: presetName, steps: result.steps, policyVersion: policy.version, startVersion: start,
      ...(result.halted ? { halted: result.halted } : {}),
      ...stop.metadata(result.steps),
      last: result.last ? Object.fromEntries(Object.entries(result.last).filter(([k]) => !k.startsWith('time/')).map(([k, v]) => [k, round(v as number)])) : null,
      goldStart: gold0 ?? null, gold: result.gold ?? null, seconds,
      alarms: ppoAlarms(rows, rmHeldOut).map((a) => ({ id: a.id, step: a.step, text: a.text })),
    };
    for (const a of summary.alarms) log(`ppo: alarm from step ${a.step}: ${a.text}`);
    await saveModelDir(policy, out, {
      recipe: `ppo-${presetName}`,
      role: 'policy',
      ppo: { preset: presetName, config: cfg, rm: flags.rm ?? null, norm: rm?.norm ?? null, steps: result.steps },
      policyVersion: start,
      ...stop.metadata(result.steps),
      command: `npm run cli -- ppo --policy ${policyDir}${flags.rm ? ` --rm ${String(flags.rm)}` : ''} --preset ${presetName}${dense ? ` --reward dense --sentence-reward ${cfg.sentenceReward} --sentence-reward-weight ${cfg.sentenceRewardWeight}` : ''} --steps ${steps} --out ${out}`,
      result: summary,
    });
    if (stop.interrupted) console.error(`ppo: interrupted (${stop.signal}) after step ${result.steps}: its policy is in ${out}/model.json, its metrics in ${metricsLog.path}`);
    console.log(JSON.stringify(summary));
    return stop.exitCode(result.halted ? 1 : 0);
  } finally {
    stop.close();
    for (const m of loaded.reverse()) m.dispose();
    policy.dispose();
  }
}
