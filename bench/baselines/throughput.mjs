// Baseline for throughput.message: raw postMessage of the same object to a bare counting worker.
import { flushMessage } from '../fixtures/message.mjs';
import { now } from '../harness.mjs';
import { startWorker } from './rawWorker.mjs';

/**
 * Starts a counting worker. `burst(n, message)` posts `message` n times then a flush, and
 * resolves with messages per second once the worker reports it has counted all n.
 *
 * @example
 * const counter = await startRawCounter();
 * const perSecond = await counter.burst(10_000, tenKeyMessage);
 */
export async function startRawCounter() {
  const w = startWorker(new URL('../fixtures/counterWorker.mjs', import.meta.url));
  const burst = async (n, message) => {
    const start = now();
    for (let i = 0; i < n; i++) w.post(message);
    w.post(flushMessage);
    const reply = await w.next();
    const elapsed = now() - start;
    if (reply.n !== n) throw new Error(`raw counter saw ${reply.n} messages, expected ${n}`);
    return (n * 1000) / elapsed;
  };
  await burst(1, { type: 'data' });
  return { burst, close: w.close };
}
