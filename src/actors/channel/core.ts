import { reportLater } from '../../adapters/transport/exit.js';
import type { TransportEndpoint } from '../../adapters/transport/types.js';
import { ProtocolError, ValueSetError } from '../../errors.js';
import {
  type Draft,
  type DraftOf,
  type Envelope,
  type EnvelopeKind,
  type EnvelopeOf,
  isBatch,
  PROTOCOL_VERSION,
  readEnvelope,
  reviveError,
  serializeError,
} from '../../protocol.js';

/** Options shared by both sides of a channel. */
export interface ChannelOptions {
  /**
   * Called for every received value that was dropped (not an envelope, invalid, or out of
   * order) and for every gap in the sequence. Default: `console.warn` of the message.
   */
  onProtocolError?: (error: ProtocolError, data: unknown) => void;
  /** Called when a listener throws (default: rethrown on a later macrotask). */
  onListenerError?: (error: unknown) => void;
  /**
   * Called when an envelope could not be posted (the endpoint refused to copy it): it is
   * dropped, the envelopes around it still go, in order and numbered without a gap. Default:
   * `console.warn` of the message. Never thrown on a microtask.
   */
  onSendError?: (error: ValueSetError) => void;
  /**
   * Called for a received envelope that was dropped as invalid but names a call or result `id`,
   * so the side that waits for it can be answered instead of waiting for ever.
   */
  onInvalidCall?: (kind: 'call' | 'result', id: number, error: ProtocolError) => void;
  /**
   * Sees every envelope this side sends (as it is queued) and every one it accepts (before its
   * listeners): how an inspected foreground shows what crosses the boundary. Absent, nothing
   * is done per envelope.
   */
  onEnvelope?: (direction: 'sent' | 'received', envelope: Envelope) => void;
}

type Listener = (envelope: Envelope) => void;

/**
 * Runs `fn` on a microtask. A resolved promise's `then` rather than `queueMicrotask`, which Node
 * wraps in an async resource per call: on this path, once per turn, that is measurable.
 */
const settled = Promise.resolve();
const afterThisTurn = (fn: () => void): void => {
  void settled.then(fn);
};

/** Most envelopes one post carries. */
export const BATCH_LIMIT = 256;

/**
 * One endpoint, both sides: envelopes sent are numbered 1, 2, 3, … and go out once per turn of
 * the event loop, as one post (a lone envelope or a `batch`), in order; {@link Channel.flush}
 * posts what is queued at once, and {@link Channel.close} does so before it stops. Received
 * values are checked with `readEnvelope` and handed to the listeners of their kind in `seq`
 * order: a repeated or older `seq` is dropped and reported, a gap is reported and the envelope
 * delivered.
 */
export class Channel {
  readonly #endpoint: TransportEndpoint;
  readonly #options: ChannelOptions;
  readonly #listeners = new Map<EnvelopeKind, Set<Listener>>();
  readonly #unsubscribe: () => void;
  #sentSeq = 0;
  #receivedSeq = 0;
  #closed = false;
  #queue: Envelope[] = [];
  readonly #flushLater = (): void => this.flush();
  readonly #observe: ChannelOptions['onEnvelope'];
  /** Set when sending must fail (the other side is gone). */
  sendBlocker: (() => Error) | undefined;

  constructor(endpoint: TransportEndpoint, options: ChannelOptions) {
    this.#endpoint = endpoint;
    this.#options = options;
    this.#observe = options.onEnvelope;
    this.#unsubscribe = endpoint.onMessage((data) => this.#receive(data));
  }

  get lastSentSeq(): number {
    return this.#sentSeq;
  }

