/**
 * How a host reports its task's end: once, classified, to listeners added before or after.
 *
 * @packageDocumentation
 */
import { reportFault } from '../../faults.js';
import type { ExitInfo } from './types.js';

/**
 * A short, human-readable reason for an exit, used as `TaskUnavailableError.reason`.
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
 */
export function reportLater(error: unknown): void {
  reportFault(error);
}

/**
 * The exit bookkeeping every host needs: the first `fire` wins, listeners run once, a listener
 * added after the exit runs on the next microtask.
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
