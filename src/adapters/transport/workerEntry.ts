/**
 * Task-side entry of the worker host: runs inside the worker thread, wraps `parentPort` as a
 * `TransportEndpoint` and calls the task main named in `workerData`.
 *
 * @packageDocumentation
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createQueuedEndpoint, loadTaskMain, type TaskContext } from './types.js';

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

const context: TaskContext = {
  kind: 'worker',
  // Messages posted before process.exit() in a worker are still delivered.
  exit: (code = 0) => process.exit(code),
  fail: (error) =>
    queueMicrotask(() => {
      throw error;
    }),
};

const main = await loadTaskMain(start.main);
await main(queued.endpoint, start.init, context);
