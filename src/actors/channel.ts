/**
 * One multiplexed channel per task endpoint, both sides. Calls go through Comlink over the
 * channel's `rpc` sub-channel; everything else goes through one ordered relay
 * (`send(draft)` / `on(kind, listener)`). Every received value is validated with the protocol
 * schemas first: an invalid one is dropped and reported through `onProtocolError`.
 *
 * The foreground side never leaves a call hanging: when the host exits, in any way, every
 * pending call rejects with {@link TaskUnavailableError} and any later call rejects at once.
 * Errors thrown by the task arrive with their class, `name`, `message` and `code`.
 *
 * @packageDocumentation
 */
import * as Comlink from 'comlink';
import {
  describeExit,
  type TaskHost,
  type TransportEndpoint,
} from '../adapters/transport/types.js';
import { TaskUnavailableError } from '../errors.js';
import type { RelayDraft, RelayEnvelopeOf, RelayKind } from '../protocol.js';
import { CallGate, guardRemote } from './channel/callGate.js';
import { ChannelCore, type ChannelOptions } from './channel/core.js';
import { installErrorTransferHandler } from './channel/errorTransfer.js';

export type { ChannelOptions } from './channel/core.js';

/** The relay half of a channel, the same on both sides. */
export interface RelayChannel {
  /**
   * Sends a relay envelope: the channel adds `v` and the next `seq` and returns that `seq`.
   * Throws a `ProtocolError` for an invalid draft (nothing is sent) and, on the foreground
   * side, a {@link TaskUnavailableError} once the task is gone. A `message` draft's data must
   * already be a checked ValueSet (`parseValueSet`).
   */
  send(draft: RelayDraft): number;
  /**
   * Subscribes to received relay envelopes of one kind, delivered in `seq` order; returns the
   * function that unsubscribes.
   */
  on<K extends RelayKind>(kind: K, listener: (envelope: RelayEnvelopeOf<K>) => void): () => void;
  /** `seq` of the last envelope sent (0 before the first). */
  readonly lastSentSeq: number;
  /** `seq` of the last envelope received (0 before the first). */
  readonly lastReceivedSeq: number;
}

/** The task's side of a channel. */
export interface TaskChannel extends RelayChannel {
  /** Serves `api` to the foreground's calls (`Comlink.expose`); call once. */
  expose(api: object): void;
  /** Stops receiving and sending. */
  close(): void;
}

/** Options of {@link openTaskChannel}. */
export interface TaskChannelOptions extends ChannelOptions {
  /** Answer heartbeat pings with pongs (default true). */
  answerPings?: boolean;
}

/**
 * Opens the task's side of the channel on the endpoint the host gave the task main. It answers
 * heartbeat pings from the event loop (so a busy task cannot), unless `answerPings` is false.
 *
 * @example
 * ```ts
 * // the task main
 * export default function main(endpoint, init, context) {
 *   const channel = openTaskChannel(endpoint, { onListenerError: context.fail });
 *   channel.expose({ add: (a: number, b: number) => a + b });
 *   channel.on('control', ({ command }) => { if (command.type === 'shutdown') context.exit(0); });
 *   channel.send({ kind: 'lifecycle', notice: { type: 'runEntered' } });
 * }
 * ```
 */
export function openTaskChannel(
  endpoint: TransportEndpoint,
  options: TaskChannelOptions = {},
): TaskChannel {
  installErrorTransferHandler();
  const core = new ChannelCore(endpoint, options);
  if (options.answerPings ?? true) {
    core.on('heartbeat', (ping) => {
      if (ping.beat === 'ping' && !core.closed)
        core.send({ kind: 'heartbeat', beat: 'pong', n: ping.n });
    });
  }
  let exposed = false;
  return {
    send: (draft) => core.send(draft),
    on: (kind, listener) => core.on(kind, listener),
    get lastSentSeq() {
      return core.lastSentSeq;
    },
    get lastReceivedSeq() {
      return core.lastReceivedSeq;
    },
    expose(api) {
      if (exposed) throw new TypeError('TaskChannel.expose was already called; expose one object');
      if (typeof api !== 'object' || api === null) {
        throw new TypeError(`TaskChannel.expose expects an object, got \`${String(api)}\``);
      }
      exposed = true;
      Comlink.expose(api, core.rpcEndpoint);
    },
    close: () => core.close(),
  };
}

