/**
 * Where the foreground starts a task instance, in a browser: a module Web Worker whose script is
 * the task module (`worker`, the default), or the page itself (`inline`). There is no `process`
 * host. Either way the task runs on the task main of the Backbeat copy its module was bundled
 * with (see `taskRuntime.ts`).
 *
 * @packageDocumentation
 */
import { createWebWorkerHost } from '../../adapters/transport/browser/webWorker.js';
import { createInlineHost } from '../../adapters/transport/inline.js';
import type { HostKind, TaskHost } from '../../adapters/transport/types.js';
import { taskRuntimeOf } from '../task/taskRuntime.js';
import type { StartTaskHostOptions } from './taskHosts.js';

export type { StartTaskHostOptions } from './taskHosts.js';

/** The host kinds of this platform. */
export const PLATFORM_HOST_KINDS: readonly HostKind[] = Object.freeze(['worker', 'inline']);

async function loadTaskRuntime(taskUrl: string) {
  const mod = (await import(/* @vite-ignore */ taskUrl)) as { default?: unknown };
  const main = taskRuntimeOf(mod.default);
  if (!main) {
    throw new TypeError(
      `Task module \`${taskUrl}\` must default-export defineBackgroundTask({ run }) from 'backbeat/task', got \`${typeof mod.default}\``,
    );
  }
  return main;
}

/** Starts one task instance on the host of `options.kind`. */
export function startTaskHost(options: StartTaskHostOptions): TaskHost {
  const { init } = options;
  switch (options.kind) {
    case 'worker':
      return createWebWorkerHost({
        script: init.taskUrl,
        init,
        name: `backbeat task ${init.appId} ${init.instanceId}`,
      });
    case 'inline':
      return createInlineHost({
        main: init.taskUrl,
        init,
        loadMain: () => loadTaskRuntime(init.taskUrl),
        ...(options.locals ? { locals: options.locals as Record<string, unknown> } : {}),
      });
    default:
      throw new TypeError(
        `Unknown host kind in a browser: expected 'worker' or 'inline' (there is no 'process' host in a browser), got \`${String(options.kind)}\``,
      );
  }
}
