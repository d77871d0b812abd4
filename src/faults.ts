/**
 * Fault scopes: where an error raised by code of an in-process (inline) task goes. The code of
 * such a task runs inside its scope; an error reported while it runs, thrown by a callback the
 * scope wrapped, or (in Node) left uncaught or unhandled in any async continuation of the task
 * ends that task instead of the process.
 *
 * Attribution follows the async context: Node's `AsyncLocalStorage` where it exists; elsewhere
 * only code running synchronously inside {@link FaultScope.run} is attributed.
 *
 * A scope also carries one value for the task it belongs to ({@link setFaultScopeContext}): the
 * task's environment, which the task's player classes find through {@link faultScopeContext}
 * wherever the task's code runs, so several tasks can share one realm.
 *
 * @packageDocumentation
 */

/** A scope for the code of one task; see {@link createFaultScope}. */
export interface FaultScope {
  /** Runs `fn` inside the scope: its faults, and those of its async continuations, are the task's. */
  run<T>(fn: () => T): T;
  /**
   * Wraps a callback the task hands to someone else (a shared clock's timer): it runs inside the
   * scope, and a throw is the task's fault instead of the caller's. After {@link close} it does
   * nothing.
   */
  wrap<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  /** Reports `error` as this task's fault (once the scope is closed, it is dropped). */
  fault(error: unknown): void;
  /** The task is gone: later faults of its leftovers are dropped, never rethrown. */
  close(): void;
  readonly closed: boolean;
}

interface ScopeState {
  closed: boolean;
  onFault: (error: unknown) => void;
  /** What the scope's task attached (see {@link setFaultScopeContext}). */
  context: unknown;
}

interface AsyncStore<T> {
  getStore(): T | undefined;
  run<R>(store: T, fn: () => R): R;
  exit<R>(fn: () => R): R;
}

type NodeProcess = {
  getBuiltinModule?: (id: string) => unknown;
  on?: (event: string, listener: (...args: any[]) => void) => unknown;
  listenerCount?: (event: string) => number;
  execArgv?: string[];
  env?: Record<string, string | undefined>;
  exit?: (code: number) => never;
  exitCode?: number | string | undefined;
};

const nodeProcess = (globalThis as { process?: NodeProcess }).process;

/**
 * The state every copy of this module in the realm shares (the foreground's modules and the
 * bundled task side, on the inline host): one async store, so a scope entered by one copy is
 * seen by the other, and the process listeners installed once.
 */
interface FaultRealm {
  storage: AsyncStore<ScopeState> | undefined;
  /** Without AsyncLocalStorage: the scope running synchronously right now. */
  syncCurrent: ScopeState | undefined;
  installed: boolean;
}

const realmKey = Symbol.for('backbeat.faults');
const realmHolder = globalThis as { [realmKey]?: FaultRealm };
realmHolder[realmKey] ??= {
  storage: (() => {
    try {
      const hooks = nodeProcess?.getBuiltinModule?.('node:async_hooks') as
        | { AsyncLocalStorage?: new () => AsyncStore<ScopeState> }
        | undefined;
      return hooks?.AsyncLocalStorage ? new hooks.AsyncLocalStorage() : undefined;
    } catch {
      return undefined;
    }
  })(),
  syncCurrent: undefined,
  installed: false,
};
const realm: FaultRealm = realmHolder[realmKey];
const storage = realm.storage;

function current(): ScopeState | undefined {
  return storage ? storage.getStore() : realm.syncCurrent;
}

function runIn<T>(state: ScopeState | undefined, fn: () => T): T {
  if (storage) return state ? storage.run(state, fn) : storage.exit(fn);
  const previous = realm.syncCurrent;
  realm.syncCurrent = state;
  try {
    return fn();
  } finally {
    realm.syncCurrent = previous;
  }
}

function deliver(state: ScopeState, error: unknown): void {
  if (state.closed) return;
  state.onFault(error);
}

/**
 * Reports an error that nobody above can handle: to the fault scope it was raised in (its task
 * ends), else by rethrowing it on a later macrotask, as an uncaught error.
 */
