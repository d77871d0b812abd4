/**
 * Where the foreground starts a task instance, in a browser: a module Web Worker whose script is
 * the task module (`worker`, the default), or the page itself (`inline`). There is no `process`
 * host. Either way the task runs on the task main of the Backbeat copy its module was bundled
 * with (see `taskRuntime.ts`).
 *
 * @packageDocumentation
 */
import type { AudioEngine } from '../../adapters/audio/types.js';
import { createWebWorkerHost } from '../../adapters/transport/browser/webWorker.js';
import { createInlineHost } from '../../adapters/transport/inline.js';
import type { HostKind, TaskHost } from '../../adapters/transport/types.js';
import { serveAudio } from '../audio/serveAudio.js';
import { taskRuntimeOf } from '../task/taskRuntime.js';
import { pageAudioEngine } from './pageAudio.js';
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

/** The engine on the page that a task's sound goes through, when it makes sound. */
function engineFor(options: StartTaskHostOptions): AudioEngine | undefined {
  if (options.init.audio.kind === 'virtual') return undefined;
  return options.audioEngine ?? pageAudioEngine(options.init.audio);
}

/**
 * Starts one task instance on the host of `options.kind`. A task that makes sound plays through
 * the page's engine: a worker task through the audio bridge, on a port handed over with its
 * start (closed when the task ends), an inline task directly.
 */
export function startTaskHost(options: StartTaskHostOptions): TaskHost {
  const { init } = options;
  const engine = engineFor(options);
  switch (options.kind) {
    case 'worker': {
      const channel = engine ? new MessageChannel() : undefined;
      const host = createWebWorkerHost({
        script: init.taskUrl,
        init,
        name: `backbeat task ${init.appId} ${init.instanceId}`,
        ...(channel ? { audioPort: channel.port2 } : {}),
      });
      if (engine && channel) {
        const server = serveAudio(engine, channel.port1);
        host.onExit((info) => server.close(`the task ended (${info.reason})`));
      }
      return host;
    }
    case 'inline': {
      const locals = { ...options.locals } as Record<string, unknown>;
      if (engine && locals.audio === undefined) locals.audio = engine;
      return createInlineHost({
        main: init.taskUrl,
        init,
        loadMain: () => loadTaskRuntime(init.taskUrl),
        locals,
      });
    }
    default:
      throw new TypeError(
        `Unknown host kind in a browser: expected 'worker' or 'inline' (there is no 'process' host in a browser), got \`${String(options.kind)}\``,
      );
  }
}
