// The worker's jobs by request id: one training slot (the calls in SLOT_CALLS), and any number of
// read-only calls beside it, each with a JobControl the page can stop, pause, resume or step.

import { JobControl, type JobState } from '../engine/train/job';
import { SLOT_CALLS, type CallType } from './protocol';

interface Job {
  id: number;
  type: CallType;
  control: JobControl;
}

const jobs = new Map<number, Job>();
/** The job holding the training slot, if any. */
let slot: Job | undefined;

/** Words for a job the page may see in a refusal. */
const DOING: Partial<Record<CallType, string>> = {
  'load-policy': 'loading a policy',
  'train-sft': 'training the policy (SFT)',
  'train-rm': 'training a reward model',
  'train-srm': 'training the sentence reward model',
};

/**
 * Registers a job; a slot call while the slot is held is refused with an error that says what
 * holds it. Returns the job's control.
 */
export function begin(id: number, type: CallType): JobControl {
  const takesSlot = (SLOT_CALLS as readonly CallType[]).includes(type);
  if (takesSlot && slot) {
    throw new Error(`the engine is busy ${DOING[slot.type] ?? slot.type} (job ${slot.id}); stop it or wait for it to finish before ${DOING[type] ?? type}`);
  }
  const job = { id, type, control: new JobControl() };
  jobs.set(id, job);
  if (takesSlot) slot = job;
  return job.control;
}

/** Forgets a job that has ended and frees the slot if it held it. */
export function end(id: number): void {
  jobs.delete(id);
  if (slot?.id === id) slot = undefined;
}

/** The control of a running job, or undefined once it has ended. */
export function controlOf(id: number): JobControl | undefined {
  return jobs.get(id)?.control;
}

/** The state of a running job, or 'ended'. */
export function stateOf(id: number): JobState | 'ended' {
  return jobs.get(id)?.control.state ?? 'ended';
}
