import { Worker } from 'node:worker_threads';
import { createQueuedEndpoint } from './endpoint.js';
import { createExitNotice } from './exit.js';
import {
  checkMemoryLimit,
  isTypeScriptUrl,
  mainHref,
  nativePreloads,
  resolveTsx,
} from './loading.js';
import type { ExitInfo, HostOptions, TaskHost } from './types.js';
import type { WorkerStartData } from './workerEntry.js';

/** The task-side entry next to this file: `.ts` when running from sources, `.js` when built. */
const ENTRY = new URL(
  import.meta.url.endsWith('.ts') ? './workerEntry.ts' : './workerEntry.js',
  import.meta.url,
);

/**
 * Source of an eval'd worker that registers tsx and then imports the entry. Node 20's tsx only
 * registers its loader for `--import tsx` in the main thread, so a worker gets it this way
 * (after loading the runtime dependencies natively, see {@link nativePreloads}).
 */
const tsxBootstrap = (tsxApi: string, entry: string): string => {
  const preloads = [...nativePreloads(), tsxApi].map((url) => `import(${JSON.stringify(url)})`);
  return `Promise.all([${preloads.join(', ')}]).then((loaded) => loaded.at(-1).register()).then(() => import(${JSON.stringify(entry)}));`;
};

/**
 * Hosts a task in a Node worker thread (`node:worker_threads`). The heap limit is
 * `resourceLimits.maxOldGenerationSizeMb`; going past it ends the task with `memoryLimit`, an
 * uncaught error with `crashed` (the error attached), `process.exit(code)` with `exited`,
 * {@link TaskHost.terminate} with `terminated`. When the entry or the main module is TypeScript
 * the worker registers `tsx` first.
 */
export function createWorkerHost(options: HostOptions): TaskHost {
  const main = mainHref(options.main);
  const limit = checkMemoryLimit(options.memoryLimitMb);
  const workerData: WorkerStartData = { main, init: options.init };
  const resourceLimits = limit === undefined ? undefined : { maxOldGenerationSizeMb: limit };
  const worker =
    isTypeScriptUrl(ENTRY) || isTypeScriptUrl(main)
      ? new Worker(tsxBootstrap(resolveTsx('tsx/esm/api'), ENTRY.href), {
          eval: true,
          workerData,
          resourceLimits,
        })
      : new Worker(ENTRY, { workerData, resourceLimits });

  const exit = createExitNotice();
  const queued = createQueuedEndpoint((message) => worker.postMessage(message));
  let failure: Pick<ExitInfo, 'reason' | 'error'> | undefined;
  let terminateReason: string | undefined;
  let markGone: () => void = () => {};
  const gone = new Promise<void>((resolve) => {
    markGone = resolve;
  });

  worker.on('message', queued.deliver);
  // A message that could not be deserialised still arrives, as a value that fails validation.
  worker.on('messageerror', (error) => queued.deliver({ messageError: String(error) }));
  worker.on('error', (error: Error & { code?: unknown }) => {
    if (failure || terminateReason !== undefined) return;
    failure =
      error?.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? { reason: 'memoryLimit', error }
        : { reason: 'crashed', error };
  });
  worker.on('exit', (code) => {
    if (terminateReason !== undefined) exit.fire({ reason: 'terminated', code, terminateReason });
    else if (failure) exit.fire({ ...failure, code });
    else exit.fire({ reason: 'exited', code });
    markGone();
  });

  return {
    kind: 'worker',
    endpoint: queued.endpoint,
    onExit: (listener) => exit.on(listener),
    get exitInfo() {
      return exit.info;
    },
    async terminate(reason = 'terminate') {
      if (exit.info) return;
      if (!failure && terminateReason === undefined) terminateReason = reason;
      await worker.terminate();
      await gone;
    },
  };
}
