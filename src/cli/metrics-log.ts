// A training run's metrics.jsonl, written as the run goes: emptied when the run starts, then one
// JSON line appended per step the moment the step is done, so an interrupted run keeps every line
// it wrote.

import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class MetricsLog {
  /** DIR/metrics.jsonl. */
  readonly path: string;
  /** Lines written so far. */
  count = 0;

  /** Creates DIR (if needed) and an empty DIR/metrics.jsonl, replacing a run's file left there. */
  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, 'metrics.jsonl');
    writeFileSync(this.path, '');
  }

  /** Appends one row as a line (on disk when this returns); returns the line. */
  append(row: Record<string, unknown>): string {
    const line = JSON.stringify(row);
    appendFileSync(this.path, `${line}\n`);
    this.count += 1;
    return line;
  }
}
