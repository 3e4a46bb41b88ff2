// Lets queued messages in (a worker's "stop") between training steps. On the WASM and CPU
// backends `await tensor.data()` resolves without a trip through the event loop, so a loop of
// steps would otherwise never see them.

/** Resolves on the next macrotask. */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
