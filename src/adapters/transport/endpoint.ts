/**
 * A {@link TransportEndpoint} over a raw post function, holding what arrives until the first
 * listener subscribes.
 *
 * @packageDocumentation
 */
import type { TransportEndpoint } from './types.js';

/** An endpoint plus the hooks its owner uses to feed it (see {@link createQueuedEndpoint}). */
export interface QueuedEndpoint {
  readonly endpoint: TransportEndpoint;
  /** Hands one received message to the listeners, or keeps it until the first one subscribes. */
  deliver(message: unknown): void;
  /** Drops kept messages and ignores later ones. */
  close(): void;
}

/**
 * Builds a {@link TransportEndpoint} over a raw `post` function. Received messages (fed through
 * `deliver`) are kept until the first listener subscribes, then flushed to it on a microtask in
 * arrival order, so nothing sent before the other side was ready is lost. A listener that throws
 * stops that delivery and the error propagates to the caller of `deliver`, as an uncaught error
 * would in the receiving runtime.
 */
export function createQueuedEndpoint(post: (message: unknown) => void): QueuedEndpoint {
  const listeners = new Set<(message: unknown) => void>();
  let queue: unknown[] | undefined = [];
  let closed = false;
  const dispatch = (message: unknown) => {
    for (const listener of [...listeners]) listener(message);
  };
  const flush = () => {
    try {
      while (queue && queue.length > 0 && listeners.size > 0 && !closed) dispatch(queue.shift());
    } finally {
      if (queue && listeners.size > 0) {
        if (queue.length === 0) queue = undefined;
        else queueMicrotask(flush);
      }
    }
  };
  return {
    endpoint: {
      postMessage: (message) => post(message),
      onMessage(listener) {
        if (typeof listener !== 'function') {
          throw new TypeError(`onMessage expects a function, got \`${String(listener)}\``);
        }
        const own = (m: unknown) => listener(m);
        listeners.add(own);
        if (queue) queueMicrotask(flush);
        return () => {
          listeners.delete(own);
        };
      },
    },
    deliver(message) {
      if (closed) return;
      if (queue) queue.push(message);
      else dispatch(message);
    },
    close() {
      closed = true;
      queue = undefined;
    },
  };
}
