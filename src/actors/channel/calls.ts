import { ProtocolError } from '../../errors.js';
import { type DraftOf, type EnvelopeOf, reviveError, serializeError } from '../../protocol.js';

/** A table of calls: each name with the signature it is called with. */
export type CallSignatures = { [name: string]: (...args: any[]) => unknown };

/** Checks what a call resolved to, by name (the contract's result schemas). */
export type ResultCheckers = {
  [name: string]: {
    safeParse(value: unknown): { success: true; data: unknown } | { success: false };
  };
};

interface Pending {
  name: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * The foreground's one gate for calls into a task: each call gets an `id`, goes out as a `call`
 * envelope and settles with the `result` of the same `id`, its value checked by the call's
 * result schema when one is given. Refused (the instance is being released) it rejects new calls
 * at once; closed (the task is gone) it also rejects every pending call, on the next macrotask,
 * so an answer that arrived just before the task went away still settles its call first.
 */
export class CallTable {
  readonly #send: (draft: DraftOf<'call'>) => void;
  readonly #results: ResultCheckers;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #refusal: (() => Error) | undefined;
  #closed = false;

  constructor(send: (draft: DraftOf<'call'>) => void, results: ResultCheckers = {}) {
    this.#send = send;
    this.#results = results;
  }

  /** Number of calls waiting for their result. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Sends a call and settles with its (checked) result, or with the error the task threw. */
  call(name: string, args: unknown[]): Promise<unknown> {
    const refusal = this.#refusal;
    if (refusal) return Promise.reject(refusal());
    const id = this.#nextId++;
    return new Promise<unknown>((resolve, reject) => {
      this.#pending.set(id, { name, resolve, reject });
      try {
        this.#send({ kind: 'call', id, name, args });
      } catch (error) {
        this.#pending.delete(id);
        reject(error);
      }
    });
  }

  /** Settles the call a `result` answers. */
  settle(result: EnvelopeOf<'result'>): void {
    const call = this.#pending.get(result.id);
    if (!call) return;
    this.#pending.delete(result.id);
    if (!result.ok) {
      call.reject(reviveError(result.error));
      return;
    }
    const checker = Object.hasOwn(this.#results, call.name) ? this.#results[call.name] : undefined;
    if (!checker) {
      call.resolve(result.value);
      return;
    }
    const checked = checker.safeParse(result.value);
    if (checked.success) call.resolve(checked.data);
    else
      call.reject(
        new ProtocolError(
          `The task answered \`${call.name}\` with \`${String(result.value)}\`, which is not what it returns`,
        ),
      );
  }

  /** Rejects the call `id` with `error` (its result could not be read). */
  fail(id: number, error: Error): void {
    const call = this.#pending.get(id);
    if (!call) return;
    this.#pending.delete(id);
    call.reject(error);
  }

  /** From now on new calls reject with `makeError()`; calls already sent still settle. */
  refuse(makeError: () => Error): void {
    this.#refusal ??= makeError;
  }

  /** The task is gone: new calls reject at once, pending ones on the next macrotask. */
  close(makeError: () => Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#refusal = makeError;
    setTimeout(() => {
      const pending = [...this.#pending.values()];
      this.#pending.clear();
      for (const call of pending) call.reject(makeError());
    }, 0);
  }
}

/** When the task side starts answering calls (before: they wait, in order). */
export interface Readiness {
  now(): boolean;
  when: Promise<void>;
}

/**
 * Answers calls on the task side: each `call` runs the handler of its name and sends a `result`
 * with the value (awaited when it is a promise) or the error it threw; a name without a handler
 * is answered with a `ProtocolError` naming the ones there are. Calls that arrive while
 * `ready.now()` is false wait for `ready.when`, then run in their order.
 */
export function serveCalls(
  on: (listener: (call: EnvelopeOf<'call'>) => void) => void,
  send: (draft: DraftOf<'result'>) => void,
  handlers: CallSignatures,
  ready: Readiness,
): void {
  const reply = (draft: DraftOf<'result'>) => {
    try {
      send(draft);
    } catch {
      // The channel closed meanwhile: the foreground rejects the call as unavailable.
    }
  };
  const answer = (call: EnvelopeOf<'call'>) => {
    const { id } = call;
    let value: unknown;
    try {
      const handler = Object.hasOwn(handlers, call.name) ? handlers[call.name] : undefined;
      if (typeof handler !== 'function') {
        throw new ProtocolError(
          `The task serves no call \`${call.name}\`; it serves ${Object.keys(handlers).join(', ')}`,
        );
      }
      value = handler(...call.args);
    } catch (error) {
      reply({ kind: 'result', id, ok: false, error: serializeError(error) });
      return;
    }
    if (isThenable(value)) {
      value.then(
        (resolved) => reply({ kind: 'result', id, ok: true, value: resolved }),
        (error: unknown) => reply({ kind: 'result', id, ok: false, error: serializeError(error) }),
      );
      return;
    }
    reply({ kind: 'result', id, ok: true, value });
  };
  on((call) => {
    if (ready.now()) answer(call);
    else void ready.when.then(() => answer(call));
  });
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';
