import type { TransportEndpoint } from '../../adapters/transport/types.js';
import { reportLater } from '../../adapters/transport/types.js';
import { ProtocolError, ValueSetError } from '../../errors.js';
import {
  type Draft,
  type Envelope,
  type EnvelopeKind,
  type EnvelopeOf,
  isBatch,
  PROTOCOL_VERSION,
  readEnvelope,
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
  /** Set when sending must fail (the other side is gone). */
  sendBlocker: (() => Error) | undefined;

  constructor(endpoint: TransportEndpoint, options: ChannelOptions) {
    this.#endpoint = endpoint;
    this.#options = options;
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
