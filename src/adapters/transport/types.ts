/**
 * The transport contract: how a background task is hosted and what the two sides exchange.
 *
 * A host runs one task instance somewhere (a worker thread, a child process, the same thread)
 * and gives the foreground an {@link TransportEndpoint} to it plus a single, classified exit
 * notice. Task side, a generic entry loads the task's "main module" and calls its default export
 * ({@link TaskMain}) with the endpoint to the foreground.
 *
 * This file holds no Node-only code, so a browser Web Worker or a MessagePort can implement the
 * same interfaces. Besides the types it holds the small building blocks every host shares.
 *
 * @packageDocumentation
 */

import { reportFault } from '../../faults.js';

/**
 * One side of a message pipe. Messages are structured-clonable values, delivered in order,
 * asynchronously, as copies (never aliased). A message that arrives before the first listener
 * subscribes is kept and delivered to it.
 */
export interface TransportEndpoint {
  /** Sends a copy of `message` to the other side; throws a `DataCloneError` for uncloneable data. */
  postMessage(message: unknown): void;
  /** Subscribes to incoming messages; returns the function that unsubscribes. */
  onMessage(listener: (message: unknown) => void): () => void;
}

/** Where a task runs. */
export type HostKind = 'worker' | 'process' | 'inline';

/**
 * How a task ended:
 * - `memoryLimit`: it went past the host's memory limit (worker `ERR_WORKER_OUT_OF_MEMORY`,
 *   child process "heap out of memory");
 * - `crashed`: an uncaught error (or an unexpected signal) ended it;
 * - `exited`: it ended itself (`process.exit(code)`, {@link TaskContext.exit});
 * - `terminated`: the foreground ended it with {@link TaskHost.terminate}.
 */
export type ExitReason = 'memoryLimit' | 'crashed' | 'exited' | 'terminated';

/** The single exit notice of a host. */
export interface ExitInfo {
  readonly reason: ExitReason;
  /** Exit code, when the runtime reported one. */
  readonly code?: number;
  /** Process host: the signal that ended the child (`'SIGABRT'`, `'SIGKILL'`, …). */
  readonly signal?: string;
  /** `crashed` (and worker `memoryLimit`): the error that ended the task. */
  readonly error?: Error;
  /** `terminated`: the reason given to {@link TaskHost.terminate} (e.g. `'unresponsive'`). */
  readonly terminateReason?: string;
}

/** A running task instance, seen from the foreground. */
export interface TaskHost {
  readonly kind: HostKind;
  /** The foreground's end of the pipe to the task. */
  readonly endpoint: TransportEndpoint;
  /**
   * Calls `listener` once when the task has ended, whatever the cause. Registering after the
   * exit calls it on the next microtask. Returns the function that unsubscribes.
   */
  onExit(listener: (info: ExitInfo) => void): () => void;
  /** The exit notice once the task has ended, else `undefined`. */
  readonly exitInfo: ExitInfo | undefined;
  /**
   * Ends the task without notice (exit reason `terminated`, with `reason` recorded) and resolves
   * once it is gone. Resolves at once if it already ended.
   */
  terminate(reason?: string): Promise<void>;
}

/** Options every host accepts. */
export interface HostOptions {
  /** URL of the task's main module; its default export is a {@link TaskMain}. */
  main: URL | string;
  /** Structured-clonable data handed to `main` as `init`. */
  init?: unknown;
  /**
   * Heap limit for the task in MB (worker `resourceLimits.maxOldGenerationSizeMb`, child process
   * `--max-old-space-size`). The inline host shares the foreground's heap and ignores it.
   */
  memoryLimitMb?: number;
  /**
   * Inline host only: values handed to main as `context.locals` as they are, not copied (a
   * clock, an audio adapter). Worker and process hosts cannot pass them and ignore them.
   */
  locals?: Record<string, unknown>;
}

/** What the host gives a task main besides its endpoint. */
export interface TaskContext {
  /** The host the task runs in. */
  readonly kind: HostKind;
  /** Inline host: the `locals` given to the host, uncopied; otherwise `undefined`. */
  readonly locals?: Record<string, unknown>;
  /**
   * Ends this task instance (exit reason `exited`) once messages already posted are on their
   * way. Use it instead of `process.exit`, which would end the whole app on the inline host.
   */
  exit(code?: number): void;
  /** Ends this task instance as crashed with `error` (what an uncaught error does). */
  fail(error: unknown): void;
  /**
   * Worker and process hosts: runs `fn` right before the task ends by itself (`exit`, an
   * uncaught error), so what it queued for the foreground is posted first.
   */
  onExiting?(fn: () => void): void;
  /**
   * Inline host: wraps a callback that code outside the task may call (a timer of a clock shared
   * with the foreground) so that it runs as the task's code and a throw ends the task as crashed
   * instead of reaching the caller; once the task ended it does nothing. Other hosts leave it
   * out: there a throw already ends only the task.
   */
  bind?<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
}

