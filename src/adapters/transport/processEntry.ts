/**
 * Task-side entry of the process host: runs in the forked child, wraps the IPC channel as a
 * `TransportEndpoint`, waits for the host's start message and calls the task main.
 * An uncaught error is reported to the host (so it can tell a crash from an exit) before the
 * child exits with code 1; losing the parent ends the child.
 *
 * @packageDocumentation
 */
import { serializeError } from '../../protocol.js';
import { createQueuedEndpoint } from './endpoint.js';
import { loadTaskMain } from './loading.js';
import { isHostControl, PROCESS_CONTROL_KEY, type ProcessControl } from './process.js';
import type { TaskContext } from './types.js';

const send = process.send?.bind(process);
if (!send) throw new Error('The process task entry must run in a child forked with an IPC channel');

let inflight = 0;
let exitCode: number | undefined;
const exitWhenFlushed = () => {
  if (exitCode !== undefined && inflight === 0) process.exit(exitCode);
};

/** Sends over IPC, counting messages not yet handed to the OS, so `exit` can wait for them. */
const post = (message: unknown): void => {
  if (!process.connected) return;
  inflight++;
  try {
    send(message, undefined, undefined, () => {
      inflight--;
      exitWhenFlushed();
    });
  } catch (error) {
    inflight--;
    throw error;
  }
};

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

process.on('uncaughtException', (error) => {
  beforeExit();
  const fatal: ProcessControl = { [PROCESS_CONTROL_KEY]: 'fatal', error: serializeError(error) };
  exitCode = 1;
  if (!process.connected) process.exit(1);
  try {
    post(fatal);
  } catch {
    process.exit(1);
  }
  exitWhenFlushed();
});
process.on('disconnect', () => process.exit(0));

const queued = createQueuedEndpoint(post);
const context: TaskContext = {
  kind: 'process',
  exit: (code = 0) => {
    beforeExit();
    exitCode = code;
    exitWhenFlushed();
  },
  onExiting: (fn) => {
    exiting.push(fn);
  },
  fail: (error) =>
    queueMicrotask(() => {
      throw error;
    }),
};

let started = false;
process.on('message', (message) => {
  if (!isHostControl(message)) {
    queued.deliver(message);
    return;
  }
  if (message[PROCESS_CONTROL_KEY] !== 'start' || started) return;
  started = true;
  void loadTaskMain(message.main).then((main) => main(queued.endpoint, message.init, context));
});
