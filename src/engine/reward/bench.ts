// The reward-model benchmark: for each seed, sample pairs from the policy and label them with a
// simulated annotator; train a plain RM and a Fact-RM on the first 100, 300, 1000 of them; report
// held-out accuracy (one held-out set per seed, shared by all sizes), the probe accuracies
// ("short correct > long hallucinated", the same-length one, and the small-detail one that needs
// the facts), the annotator's ceiling and how fast it labels.

import { subSeed } from '../world/rng';
import type { VlmModel } from '../model/model';
import type { ScoreReadout } from '../model/config';
import { DEFAULT_PERCEPTION, type Perception } from '../world/render';
import { ANNOTATOR_PRESETS, type AnnotatorName } from '../prefs/annotator';
import { samplePairs, type PairSamplingOptions } from '../prefs/collect';
import { annotatePairs, labelCounts, simulatedLabeller } from '../prefs/label';
import { annotatorCeiling, type AnnotatorCeiling } from './ceiling';
import { HEADLINE_PROBE, PROBE_PAIRS, probeItems, SMALL_DETAIL_PROBE, type ProbeReport } from './probes';
import { runProbes } from './probe-run';
import { createRewardModel, trainRewardModel } from './train-run';
import type { RewardRunConfig } from './config';

export type RmKind = 'plain' | 'fact';

export interface RmBenchConfig {
  /** Training-set sizes, in pairs; each is a prefix of the same labelled pool. */
  sizes: number[];
  seeds: number[];
  /** Held-out pairs per seed (sampled and labelled beside the pool). */
  heldOut: number;
  annotator: AnnotatorName;
  /** Probe items per run. */
  probeItems: number;
  kinds: RmKind[];
  /** Where every reward model reads its score. */
  readout: ScoreReadout;
  /** How the images of the pairs and the probes are rendered. */
  perception: Perception;
  sampling: Partial<PairSamplingOptions>;
  run: Partial<RewardRunConfig>;
}

export const RM_BENCH_DEFAULTS: RmBenchConfig = {
  sizes: [100, 300, 1000], seeds: [1, 2, 3], heldOut: 300, annotator: 'careful', probeItems: 64, kinds: ['plain', 'fact'], readout: 'last', perception: { ...DEFAULT_PERCEPTION }, sampling: {}, run: {},
};

export interface RmBenchRow {
  seed: number;
  size: number;
  kind: RmKind;
  heldOutAccuracy: number | null;
  /** Decided (A or B) held-out pairs the accuracy is measured on. */
  heldOutDecided: number;
  trainAccuracy: number | null;
  /** Share of probe items where the short correct answer beats the long hallucinated one. */
  probeAccuracy: number;
  /** The same for two answers of one length, one true detail against one hallucinated: no length cue. */
  sameLengthProbe: number;
  /** A small object's true shape or colour against its lookalike, one word apart: the pixels barely tell, the facts do. */
  smallDetailProbe: number;
  probe: ProbeReport['pairAccuracy'];
  steps: number;
  seconds: number;
}

export interface RmBenchSummary {
  size: number;
  kind: RmKind;
  heldOut: { mean: number; sd: number } | null;
  /** Decided held-out pairs per seed, on average. */
  heldOutDecided: number;
  probe: { mean: number; sd: number };
  sameLengthProbe: { mean: number; sd: number };
  smallDetailProbe: { mean: number; sd: number };
  /** Mean over seeds of every probe comparison, by name. */
  probes: ProbeReport['pairAccuracy'];
}

export interface RmBenchReport {
  rows: RmBenchRow[];
  summary: RmBenchSummary[];
  /** The annotator's ceiling on each seed's held-out pairs. */
  ceilings: ({ seed: number } & AnnotatorCeiling)[];
  labelling: {
    /** Pairs labelled per second by the simulated annotator (judge both answers, draw), sampling excluded. */
    annotatorPairsPerSecond: number;
    /** Pairs sampled per second from the policy (two distinct responses each). */
    samplingPairsPerSecond: number;
    /** Prompts dropped because the policy gave the same response every try. */
    dropped: number;
    labels: ReturnType<typeof labelCounts>;
  };
}

const stats = (xs: number[]) => {
  const m = xs.reduce((a, x) => a + x, 0) / xs.length;
  return { mean: m, sd: xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1)) : 0 };
};