/**
 * The default export of a task main module. It may return (or resolve to) a cleanup function,
 * which the inline host calls when the task ends; worker and process hosts simply stop.
 *
 * @example
 * ```ts
 * // task-main.ts
 * import type { TaskMain } from 'backbeat/adapters/transport/types';
 * const main: TaskMain = (endpoint, init) => {
 *   endpoint.onMessage((m) => endpoint.postMessage({ echo: m, init }));
 * };
 * export default main;
 * ```
 */
export type TaskMain = (
  endpoint: TransportEndpoint,
  init: unknown,
  context: TaskContext,
) => unknown;

// ---------------------------------------------------------------------------------------------
// building blocks shared by the hosts

/**
 * A short, human-readable reason for an exit, used as `TaskUnavailableError.reason`.
 *
 * @example
 * ```ts
 * describeExit({ reason: 'terminated', terminateReason: 'unresponsive' }); // 'terminated: unresponsive'
 * describeExit({ reason: 'exited', code: 3 }); // 'exited: code 3'
 * ```
 */
export function describeExit(info: ExitInfo): string {
  switch (info.reason) {
    case 'terminated':
      return `terminated: ${info.terminateReason ?? 'terminate'}`;
    case 'memoryLimit':
      return 'terminated: memoryLimit';
    case 'exited':
      return `exited: code ${info.code ?? 0}`;
    case 'crashed':
      if (info.error) return `crashed: ${info.error.name}: ${info.error.message}`;
      return `crashed: ${info.signal ?? `code ${info.code ?? '?'}`}`;
  }
}

/** A once-only exit notice with late subscription (see {@link createExitNotice}). */
export interface ExitNotice {
  readonly info: ExitInfo | undefined;
  on(listener: (info: ExitInfo) => void): () => void;
  /** Records the exit and calls the listeners; later calls are ignored and return false. */
  fire(info: ExitInfo): boolean;
}

/**
 * Rethrows on a later macrotask, so a listener's error is reported, never swallowed; raised by
 * the code of an inline task, it ends that task instead (see `reportFault`).
 *
 * @example
 * ```ts
 * try { listener(info); } catch (error) { reportLater(error); }
 * ```
 */
export function reportLater(error: unknown): void {
  reportFault(error);
}

/**
 * The exit bookkeeping every host needs: the first `fire` wins, listeners run once, a listener
 * added after the exit runs on the next microtask.
 *
 * @example
 * ```ts
 * const exit = createExitNotice();
 * exit.on((info) => console.log(info.reason));
 * exit.fire({ reason: 'exited', code: 0 }); // logs 'exited'
 * ```
 */
export function createExitNotice(): ExitNotice {
  let info: ExitInfo | undefined;
  const listeners = new Set<(info: ExitInfo) => void>();
  return {
    get info() {
      return info;
    },
    on(listener) {
      if (info) {
        const done = info;
        let active = true;
        queueMicrotask(() => {
          if (active) listener(done);
        });
        return () => {
          active = false;
        };
      }
      const own = (i: ExitInfo) => listener(i);
      listeners.add(own);
      return () => {
        listeners.delete(own);
      };
    },
    fire(next) {
      if (info) return false;
      info = Object.freeze({ ...next });
      const current = [...listeners];
      listeners.clear();
      for (const listener of current) {
        try {
          listener(info);
        } catch (error) {
          reportLater(error);
        }
      }
      return true;
    },
  };
}

/** An endpoint plus the hooks its owner uses to feed it (see {@link createQueuedEndpoint}). */
export interface QueuedEndpoint {
  readonly endpoint: TransportEndpoint;
  /** Hands one received message to the listeners, or keeps it until the first one subscribes. */
  deliver(message: unknown): void;
  /** Drops kept messages and ignores later ones. */
  close(): void;
}

/**
 * Builds a {@link TransportEndpoint} over a raw `post` function. Received messages (fed through
 * `deliver`) are kept until the first listener subscribes, then flushed to it on a microtask in
 * arrival order, so nothing sent before the other side was ready is lost. A listener that throws
 * stops that delivery and the error propagates to the caller of `deliver`, as an uncaught error
 * would in the receiving runtime.
 *
 * @example
 * ```ts
 * const { endpoint, deliver } = createQueuedEndpoint((m) => port.postMessage(m));
 * port.on('message', deliver);
 * ```
 */
