// Baseline for rtt.*: a raw worker_threads postMessage ping-pong with a call-shaped payload.
import { startWorker } from './rawWorker.mjs';

/**
 * Starts an echo worker. `call(x)` posts `{ id, method, args }` and resolves with the echo.
 *
 * @example
 * const echo = await startRawEcho();
 * await echo.call(0.5);
 * await echo.close();
 */
export async function startRawEcho() {
  const w = startWorker(new URL('../fixtures/echoWorker.mjs', import.meta.url));
  let id = 0;
  const call = (x) => {
    const reply = w.next();
    w.post({ id: id++, method: 'setVolume', args: [x] });
    return reply;
  };
  await call(0);
  return { call, close: w.close };
}
