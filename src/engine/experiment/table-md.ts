// The experiment's table in Markdown (table.md): the headline table, POPE by the truth, each seed,
// the answers behind the figures, the targets, the reward models, the DPO and PPO runs, the time.
// No TensorFlow.js.

import { POPE_SPLITS } from '../bench/pope';
import type { DpoConfig } from '../dpo/config';
import { rowDenseDpoConfig, rowDpoConfig, rowMarker, type RowSpec } from './rows';
import type { CurvePoint } from './row-results';
import type { ExperimentTable } from './table';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const pm = (x: number, sd: number, f: (x: number) => string, show: boolean) => (show ? `${f(x)} ± ${f(sd).replace('%', '')}` : f(x));

/** The table in Markdown: the headline table, per seed, the targets, the reward models, the runs and the time. */
/** Where a row comes from, in words. */
function rowFrom(spec: RowSpec, dpo: Partial<DpoConfig>): string {
  switch (spec.kind) {
    case 'start':
      return `\`${spec.start}\` as shipped`;
    case 'dpo':
      return `\`${spec.start}\`, DPO β ${rowDpoConfig(spec, dpo).beta}`;
    case 'dense-dpo': {
      const c = rowDenseDpoConfig(spec, dpo);
      return `\`${spec.start}\`, dense DPO on ${rowMarker(spec)} marks, β ${c.beta}, γ ${c.ddpoWeight}`;
    }
    case 'ppo':
      return `\`${spec.start}\`, ${spec.preset}${spec.online ? `, online (${spec.online.rounds} refreshes)` : ''}`;
  }
}

