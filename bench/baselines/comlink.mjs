// Plain Comlink (4.4.2, node adapter) over a worker: the rtt.comlink half.
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink/dist/esm/comlink.mjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';

/**
 * Starts a worker exposing `{ setVolume, getVolume }` through Comlink; `call(x)` awaits
 * `remote.setVolume(x)`.
 *
 * @example
 * const c = await startComlink();
 * await c.call(0.5);
 * await c.close();
 */
export async function startComlink() {
  const worker = new Worker(new URL('../fixtures/comlinkWorker.mjs', import.meta.url));
  const remote = Comlink.wrap(nodeEndpoint(worker));
  const call = (x) => remote.setVolume(x);
  await call(0);
  return {
    call,
    async close() {
      remote[Comlink.releaseProxy]();
      await worker.terminate();
    },
  };
}
