// A stage's job (src/app/engine/stage-job.svelte.ts) against a fake worker: the one place where a
// page job starts, is stopped, paused or stepped, and ends, however it ends.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineState, secondsLeft, type PageJob } from '../../src/app/engine/engine.svelte';
import { StageJob } from '../../src/app/engine/stage-job.svelte';
import { installFakeWorker, last, removeFakeWorker, settle, type Msg } from './fake-worker';

const request = { n: 4, seed: 1, mix: 0, degenerate: 0, annotator: { name: 'careful', settings: {} as never, seed: 1 } };
const answer = { records: [], dropped: 0 };

/** The calls of one type the fake worker has received. */
const calls = (type: string): Msg[] => last().received.filter((m) => m.type === type);

/** A started engine and a stage job on it, with its run begun and the worker holding it. */
async function running() {
  const engine = new EngineState();
  await engine.start('wasm');
  const job = new StageJob(engine, 'auto-label', 'auto-labelling pairs');
  const result = job.run(request, { label: 'auto-labelling 4 pairs' });
  await settle();
  const call = calls('auto-label')[0] as Msg;
  return { engine, job, result, call };
}

beforeEach(installFakeWorker);
afterEach(removeFakeWorker);

describe('a stage job', () => {
  it('runs one call, named by its id in the engine, and clears itself when it ends', async () => {
    const { engine, job, result, call } = await running();
    expect(call).toMatchObject({ type: 'auto-label', n: 4, seed: 1 });
    expect(job.running).toBe(true);
    expect(job.id).toBe(call.id);
    expect(job.page).toMatchObject({ id: call.id, type: 'auto-label', label: 'auto-labelling 4 pairs', state: 'running' });
    last().reply({ type: 'result', id: call.id, call: 'auto-label', result: answer });
    expect(await result).toEqual(answer);
    expect([job.running, job.id, job.page, engine.jobs.size]).toEqual([false, null, null, 0]);
  });

  it('rethrows a failure and is ready to run again', async () => {
    const { job, result, call } = await running();
    last().reply({ type: 'error', id: call.id, message: 'no policy loaded' });
    await expect(result).rejects.toThrow('no policy loaded');
    expect(job.running).toBe(false);
    const again = job.run(request);
    await settle();
    const second = calls('auto-label')[1] as Msg;
    expect(job.id).toBe(second.id);
    last().reply({ type: 'result', id: second.id, call: 'auto-label', result: answer });
    expect(await again).toEqual(answer);
  });

  it('refuses a second run while one goes', async () => {
    const { job } = await running();
    await expect(job.run(request)).rejects.toThrow('auto-labelling pairs is already running');
    expect(calls('auto-label')).toHaveLength(1);
  });

  it('sends stop once, to its own job, and says it is stopping until the job ends', async () => {
    const { job, result, call } = await running();
    job.stop();
    job.stop();
    expect(job.stopRequested).toBe(true);
    expect(calls('control')).toEqual([expect.objectContaining({ target: call.id, action: 'stop' })]);
    last().reply({ type: 'result', id: call.id, call: 'auto-label', result: answer });
    await result;
    expect([job.stopRequested, job.stopped]).toEqual([false, true]);
  });

  it('passes on a stop pressed while the engine was still starting', async () => {
    const engine = new EngineState();
    const job = new StageJob(engine, 'auto-label', 'auto-labelling pairs');
    const result = job.run(request);
    job.stop();
    await settle();
    const call = calls('auto-label')[0] as Msg;
    expect(calls('control')).toEqual([expect.objectContaining({ target: call.id, action: 'stop' })]);
    last().reply({ type: 'result', id: call.id, call: 'auto-label', result: answer });
    await result;
  });

  it('pauses, steps and resumes its job, and shows the state the worker answers', async () => {
    const { job, call } = await running();
    job.control('pause');
    await settle();
    const pause = calls('control')[0] as Msg;
    expect(pause).toMatchObject({ target: call.id, action: 'pause' });
    last().reply({ type: 'result', id: pause.id, call: 'control', result: { state: 'paused' } });
    await settle();
    expect(job.paused).toBe(true);
    job.control('step');
    job.control('resume');
    await settle();
    expect(calls('control').map((m) => m.action)).toEqual(['pause', 'step', 'resume']);
  });
});

describe('the time a job has left', () => {
  it('counts from the first step after a resume, not across the time it was held', async () => {
    const { engine, job, call } = await running();
    let now = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
    const step = (done: number) => last().reply({ type: 'progress', id: call.id, event: { kind: 'progress', progress: { phase: 'labelling', done, total: 10 } } });
    step(1);
    now = 2000;
    step(2);
    // 2 s a step since step 1, 8 steps to go.
    expect(secondsLeft(job.page as PageJob, now)).toBe(16);
    job.control('pause');
    await settle();
    last().reply({ type: 'result', id: (calls('control')[0] as Msg).id, call: 'control', result: { state: 'paused' } });
    now = 62_000; // a minute held
    job.control('resume');
    await settle();
    expect(secondsLeft(job.page as PageJob, now)).toBeNull();
    step(3);
    now = 64_000;
    step(4);
    expect(secondsLeft(engine.jobs.get(call.id) as PageJob, now)).toBe(12);
    clock.mockRestore();
  });
});
