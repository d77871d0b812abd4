import type * as Comlink from 'comlink';
import { z } from 'zod';
import type { TransportEndpoint } from '../../adapters/transport/types.js';
import { reportLater } from '../../adapters/transport/types.js';
import { ProtocolError, ValueSetError } from '../../errors.js';
import {
  EnvelopeSchema,
  PROTOCOL_VERSION,
  parseEnvelope,
  type RelayDraft,
  type RelayEnvelope,
  type RelayEnvelopeOf,
  type RelayKind,
  type RpcMessage,
} from '../../protocol.js';
import type { ValueSetLimits } from '../../valueSet.js';

/** Options shared by both sides of a channel. */
export interface ChannelOptions {
  /**
   * Called for every received value that was dropped (not an envelope, invalid, or out of
   * order) and for every gap in the relay sequence. Default: `console.warn` of the message.
   */
  onProtocolError?: (error: ProtocolError, data: unknown) => void;
  /** Called when a relay listener throws (default: rethrown on a later macrotask). */
  onListenerError?: (error: unknown) => void;
  /** Limits for the ValueSet of received `message` envelopes (the ValueSet defaults if omitted). */
  valueSetLimits?: Partial<ValueSetLimits>;
  /**
   * Coalesce `message` envelopes sent in one turn of the event loop into one `batch` post.
   * Anything else sent meanwhile first flushes the queue, so order is kept. Only for a side
   * whose thread stays responsive (the foreground): a queued message waits for the turn to end.
   */
  batchMessages?: boolean;
  /**
   * Called when a queued `message` could not be posted (the endpoint refused to copy it): it is
   * dropped, the messages around it still go, in order and numbered without a gap. Default:
   * `console.warn` of the message. Never thrown on a microtask.
   */
  onSendError?: (error: ValueSetError) => void;
}

type Listener = (envelope: RelayEnvelope) => void;
type ComlinkListener = Parameters<Comlink.Endpoint['addEventListener']>[1];

/**
 * The part both sides share: one endpoint, validated on receipt, split into the `rpc`
 * sub-channel (a Comlink {@link Comlink.Endpoint}) and the ordered relay. Relay envelopes are
 * numbered 1, 2, 3, … per direction; on receipt a repeated or older `seq` is dropped and
 * reported, a gap is reported and the envelope delivered.
 *
 * @example
 * ```ts
 * const core = new ChannelCore(endpoint, { onProtocolError: (e) => log(e.message) });
 * Comlink.expose(api, core.rpcEndpoint);
 * core.on('control', (e) => handle(e.command));
 * core.send({ kind: 'event', name: 'mediaOpened', payload: {} }); // 1
 * ```
 */
