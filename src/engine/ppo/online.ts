// Online RLHF: labels given while PPO runs join the reward model's data, and every `every` new
// labels the reward model is trained again (from the frozen reference, as the first was from the
// SFT policy) and swapped into the run between two steps.

import type { PreferenceRecord } from '../prefs/record';
import type { VlmModel } from '../model/model';
import { runRewardJob, type RewardModelInfo } from '../reward/job';
import type { RewardJobConfig } from '../reward/config';
import { rewardNorm, type RewardRole } from './rm-score';
import type { PpoRun } from './run';

/** A reward model trained on the labels so far: its role in a run, and what is known of it. */
export interface TrainedRewardModel {
  model: VlmModel;
  role: RewardRole;
  info: RewardModelInfo;
  labels: number;
  heldOutAccuracy: number | null;
}

export class OnlineRewardModel {
  private records: PreferenceRecord[];
  private readonly seen: Set<string>;
  private fresh = 0;
  /** Refreshes done so far. */
  refreshes = 0;

  /**
   * `base` is the trunk each new reward model starts from (the run's frozen reference); `records`
   * the labels the current one learnt from; every `every` new labels (0: never) a new one is trained.
   */
  constructor(private readonly base: VlmModel, records: readonly PreferenceRecord[], private readonly cfg: RewardJobConfig, readonly every: number) {
    this.records = [...records];
    this.seen = new Set(records.map((r) => r.id));
  }

  /** Labels given since the last refresh. */
  get pending(): number {
    return this.fresh;
  }

  /** Adds labels (ones already known are ignored); returns how many were new. */
  add(records: readonly PreferenceRecord[]): number {
    let added = 0;
    for (const r of records) {
      if (this.seen.has(r.id)) continue;
      this.seen.add(r.id);
      this.records.push(r);
      added++;
    }
    this.fresh += added;
    return added;
  }

  /**
   * Trains a reward model on every label so far, normalised on them, as a role for a run; the
   * caller owns the model. Counts as a refresh: the labels since are the new ones.
   */
  async train(): Promise<TrainedRewardModel> {
    const job = await runRewardJob(this.base, this.records, this.cfg);
    const fact = this.cfg.kind === 'fact';
    const role: RewardRole = { model: job.rm, fact, norm: await rewardNorm(job.rm, fact, this.records) };
    this.fresh = 0;
    return { model: job.rm, role, info: job.info, labels: this.records.length, heldOutAccuracy: job.run.heldOut.accuracy };
  }

  /**
   * When enough new labels have come in, trains a reward model on every label and swaps it into the
   * run; returns it (the caller owns it, and the one it replaced) with what is known of it, or null
   * when it is not time.
   */
  async maybeRefresh(run: PpoRun): Promise<TrainedRewardModel | null> {
    if (this.every <= 0 || this.fresh < this.every) return null;
    const trained = await this.train();
    run.setRewardModel(trained.role);
    this.refreshes++;
    return trained;
  }
}
