import * as Comlink from 'comlink';
import { InvalidOperationError } from '../../errors.js';

/**
 * Lets calls through while the other side is there and settles every one of them when it goes:
 * {@link CallGate.close} rejects each pending call with a fresh error, and any later call is
 * rejected at once. Pending calls are tracked individually (no ever-growing `Promise.race`).
 *
 * @example
 * ```ts
 * const gate = new CallGate();
 * const p = gate.run(() => remote.play());
 * gate.close(() => new TaskUnavailableError('crashed'));
 * await p; // rejects with TaskUnavailableError
 * ```
 */
export class CallGate {
  #pending = new Set<(error: Error) => void>();
  #makeError: (() => Error) | undefined;

  /** True once {@link CallGate.close} was called. */
  get closed(): boolean {
    return this.#makeError !== undefined;
  }

  /** Number of calls still waiting. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Runs `start` and settles with its result, unless the gate closes first. */
  run<R>(start: () => R | PromiseLike<R>): Promise<Awaited<R>> {
    const makeError = this.#makeError;
    if (makeError) return Promise.reject(makeError());
    return new Promise<Awaited<R>>((resolve, reject) => {
      const fail = (error: Error) => reject(error);
      this.#pending.add(fail);
      const settle = () => this.#pending.delete(fail);
      let started: R | PromiseLike<R>;
      try {
        started = start();
      } catch (error) {
        settle();
        reject(error);
        return;
      }
      Promise.resolve(started).then(
        (value) => {
          settle();
          resolve(value as Awaited<R>);
        },
        (error: unknown) => {
          settle();
          reject(error);
        },
      );
    });
  }

  /** Throws the closing error when closed (for synchronous operations). */
  assertOpen(): void {
    if (this.#makeError) throw this.#makeError();
  }

  /**
   * Rejects every later call at once, and every call still pending with `makeError()` on the
   * next macrotask: an answer that arrived just before the other side went away (a task that
   * answers, then exits) is still settling through promise callbacks, and must not be lost.
   */
  close(makeError: () => Error): void {
    if (this.#makeError) return;
    this.#makeError = makeError;
    setTimeout(() => {
      const pending = [...this.#pending];
      this.#pending.clear();
      for (const fail of pending) fail(makeError());
    }, 0);
  }
}

const unsupported = (what: string) =>
  new InvalidOperationError(
    `${what} is not available on a Backbeat task proxy: its lifetime is the task's. Close the channel instead.`,
  );

/**
 * Wraps a Comlink proxy so that every call, property read and construction on it (at any
 * depth: `remote.player.play()`) goes through `gate`. The root is not thenable, so
 * `await remote` gives the proxy back; symbols read as `undefined`. `releaseProxy` and
 * `createEndpoint` are refused: they would detach the task's side of the channel.
 *
 * @example
 * ```ts
 * const remote = guardRemote(Comlink.wrap<Api>(rpcEndpoint), gate);
 * await remote.add(1, 2); // rejects with the gate's error if the task goes away first
 * ```
 */
export function guardRemote<T>(inner: Comlink.Remote<T>, gate: CallGate): Comlink.Remote<T> {
  return guard(() => inner, gate, true) as Comlink.Remote<T>;
}

/**
 * `resolve` walks to the Comlink proxy only when a call really starts (the gate is open), so
 * nothing touches the Comlink side once the gate is closed and that side has been released.
 */
function guard(resolve: () => any, gate: CallGate, root: boolean): unknown {
  // A plain function target: callable and constructible, as the traps below need.
  // biome-ignore lint/complexity/useArrowFunction: arrow functions cannot be constructed
  return new Proxy(function () {}, {
    get(_target, prop) {
      if (prop === Comlink.releaseProxy) throw unsupported('releaseProxy');
      if (prop === Comlink.createEndpoint) throw unsupported('createEndpoint');
      if (prop === 'then') {
        if (root) return undefined;
        const read = gate.run(() => resolve() as PromiseLike<unknown>);
        return read.then.bind(read);
      }
      if (typeof prop === 'symbol') return undefined;
      return guard(() => resolve()[prop], gate, false);
    },
    set(_target, prop, value) {
      gate.assertOpen();
      resolve()[prop] = value;
      return true;
    },
    apply(_target, _this, args) {
      return gate.run(() => resolve()(...args));
    },
    construct(_target, args) {
      return gate.run(() => new (resolve())(...args)) as object;
    },
  });
}
