import { createInlineHost } from './inline.js';
import { createProcessHost, type ProcessHostOptions } from './process.js';
import type { HostKind, TaskHost } from './types.js';
import { createWorkerHost } from './worker.js';

/** Options of {@link createTaskHost}. */
export interface CreateTaskHostOptions extends ProcessHostOptions {
  /** Where the task runs (default `'worker'`). */
  kind?: HostKind;
}

/** Every host kind. */
export const HOST_KINDS: readonly HostKind[] = Object.freeze(['worker', 'process', 'inline']);

/**
 * Starts a task instance on the host of the given kind: its entry loads `main` and calls its
 * default export with the task's endpoint, `init` and a {@link TaskContext}.
 */
export function createTaskHost(options: CreateTaskHostOptions): TaskHost {
  const kind = options.kind ?? 'worker';
  switch (kind) {
    case 'worker':
      return createWorkerHost(options);
    case 'process':
      return createProcessHost(options);
    case 'inline':
      return createInlineHost(options);
    default:
      throw new TypeError(
        `Unknown host kind: expected 'worker', 'process' or 'inline', got \`${String(kind)}\``,
      );
  }
}
