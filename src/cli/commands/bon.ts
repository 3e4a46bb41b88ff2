// `bon`: the best-of-n sweep (engine bon/job.ts): a pool of answers to the ShapesHal-Bench prompts
// from a policy, the kept answer's RM score, gold score, hallucination rate and KL for each n, per
// reward model, with Gao et al.'s best-of-n form fitted; and, from PPO runs' metrics.jsonl, the RL
// curve with its own form fitted. `--json` prints one object `{"rows": [...], ...}`.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { COMMON_FLAGS, notes, UsageError, type CommandSpec, type Flags } from '../args';
import { configFlags, valuesFromFlags, flagProblem, type ConfigFlagOptions } from '../config-flags';
import { initNodeBackend } from '../backend-node';
import { loadModelDir } from '../model-files';
import { readPrefsFile } from './label';
import { DEFAULT_PERCEPTION, type Perception } from '../../engine/world/render';
import { probePerception } from '../../engine/reward/probes';
import { rewardNorm } from '../../engine/ppo/rm-score';
import { BON_DEFAULTS, BON_FIELDS, bonConfig, checkBonConfig, parseNs, type BonConfig } from '../../engine/bon/config';
import { runBestOfNJob, type BonResult, type BonRewardModel, type BonSweep } from '../../engine/bon/job';
import { fitOveropt } from '../../engine/overopt/fit';
import { curvePoints, measuredPeak, parseMetricsJsonl, ppoMeasures } from '../../engine/overopt/points';
import { isSentenceRewardModel } from '../../engine/reward/dense';

/** The sweep's knobs as flags, the n list as --n; the pool is unset unless given (the largest n). */
const FLAGS: ConfigFlagOptions<keyof BonConfig> = { names: { ns: 'n' }, except: ['samples'], defaults: true };
const POOL: ConfigFlagOptions<keyof BonConfig> = { only: ['samples'], help: (f) => `${f.tooltip} (default: the largest n)` };

export const spec: CommandSpec = {
  name: 'bon',
  summary: 'Best-of-n sweep: RM score, gold score, hallucination rate and KL per n, and the over-optimisation fits.',
  usage: 'bon --policy DIR --rm DIR[,DIR] [--n 1,4,16,64] [--prefs FILE] [--ppo-metrics FILE[,FILE]] [--json]',
  flags: {
    policy: { ...COMMON_FLAGS.policy, help: 'the policy that samples (best-of-n starts from it)' },
    rm: { type: 'string', help: 'reward model checkpoint(s) as train-rm writes them, comma-separated; each picks from the same pool' },
    prefs: { type: 'string', help: "the RMs' training pairs, for the score normalisation (default: the file each checkpoint names; none: the pool's own spread)" },
    n: { type: 'string', help: BON_FIELDS.ns.tooltip, default: BON_DEFAULTS.ns.join(',') },
    ...configFlags(BON_FIELDS, POOL),
    ...configFlags(BON_FIELDS, FLAGS),
    answers: { type: 'string', help: "write the pool to this file as JSONL: each prompt's distinct answers with their count, the judge's score and each RM's normalised score" },
    'ppo-metrics': { type: 'string', help: "PPO runs' metrics.jsonl (comma-separated): their gold against √KL, with the RL form fitted" },
    backend: COMMON_FLAGS.backend,
    quiet: COMMON_FLAGS.quiet,
    json: { ...COMMON_FLAGS.json, help: 'print one JSON object: {"rows": [{n, rmScore, goldScore, hallucinationRate, kl}], sweeps, ppo, ...}' },
  },
};

const list = (v: unknown): string[] => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

function bonConfigFromFlags(flags: Flags): BonConfig {
  let ns: number[];
  try {
    ns = parseNs(String(flags.n));
  } catch (e) {
    throw new UsageError(`bon: --n must be whole numbers separated by commas: ${(e as Error).message}`);
  }
  const cfg = bonConfig({ ns, ...valuesFromFlags(BON_FIELDS, flags, POOL), ...valuesFromFlags(BON_FIELDS, flags, FLAGS) });
  const problem = flagProblem('bon', checkBonConfig(cfg), FLAGS);
  if (problem) throw problem;
  return cfg;
}

