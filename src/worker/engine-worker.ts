// The engine worker: owns the backend, the loaded policy and the reward models, and runs the jobs
// the page asks for (one handler file per domain in handlers/) so the page never freezes. Jobs
// are held by request id (registry.ts): one in the training slot, read-only calls beside it.

import '../engine/tfjs-setup';
import type { JobControl } from '../engine/train/job';
import type { CallType, Calls, Request, RequestOf } from './protocol';
import { begin, controlOf, end, stateOf } from './registry';
import { announce, post } from './state';
import { benchHandlers } from './handlers/bench';
import { labelHandlers } from './handlers/label';
import { policyHandlers } from './handlers/policy';
import { rewardHandlers } from './handlers/reward';
import { sftHandlers } from './handlers/sft';
import { ppoHandlers } from './handlers/ppo';
import { bonHandlers } from './handlers/bon';
import { dpoHandlers } from './handlers/dpo';
import { storageHandlers } from './handlers/storage';
import { faultHandlers, holdLife } from './faults';

type Handlers = { [K in CallType]: (req: RequestOf<K>, control: JobControl) => Promise<Calls[K]['res']> };

const handlers: Handlers = {
  ...policyHandlers,
  ...sftHandlers,
  ...labelHandlers,
  ...rewardHandlers,
  ...benchHandlers,
  ...ppoHandlers,
  ...bonHandlers,
  ...dpoHandlers,
  ...storageHandlers,
  ...faultHandlers,
  async control(req) {
    const c = controlOf(req.target);
    if (c) {
      c[req.action]();
      announce({ kind: 'job', id: req.target, state: c.state });
    }
    return { state: stateOf(req.target) };
  },
};

/** Transferables in a result: big buffers move instead of being copied. */
function transfers(result: unknown): Transferable[] {
  const r = result as { bytes?: unknown };
  return r && r.bytes instanceof ArrayBuffer ? [r.bytes] : [];
}

/** Why a message is not a request this worker understands, or null when it is one. */
function malformed(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return 'a request must be an object';
  const { id, type } = data as { id?: unknown; type?: unknown };
  if (typeof id !== 'number' || !Number.isInteger(id)) return 'a request needs a whole-number "id"';
  if (typeof type !== 'string' || !Object.hasOwn(handlers, type)) return `unknown request type ${JSON.stringify(type)}; the worker understands ${Object.keys(handlers).join(', ')}`;
  return null;
}

async function handle(req: Request): Promise<unknown> {
  const control = begin(req.id, req.type);
  try {
    return await (handlers[req.type] as (r: Request, c: JobControl) => Promise<unknown>)(req, control);
  } finally {
    end(req.id);
  }
}

// The page learns of this worker's end by waiting on its lock.
void holdLife();

(self as unknown as { onmessage: (e: MessageEvent<unknown>) => void }).onmessage = (e) => {
  const problem = malformed(e.data);
  if (problem !== null) {
    const id = (e.data as { id?: unknown } | null)?.id;
    post({ type: 'error', id: typeof id === 'number' ? id : -1, message: problem });
    return;
  }
  const req = e.data as Request;
  handle(req).then(
    (result) => post({ type: 'result', id: req.id, call: req.type, result }, transfers(result)),
    (err: unknown) => post({ type: 'error', id: req.id, message: err instanceof Error ? err.message : String(err) }),
  );
};