/** Runs the benchmark (the policy is only read); `log` gets a line per step of the way. */
export async function runRmBench(policy: VlmModel, policyVersion: string, config: Partial<RmBenchConfig> = {}, log: (line: string) => void = () => {}): Promise<RmBenchReport> {
  const cfg = { ...RM_BENCH_DEFAULTS, ...config };
  const maxSize = Math.max(...cfg.sizes);
  const settings = ANNOTATOR_PRESETS[cfg.annotator];
  const probes = probeItems(cfg.probeItems, 0, cfg.perception);
  const rows: RmBenchRow[] = [];
  const ceilings: RmBenchReport['ceilings'] = [];
  const labels = { A: 0, B: 0, tie: 0, 'both-bad': 0 };
  let annotateSeconds = 0;
  let sampleSeconds = 0;
  let labelled = 0;
  let dropped = 0;
  for (const seed of cfg.seeds) {
    // The held-out pairs are always two policy samples (whatever the pool's mix), so runs with
    // and without --mix or --degenerate are measured on the same kind of pairs.
    let t0 = performance.now();
    const sampledPool = await samplePairs(policy, { ...cfg.sampling, perception: cfg.perception, n: maxSize, seed });
    const sampledHeld = await samplePairs(policy, { ...cfg.sampling, perception: cfg.perception, mix: 0, degenerate: 0, n: cfg.heldOut, seed: subSeed(seed, 0x4e1d) });
    sampleSeconds += (performance.now() - t0) / 1000;
    dropped += sampledPool.dropped + sampledHeld.dropped;
    t0 = performance.now();
    const labeller = simulatedLabeller(cfg.annotator, settings, seed);
    const pool = annotatePairs(sampledPool.pairs, labeller, policyVersion);
    const heldOut = annotatePairs(sampledHeld.pairs, labeller, policyVersion);
    annotateSeconds += (performance.now() - t0) / 1000;
    labelled += pool.length + heldOut.length;
    const counts = labelCounts([...pool, ...heldOut]);
    for (const k of Object.keys(labels) as (keyof typeof labels)[]) labels[k] += counts[k];
    const ceiling = annotatorCeiling(heldOut);
    if (ceiling) ceilings.push({ seed, ...ceiling });
    log(`seed ${seed}: ${pool.length} + ${heldOut.length} held-out pairs labelled ${JSON.stringify(counts)}, ${sampledPool.dropped + sampledHeld.dropped} prompts dropped; held-out ceiling ${ceiling?.accuracyCeiling?.toFixed(3) ?? '-'}`);
    for (const size of cfg.sizes) {
      for (const kind of cfg.kinds) {
        const t = performance.now();
        const rm = createRewardModel(policy, cfg.readout);
        try {
          const res = await trainRewardModel(rm, pool.slice(0, size), heldOut, { ...cfg.run, fact: kind === 'fact', seed });
          const probe = await runProbes(rm, probes, kind === 'fact');
          const row: RmBenchRow = {
            seed, size, kind,
            heldOutAccuracy: res.heldOut.accuracy,
            heldOutDecided: res.heldOut.decided,
            trainAccuracy: res.train.accuracy,
            probeAccuracy: probe.pairAccuracy[HEADLINE_PROBE],
            sameLengthProbe: probe.pairAccuracy['long correct > long hallucinated'],
            smallDetailProbe: probe.pairAccuracy[SMALL_DETAIL_PROBE],
            probe: probe.pairAccuracy,
            steps: res.steps,
            seconds: (performance.now() - t) / 1000,
          };
          rows.push(row);
          log(`  ${kind.padEnd(5)} ${String(size).padStart(5)} pairs: held-out ${row.heldOutAccuracy?.toFixed(3) ?? '-'} (${row.heldOutDecided} decided pairs), train ${row.trainAccuracy?.toFixed(3) ?? '-'}, probe ${row.probeAccuracy.toFixed(3)}, same-length probe ${row.sameLengthProbe.toFixed(3)}, small-detail probe ${row.smallDetailProbe.toFixed(3)} (${row.steps} steps, ${row.seconds.toFixed(0)} s)`);
        } finally {
          rm.dispose();
        }
      }
    }
  }
  const summary: RmBenchSummary[] = [];
  for (const size of cfg.sizes) {
    for (const kind of cfg.kinds) {
      const rs = rows.filter((r) => r.size === size && r.kind === kind);
      const held = rs.flatMap((r) => (r.heldOutAccuracy === null ? [] : [r.heldOutAccuracy]));
      summary.push({ size, kind, heldOut: held.length ? stats(held) : null, heldOutDecided: stats(rs.map((r) => r.heldOutDecided)).mean, probe: stats(rs.map((r) => r.probeAccuracy)), sameLengthProbe: stats(rs.map((r) => r.sameLengthProbe)), smallDetailProbe: stats(rs.map((r) => r.smallDetailProbe)),
        probes: Object.fromEntries(PROBE_PAIRS.map((p) => [p.name, stats(rs.map((r) => r.probe[p.name])).mean])) as ProbeReport['pairAccuracy'],
      });
    }
  }
  return {
    rows,
    summary,
    ceilings,
    labelling: {
      annotatorPairsPerSecond: labelled / Math.max(annotateSeconds, 1e-9),
      samplingPairsPerSecond: labelled / Math.max(sampleSeconds, 1e-9),
      dropped,
      labels,
    },
  };
}
