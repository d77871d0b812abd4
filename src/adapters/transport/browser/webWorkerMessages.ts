/**
 * The Web Worker host's own two messages, below the channel: the start the page sends first
 * (the task's init, and the port of the page's audio engine when there is one), and the exit the
 * worker sends last (its shape is `WorkerExitSchema` in the contract). Channel envelopes never
 * carry these keys.
 *
 * @packageDocumentation
 */
import { type WorkerExit, WorkerExitSchema } from '../../../protocol/task.js';

/** The page's first message to a task worker. */
export interface WorkerStart {
  backbeatStart: { init: unknown; audioPort?: MessagePort };
}

export function workerStart(init: unknown, audioPort: MessagePort | undefined): WorkerStart {
  return { backbeatStart: audioPort ? { init, audioPort } : { init } };
}

export function isWorkerStart(data: unknown): data is WorkerStart {
  return typeof data === 'object' && data !== null && 'backbeatStart' in data;
}

/**
 * The exit a worker reported, when `data` is one: a value that carries the key but not the
 * shape is reported as a crash that quotes it, so a task never ends unexplained.
 */
export function readWorkerExit(data: unknown): WorkerExit | undefined {
  if (typeof data !== 'object' || data === null || !('backbeatExit' in data)) return undefined;
  const parsed = WorkerExitSchema.safeParse(data);
  if (parsed.success) return parsed.data.backbeatExit;
  return {
    reason: 'crashed',
    error: {
      name: 'ProtocolError',
      message: `The task worker ended with an unreadable exit notice: \`${JSON.stringify((data as { backbeatExit: unknown }).backbeatExit)}\``,
    },
  };
}
