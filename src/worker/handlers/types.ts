// The shape of a worker handler: the request and its job's control in, the call's result out.

import type { JobControl } from '../../engine/train/job';
import type { CallType, Calls, RequestOf } from '../protocol';

export type Handler<K extends CallType> = (req: RequestOf<K>, control: JobControl) => Promise<Calls[K]['res']>;

/** Handlers for some of the calls (one file per domain); the worker joins them into all of them. */
export type HandlerSet<K extends CallType> = { [T in K]: Handler<T> };
