/**
 * The browser's worker host: a task in a module Web Worker. The worker's script is the task
 * module itself; its `backbeat/task` (browser build) answers the start message (see
 * `webWorkerBoot.ts`). Web Workers have no exit event, so the worker reports its own end
 * (`exited`, `crashed`) in a last message before it closes; a script that fails to load is
 * reported by the `error` event of the `Worker` object.
 *
 * @packageDocumentation
 */

import type { WorkerExit } from '../../../protocol/task.js';
import { reviveError } from '../../../protocol/wireError.js';
import { createQueuedEndpoint } from '../endpoint.js';
import { createExitNotice } from '../exit.js';
import type { TaskHost } from '../types.js';
import { readWorkerExit, type WorkerStart, workerStart } from './webWorkerMessages.js';

/** Options of {@link createWebWorkerHost}. */
export interface WebWorkerHostOptions {
  /** URL of the task module: the worker's script. */
  script: string;
  /** Structured-clonable data handed to the task main as `init`. */
  init?: unknown;
  /** The worker's name (shown by the browser's task manager and devtools). */
  name?: string;
  /** A port handed to the task (`context.audioPort`): the page's audio engine. */
  audioPort?: MessagePort;
}

function describeLoadFailure(script: string, event: ErrorEvent): Error {
  const detail = event.message ? `: ${event.message}` : '';
  return new Error(
    `The task module \`${script}\` failed in its worker${detail} (a module that does not load, or whose bare imports a bundler did not resolve, fails here)`,
  );
}

/**
 * Hosts a task in a module Web Worker. `terminate()` ends it at once (exit reason `terminated`);
 * the task's `exit(code)` ends it as `exited`; an uncaught error or unhandled rejection in the
 * worker, or a script that does not load, as `crashed` with the error.
 */
export function createWebWorkerHost(options: WebWorkerHostOptions): TaskHost {
  const worker = new Worker(options.script, {
    type: 'module',
    ...(options.name === undefined ? {} : { name: options.name }),
  });
  const exit = createExitNotice();
  const queued = createQueuedEndpoint((message) => {
    if (!exit.info) worker.postMessage(message);
  });
  const end = (info: Parameters<typeof exit.fire>[0]) => {
    if (!exit.fire(info)) return;
    queued.close();
    worker.terminate();
  };
  const ended = (notice: WorkerExit) =>
    notice.reason === 'exited'
      ? end({ reason: 'exited', code: notice.code })
      : end({ reason: 'crashed', error: reviveError(notice.error) });

  worker.addEventListener('message', (event: MessageEvent) => {
    const notice = readWorkerExit(event.data);
    if (notice) ended(notice);
    else queued.deliver(event.data);
  });
  // A message that could not be deserialised still arrives, as a value that fails validation.
  worker.addEventListener('messageerror', () => queued.deliver({ messageError: 'messageerror' }));
  worker.addEventListener('error', (event: ErrorEvent) => {
    event.preventDefault();
    end({ reason: 'crashed', error: describeLoadFailure(options.script, event) });
  });

  const start: WorkerStart = workerStart(options.init, options.audioPort);
  worker.postMessage(start, options.audioPort ? [options.audioPort] : []);

  return {
    kind: 'worker',
    endpoint: queued.endpoint,
    onExit: (listener) => exit.on(listener),
    get exitInfo() {
      return exit.info;
    },
    async terminate(reason = 'terminate') {
      end({ reason: 'terminated', terminateReason: reason });
    },
  };
}