export class ChannelCore {
  readonly #endpoint: TransportEndpoint;
  readonly #options: ChannelOptions;
  readonly #listeners = new Map<RelayKind, Set<Listener>>();
  readonly #rpcListeners = new Set<ComlinkListener>();
  readonly #unsubscribe: () => void;
  #sentSeq = 0;
  #receivedSeq = 0;
  #closed = false;
  #queue: RelayEnvelope[] = [];
  readonly #flush = (): void => {
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
  };
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

  send(draft: RelayDraft): number {
    if (this.#closed) throw new ProtocolError('The channel is closed; nothing was sent');
    if (this.sendBlocker) throw this.sendBlocker();
    const batched = this.#options.batchMessages === true && draft.kind === 'message';
    // Queued messages go first and may be renumbered if one fails: number this one after them.
    if (!batched) this.#flush();
    const envelope = { ...draft, v: PROTOCOL_VERSION, seq: this.#sentSeq + 1 };
    const checked = EnvelopeSchema.safeParse(envelope);
    if (!checked.success || checked.data.kind === 'rpc') {
      const kind = (draft as { kind?: unknown }).kind;
      throw new ProtocolError(
        `Refusing to send an invalid \`${String(kind)}\` relay envelope:\n${
          checked.success ? 'rpc goes through Comlink' : z.prettifyError(checked.error)
        }`,
        { cause: checked.success ? undefined : checked.error },
      );
    }
    if (batched) {
      this.#queue.push(envelope as RelayEnvelope);
      if (this.#queue.length === 1) queueMicrotask(this.#flush);
    } else if (envelope.kind === 'message') {
      try {
        this.#endpoint.postMessage(envelope);
      } catch (error) {
        throw unsendable(envelope.seq, error);
      }
    } else {
      this.#endpoint.postMessage(envelope);
    }
    this.#sentSeq = envelope.seq;
    return envelope.seq;
  }

  /** A batch could not be posted: posts its messages one by one, closing up the numbering. */
  #postOneByOne(items: RelayEnvelope[]): void {
    let dropped = 0;
    for (const item of items) {
      const renumbered = dropped === 0 ? item : { ...item, seq: item.seq - dropped };
      try {
        this.#endpoint.postMessage(renumbered);
      } catch (error) {
        dropped++;
        const refused = unsendable(item.seq, error);
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

  on<K extends RelayKind>(kind: K, listener: (envelope: RelayEnvelopeOf<K>) => void): () => void {
    if (typeof listener !== 'function') {
      throw new TypeError(
        `Relay listener for '${kind}' must be a function, got \`${String(listener)}\``,
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

  /** The Comlink endpoint over the `rpc` sub-channel. */
  readonly rpcEndpoint: Comlink.Endpoint = {
    postMessage: (msg: RpcMessage, transfer?: Transferable[]) => {
      if (transfer && transfer.length > 0) {
        throw new TypeError(
          'Comlink.transfer() and Comlink.proxy() cannot cross a Backbeat channel: pass data, and use the relay for callbacks',
        );
      }
      if (this.#closed) throw new ProtocolError('The channel is closed; the call was not sent');
      this.#flush();
      this.#endpoint.postMessage({ v: PROTOCOL_VERSION, kind: 'rpc', msg });
    },
    addEventListener: (type: string, listener: ComlinkListener) => {
      if (type === 'message') this.#rpcListeners.add(listener);
    },
    removeEventListener: (type: string, listener: ComlinkListener) => {
      if (type === 'message') this.#rpcListeners.delete(listener);
    },
  };

  /** Hands an rpc message to Comlink as if it had been received. */
  deliverRpc(msg: RpcMessage): void {
    const event = { data: msg } as MessageEvent;
    for (const listener of [...this.#rpcListeners]) {
      if (typeof listener === 'function') listener(event);
      else listener.handleEvent(event);
    }
  }

  /** Stops receiving; later sends throw. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    this.#listeners.clear();
    this.#rpcListeners.clear();
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
    if (this.#closed) return;
    if (isBatch(data)) {
      for (const item of data.items) this.#receive(item);
      return;
    }
    const parsed = parseEnvelope(data, { valueSetLimits: this.#options.valueSetLimits });
    if (!parsed.ok) {
      this.#report(parsed.error, data);
      return;
    }
    const envelope = parsed.envelope;
    if (envelope.kind === 'rpc') {
      this.deliverRpc(envelope.msg);
      return;
    }
    const expected = this.#receivedSeq + 1;
    if (envelope.seq < expected) {
      this.#report(
        new ProtocolError(
          `Relay \`${envelope.kind}\` envelope out of order: expected seq ${expected}, got \`${envelope.seq}\` (already past it); dropped`,
        ),
        data,
      );
      return;
    }
    if (envelope.seq > expected) {
      this.#report(
        new ProtocolError(
          `Relay gap: expected seq ${expected}, got \`${envelope.seq}\`; ${envelope.seq - expected} envelope(s) missing before this \`${envelope.kind}\`, which is delivered`,
        ),
        data,
      );
    }
    this.#receivedSeq = envelope.seq;
    const set = this.#listeners.get(envelope.kind);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(envelope);
      } catch (error) {
        if (this.#options.onListenerError) this.#options.onListenerError(error);
        else reportLater(error);
      }
    }
  }
}

function unsendable(seq: number, error: unknown): ValueSetError {
  const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ValueSetError(
    `Message ${seq} could not be sent and was dropped (\`${why}\`); the other messages still go, in order`,
    { cause: error },
  );
}

/** A `batch` envelope (see `BatchEnvelopeSchema`): its items are received one by one. */
function isBatch(data: unknown): data is { items: unknown[] } {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as { kind?: unknown }).kind === 'batch' &&
    (data as { v?: unknown }).v === PROTOCOL_VERSION &&
    Array.isArray((data as { items?: unknown }).items)
  );
}
