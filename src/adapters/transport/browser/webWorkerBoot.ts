/**
 * Task side of the browser's worker host: inside a module Web Worker whose script is the task
 * module, waits for the page's start message, then calls the task main with an endpoint over
 * the worker's port and a {@link TaskContext}. A worker keeps running after an uncaught error,
 * unlike a Node worker; here such an error (or an unhandled rejection) ends the task as
 * `crashed`, as on the other hosts: what the task queued is posted, then the exit notice, then
 * the worker closes.
 *
 * @packageDocumentation
 */

import type { WorkerExit } from '../../../protocol/task.js';
import { serializeError } from '../../../protocol/wireError.js';
import { createQueuedEndpoint } from '../endpoint.js';
import type { TaskContext, TaskMain } from '../types.js';
import { isWorkerStart } from './webWorkerMessages.js';

/** The worker's global scope, as far as the boot uses it. */
interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: string, listener: (event: any) => void): void;
  close(): void;
}

const BOOTED = Symbol.for('backbeat.webWorkerBoot');

/** True in a dedicated worker (not on a page, not in a shared or service worker). */
function dedicatedWorkerScope(): WorkerScope | undefined {
  const scope = globalThis as { DedicatedWorkerGlobalScope?: unknown };
  const Dedicated = scope.DedicatedWorkerGlobalScope as (new () => unknown) | undefined;
  return typeof Dedicated === 'function' && globalThis instanceof Dedicated
    ? (globalThis as unknown as WorkerScope)
    : undefined;
}

/**
 * In a dedicated worker, starts `main` once the page's start message arrives (once per worker,
 * however many copies of the runtime ask); elsewhere does nothing.
 */
export function serveTaskInWorker(main: TaskMain): void {
  const scope = dedicatedWorkerScope();
  const realm = globalThis as { [BOOTED]?: true };
  if (!scope || realm[BOOTED]) return;
  realm[BOOTED] = true;

  const queued = createQueuedEndpoint((message) => scope.postMessage(message));
  const exiting: Array<() => void> = [];
  let started = false;
  let ended = false;

  const end = (notice: WorkerExit) => {
    if (ended) return;
    ended = true;
    for (const fn of exiting.splice(0)) {
      try {
        fn();
      } catch {
        // ending anyway: what could be posted was
      }
    }
    scope.postMessage({ backbeatExit: notice });
    queued.close();
    scope.close();
  };
  const crash = (error: unknown) => end({ reason: 'crashed', error: serializeError(error) });

  scope.addEventListener('error', (event: ErrorEvent) => {
    event.preventDefault();
    crash(event.error ?? new Error(event.message));
  });
  scope.addEventListener('unhandledrejection', (event: PromiseRejectionEvent) => {
    event.preventDefault();
    crash(event.reason);
  });
  scope.addEventListener('message', (event: MessageEvent) => {
    if (started) {
      queued.deliver(event.data);
      return;
    }
    if (!isWorkerStart(event.data)) return;
    started = true;
    const { init, audioPort } = event.data.backbeatStart;
    const context: TaskContext = {
      kind: 'worker',
      ...(audioPort ? { audioPort } : {}),
      exit: (code = 0) => end({ reason: 'exited', code }),
      fail: (error) => queueMicrotask(() => crash(error)),
      onExiting: (fn) => {
        exiting.push(fn);
      },
    };
    Promise.resolve()
      .then(() => main(queued.endpoint, init, context))
      .catch(crash);
  });
  scope.addEventListener('messageerror', () => queued.deliver({ messageError: 'messageerror' }));
}
