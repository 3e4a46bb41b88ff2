// Every import fuzzed (tests/helpers/import-fuzz.ts): labels (.jsonl), marks (.jsonl), TRL sets (.zip), run
// bundles, single-file checkpoints, experiment tables and presets, each fed seeded mutations of a
// valid file. Each must accept the file or refuse it by name, and change nothing it was given.
// FUZZ_CASES sets the count per importer (`npm run fuzz` runs 10,000 and prints the tallies).
import { describe, expect, it } from 'vitest';
import { formatTallies, fuzzImporter, FUZZ_TARGETS, type FuzzTally } from '../helpers/import-fuzz';

const CASES = Number(process.env.FUZZ_CASES ?? 300);
const SEED = 2027;

describe('every import, fuzzed', () => {
  const tallies: FuzzTally[] = [];
  for (const [i, target] of FUZZ_TARGETS.entries()) {
    it(`${target.name}: ${CASES} mutated files, each accepted or refused by name, nothing given changed`, async () => {
      const tally = await fuzzImporter(target, CASES, SEED + i);
      tallies.push(tally);
      expect(tally.crashes, tally.examples.join('\n')).toBe(0);
      if (target.strictNames) expect(tally.unnamed, tally.examples.join('\n')).toBe(0);
      // The mutations reach both ends: some files still pass, most are refused.
      expect(tally.refused).toBeGreaterThan(CASES / 4);
      expect(tally.accepted).toBeGreaterThan(0);
    }, 3_600_000);
  }
  it('prints the tallies', () => {
    console.log(`\n${formatTallies(tallies)}\n`);
    expect(tallies).toHaveLength(FUZZ_TARGETS.length);
  });
});