  get lastReceivedSeq(): number {
    return this.#receivedSeq;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Stamps `draft` with `v` and the next `seq` and queues it for this turn's post (at most
   * {@link BATCH_LIMIT} envelopes wait: a longer turn posts as it goes, so the other side can
   * start on them); returns the `seq`. The draft becomes the envelope: it is stamped in place
   * unless frozen or already sent. Throws once the channel is closed or the other side is gone.
   */
  send(draft: Draft): number {
    if (this.#closed) throw new ProtocolError('The channel is closed; nothing was sent');
    if (this.sendBlocker) throw this.sendBlocker();
    const seq = ++this.#sentSeq;
    // Stamping in place: copying with a spread costs more than the rest of a send together.
    const envelope = (
      Object.isFrozen(draft) || 'seq' in draft ? { v: PROTOCOL_VERSION, seq, ...draft } : draft
    ) as Envelope;
    envelope.v = PROTOCOL_VERSION;
    envelope.seq = seq;
    if (this.#observe) this.#observe('sent', envelope);
    const queued = this.#queue.push(envelope);
    if (queued === 1) afterThisTurn(this.#flushLater);
    else if (queued >= BATCH_LIMIT) this.flush();
    return seq;
  }

  /** Posts what this turn has queued, now. */
  flush(): void {
    if (this.#queue.length === 0) return;
    const items = this.#queue;
    this.#queue = [];
    if (this.#closed) return;
    try {
      this.#endpoint.postMessage(
        items.length === 1 ? items[0] : { v: PROTOCOL_VERSION, kind: 'batch', items },
      );
    } catch {
      this.#postOneByOne(items);
    }
  }

  /** A batch could not be posted: posts its envelopes one by one, closing up the numbering. */
  #postOneByOne(items: Envelope[]): void {
    let dropped = 0;
    for (const item of items) {
      if (dropped > 0) item.seq -= dropped;
      try {
        this.#endpoint.postMessage(item);
      } catch (error) {
        dropped++;
        const refused = unsendable(item, error);
        const report = this.#options.onSendError;
        if (!report) {
          console.warn(refused.message);
          continue;
        }
        try {
          report(refused);
        } catch (thrown) {
          reportLater(thrown);
        }
      }
    }
    this.#sentSeq -= dropped;
  }

  /** Subscribes to received envelopes of one kind; returns the function that unsubscribes. */
  on<K extends EnvelopeKind>(kind: K, listener: (envelope: EnvelopeOf<K>) => void): () => void {
    if (typeof listener !== 'function') {
      throw new TypeError(
        `Channel listener for '${kind}' must be a function, got \`${String(listener)}\``,
      );
    }
    let set = this.#listeners.get(kind);
    if (!set) {
      set = new Set();
      this.#listeners.set(kind, set);
    }
    const own = listener as Listener;
    set.add(own);
    return () => {
      set.delete(own);
    };
  }

  /** Posts what is queued, then stops receiving; later sends throw. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    this.#unsubscribe();
    this.#listeners.clear();
  }

  #report(error: ProtocolError, data: unknown): void {
    const report = this.#options.onProtocolError;
    if (report) {
      try {
        report(error, data);
      } catch (thrown) {
        reportLater(thrown);
      }
    } else console.warn(error.message);
  }

  #receive(data: unknown): void {
    if (!isBatch(data)) {
      this.#receiveOne(data);
      return;
    }
    for (const item of data.items) {
      if (this.#closed) return;
      this.#receiveOne(item);
    }
  }

  #receiveOne(data: unknown): void {
    if (this.#closed) return;
    const read = readEnvelope(data);
    if (!read.ok) {
      this.#report(read.error, data);
      const { kind, id } = (data ?? {}) as { kind?: unknown; id?: unknown };
      if ((kind === 'call' || kind === 'result') && Number.isInteger(id)) {
        this.#options.onInvalidCall?.(kind, id as number, read.error);
      }
      return;
    }
    const envelope = read.envelope;
    const expected = this.#receivedSeq + 1;
    if (envelope.seq < expected) {
      this.#report(
        new ProtocolError(
          `\`${envelope.kind}\` envelope out of order: expected seq ${expected}, got \`${envelope.seq}\` (already past it); dropped`,
        ),
        data,
      );
      return;
    }
    if (envelope.seq > expected) {
      this.#report(
        new ProtocolError(
          `Gap: expected seq ${expected}, got \`${envelope.seq}\`; ${envelope.seq - expected} envelope(s) missing before this \`${envelope.kind}\`, which is delivered`,
        ),
        data,
      );
    }
    this.#receivedSeq = envelope.seq;
    if (this.#observe) this.#observe('received', envelope);
    const set = this.#listeners.get(envelope.kind);
    if (!set) return;
    for (const listener of set.size === 1 ? set : [...set]) {
      try {
        listener(envelope);
      } catch (error) {
        if (this.#options.onListenerError) this.#options.onListenerError(error);
        else reportLater(error);
      }
    }
  }
}

function unsendable(envelope: Envelope, error: unknown): ValueSetError {
  const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const what = envelope.kind === 'message' ? 'Message' : `The \`${envelope.kind}\` envelope`;
  return new ValueSetError(
    `${what} ${envelope.seq} could not be sent and was dropped (\`${why}\`); the others still go, in order`,
    { cause: error },
  );
}

// ---------------------------------------------------------------------------------------------
// calls: a `call` envelope answered by a `result` of the same id

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
