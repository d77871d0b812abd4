import { createFaultScope, outsideFaultScopes } from '../../faults.js';
import { createQueuedEndpoint } from './endpoint.js';
import { createExitNotice, reportLater } from './exit.js';
import { loadTaskMain, mainHref } from './loading.js';
import type {
  ExitInfo,
  HostOptions,
  TaskContext,
  TaskHost,
  TaskMain,
  TransportEndpoint,
} from './types.js';

/** Which end of an endpoint pair. */
export type PairSide = 'a' | 'b';

/** Two connected in-memory endpoints (see {@link createEndpointPair}). */
export interface EndpointPair {
  readonly a: TransportEndpoint;
  readonly b: TransportEndpoint;
  /** Stops every delivery, including messages still in flight; later posts are dropped. */
  close(): void;
  readonly closed: boolean;
}

/** Options of {@link createEndpointPair}. */
export interface EndpointPairOptions {
  /**
   * Called when a listener on `side` throws while a message is delivered to it (default: the
   * error is rethrown on a later macrotask).
   */
  onListenerError?: (side: PairSide, error: unknown) => void;
}

/**
 * Two in-memory endpoints wired to each other, with the semantics of a real boundary: each
 * message is copied with `structuredClone` when posted (so objects never alias and uncloneable
 * data throws at the sender) and delivered asynchronously, on a microtask, in order.
 */
export function createEndpointPair(options: EndpointPairOptions = {}): EndpointPair {
  let closed = false;
  const onError = options.onListenerError ?? ((_side, error) => reportLater(error));
  const sides: Record<PairSide, ReturnType<typeof createQueuedEndpoint>> = {
    a: createQueuedEndpoint((message) => send('b', message)),
    b: createQueuedEndpoint((message) => send('a', message)),
  };
  function send(to: PairSide, message: unknown): void {
    if (closed) return;
    const copy = structuredClone(message);
    queueMicrotask(() => {
      if (closed) return;
      try {
        sides[to].deliver(copy);
      } catch (error) {
        onError(to, error);
      }
    });
  }
  return {
    a: sides.a.endpoint,
    b: sides.b.endpoint,
    close() {
      closed = true;
    },
    get closed() {
      return closed;
    },
  };
}

/** Options of {@link createInlineHost}. */
export interface InlineHostOptions extends HostOptions {
  /**
   * Loads the task main instead of importing `main` (a browser loads the task module and runs
   * the task main of the runtime copy that module was bundled with).
   */
  loadMain?: () => Promise<TaskMain>;
}

const toError = (value: unknown): Error =>
  value instanceof Error ? value : new Error(`Non-error value thrown: \`${String(value)}\``);

/**
 * Hosts a task in the foreground's own thread (the single-process model): the task talks over
 * an in-memory {@link createEndpointPair}, so the foreground code is the same as for the other
 * hosts. There is no memory limit and no way to stop a busy loop.
 *
 * The task's code runs in a fault scope of its own (see `createFaultScope`): a throw in a
 * task-side message listener or in a callback wrapped with {@link TaskContext.bind}, an error a
 * task-side emitter reports, and (in Node) an uncaught error or unhandled rejection in any async
 * continuation of the task end the task as `crashed`, never the foreground. It also ends as
 * `crashed` when its main throws (or rejects), with `exited` on {@link TaskContext.exit}, and with
 * `terminated` on {@link TaskHost.terminate}; however it ends, the cleanup function returned by
 * main runs then, and later faults of its leftovers are dropped.
 */
export function createInlineHost(options: InlineHostOptions): TaskHost {
  const main = mainHref(options.main);
  const init = structuredClone(options.init);
  const exit = createExitNotice();
  let cleanup: (() => void) | undefined;

  // Everything the foreground sees of the end runs outside the task's scope.
  const end = (info: ExitInfo) =>
    outsideFaultScopes(() => {
      if (!exit.fire(info)) return;
      pair.close();
      runCleanup();
      scope.close();
    });
  const runCleanup = () => {
    const fn = cleanup;
    cleanup = undefined;
    if (!fn) return;
    try {
      scope.run(fn);
    } catch (error) {
      reportLater(error);
    }
  };
  const crash = (error: unknown) => end({ reason: 'crashed', error: toError(error) });
  const exiting: Array<() => void> = [];
  // Runs what the task registered to do before it ends by itself (post what it queued).
  const beforeExit = () => {
    for (const fn of exiting.splice(0)) {
      try {
        scope.run(fn);
      } catch (error) {
        outsideFaultScopes(() => reportLater(error));
      }
    }
  };
  const later = (fn: () => void) => queueMicrotask(() => outsideFaultScopes(fn));
  const scope = createFaultScope((error) => {
    beforeExit();
    later(() => crash(error));
  });
  const pair = createEndpointPair({
    onListenerError: (side, error) =>
      side === 'b' ? crash(error) : outsideFaultScopes(() => reportLater(error)),
  });
  // The task's listeners run as task code; the foreground's never do, even when the task posted.
  const taskEndpoint: TransportEndpoint = {
    postMessage: (message) => pair.b.postMessage(message),
    onMessage: (listener) => pair.b.onMessage((m) => scope.run(() => listener(m))),
  };
  const foregroundEndpoint: TransportEndpoint = {
    postMessage: (message) => pair.a.postMessage(message),
    onMessage: (listener) => pair.a.onMessage((m) => outsideFaultScopes(() => listener(m))),
  };
  const context: TaskContext = {
    kind: 'inline',
    ...(options.locals === undefined ? {} : { locals: options.locals }),
    // What the task queued is posted first; the end is queued behind the deliveries in flight.
    exit: (code = 0) => {
      beforeExit();
      later(() => end({ reason: 'exited', code }));
    },
    fail: (error) => {
      beforeExit();
      later(() => crash(error));
    },
    onExiting: (fn) => {
      exiting.push(fn);
    },
    bind: (fn) => scope.wrap(fn),
  };

  scope.run(() =>
    (options.loadMain ? options.loadMain() : loadTaskMain(main))
      .then((taskMain) => (exit.info ? undefined : taskMain(taskEndpoint, init, context)))
      .then((result) => {
        if (typeof result !== 'function') return;
        cleanup = result as () => void;
        if (exit.info) runCleanup();
      }, crash),
  );

  return {
    kind: 'inline',
    endpoint: foregroundEndpoint,
    onExit: (listener) => exit.on(listener),
    get exitInfo() {
      return exit.info;
    },
    async terminate(reason = 'terminate') {
      end({ reason: 'terminated', terminateReason: reason });
    },
  };
}
