// The engine restarting on its own (src/app/engine/engine.svelte.ts, client.ts) against a fake
// worker: a worker that throws, or ends without a word (its life lock granted to the page), fails
// the jobs that were running with why, and a fresh worker starts on the same backend; a lost WebGPU
// device starts the fresh one on WASM; a worker that keeps dying is not started a fifth time.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineState, type Restart } from '../../src/app/engine/engine.svelte';
import { FakeWorker, installFakeWorker, last, removeFakeWorker, settle, waiting } from './fake-worker';

/** An engine started on `backend`, with a job running in its training slot; returns the job's result (settled) and the restarts heard. */
async function engineWithJob(backend: 'wasm' | 'webgpu') {
  const engine = new EngineState();
  const restarts: Restart[] = [];
  engine.onRestart = (r) => restarts.push(r);
  await engine.start(backend);
  const job = engine.launch('training the plain RM', 'train-rm', { records: [], config: {} as never }).result.then(
    () => 'answered',
    (e: Error) => e.message,
  );
  return { engine, restarts, job };
}

beforeEach(installFakeWorker);
afterEach(removeFakeWorker);

describe('the engine restarting', () => {
  it('fails the running job when the worker throws, and starts a fresh worker on the same backend', async () => {
    const { engine, restarts, job } = await engineWithJob('wasm');
    const first = last();
    expect(engine.jobs.size).toBe(1);
    first.onerror?.({ message: 'boom', preventDefault() {} });
    expect(await job).toBe('the engine worker stopped: it failed with an uncaught error (boom)');
    expect(first.terminated).toBe(true);
    await settle();
    expect(FakeWorker.made).toHaveLength(2);
    expect(last().received[0]).toMatchObject({ type: 'init', backend: 'wasm' });
    expect(engine.backend).toBe('wasm');
    expect(engine.restarting).toBe(false);
    expect(engine.jobs.size).toBe(0);
    expect(restarts).toEqual([{ what: 'The engine worker stopped: it failed with an uncaught error (boom).', failed: ['training the plain RM'], before: 'wasm', after: 'wasm' }]);
  });

  it('hears of a worker that ended without a word through its life lock', async () => {
    const { restarts, job } = await engineWithJob('wasm');
    const first = last();
    const grant = waiting.get(first.options.name);
    expect(grant, 'the page waits on the worker’s lock once it has started').toBeDefined();
    grant?.();
    expect(await job).toMatch(/^the engine worker stopped: it stopped without a word/);
    await settle();
    expect(FakeWorker.made).toHaveLength(2);
    expect(restarts).toHaveLength(1);
  });

  it('starts the fresh worker on WASM when the WebGPU device is lost', async () => {
    const { engine, restarts, job } = await engineWithJob('webgpu');
    expect(engine.backend).toBe('webgpu');
    last().reply({ type: 'event', event: { kind: 'device-lost', backend: 'webgpu', message: 'driver reset' } });
    expect(await job).toBe('the engine worker was ended: The webgpu device was lost (driver reset), and the weights on it with it.');
    await settle();
    expect(last().received[0]).toMatchObject({ type: 'init', backend: 'wasm' });
    expect(engine.backend).toBe('wasm');
    expect(engine.preference).toBe('wasm');
    expect(restarts[0]).toMatchObject({ before: 'webgpu', after: 'wasm', failed: ['training the plain RM'] });
  });

  it('gives up on a worker that keeps dying, and says to reload', async () => {
    const { engine } = await engineWithJob('wasm');
    for (let i = 0; i < 4; i++) {
      last().onerror?.({ message: `boom ${i}`, preventDefault() {} });
      await settle();
    }
    // The first worker and three restarts; the fourth death is not followed by a fifth worker.
    expect(FakeWorker.made).toHaveLength(4);
    expect(engine.backend).toBe(null);
    expect(engine.error).toMatch(/stopped 4 times in a minute, so it was not started again; reload the page/);
    expect(engine.note).toMatch(/^The engine could not start: .*reload the page/);
  });
});