/** A reward model from its checkpoint, normalised on its training pairs when they can be read. */
async function loadRm(dir: string, prefsFlag: string | undefined, log: (l: string) => void): Promise<{ rm: BonRewardModel; perception?: Perception }> {
  const { model, manifest } = loadModelDir(dir);
  const meta = manifest.metadata as { rewardModel?: { fact?: boolean }; prefs?: string };
  if (isSentenceRewardModel(manifest.metadata)) throw new Error(`bon: ${dir} is a sentence reward model (train-rm --dense): it scores sentences, not whole answers (only ppo --reward dense reads it); give bon a pairwise reward model`);
  if (!meta.rewardModel) log(`bon: note: ${dir} does not say it is a reward model; reading it as a plain one`);
  const fact = meta.rewardModel?.fact === true;
  const prefs = prefsFlag ?? meta.prefs;
  if (prefs && existsSync(prefs)) {
    const records = readPrefsFile(prefs).records;
    const norm = await rewardNorm(model, fact, records);
    log(`bon: ${fact ? 'Fact-RM' : 'plain RM'} ${dir}: scores normalised by mean ${norm.mean.toFixed(3)}, spread ${norm.std.toFixed(3)} on ${norm.source} (${prefs})`);
    return { rm: { model, fact, norm, name: dir }, perception: probePerception(records) };
  }
  log(`bon: note: no training pairs for ${dir} (${prefs ?? 'none named'}); its scores are normalised on the pool's own answers`);
  return { rm: { model, fact, name: dir } };
}

