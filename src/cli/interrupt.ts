// Ctrl-C (SIGINT) or SIGTERM during a training command. The first signal asks the engine's job to
// stop before its next step (the step under way finishes), so the command saves the weights of
// the last finished step, marked as interrupted, and exits 130 (SIGINT) or 143 (SIGTERM). Any
// further signal while it finishes and saves is ignored, with a note: a save is never cut short.

import { JobControl } from '../engine/train/job';

const SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;
export type StopSignal = keyof typeof SIGNALS;

export class Interruption {
  /** The control to hand the job: stopped on the first signal. */
  readonly control = new JobControl();
  /** The first signal received, if any. */
  signal: StopSignal | undefined;
  private readonly handlers: [StopSignal, () => void][];

  /** Starts listening for SIGINT and SIGTERM; `command` names the command in the notes it prints. */
  constructor(private readonly command: string) {
    this.handlers = (Object.keys(SIGNALS) as StopSignal[]).map((s) => [s, () => this.receive(s)]);
    for (const [s, h] of this.handlers) process.on(s, h);
  }

  private receive(s: StopSignal): void {
    if (this.signal) {
      console.error(`${this.command}: ${s} again: ignored; saving the last finished step first, then exiting`);
      return;
    }
    this.signal = s;
    this.control.stop();
    console.error(`${this.command}: ${s}: stopping after the step under way, then saving the last finished step`);
  }

  get interrupted(): boolean {
    return this.signal !== undefined;
  }

  /** The exit status: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM), or `otherwise` when none came. */
  exitCode(otherwise: number): number {
    return this.signal ? 128 + SIGNALS[this.signal] : otherwise;
  }

  /** What the checkpoint's metadata says of an interruption at `step` (steps finished): {} when there was none. */
  metadata(step: number): { interrupted?: { signal: StopSignal; step: number } } {
    return this.signal ? { interrupted: { signal: this.signal, step } } : {};
  }

  /** Stops listening: signals act as Node's defaults again. */
  close(): void {
    for (const [s, h] of this.handlers) process.off(s, h);
  }
}
