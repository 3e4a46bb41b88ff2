// The benchmark job with the facts option: every prompt the policy is given carries its scene's
// facts caption, and none does without it. The answering is replaced by one that records its
// prompts, as an untrained policy's answers need not change with the facts.

import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { PromptExample } from '../../src/engine/data/batches';
import type { VlmModel } from '../../src/engine/model/model';
import { runBenchJob } from '../../src/engine/bench/run';
import { allPrompts, benchSuite } from '../../src/engine/bench/report';
import { factSentences } from '../../src/engine/world/facts';

const asked = vi.hoisted(() => [] as PromptExample[]);
vi.mock('../../src/engine/data/answer', () => ({
  answerAll: async (_model: unknown, prompts: readonly PromptExample[]) => {
    asked.push(...prompts);
    return prompts.map(() => 'yes .');
  },
}));

const model = {} as VlmModel;

describe('runBenchJob with facts', () => {
  beforeEach(() => {
    asked.length = 0;
  });

  it("puts each scene's facts in front of every question", async () => {
    const { report } = await runBenchJob(model, { facts: true });
    expect(asked).toHaveLength(allPrompts(benchSuite()).length);
    for (const p of asked) expect(p.facts).toEqual(factSentences(p.scene));
    // Scored as usual: "yes" to everything is yes to every group.
    expect(report.popeByTruth.absent.random).toStrictEqual({ n: 90, yes: 90 });
  });

  it('asks without facts by default', async () => {
    await runBenchJob(model, {});
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((p) => p.facts === undefined)).toBe(true);
  });

  it('refuses a facts value that is not true or false', async () => {
    await expect(runBenchJob(model, { facts: 'yes' as unknown as boolean })).rejects.toThrow('benchmark: facts must be true or false');
  });
});
