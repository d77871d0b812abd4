/**
 * The transport contract: how a background task is hosted and what the two sides exchange.
 *
 * A host runs one task instance somewhere (a worker thread, a child process, the same thread)
 * and gives the foreground an {@link TransportEndpoint} to it plus a single, classified exit
 * notice. Task side, a generic entry loads the task's "main module" and calls its default export
 * ({@link TaskMain}) with the endpoint to the foreground.
 *
 * This file holds no Node-only code, so a browser Web Worker or a MessagePort can implement the
 * same interfaces. The building blocks the hosts share are beside it: `exit.ts` (the exit
 * notice), `endpoint.ts` (an endpoint over a raw post), `loading.ts` (loading a task main).
 *
 * @packageDocumentation
 */

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
  /** Browser worker host: the port of the page's audio engine, when the task plays sound. */
  readonly audioPort?: MessagePort;
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
 */
export type TaskMain = (
  endpoint: TransportEndpoint,
  init: unknown,
  context: TaskContext,
) => unknown;