/** The foreground's side of a channel. */
export interface ForegroundChannel<T> extends RelayChannel {
  /**
   * The task's exposed object as a Comlink proxy whose every call (at any depth,
   * `remote.player.play()`) rejects with {@link TaskUnavailableError} when the task goes away.
   */
  readonly remote: Comlink.Remote<T>;
  /**
   * Runs `fn` with {@link ForegroundChannel.remote} and settles with its result, or rejects
   * with {@link TaskUnavailableError} when the task goes away first (at once if it is gone).
   */
  call<R>(fn: (remote: Comlink.Remote<T>) => R | PromiseLike<R>): Promise<Awaited<R>>;
  /** The error calls fail with once the task is gone, else `undefined`. */
  readonly unavailable: TaskUnavailableError | undefined;
  /** Number of calls waiting for the task (each remote call and each `call()` counts). */
  readonly pendingCalls: number;
  /** Stops the channel: pending and later calls reject with `TaskUnavailableError(reason)`. */
  close(reason?: string): void;
}

/**
 * Opens the foreground's side of the channel on a host. When the host exits, every pending
 * call rejects with `TaskUnavailableError(describeExit(info))` and so does every later call or
 * `send`.
 *
 * @example
 * ```ts
 * const host = createTaskHost({ kind: 'worker', main });
 * const channel = openForegroundChannel<TaskApi>(host, { onProtocolError: (e) => log(e) });
 * const sum = await channel.remote.add(1, 2);
 * channel.on('event', (e) => console.log(e.seq, e.name, e.payload));
 * channel.send({ kind: 'control', command: { type: 'press', button: 'next' } });
 * ```
 */
export function openForegroundChannel<T>(
  host: Pick<TaskHost, 'endpoint' | 'onExit'>,
  options: ChannelOptions = {},
): ForegroundChannel<T> {
  installErrorTransferHandler();
  const core = new ChannelCore(host.endpoint, options);
  const gate = new CallGate();
  let unavailable: TaskUnavailableError | undefined;

  const shut = (reason: string) => {
    if (unavailable) return;
    unavailable = new TaskUnavailableError(reason);
    core.sendBlocker = () => new TaskUnavailableError(reason, 'message');
    gate.close(() => new TaskUnavailableError(reason));
    // Comlink's FinalizationRegistry holds this endpoint (and through it the whole channel)
    // for as long as the proxy is registered; the endpoint reaches the proxy, so it would never
    // be collected. Release it explicitly: nothing calls through it any more.
    inner[Comlink.releaseProxy]();
  };

  // RELEASE would detach the task's Comlink side for good: answer it here, never send it.
  const rpcEndpoint: Comlink.Endpoint = {
    ...core.rpcEndpoint,
    postMessage(msg, transfer) {
      if (msg?.type === 'RELEASE' && typeof msg.id === 'string') {
        queueMicrotask(() => core.deliverRpc({ id: msg.id, type: 'RAW', value: undefined }));
        return;
      }
      core.rpcEndpoint.postMessage(msg, transfer);
    },
  };
  // Kept until the channel shuts, so Comlink's proxy count never falls to zero before that.
  const inner = Comlink.wrap<T>(rpcEndpoint);
  const remote = guardRemote(inner, gate);
  host.onExit((info) => shut(describeExit(info)));

  return {
    remote,
    call: (fn) => gate.run(() => fn(remote)),
    send: (draft) => core.send(draft),
    on: (kind, listener) => core.on(kind, listener),
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
      return gate.pending;
    },
    close(reason = 'channel closed') {
      shut(reason);
      core.close();
    },
  };
}
