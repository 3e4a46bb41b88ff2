// Runs the command line as a user does (`tsx src/cli/main.ts ...`) in a child process.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one CLI command (`cli('label', '--n', '6')`) to completion and returns its exit code and output. */
export function cli(...args: string[]): CliResult {
  const r = spawnSync(TSX, ['src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The non-empty lines of a text. */
export const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');

/** The last line of a command's output, parsed as JSON (the summary line most commands end with). */
export const lastJson = (text: string): Record<string, unknown> => JSON.parse(lines(text).at(-1) as string) as Record<string, unknown>;
