// A soak of a PPO run: many steps of the job loop the page and the command line drive
// (runPpoSteps, gold figures included), with the tensor count, the tensor bytes and (where the
// caller can read it) the heap taken after chosen steps, so a leak shows as a count that grows.

import * as tf from '@tensorflow/tfjs-core';
import { runPpoSteps, type PpoRun } from '../ppo/run';

/** The steps a soak reports at by default (those before its last, then its last). */
export const SOAK_AT = [1, 10, 50, 100, 200, 300] as const;

/** Memory after one step. */
export interface SoakPoint {
  step: number;
  /** tf.memory().numTensors. */
  numTensors: number;
  /** tf.memory().numBytes. */
  numBytes: number;
  /** What the caller's heap reader said (process.memoryUsage().heapUsed in Node), when it gave one. */
  heapUsed?: number;
  /** Seconds since the soak started. */
  seconds: number;
}

export interface SoakResult {
  points: SoakPoint[];
  /** Steps applied. */
  steps: number;
  /** The step that went non-finite and its quantity, when one did (the soak ends there). */
  halted?: { step: number; quantity: string };
}

export interface SoakOptions {
  /** The steps to measure after (default SOAK_AT before `steps`, then `steps`). */
  at?: readonly number[];
  /** Reads the heap in bytes (the engine cannot: it runs in a worker too). */
  heap?: () => number;
  /** Each point as it is taken. */
  onPoint?: (p: SoakPoint) => void;
}

/** Runs `steps` steps of `run` (trained in place) and returns the memory after the chosen ones. */
export async function soakPpo(run: PpoRun, steps: number, opts: SoakOptions = {}): Promise<SoakResult> {
  const at = new Set(opts.at ?? [...SOAK_AT.filter((s) => s < steps), steps]);
  const first = run.steps;
  const start = performance.now();
  const points: SoakPoint[] = [];
  const res = await runPpoSteps(run, steps, {
    onPoint: (p) => {
      const step = p.step - first;
      if (p.nonFinite || !at.has(step)) return;
      const m = tf.memory();
      const point: SoakPoint = { step, numTensors: m.numTensors, numBytes: m.numBytes, ...(opts.heap ? { heapUsed: opts.heap() } : {}), seconds: (performance.now() - start) / 1000 };
      points.push(point);
      opts.onPoint?.(point);
    },
  });
  return { points, steps: res.steps, ...(res.halted ? { halted: res.halted } : {}) };
}

/** Memory and speed over a soak: from its second point (past the first step's one-off allocations) when it has more than two, to its last. */
export interface SoakSummary {
  from: number;
  to: number;
  tensorsFrom: number;
  tensorsTo: number;
  bytesFrom: number;
  bytesTo: number;
  heapFrom?: number;
  heapTo?: number;
  /** Mean milliseconds a step from `from` to `to` (over every step when they are one point). */
  msPerStep: number;
}

/** A soak's figures and what broke its invariants (steps applied with finite figures, a tensor count and tensor bytes that do not grow): none when it held. */
export function soakVerdict(res: SoakResult): { summary: SoakSummary | null; problems: string[] } {
  const problems: string[] = [];
  if (res.halted) problems.push(`step ${res.halted.step} was not applied (${res.halted.quantity} was not finite)`);
  const from = res.points.length > 2 ? res.points[1] : res.points[0];
  const to = res.points.at(-1);
  if (!from || !to) return { summary: null, problems };
  const msPerStep = to.step > from.step ? ((to.seconds - from.seconds) * 1000) / (to.step - from.step) : (to.seconds * 1000) / to.step;
  const heap = from.heapUsed !== undefined && to.heapUsed !== undefined ? { heapFrom: from.heapUsed, heapTo: to.heapUsed } : {};
  const summary: SoakSummary = { from: from.step, to: to.step, tensorsFrom: from.numTensors, tensorsTo: to.numTensors, bytesFrom: from.numBytes, bytesTo: to.numBytes, ...heap, msPerStep };
  if (to.numTensors > from.numTensors) problems.push(`the tensor count grew by ${to.numTensors - from.numTensors} from step ${from.step} to step ${to.step}: a leak`);
  if (to.numBytes > from.numBytes) problems.push(`tensor bytes grew by ${to.numBytes - from.numBytes} from step ${from.step} to step ${to.step}: a leak`);
  return { summary, problems };
}
