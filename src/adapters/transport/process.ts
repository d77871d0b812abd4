import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { reviveError, type SerializedError } from '../../protocol.js';
import { createQueuedEndpoint } from './endpoint.js';
import { createExitNotice } from './exit.js';
import {
  checkMemoryLimit,
  isTypeScriptUrl,
  mainHref,
  nativePreloads,
  resolveTsx,
} from './loading.js';
import type { ExitInfo, HostOptions, TaskHost } from './types.js';

/** The task-side entry next to this file: `.ts` when running from sources, `.js` when built. */
const ENTRY = new URL(
  import.meta.url.endsWith('.ts') ? './processEntry.ts' : './processEntry.js',
  import.meta.url,
);

/** Key marking the host's own IPC messages, which never reach the endpoint. */
export const PROCESS_CONTROL_KEY = 'backbeat:host';

/** The host's own IPC messages: `start` (parent → child) and `fatal` (child → parent). */
export type ProcessControl =
  | { [PROCESS_CONTROL_KEY]: 'start'; main: string; init: unknown }
  | { [PROCESS_CONTROL_KEY]: 'fatal'; error: SerializedError };

/**
 * True for the host's own IPC messages, which never reach the endpoint.
 */
export function isHostControl(message: unknown): message is ProcessControl {
  return typeof message === 'object' && message !== null && PROCESS_CONTROL_KEY in message;
}

/** What V8 prints to stderr when a heap limit is hit. */
const OUT_OF_MEMORY = /heap out of memory|Reached heap limit|Allocation failed/i;
/** How much of the child's stderr is kept for classifying its exit. */
const STDERR_TAIL = 16 * 1024;
/** After 'exit', how long to wait for 'close' (stderr and IPC drained) before reporting anyway. */
const CLOSE_GRACE_MS = 1_000;

/** Options of {@link createProcessHost}. */
export interface ProcessHostOptions extends HostOptions {
  /** Copy the child's stderr to this process's stderr (default true). */
  forwardStderr?: boolean;
}

/**
 * Hosts a task in a child process (`child_process.fork`, IPC with `serialization: 'advanced'`
 * so Dates, Maps and typed arrays survive). The heap limit is `--max-old-space-size`; going past
 * it (V8's "heap out of memory" on stderr) ends the task with `memoryLimit`, an uncaught error
 * with `crashed` (reported by the child before it exits), an unexpected signal with `crashed`,
 * `process.exit(code)` with `exited`, {@link TaskHost.terminate} (SIGKILL) with `terminated`.
 * When the entry or the main module is TypeScript the child starts with `--import tsx`.
 */
export function createProcessHost(options: ProcessHostOptions): TaskHost {
  const main = mainHref(options.main);
  const limit = checkMemoryLimit(options.memoryLimitMb);
  const execArgv: string[] = [];
  if (isTypeScriptUrl(ENTRY) || isTypeScriptUrl(main)) {
    // --import runs in order: the dependencies load natively before tsx registers its hooks.
    for (const url of [...nativePreloads(), resolveTsx('tsx')]) execArgv.push('--import', url);
  }
  if (limit !== undefined) execArgv.push(`--max-old-space-size=${limit}`);
  const child: ChildProcess = fork(fileURLToPath(ENTRY), [], {
    execArgv,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  try {
    const start: ProcessControl = { [PROCESS_CONTROL_KEY]: 'start', main, init: options.init };
    child.send(start);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  const exit = createExitNotice();
  const forward = options.forwardStderr ?? true;
  let stderrTail = '';
  let fatal: Error | undefined;
  let terminateReason: string | undefined;
  let markGone: () => void = () => {};
  const gone = new Promise<void>((resolve) => {
    markGone = resolve;
  });

  const queued = createQueuedEndpoint((message) => {
    if (!child.connected) return;
    // Failures after the child died surface as its exit, not here.
    child.send(message as object, undefined, undefined, () => {});
  });

  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL);
    if (forward) process.stderr.write(chunk);
  });
  child.on('message', (message) => {
    if (!isHostControl(message)) {
      queued.deliver(message);
      return;
    }
    if (message[PROCESS_CONTROL_KEY] === 'fatal' && !fatal) fatal = reviveError(message.error);
  });

  const finish = () => {
    if (exit.info) return;
    const code = child.exitCode ?? undefined;
    const signal = child.signalCode ?? undefined;
    const base = { ...(code === undefined ? {} : { code }), ...(signal ? { signal } : {}) };
    let info: ExitInfo;
    if (terminateReason !== undefined) info = { reason: 'terminated', ...base, terminateReason };
    else if (fatal) info = { reason: 'crashed', ...base, error: fatal };
    else if (OUT_OF_MEMORY.test(stderrTail)) info = { reason: 'memoryLimit', ...base };
    else if (signal) {
      info = {
        reason: 'crashed',
        ...base,
        error: new Error(`The task process was ended by signal ${signal}`),
      };
    } else info = { reason: 'exited', ...base };
    exit.fire(info);
    markGone();
  };
  child.on('exit', () => {
    setTimeout(finish, CLOSE_GRACE_MS).unref();
  });
  child.on('close', finish);
  child.on('error', (error) => {
    // Spawning failed: there is no process to wait for.
    if (child.pid === undefined && !exit.info) {
      exit.fire({ reason: 'crashed', error });
      markGone();
    }
  });

  return {
    kind: 'process',
    endpoint: queued.endpoint,
    onExit: (listener) => exit.on(listener),
    get exitInfo() {
      return exit.info;
    },
    async terminate(reason = 'terminate') {
      if (exit.info) return;
      if (!fatal && terminateReason === undefined) terminateReason = reason;
      child.kill('SIGKILL');
      await gone;
    },
  };
}
