// Baseline for coldStart: a bare `new Worker` until its first message reaches the main thread.
import { now } from '../harness.mjs';
import { startWorker } from './rawWorker.mjs';

const helloUrl = new URL('../fixtures/helloWorker.mjs', import.meta.url);

/**
 * Milliseconds from `new Worker(...)` to its first message; the worker is terminated after.
 *
 * @example
 * const ms = await bareWorkerColdStart();
 */
export async function bareWorkerColdStart() {
  const start = now();
  const w = startWorker(helloUrl);
  await w.next();
  const elapsed = now() - start;
  await w.close();
  return elapsed;
}
