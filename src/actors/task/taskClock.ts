import type { Clock } from '../../clock.js';

/** A task's view of a clock: every timer it set can be cleared at once when the task ends. */
export interface TaskClock extends Clock {
  /** Timers set and not yet run or cleared. */
  readonly pending: number;
  /** Clears every pending timer; later `setTimeout` calls schedule nothing. */
  dispose(): void;
}

/**
 * Wraps the clock a task runs on. Each callback goes through `bind` (the host's
 * `TaskContext.bind`, so an inline task's throw ends that task), and the task's timers are
 * tracked so that ending the task stops them all, whoever owns the clock.
 */
export function createTaskClock(
  base: Clock,
  bind: (fn: () => void) => () => void = (fn) => fn,
): TaskClock {
  const live = new Set<unknown>();
  let disposed = false;
  return {
    now: () => base.now(),
    setTimeout(fn, ms) {
      if (disposed) return undefined;
      const run = bind(fn);
      const handle: unknown = base.setTimeout(() => {
        live.delete(handle);
        run();
      }, ms);
      live.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      if (!live.delete(handle)) return;
      base.clearTimeout(handle);
    },
    get pending() {
      return live.size;
    },
    dispose() {
      disposed = true;
      for (const handle of live) base.clearTimeout(handle);
      live.clear();
    },
  };
}
