import { startTaskHost } from '#platform/taskHosts';
import type { AudioEngine } from '../../adapters/audio/types.js';
import type { ExitInfo, HostKind, TaskHost } from '../../adapters/transport/types.js';
import type { Clock } from '../../clock.js';
import type { TerminationReason } from '../../machines/cancellationReasons.js';
import {
  type ControlCommand,
  callResultSchemas,
  type Draft,
  type EnvelopeOf,
  type InspectRecord,
  type LifecycleNotice,
  type PlaybackCheckpoint,
  type PlayerSnapshot,
  type TaskCalls,
  type TaskInit,
} from '../../protocol.js';
import type { ValueSet } from '../../valueSet.js';
import { type ChannelOptions, type ForegroundChannel, openForegroundChannel } from '../channel.js';
import type { TaskLocals } from '../task/taskMain.js';
import { createWatchdog, type Watchdog } from './watchdog.js';

/** What a {@link TaskConnection} reports to the app that owns it. */
export interface TaskConnectionHandlers {
  notice(notice: LifecycleNotice): void;
  event(event: EnvelopeOf<'event'>): void;
  snapshot(state: PlayerSnapshot, seq: number): void;
  message(data: ValueSet): void;
  /** An inspection event of one of the task's actors. */
  inspect?(record: InspectRecord): void;
  /** A playback checkpoint the task took. */
  checkpoint?(state: PlaybackCheckpoint): void;
  /** The host is gone; `reason` says how, in the task machine's words. */
  ended(reason: TerminationReason | 'completed', info: ExitInfo): void;
  protocolError(error: Error): void;
}

/** Options of one task instance's connection. */
export interface TaskConnectionOptions {
  kind: HostKind;
  clock: Clock;
  init: TaskInit;
  locals?: TaskLocals;
  memoryLimitMb?: number;
  audioEngine?: AudioEngine;
  heartbeat: { intervalMs: number; timeoutMs: number } | false;
  watchdogClock: Clock;
  handlers: TaskConnectionHandlers;
  /** Sees every envelope sent and accepted (inspection of the boundary); absent, nothing is. */
  onEnvelope?: ChannelOptions['onEnvelope'];
}

function exitToReason(info: ExitInfo, requested: TerminationReason | 'completed' | null) {
  if (info.reason === 'terminated') return requested ?? 'shutdown';
  if (info.reason === 'memoryLimit') return 'memoryLimit';
  if (info.reason === 'exited') return requested === 'completed' ? 'completed' : 'exited';
  return 'crashed';
}

/**
 * The foreground's link to one task instance: the host (worker, process or inline), the
 * channel over it (calls that never hang, the envelope stream) and the heartbeat watchdog, which starts
 * once the task has entered `run`.
 */
export class TaskConnection {
  readonly instanceId: string;
  readonly host: TaskHost;
  readonly channel: ForegroundChannel<TaskCalls>;
  #watchdog: Watchdog | null = null;
  #requested: TerminationReason | 'completed' | null = null;
  #ended = false;
  #closing = false;
  #endedPromise: Promise<void>;

  constructor(options: TaskConnectionOptions) {
    this.instanceId = options.init.instanceId;
    const { handlers } = options;
    this.host = startTaskHost({
      kind: options.kind,
      init: options.init,
      ...(options.memoryLimitMb === undefined ? {} : { memoryLimitMb: options.memoryLimitMb }),
      ...(options.audioEngine ? { audioEngine: options.audioEngine } : {}),
      ...(options.locals ? { locals: options.locals } : {}),
    });
    this.channel = openForegroundChannel<TaskCalls>(this.host, {
      results: callResultSchemas,
      onProtocolError: (error) => handlers.protocolError(error),
      onSendError: (error) => handlers.protocolError(error),
      ...(options.onEnvelope ? { onEnvelope: options.onEnvelope } : {}),
    });
    this.channel.on('lifecycle', (e) => {
      // The heartbeat guards a running task: before `run` the module may still be loading
      // (bounded by the start timeout), and a slow load must not look like a hung task.
      if (e.notice.type === 'runEntered' && this.#watchdog?.state === 'idle') {
        this.#watchdog.start();
      }
      handlers.notice(e.notice);
    });
    this.channel.on('event', (e) => {
      if ('snapshot' in e && e.snapshot) handlers.snapshot(e.snapshot, e.seq);
      handlers.event(e);
    });
    this.channel.on('snapshot', (e) => handlers.snapshot(e.state, e.seq));
    // The sender checked the ValueSet in full; the receiver checked it is a plain object.
    this.channel.on('message', (e) => handlers.message(e.data as ValueSet));
    this.channel.on('inspect', (e) => handlers.inspect?.(e.record));
    this.channel.on('checkpoint', (e) => handlers.checkpoint?.(e.state));
    this.channel.on('heartbeat', (e) => {
      if (e.beat === 'pong') this.#watchdog?.pong(e.n);
    });
    this.#endedPromise = new Promise((resolve) => {
      this.host.onExit((info) => {
        this.#ended = true;
        this.#watchdog?.stop();
        this.channel.close(`task ${exitToReason(info, this.#requested)}`);
        handlers.ended(exitToReason(info, this.#requested), info);
        resolve();
      });
    });
    if (options.heartbeat && options.kind !== 'inline') {
      this.#watchdog = createWatchdog({
        clock: options.watchdogClock,
        intervalMs: options.heartbeat.intervalMs,
        timeoutMs: options.heartbeat.timeoutMs,
        ping: (n) => {
          if (!this.#ended) this.channel.send({ kind: 'heartbeat', beat: 'ping', n });
        },
        onUnresponsive: () => {
          void this.terminate('unresponsive');
        },
      });
    }
  }

  /** Whether the host has exited. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Resolves once the host has exited. */
  whenEnded(): Promise<void> {
    return this.#endedPromise;
  }

  /** Calls the task; rejects with TaskUnavailableError if the task is or becomes gone. */
  /** Whether the instance is being released (it completed): a new read of `current` starts another. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Refuses new calls from now on (the task completed and is being released). */
  refuseCalls(reason: string): void {
    this.#closing = true;
    this.channel.refuseCalls(reason);
  }

  /** Sends an envelope (a message or a command) to the task. */
  send(draft: Draft): void {
    if (this.#ended) return;
    this.channel.send(draft);
  }

  /** Sends a command to the task. */
  control(command: ControlCommand): void {
    this.send({ kind: 'control', command });
  }

  /** Ends the host (termination without notice, or the end of a completed task). */
  async terminate(reason: TerminationReason | 'completed'): Promise<void> {
    if (this.#ended) return;
    this.#requested ??= reason;
    this.#watchdog?.stop();
    await this.host.terminate(reason);
    await this.#endedPromise;
  }
}
