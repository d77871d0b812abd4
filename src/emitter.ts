import { reportFault } from './faults.js';

/** A listener for one event kind. */
export type Listener<T> = (payload: T) => void;

/**
 * A small typed event emitter. A listener that throws does not stop the others: its error is
 * reported with `reportFault` (the inline task it belongs to ends; otherwise it is rethrown on a
 * later macrotask), so it is never swallowed.
 */
export class Emitter<TEvents extends object> {
  #listeners = new Map<keyof TEvents, Set<Listener<any>>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof TEvents>(type: K, listener: Listener<TEvents[K]>): () => void {
    if (typeof listener !== 'function') {
      throw new TypeError(
        `Listener for '${String(type)}' must be a function, got \`${String(listener)}\``,
      );
    }
    let set = this.#listeners.get(type);
    if (!set) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    set.add(listener);
    return () => this.off(type, listener);
  }

  /** Adds a listener that is removed after its first call. */
  once<K extends keyof TEvents>(type: K, listener: Listener<TEvents[K]>): () => void {
    const off = this.on(type, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  /** Removes a listener added with {@link Emitter.on}. */
  off<K extends keyof TEvents>(type: K, listener: Listener<TEvents[K]>): void {
    this.#listeners.get(type)?.delete(listener);
  }

  /** Number of listeners for `type`. */
  listenerCount(type: keyof TEvents): number {
    return this.#listeners.get(type)?.size ?? 0;
  }

  /** Calls every listener of `type` with `payload`, in the order they were added. */
  emit<K extends keyof TEvents>(type: K, payload: TEvents[K]): void {
    const set = this.#listeners.get(type);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch (error) {
        reportFault(error);
      }
    }
  }

  /** Removes every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}