/** The RL curve of a PPO run's metrics.jsonl and its fit. */
function ppoCurve(file: string) {
  let lines: ReturnType<typeof parseMetricsJsonl>;
  try {
    lines = parseMetricsJsonl(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
  }
  const points = curvePoints(ppoMeasures(lines));
  return { file, points, fit: fitOveropt('rl', points), peak: measuredPeak(points) };
}

/** The pool as JSONL, one line per prompt's distinct answer. */
function writeAnswers(file: string, res: BonResult): void {
  const { pool, scores, gold } = res.pool!;
  const out: string[] = [];
  pool.answers.forEach((a, p) => {
    const prompt = pool.prompts[p]!;
    a.texts.forEach((text, j) => {
      const k = a.sample.indexOf(j);
      out.push(JSON.stringify({
        id: prompt.id, question: prompt.question, answer: text, count: a.sample.filter((x) => x === j).length,
        gold: gold.score[p]![k], rm: res.sweeps.map((s, i) => r4((scores[i]![p]![k]! - s.norm.mean) / s.norm.std)),
      }));
    });
  });
  writeFileSync(file, out.map((l) => `${l}\n`).join(''));
}

function printSweep(s: BonSweep, log: (l: string) => void): void {
  console.log(`${s.name} (${s.fact ? 'Fact-RM' : 'plain RM'}; normalised on ${s.norm.source})`);
  console.log('     n    KL   √KL   RM score   gold score   hallucination   informativeness');
  for (const r of s.rows) {
    console.log(`${String(r.n).padStart(6)} ${r.kl.toFixed(2).padStart(5)} ${Math.sqrt(r.kl).toFixed(2).padStart(5)} ${r.rmScore.toFixed(3).padStart(10)} ${r.goldScore.toFixed(3).padStart(12)} ${(100 * r.hallucinationRate).toFixed(1).padStart(14)}% ${(100 * r.informativeness).toFixed(1).padStart(16)}%`);
  }
  if (s.fit) console.log(`  fit d(α − βd): α ${s.fit.alpha.toFixed(3)}, β ${s.fit.beta.toFixed(3)} (rmse ${s.fit.rmse.toFixed(3)})${s.fit.peak ? `, peak ${s.fit.peak.gold.toFixed(2)} at √KL ${s.fit.peak.d.toFixed(2)}` : ''}`);
  if (s.peak) log(`  measured peak: gold ${s.peak.gold.toFixed(3)} at √KL ${s.peak.d.toFixed(2)}, ${s.peak.fall.toFixed(3)} above the largest n's`);
}

export async function run(flags: Flags): Promise<number> {
  const log = notes(flags);
  const cfg = bonConfigFromFlags(flags);
  const rmDirs = list(flags.rm);
  const ppoFiles = list(flags['ppo-metrics']);
  if (rmDirs.length === 0 && ppoFiles.length === 0) throw new UsageError('bon: give --rm DIR (the best-of-n sweep) and/or --ppo-metrics FILE (a PPO run\'s curve)');
  for (const f of ppoFiles) if (!existsSync(f)) throw new UsageError(`bon: --ppo-metrics: no file ${f}`);
  const ppo = ppoFiles.map(ppoCurve);
  const out: Record<string, unknown> = { rows: [] };
  if (rmDirs.length) {
    await initNodeBackend(String(flags.backend));
    const { model: policy } = loadModelDir(String(flags.policy));
    const rms: BonRewardModel[] = [];
    try {
      let perception: Perception | undefined;
      for (const dir of rmDirs) {
        const r = await loadRm(dir, flags.prefs as string | undefined, log);
        rms.push(r.rm);
        perception ??= r.perception;
      }
      log(`bon: ${cfg.samples} answers to each ${cfg.size} ShapesHal-Bench prompt from ${policy.version} at temperature ${cfg.temperature}; n = ${cfg.ns.join(', ')}`);
      let lastPhase = '';
      const res = await runBestOfNJob(policy, rms, cfg, {
        onProgress: (p) => {
          if (p.phase !== lastPhase || p.done === p.total) log(`  ${p.phase}: ${p.done}/${p.total}`);
          lastPhase = p.phase;
        },
      }, { perception: perception ?? { ...DEFAULT_PERCEPTION }, keepPool: typeof flags.answers === 'string' });
      if (res.pool && typeof flags.answers === 'string') writeAnswers(flags.answers, res);
      log(`bon: ${res.prompts} prompts, ${res.distinct.toFixed(1)} distinct answers of ${cfg.samples} per prompt; sampling ${res.seconds.sampling.toFixed(1)} s, scoring ${res.seconds.scoring.toFixed(1)} s, judging ${res.seconds.judging.toFixed(1)} s`);
      const rowJson = (s: BonSweep) => s.rows.map((r) => ({ n: r.n, rmScore: r4(r.rmScore), goldScore: r4(r.goldScore), hallucinationRate: r4(r.hallucinationRate), kl: r4(r.kl) }));
      Object.assign(out, {
        rows: rowJson(res.sweeps[0]!),
        sweeps: res.sweeps.map((s) => ({ rm: s.name, fact: s.fact, norm: s.norm, rows: s.rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, r4(v)]))), fit: s.fit, peak: s.peak })),
        policy: String(flags.policy), policyVersion: res.policyVersion, config: res.config, prompts: res.prompts, distinct: r4(res.distinct), seconds: res.seconds,
      });
      if (!flags.json) for (const s of res.sweeps) printSweep(s, log);
    } finally {
      for (const r of rms) r.model.dispose();
      policy.dispose();
    }
  }
  if (ppo.length) out.ppo = ppo;
  if (flags.json) console.log(JSON.stringify(out));
  else {
    for (const c of ppo) {
      console.log(`${c.file}: ${c.points.length} gold points`);
      console.log('  step    KL   √KL   RM score   gold score   hallucination');
      for (const p of c.points) console.log(`${String(p.step).padStart(6)} ${p.kl.toFixed(2).padStart(5)} ${p.d.toFixed(2).padStart(5)} ${(p.rmScore ?? NaN).toFixed(3).padStart(10)} ${p.gold.toFixed(3).padStart(12)} ${(100 * (p.hallucinationRate ?? NaN)).toFixed(1).padStart(14)}%`);
      if (c.fit) console.log(`  fit d(α − β log d): α ${c.fit.alpha.toFixed(3)}, β ${c.fit.beta.toFixed(3)} (rmse ${c.fit.rmse.toFixed(3)})${c.fit.peak ? `, peak ${c.fit.peak.gold.toFixed(2)} at √KL ${c.fit.peak.d.toFixed(2)}` : ''}`);
    }
  }
  return 0;
}