export function createQueuedEndpoint(post: (message: unknown) => void): QueuedEndpoint {
  const listeners = new Set<(message: unknown) => void>();
  let queue: unknown[] | undefined = [];
  let closed = false;
  const dispatch = (message: unknown) => {
    for (const listener of [...listeners]) listener(message);
  };
  const flush = () => {
    try {
      while (queue && queue.length > 0 && listeners.size > 0 && !closed) dispatch(queue.shift());
    } finally {
      if (queue && listeners.size > 0) {
        if (queue.length === 0) queue = undefined;
        else queueMicrotask(flush);
      }
    }
  };
  return {
    endpoint: {
      postMessage: (message) => post(message),
      onMessage(listener) {
        if (typeof listener !== 'function') {
          throw new TypeError(`onMessage expects a function, got \`${String(listener)}\``);
        }
        const own = (m: unknown) => listener(m);
        listeners.add(own);
        if (queue) queueMicrotask(flush);
        return () => {
          listeners.delete(own);
        };
      },
    },
    deliver(message) {
      if (closed) return;
      if (queue) queue.push(message);
      else dispatch(message);
    },
    close() {
      closed = true;
      queue = undefined;
    },
  };
}

const toHref = (url: URL | string): string => (typeof url === 'string' ? url : url.href);

/**
 * Loads a task main module and checks its default export.
 *
 * @example
 * ```ts
 * const main = await loadTaskMain(new URL('./task-main.js', import.meta.url));
 * ```
 */
export async function loadTaskMain(url: URL | string): Promise<TaskMain> {
  const href = toHref(url);
  const mod = (await import(href)) as { default?: unknown };
  if (typeof mod.default !== 'function') {
    throw new TypeError(
      `Task main module \`${href}\` must default-export a function main(endpoint, init, context), got \`${typeof mod.default}\``,
    );
  }
  return mod.default as TaskMain;
}

const TYPESCRIPT_URL = /\.(?:c|m)?ts(?:[?#].*)?$/;

/**
 * True when `url` names a TypeScript file (`.ts`, `.mts`, `.cts`).
 *
 * @example
 * ```ts
 * isTypeScriptUrl('file:///app/task.ts'); // true
 * isTypeScriptUrl(new URL('file:///app/task.js')); // false
 * ```
 */
export function isTypeScriptUrl(url: URL | string): boolean {
  return TYPESCRIPT_URL.test(toHref(url));
}

/**
 * Resolves a `tsx` entry point (`'tsx'` for `--import`, `'tsx/esm/api'` for `register()`) to a
 * URL, for starting a task from TypeScript sources; a clear error when tsx is not installed.
 *
 * @example
 * ```ts
 * const loader = resolveTsx('tsx'); // 'file:///…/node_modules/tsx/dist/loader.mjs'
 * ```
 */
export function resolveTsx(specifier: 'tsx' | 'tsx/esm/api'): string {
  try {
    return import.meta.resolve(specifier);
  } catch (error) {
    throw new Error(
      `Running a task from TypeScript sources needs the \`tsx\` package, and \`${specifier}\` could not be resolved; install tsx or run from the built JavaScript.`,
      { cause: error },
    );
  }
}

/**
 * URLs of Backbeat's runtime dependencies (zod, xstate), to load natively before tsx's hooks
 * are registered: modules loaded first never go through the hooks, which roughly halves the
 * start-up of a task run from TypeScript sources. Dependencies that cannot be resolved are
 * skipped.
 *
 * @example
 * ```ts
 * const execArgv = [...nativePreloads(), resolveTsx('tsx')].flatMap((url) => ['--import', url]);
 * ```
 */
export function nativePreloads(): string[] {
  const urls: string[] = [];
  for (const specifier of ['zod/mini', 'xstate']) {
    try {
      urls.push(import.meta.resolve(specifier));
    } catch {
      // not resolvable from here: it will load through the hooks instead
    }
  }
  return urls;
}

/**
 * The absolute URL string of a host option `main`; a TypeError quoting anything else.
 *
 * @example
 * ```ts
 * mainHref(new URL('./task.js', import.meta.url)); // 'file:///…/task.js'
 * mainHref('./task.js'); // TypeError: Task main must be an absolute URL, got `./task.js`
 * ```
 */
export function mainHref(main: URL | string): string {
  if (typeof main !== 'string' && !(main instanceof URL)) {
    throw new TypeError(`Task main must be a URL or a URL string, got \`${String(main)}\``);
  }
  try {
    return new URL(toHref(main)).href;
  } catch (error) {
    throw new TypeError(`Task main must be an absolute URL, got \`${toHref(main)}\``, {
      cause: error,
    });
  }
}

/**
 * Checks a `memoryLimitMb` option; `undefined` means no limit.
 *
 * @example
 * ```ts
 * checkMemoryLimit(64); // 64
 * checkMemoryLimit(-1); // RangeError: memoryLimitMb must be a finite number > 0, got `-1`
 * ```
 */
export function checkMemoryLimit(mb: number | undefined): number | undefined {
  if (mb === undefined) return undefined;
  if (typeof mb !== 'number' || !Number.isFinite(mb) || mb <= 0) {
    throw new RangeError(`memoryLimitMb must be a finite number > 0, got \`${String(mb)}\``);
  }
  return mb;
}
