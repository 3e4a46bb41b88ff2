// PPO in the page: the loaded policy trained in place against a reward model trained here (or the
// judge, for the gold reward), a point per step for the charts and the feed, the policy's new
// version as it goes, and online RLHF: labels given meanwhile retrain the RM every N labels. The
// run is kept here alone: each save of the policy carries the run's plan and metrics up to its step.

import { newRunName } from '../../engine/model/version';
import { createPpoRun, runPpoSteps, type PpoPoint } from '../../engine/ppo/run';
import { PPO_RUN_STORE_VERSION, type MetricRow, type StoredPpoRun } from '../../engine/ppo/run-record';
import { resolvePpoConfig } from '../../engine/ppo/config';
import { rewardModelOrder } from '../../engine/ppo/presets';
import { rewardNorm, type RewardRole, type SentenceRole } from '../../engine/ppo/rm-score';
import { OnlineRewardModel } from '../../engine/ppo/online';
import type { RewardKind } from '../../engine/reward/config';
import { announceVersion, keepCopy, keepRewardModel, pointSender, policyInfo, progress, requirePolicy, rewardModels, sentenceModel, setPolicy } from '../state';
import { savePolicy } from '../persist';
import type { HandlerSet } from './types';

/** The online reward model of each running PPO job, by job id (ppo-labels adds to it). */
const online = new Map<number, OnlineRewardModel>();

const NAMES: Record<RewardKind, string> = { plain: 'plain RM', fact: 'Fact-RM' };

export const ppoHandlers: HandlerSet<'ppo' | 'ppo-labels'> = {
  async ppo(req, control) {
    const policy = requirePolicy();
    const before = policyInfo();
    const cfg = resolvePpoConfig(req.config);
    // The kinds this reward can run with (any one of them; the Fact-RM first), or none for the gold reward.
    const kinds = rewardModelOrder(cfg);
    const kind = kinds.find((k) => rewardModels.has(k));
    if (kinds.length && !kind) throw new Error(`the ${cfg.reward} reward needs a ${kinds.map((k) => NAMES[k]).join(' or a ')}: train it in the Reward stage first`);
    progress(req.id, { kind: 'progress', progress: { phase: 'preparing the four roles', done: 0, total: req.steps } });
    let main: RewardRole | undefined;
    if (kind) {
      const m = rewardModels.get(kind)!.model;
      main = { model: m, fact: kind === 'fact', norm: await rewardNorm(m, kind === 'fact', req.records) };
    }
    // The dense reward reads the sentence reward model trained here, at every sentence's end.
    let sentenceRm: SentenceRole | undefined;
    if (cfg.reward === 'dense') {
      if (!sentenceModel) throw new Error('the dense reward needs a sentence reward model: train it in the Reward stage on marked answers first');
      sentenceRm = { model: sentenceModel.model, fact: sentenceModel.info.kind === 'fact' };
    }
    policy.startRun(newRunName('ppo'));
    const run = createPpoRun(policy, main, cfg, sentenceRm ? { sentenceRm } : {});
    const rmKind: RewardKind = main?.fact ? 'fact' : 'plain';
    const learner = new OnlineRewardModel(run.roles.reference, req.records, { ...req.rmConfig, kind: rmKind }, main ? req.refreshEvery : 0);
    online.set(req.id, learner);
    const sender = pointSender<PpoPoint>(req.id, (points) => ({ kind: 'ppo', points }), 150, announceVersion);
    // Every step's metrics, kept with the policy at each save.
    const metrics: MetricRow[] = [];
    /** The policy's metadata with the run up to now (ended: it will not go on). */
    const metadata = (ended: boolean) => {
      const record: StoredPpoRun = {
        version: PPO_RUN_STORE_VERSION, ...req.plan, config: cfg, steps: req.steps, refreshEvery: req.refreshEvery, saveEvery: req.saveEvery, savedAt: new Date().toISOString(), step: run.steps, ended,
        policy: { name: before.name, origin: policy.origin, version: policy.version }, metrics: [...metrics],
      };
      return { ...before.metadata, ppo: { steps: run.steps, config: cfg, run: record } };
    };
    // The autosave: the policy kept in this browser as the session policy (what a reload restores),
    // with the run, between steps, so no save sees weights half updated; the page hears of it after every point before it.
    let saved = 0;
    const autosave = async () => {
      if (run.steps === saved) return;
      const step = run.steps;
      sender.flush();
      const t0 = performance.now();
      if (!(await keepCopy(`the policy after step ${step}`, () => savePolicy(policy, before.name, metadata(false))))) return;
      saved = step;
      progress(req.id, { kind: 'ppo-saved', step, origin: policy.origin, version: policy.version, ms: performance.now() - t0 });
    };
    control.onHold = autosave;
    try {
      const res = await runPpoSteps(run, req.steps > 0 ? req.steps : Infinity, {
        control,
        onPoint: (p) => {
          metrics.push({ step: p.step, ...p.metrics });
          sender.push(p);
        },
        onProgress: (p) => progress(req.id, { kind: 'progress', progress: p }),
      }, async () => {
        if (req.saveEvery > 0 && run.steps - saved >= req.saveEvery) await autosave();
        if (learner.every <= 0 || learner.pending < learner.every) return;
        progress(req.id, { kind: 'progress', progress: { phase: `retraining the ${NAMES[rmKind]} on ${learner.pending} new labels`, done: run.steps, total: req.steps } });
        const r = await learner.maybeRefresh(run);
        if (!r) return;
        // The new reward model is the one kept (and stored) from now on; the one it replaced is freed.
        await keepRewardModel(r.model, r.info);
        progress(req.id, { kind: 'rm-refresh', labels: r.labels, heldOutAccuracy: r.heldOutAccuracy, refreshes: learner.refreshes });
      });
      sender.flush();
      const info = await setPolicy(policy, before.name, metadata(true));
      return { steps: res.steps, stopped: res.stopped, ...(res.gold ? { gold: res.gold } : {}), policy: info, refreshes: learner.refreshes };
    } finally {
      control.onHold = undefined;
      online.delete(req.id);
      run.dispose();
    }
  },
  async 'ppo-labels'(req) {
    const l = online.get(req.target);
    if (!l) throw new Error(`no PPO run ${req.target} is going`);
    const added = l.add(req.records);
    return { added, pending: l.pending, every: l.every };
  },
};
