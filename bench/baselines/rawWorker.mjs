// Thin promise wrapper over a bare worker_threads Worker, shared by the raw baselines.
import { Worker } from 'node:worker_threads';

/**
 * Starts a fixture worker and returns a handle whose `next()` resolves with the worker's next
 * message; a worker error or exit rejects the waiter instead of leaving it hanging.
 *
 * @example
 * const w = startWorker(new URL('../fixtures/echoWorker.mjs', import.meta.url));
 * w.post({ ping: 1 }); await w.next();
 */
export function startWorker(url) {
  const worker = new Worker(url);
  const queue = [];
  let waiter = null;
  let failure = null;
  const settle = (message) => {
    if (waiter) {
      const w = waiter;
      waiter = null;
      w.resolve(message);
    } else {
      queue.push(message);
    }
  };
  const fail = (error) => {
    failure = error;
    if (waiter) {
      const w = waiter;
      waiter = null;
      w.reject(error);
    }
  };
  worker.on('message', settle);
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`worker exited with code ${code}`)));
  return {
    worker,
    post: (message) => worker.postMessage(message),
    next() {
      if (queue.length) return Promise.resolve(queue.shift());
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject };
      });
    },
    close: () => worker.terminate(),
  };
}
