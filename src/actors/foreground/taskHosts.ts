/**
 * Where the foreground starts a task instance, in Node: the worker, process and inline hosts,
 * each running Backbeat's task main, which loads the task module named in the init. The
 * browser build has its own (`taskHosts.browser.ts`), chosen by the `browser` condition of the
 * package's `#platform/taskHosts` import.
 *
 * @packageDocumentation
 */

import type { AudioEngine } from '../../adapters/audio/types.js';
import { createTaskHost, HOST_KINDS } from '../../adapters/transport/hostFactory.js';
import type { HostKind, TaskHost } from '../../adapters/transport/types.js';
import type { TaskInit } from '../../protocol.js';
import type { TaskLocals } from '../task/taskMain.js';

/** What the foreground asks of a host. */
export interface StartTaskHostOptions {
  kind: HostKind;
  init: TaskInit;
  memoryLimitMb?: number;
  locals?: TaskLocals;
  /** Browser: the page's audio engine the task plays through (default: one per page and kind). */
  audioEngine?: AudioEngine;
}

/** The host kinds of this platform. */
export const PLATFORM_HOST_KINDS: readonly HostKind[] = HOST_KINDS;

const taskMainUrl = new URL(
  import.meta.url.endsWith('.ts') ? '../task/taskMain.ts' : '../task/taskMain.node.js',
  import.meta.url,
);

/** Starts one task instance on the host of `options.kind`. */
export function startTaskHost(options: StartTaskHostOptions): TaskHost {
  return createTaskHost({
    kind: options.kind,
    main: taskMainUrl,
    init: options.init,
    ...(options.memoryLimitMb === undefined ? {} : { memoryLimitMb: options.memoryLimitMb }),
    ...(options.locals ? { locals: options.locals as Record<string, unknown> } : {}),
  });
}
