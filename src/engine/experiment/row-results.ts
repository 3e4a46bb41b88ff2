// What a row of the experiment's table holds: its bench figures on each seed, with its PPO or DPO
// run (a PPO run's curve step by step), and their mean over seeds. The table (table.ts) is built
// from these and the targets (targets.ts) are checked against them.
// No TensorFlow.js: the page shows the same rows.

import type { BenchReport } from '../bench/report';
import type { SampleAnswer } from '../bench/shapes-hal';
import type { PpoConfig } from '../ppo/config';
import type { DenseDpoConfig, DpoConfig } from '../dpo/config';
import type { AnnotatorName } from '../prefs/annotator';
import type { MarkerName } from '../prefs/marker-settings';
import type { RowSpec } from './rows';

/** One step of a PPO row's run: the step's batch figures, and the gold figures where measured. */
export interface CurvePoint {
  step: number;
  /** The reward option's score of the batch, before the symbolic terms (the normalised RM score; the gold score for the gold reward). */
  rmScore?: number;
  /** Nats per response against the reference. */
  kl?: number;
  /** Mean response length in tokens (EOS included). */
  length?: number;
  /** The judge on the fixed gold probes (greedy answers): mean score 0-6, and the share below 3. */
  goldScore?: number;
  goldHallucination?: number;
  /** The same probes: the share true and informative, and the share left empty. */
  goldTrueInformative?: number;
  goldNoAnswer?: number;
}

/** A PPO row's run on one seed. */
export interface PpoRowRun {
  preset: string;
  config: PpoConfig;
  /** The reward model it ran against (its label set and kind), or null for the gold reward. */
  rm: string | null;
  steps: number;
  stopped: boolean;
  /** The step that went non-finite and the quantity, when one did (the run kept the last good weights). */
  halted?: { step: number; quantity: string };
  /** Online rows: the labels the first reward model learnt from, and each refresh (the step before which it was swapped in, the labels so far, its held-out accuracy). */
  online?: { rounds: number; firstLabels: number; refreshes: { step: number; labels: number; heldOutAccuracy: number | null }[] };
  curve: CurvePoint[];
  seconds: number;
}

/** A DPO or dense DPO row's run on one seed. */
export interface DpoRowRun {
  /** A DPO row's config, or a dense DPO row's (with its ddpoWeight). */
  config: DpoConfig | DenseDpoConfig;
  /** The label set it learnt from ("sft-plus/careful"), or a dense DPO row's mark set ("sft-plus/careful/marks"). */
  labels: string;
  /** A DPO row: whose labels. */
  annotator?: AnnotatorName;
  /** A dense DPO row: whose marks. */
  marker?: MarkerName;
  steps: number;
  /** Pairs trained on (a dense DPO row's: its corrected pairs). */
  trainPairs: number;
  /** Held-out share of decided pairs whose chosen answer has the higher implicit reward; null with none decided. */
  heldOutAccuracy: number | null;
  /** Gold figures on the run's fixed probes (greedy) and the sampled KL from the reference, before and after. */
  start: { goldScore: number; goldHallucination: number; kl?: number };
  end: { goldScore: number; goldHallucination: number; kl?: number };
  seconds: number;
}

/** A row on one seed. */
export interface SeedRow {
  seed: number;
  /** The bench JSON report (ShapesHal-Bench, POPE, CHAIR). */
  report: BenchReport;
  /** Mean length in tokens of the row's ShapesHal-Bench answers (EOS not counted). */
  meanResponseLength: number;
  /** Three answers per question type to fixed ShapesHal-Bench items, with the judge's verdict (absent in tables made before they were kept). */
  samples?: SampleAnswer[];
  policyVersion: string;
  /** The row's checkpoint, relative to the experiment's folder: seed-S/ROW. */
  checkpoint: string;
  ppo?: PpoRowRun;
  dpo?: DpoRowRun;
}

/** A row of the table: its figures on each seed and their mean. */
export interface TableRow {
  name: string;
  /** Its checkpoint folder's name. */
  slug: string;
  spec: RowSpec;
  /** Every figure of the bench report, averaged over the seeds. */
  mean: BenchReport;
  /** Spread (population sd) over seeds of the ShapesHal-Bench headline figures. */
  sd: { trueInformative: number; score: number; hallucinationRate: number; informativeness: number };
  perSeed: SeedRow[];
  meanResponseLength: number;
  /** PPO rows: the run's figures averaged step by step over the seeds. */
  curve?: CurvePoint[];
}