export function formatTableMd(t: ExperimentTable): string {
  const many = t.seeds.length > 1;
  const out: string[] = [];
  out.push(`# Experiment \`${t.preset}\`, seeds ${t.seeds.join(', ')}`, '', t.description, '');
  out.push(`Benchmarks at size \`${t.benchSize}\`, greedy answers; figures are the mean over seeds${many ? ' (± the spread over seeds)' : ''}. True and informative: ShapesHal-Bench answers with no false claim that state at least one asked fact (saying less cannot raise it). No answer: answers left empty. POPE: the mean of its random, popular and adversarial splits. Length: tokens per ShapesHal-Bench answer.`, '');
  out.push('| row | from | true and informative | hallucination rate | informativeness | no answer | ShapesHal score (0-6) | POPE accuracy | POPE F1 | POPE yes-ratio | CHAIR_i | CHAIR_s | length |');
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of t.rows) {
    const h = r.mean.shapesHal;
    const splits = Object.values(r.mean.pope);
    const pope = (k: 'accuracy' | 'f1' | 'yesRatio') => pct(splits.reduce((a, m) => a + m[k], 0) / Math.max(1, splits.length));
    const spread = many && r.perSeed.length > 1;
    const from = rowFrom(r.spec, (t.settings.dpo ?? {}) as Partial<DpoConfig>);
    out.push(`| ${r.name} | ${from} | ${pm(h.trueInformative, r.sd.trueInformative, pct, spread)} | ${pm(h.hallucinationRate, r.sd.hallucinationRate, pct, spread)} | ${pm(h.informativeness, r.sd.informativeness, pct, spread)} | ${pct(h.noAnswerRate)} | ${pm(h.score, r.sd.score, (x) => x.toFixed(2), spread)} | ${pope('accuracy')} | ${pope('f1')} | ${pope('yesRatio')} | ${pct(r.mean.chair.chairI)} | ${pct(r.mean.chair.chairS)} | ${r.meanResponseLength.toFixed(1)} |`);
  }
  out.push('', 'POPE by the truth: the share of "yes" to present objects that are large, to those only small, and to absent ones by pool. A policy that sees says yes to nearly every present large object and few absent ones; one that guesses, at the same rate to all.', '');
  out.push('| row | present large | present small | absent random | absent popular | absent adversarial |', '| --- | --- | --- | --- | --- | --- |');
  for (const r of t.rows) {
    const b = r.mean.popeByTruth;
    const rate = (c: { n: number; yes: number }) => (c.n === 0 ? '-' : pct(c.yes / c.n));
    out.push(`| ${r.name} | ${rate(b.presentLarge)} | ${rate(b.presentSmall)} | ${POPE_SPLITS.map((s) => rate(b.absent[s])).join(' | ')} |`);
  }
  if (many) {
    out.push('', 'ShapesHal-Bench per seed (true and informative / hallucination rate / informativeness / no answer / score):', '');
    out.push(`| row | ${t.seeds.map((s) => `seed ${s}`).join(' | ')} |`, `| --- | ${t.seeds.map(() => '---').join(' | ')} |`);
    for (const r of t.rows) {
      const cells = t.seeds.map((s) => {
        const x = r.perSeed.find((p) => p.seed === s)?.report.shapesHal;
        return x ? `${pct(x.trueInformative)} / ${pct(x.hallucinationRate)} / ${pct(x.informativeness)} / ${pct(x.noAnswerRate)} / ${x.score.toFixed(2)}` : '-';
      });
      out.push(`| ${r.name} | ${cells.join(' | ')} |`);
    }
  }
  const sampled = t.rows.filter((r) => r.perSeed[0]?.samples?.length);
  if (sampled.length) {
    out.push('', '## What the policies say', '', `Three answers per question type to the same ShapesHal-Bench items (greedy, seed ${t.seeds[0]}), with the judge's verdict: read these before the figures. A policy whose hallucination rate falls while it says nothing, "no" to everything or "i am not sure ." is gaming its reward.`);
    for (const r of sampled) {
      out.push('', `### ${r.name}`, '', '| type | question | answer | verdict |', '| --- | --- | --- | --- |');
      for (const x of r.perSeed[0]!.samples!) out.push(`| ${x.type} | ${x.question} | ${x.answer === '' ? '*(no answer)*' : x.answer.replace(/\|/g, '\\|')} | ${x.verdict} |`);
    }
  }
  if (t.targets.length) {
    out.push('', '## Targets', '');
    for (const x of t.targets) {
      out.push(`- ${x.met ? '**met**' : '**not met**'}: ${x.what}.`);
      for (const d of x.detail) out.push(`  - ${d}`);
    }
  }
  const pairRms = t.rms.filter((m) => !m.sentences);
  if (pairRms.length) {
    out.push('', '## Reward models', '', 'Held-out accuracy on decided held-out pairs (the annotator\'s own ceiling beside it); probes: share of probe scenes where the better answer scores higher.', '');
    const probeNames = Object.keys(pairRms[0]!.probes);
    out.push(`| seed | reward model | train / held-out pairs | held-out accuracy | ${probeNames.join(' | ')} |`, `| --- | --- | --- | --- | ${probeNames.map(() => '---').join(' | ')} |`);
    for (const m of pairRms) out.push(`| ${m.seed} | ${m.id} | ${m.trainPairs} / ${m.heldOutPairs} | ${m.heldOutAccuracy === null ? '-' : pct(m.heldOutAccuracy)} (${m.accuracyCeiling === null ? '-' : pct(m.accuracyCeiling)}) | ${probeNames.map((p) => pct(m.probes[p] ?? NaN)).join(' | ')} |`);
  }
  const sentenceRms = t.rms.filter((m) => m.sentences);
  if (sentenceRms.length) {
    out.push('', '## Sentence reward models', '', 'Held-out accuracy per sentence (calling every sentence true beside it); probe: share of probe scenes where the one false sentence among true ones scores below 0.', '');
    out.push('| seed | reward model | train / held-out answers | held-out sentences (false) | held-out accuracy | always "true" | false caught | true kept | probe |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    const or = (x: number | null | undefined) => (x === null || x === undefined ? '-' : pct(x));
    for (const m of sentenceRms) {
      const x = m.sentences!;
      out.push(`| ${m.seed} | ${m.id} | ${m.trainPairs} / ${m.heldOutPairs} | ${x.heldOut} (${x.falseSentences}) | ${or(m.heldOutAccuracy)} | ${or(x.alwaysTrue)} | ${or(x.falseCaught)} | ${or(x.trueKept)} | ${or(m.probes.oneFalseBelowZero)} |`);
    }
  }
  const dpoRows = t.rows.filter((r) => r.perSeed.some((p) => p.dpo));
  if (dpoRows.length) {
    out.push('', '## DPO runs', '', 'Held-out: share of decided held-out pairs whose chosen answer has the higher implicit reward. Gold: the judge on the run\'s fixed probes, greedy, before → after. KL: sampled, nats per answer, from the reference.', '');
    out.push('| row | seed | labels | steps | train pairs | held-out | gold score | gold hallucination | KL |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of dpoRows) {
      for (const p of r.perSeed) {
        const d = p.dpo;
        if (!d) continue;
        out.push(`| ${r.name} | ${p.seed} | ${d.labels} | ${d.steps} | ${d.trainPairs} | ${d.heldOutAccuracy === null ? '-' : pct(d.heldOutAccuracy)} | ${d.start.goldScore.toFixed(2)} → ${d.end.goldScore.toFixed(2)} | ${pct(d.start.goldHallucination)} → ${pct(d.end.goldHallucination)} | ${d.end.kl === undefined ? '-' : d.end.kl.toFixed(2)} |`);
      }
    }
  }
  const runs = t.rows.filter((r) => r.curve && r.curve.length);
  if (runs.length) {
    out.push('', '## Along the runs', '', `Mean over seeds. RM score: the reward option's score before the symbolic terms (normalised; for the gold reward, the gold score), averaged over the steps since the last line; gold: the judge on the run's fixed probes, greedy.`);
    for (const r of runs) {
      out.push('', `### ${r.name}`, '', '| step | RM score | gold true and informative | gold hallucination | gold no answer | gold score | length | KL |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
      for (const line of curveLines(r.curve as CurvePoint[])) out.push(line);
      for (const s of r.perSeed) {
        const o = s.ppo?.online;
        if (o) out.push('', `Seed ${s.seed}, online: the first reward model learnt from ${o.firstLabels} labels of the start policy's pairs; ${o.refreshes.map((x) => `at step ${x.step}, retrained on ${x.labels} labels (held-out ${x.heldOutAccuracy === null ? '-' : pct(x.heldOutAccuracy)})`).join('; ') || 'no refresh'}.`);
      }
      const halted = r.perSeed.filter((s) => s.ppo?.halted);
      if (halted.length) out.push('', `Halted (a non-finite quantity): ${halted.map((s) => `seed ${s.seed} at step ${s.ppo!.halted!.step} (${s.ppo!.halted!.quantity})`).join('; ')}.`);
    }
  }
  const s = t.seconds;
  out.push('', '## Time', '', `${Math.round(s.total / 60)} minutes in all: start policies ${Math.round(s.sft)} s, labelling ${Math.round(s.label)} s, reward models ${Math.round(s.rm)} s, PPO ${Math.round(s.ppo)} s, DPO ${Math.round(s.dpo)} s, benchmarks ${Math.round(s.bench)} s.`);
  if (t.stopped) out.push('', 'The job was stopped before the end: some rows or seeds are missing.');
  const i = t.interrupted;
  if (i) out.push('', `Interrupted (${i.signal})${i.row !== undefined ? `: seed ${i.seed} · ${i.row} stopped after step ${i.step}; its policy at that step is in ${i.checkpoint}, not benchmarked` : ''}.`);
  return `${out.join('\n')}\n`;
}

/** A curve's lines at its gold steps, each step figure averaged over the steps since the previous line. */
function curveLines(curve: readonly CurvePoint[]): string[] {
  const out: string[] = [];
  let recent: CurvePoint[] = [];
  const avg = (k: 'rmScore' | 'kl' | 'length') => {
    const xs = recent.map((p) => p[k]).filter((x): x is number => x !== undefined);
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined;
  };
  const fmt = (x: number | undefined, f: (x: number) => string) => (x === undefined ? '-' : f(x));
  const last = curve.at(-1)?.step;
  for (const p of curve) {
    if (p.step > 0) recent.push(p);
    if (p.goldScore === undefined && p.step !== last) continue;
    out.push(`| ${p.step} | ${fmt(avg('rmScore'), (x) => x.toFixed(2))} | ${fmt(p.goldTrueInformative, pct)} | ${fmt(p.goldHallucination, pct)} | ${fmt(p.goldNoAnswer, pct)} | ${fmt(p.goldScore, (x) => x.toFixed(2))} | ${fmt(avg('length'), (x) => x.toFixed(1))} | ${fmt(avg('kl'), (x) => x.toFixed(2))} |`);
    recent = [];
  }
  return out;
}
