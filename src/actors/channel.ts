/**
 * The channel over one task endpoint, both sides: one ordered stream of envelopes per
 * direction (see `protocol/envelopes`), a call path on top of it, and nothing else. A call is a
 * `call` envelope answered by a `result`; everything else is an envelope of its own kind.
 *
 * The foreground side never leaves a call hanging: when the host exits, in any way, every
 * pending call rejects with {@link TaskUnavailableError} and any later call rejects at once.
 * Errors thrown by the task arrive with their class, `name`, `message` and `code`.
 *
 * @packageDocumentation
 */
import { describeExit } from '../adapters/transport/exit.js';
import type { TaskHost, TransportEndpoint } from '../adapters/transport/types.js';
import { TaskUnavailableError } from '../errors.js';
import { type Draft, type EnvelopeKind, type EnvelopeOf, serializeError } from '../protocol.js';
import {
  type CallSignatures,
  CallTable,
  Channel,
  type ChannelOptions,
  type Readiness,
  type ResultCheckers,
  serveCalls,
} from './channel/core.js';

export type { CallSignatures, ChannelOptions, Readiness } from './channel/core.js';

/** What both sides of a channel offer. */
export interface EnvelopeChannel {
  /**
   * Queues an envelope for this turn's post: the channel adds `v` and the next `seq` and
   * returns that `seq`. A `message` draft's data must already be a checked ValueSet.
   */
  send(draft: Draft): number;
  /**
   * Subscribes to received envelopes of one kind, delivered in `seq` order; returns the
   * function that unsubscribes.
   */
  on<K extends EnvelopeKind>(kind: K, listener: (envelope: EnvelopeOf<K>) => void): () => void;
  /** Posts what this turn has queued, now (before the side exits). */
  flush(): void;
  /** `seq` of the last envelope sent (0 before the first). */
  readonly lastSentSeq: number;
  /** `seq` of the last envelope received (0 before the first). */
  readonly lastReceivedSeq: number;
}

/** The task's side of a channel. */
export interface TaskChannel extends EnvelopeChannel {
  /**
   * Answers the foreground's calls with `handlers`; calls that arrive while `ready.now()` is
   * false wait for `ready.when`. Call once.
   */
  serve(handlers: CallSignatures, ready?: Readiness): void;
  /** Posts what is queued, then stops receiving and sending. */
  close(): void;
}

/** Options of {@link openTaskChannel}. */
export interface TaskChannelOptions extends ChannelOptions {
  /** Answer heartbeat pings with pongs (default true). */
  answerPings?: boolean;
}

const always = { now: () => true, when: Promise.resolve() };

/**
 * Opens the task's side of the channel on the endpoint the host gave the task main. It answers
 * heartbeat pings from the event loop (so a busy task cannot), unless `answerPings` is false,
 * and answers a call it cannot read with a `ProtocolError`.
 */
export function openTaskChannel(
  endpoint: TransportEndpoint,
  options: TaskChannelOptions = {},
): TaskChannel {
  const core = new Channel(endpoint, {
    ...options,
    onInvalidCall: (kind, id, error) => {
      if (kind === 'call' && !core.closed) {
        core.send({ kind: 'result', id, ok: false, error: serializeError(error) });
      }
    },
  });
  if (options.answerPings ?? true) {
    core.on('heartbeat', (ping) => {
      if (ping.beat === 'ping' && !core.closed)
        core.send({ kind: 'heartbeat', beat: 'pong', n: ping.n });
    });
  }
  let served = false;
  return {
    send: (draft) => core.send(draft),
    on: (kind, listener) => core.on(kind, listener),
    flush: () => core.flush(),
    get lastSentSeq() {
      return core.lastSentSeq;
    },
    get lastReceivedSeq() {
      return core.lastReceivedSeq;
    },
    serve(handlers, ready = always) {
      if (served) throw new TypeError('TaskChannel.serve was already called; serve one table');
      served = true;
      serveCalls(
        (listener) => core.on('call', listener),
        (draft) => core.send(draft),
        handlers,
        ready,
      );
    },
    close: () => core.close(),
  };
}

/** The foreground's side of a channel, calling the task's `Calls`. */
export interface ForegroundChannel<Calls extends CallSignatures = CallSignatures>
  extends EnvelopeChannel {
  /**
   * Calls the task and settles with the (checked) result, or rejects with the error the task
   * threw, or with {@link TaskUnavailableError} when the task goes away first (at once if it
   * is gone or calls are refused).
   */
  call<N extends keyof Calls & string>(
    name: N,
    args: Parameters<Calls[N]>,
  ): Promise<Awaited<ReturnType<Calls[N]>>>;
  /** From now on new calls reject with `TaskUnavailableError(reason)`; sent ones still settle. */
  refuseCalls(reason: string): void;
  /** The error calls fail with once the task is gone, else `undefined`. */
  readonly unavailable: TaskUnavailableError | undefined;
  /** Number of calls waiting for the task. */
  readonly pendingCalls: number;
  /** Stops the channel: pending and later calls reject with `TaskUnavailableError(reason)`. */
  close(reason?: string): void;
}

/**
 * Opens the foreground's side of the channel on a host. When the host exits, every pending
 * call rejects with `TaskUnavailableError(describeExit(info))` and so does every later call or
 * `send`.
 */
export function openForegroundChannel<Calls extends CallSignatures = CallSignatures>(
  host: Pick<TaskHost, 'endpoint' | 'onExit'>,
  options: ChannelOptions & { results?: ResultCheckers } = {},
): ForegroundChannel<Calls> {
  let unavailable: TaskUnavailableError | undefined;
  const core: Channel = new Channel(host.endpoint, {
    ...options,
    onInvalidCall: (kind, id, error) => {
      if (kind === 'result') calls.fail(id, error);
    },
  });
  const calls = new CallTable((draft) => core.send(draft), options.results);
  core.on('result', (result) => calls.settle(result));

  const shut = (reason: string) => {
    if (unavailable) return;
    unavailable = new TaskUnavailableError(reason);
    core.sendBlocker = () => new TaskUnavailableError(reason, 'message');
    calls.close(() => new TaskUnavailableError(reason));
  };
  const stopWatchingExit = host.onExit((info) => shut(describeExit(info)));

  return {
    // The call path itself is in core.ts: this is the table's own method.
    call: calls.call.bind(calls) as ForegroundChannel<Calls>['call'],
    refuseCalls: (reason) => calls.refuse(() => new TaskUnavailableError(reason)),
    send: (draft) => core.send(draft),
    on: (kind, listener) => core.on(kind, listener),
    flush: () => core.flush(),
    get lastSentSeq() {
      return core.lastSentSeq;
    },
    get lastReceivedSeq() {
      return core.lastReceivedSeq;
    },
    get unavailable() {
      return unavailable;
    },
    get pendingCalls() {
      return calls.pending;
    },
    close(reason = 'channel closed') {
      shut(reason);
      core.close();
      // The host may outlive this channel: it must not keep it (and its error) reachable.
      stopWatchingExit();
    },
  };
}