export function reportFault(error: unknown): void {
  const state = current();
  if (state) {
    deliver(state, error);
    return;
  }
  setTimeout(() => {
    throw error;
  }, 0);
}

/**
 * Runs `fn` outside every fault scope: the foreground's own code, called from a task's
 * continuation (a message the task posted), keeps its own faults.
 */
export function outsideFaultScopes<T>(fn: () => T): T {
  return runIn(undefined, fn);
}

/**
 * Binds `fn` to the fault scope it is created in (none: `fn` itself), so that code run later
 * from a queue shared by several tasks keeps its own task's scope.
 */
export function bindToFaultScope(fn: () => void): () => void {
  const state = current();
  return state ? () => runIn(state, fn) : fn;
}

/**
 * Attaches `value` to the fault scope running now, for {@link faultScopeContext} to return to
 * every later code of that scope. Returns false, attaching nothing, outside every scope.
 */
export function setFaultScopeContext(value: unknown): boolean {
  const state = current();
  if (!state) return false;
  state.context = value;
  return true;
}

/** The value attached to the fault scope running now, or undefined (none, or outside every scope). */
export function faultScopeContext(): unknown {
  return current()?.context;
}

/**
 * Creates the fault scope of one task: `onFault` receives each of its faults (on the tick they
 * happen; defer heavy work yourself). In Node this also installs, once per process, the
 * `uncaughtException` and `unhandledRejection` listeners that attribute errors to the scope of the
 * async context they were raised in; errors of no scope keep Node's default outcome.
 */
export function createFaultScope(onFault: (error: unknown) => void): FaultScope {
  installProcessListeners();
  const state: ScopeState = { closed: false, onFault, context: undefined };
  return {
    run: (fn) => runIn(state, fn),
    wrap(fn) {
      return (...args) => {
        if (state.closed) return;
        try {
          runIn(state, () => fn(...args));
        } catch (error) {
          deliver(state, error);
        }
      };
    },
    fault: (error) => deliver(state, error),
    close() {
      state.closed = true;
    },
    get closed() {
      return state.closed;
    },
  };
}

/** The `--unhandled-rejections` mode the process runs with (Node's default is `throw`). */
function rejectionMode(): string {
  const flags = [
    ...(nodeProcess?.execArgv ?? []),
    ...(nodeProcess?.env?.NODE_OPTIONS ?? '').split(/\s+/),
  ];
  for (const flag of flags) {
    const match = /^--unhandled-rejections=(.+)$/.exec(flag);
    if (match?.[1]) return match[1];
  }
  return 'throw';
}

/** What Node does with an uncaught error when nobody listens: print it, exit with code 1. */
function crashLikeNode(error: unknown): void {
  console.error(error instanceof Error ? (error.stack ?? String(error)) : error);
  nodeProcess?.exit?.(1);
}

function installProcessListeners(): void {
  if (realm.installed || !storage || typeof nodeProcess?.on !== 'function') return;
  realm.installed = true;
  const alone = (event: string) => (nodeProcess.listenerCount?.(event) ?? 0) <= 1;
  nodeProcess.on('uncaughtException', (error: unknown) => {
    const state = storage.getStore();
    if (state) {
      deliver(state, error);
      return;
    }
    if (alone('uncaughtException')) crashLikeNode(error);
  });
  nodeProcess.on('unhandledRejection', (reason: unknown) => {
    const state = storage.getStore();
    if (state) {
      deliver(state, reason);
      return;
    }
    if (!alone('unhandledRejection')) return;
    // Nobody else listens: do what Node would have done without this listener.
    switch (rejectionMode()) {
      case 'none':
        return;
      case 'warn':
        console.warn('Unhandled promise rejection:', reason);
        return;
      case 'warn-with-error-code':
        console.warn('Unhandled promise rejection:', reason);
        nodeProcess.exitCode = 1;
        return;
      default:
        crashLikeNode(reason);
    }
  });
}
