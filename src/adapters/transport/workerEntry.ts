/**
 * Task-side entry of the worker host: runs inside the worker thread, wraps `parentPort` as a
 * `TransportEndpoint` and calls the task main named in `workerData`.
 *
 * @packageDocumentation
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createQueuedEndpoint } from './endpoint.js';
import { loadTaskMain } from './loading.js';
import type { TaskContext } from './types.js';

/** What the worker host puts in `workerData`. */
export interface WorkerStartData {
  main: string;
  init: unknown;
}

const port = parentPort;
if (!port)
  throw new Error('The worker task entry must run in a worker thread, not the main thread');

const start = workerData as WorkerStartData;
const queued = createQueuedEndpoint((message) => port.postMessage(message));
port.on('message', queued.deliver);

const exiting: Array<() => void> = [];
const beforeExit = () => {
  for (const fn of exiting.splice(0)) {
    try {
      fn();
    } catch {
      // ending anyway: what could be posted was
    }
  }
};
// An uncaught error ends the worker: what the task queued in this turn still goes first.
process.on('uncaughtExceptionMonitor', beforeExit);

const context: TaskContext = {
  kind: 'worker',
  // Messages posted before process.exit() in a worker are still delivered.
  exit: (code = 0) => {
    beforeExit();
    process.exit(code);
  },
  onExiting: (fn) => {
    exiting.push(fn);
  },
  fail: (error) =>
    queueMicrotask(() => {
      throw error;
    }),
};

const main = await loadTaskMain(start.main);
await main(queued.endpoint, start.init, context);
