// The command line: one engine, run from Node. `npm run cli -- <command> --help`.

import './tfjs-node';

import { helpText, parseFlags, UsageError, type CommandSpec, type Flags } from './args';
import * as world from './commands/world';
import * as judge from './commands/judge';
import * as bench from './commands/bench';
import * as perf from './commands/perf';
import * as pretrain from './commands/pretrain';
import * as sample from './commands/sample';
import * as label from './commands/label';
import * as trainRm from './commands/train-rm';
import * as probe from './commands/probe';
import * as rmBench from './commands/rm-bench';
import * as prefs from './commands/prefs';
import * as cooccur from './commands/cooccur';
import * as ppo from './commands/ppo';
import * as experiment from './commands/experiment';
import * as answer from './commands/answer';
import * as evaluate from './commands/evaluate';
import * as bon from './commands/bon';
import * as dpo from './commands/dpo';
import * as grounding from './commands/grounding';
import * as exportCheckpoint from './commands/export-checkpoint';
import * as logits from './commands/logits';

interface Command {
  spec: CommandSpec;
  run: (flags: Flags, positional: string[]) => Promise<number>;
  /** How many leading bare words the command takes (perf's "world"). */
  positional?: number;
}

const COMMANDS: Record<string, Command> = {
  world,
  judge,
  bench,
  pretrain,
  grounding,
  sample,
  answer,
  label,
  'train-rm': trainRm,
  probe,
  'rm-bench': rmBench,
  cooccur,
  prefs,
  ppo,
  experiment,
  evaluate,
  bon,
  dpo,
  'export-checkpoint': exportCheckpoint,
  logits,
  perf: { ...perf, positional: 1 },
};

function mainHelp(): string {
  const lines = ['RLHF Playground command line', '', 'usage: npm run cli -- <command> [flags]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(8)} ${c.spec.summary}`);
  lines.push('', 'Each command takes --help.');
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(mainHelp());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    console.error(`unknown command "${name}"\n\n${mainHelp()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(helpText(cmd.spec));
    return 0;
  }
  const positional: string[] = [];
  while (positional.length < (cmd.positional ?? 0) && rest[0] !== undefined && !rest[0].startsWith('--')) positional.push(rest.shift() as string);
  try {
    return await cmd.run(parseFlags(cmd.spec, rest), positional);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(e.message);
      return 2;
    }
    console.error(`${name}: ${(e as Error).message}`);
    return 1;
  }
}

// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
