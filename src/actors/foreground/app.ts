import type { InspectionEvent } from 'xstate';
import type { AudioAdapter } from '../../adapters/audio/types.js';
import type { ControlsTarget } from '../../adapters/controls/types.js';
import type { HostKind } from '../../adapters/transport/types.js';
import type { Clock } from '../../clock.js';
import { Emitter } from '../../emitter.js';
import { InvalidOperationError, TaskUnavailableError } from '../../errors.js';
import type { TerminationReason } from '../../machines/cancellationReasons.js';
import type { MediaSystemEmitted, MediaSystemEvent } from '../../machines/mediaSystem.js';
import { type LifecycleNotice, reviveError } from '../../protocol.js';
import { copyValueSet, type ValueSet } from '../../valueSet.js';
import type { TaskAudio } from '../background/taskMain.js';
import { createTaskInspectionRelay } from '../inspection/taskActors.js';
import { MessageBuffer } from '../messageBuffer.js';
import type { PlayerSnapshot } from '../task/playerSnapshot.js';
import type {
  DeliveryOutcome,
  SystemMediaTransportControlsState,
} from '../task/systemMediaTransportControls.js';
import { BackgroundMediaPlayer } from './backgroundMediaPlayer.js';
import { MediaPlayerProxy } from './playerProxy.js';
import { PlayerReplica } from './playerReplica.js';
import { TaskConnection } from './taskConnection.js';

/** What an app needs from the system that runs it. */
export interface AppHost {
  clock: Clock;
  send(event: MediaSystemEvent): void;
  isAnyPlaying(): boolean;
  memoryLimitMb: number | undefined;
  heartbeat: { intervalMs: number; timeoutMs: number } | false;
  watchdogClock: Clock;
  messageBufferLimit: number;
  completionAckMs: number;
  audio: TaskAudio;
  /** Inline host only: an audio adapter shared with the foreground (tests). */
  inlineAudio?: (clock: Clock) => AudioAdapter;
  /** Receives inspection events of the task's actors (relayed from the task). */
  inspect?: (event: InspectionEvent) => void;
  taskStarting(app: App): void;
  taskEnded(app: App): void;
  controlsReady(app: App): void;
  newInstanceId(appId: string): string;
}

/** Options of `system.launchApp`. */
export interface LaunchAppOptions {
  /** App id, unique in the system. */
  id: string;
  /** URL of the background task module (default export from `defineBackgroundTask`). */
  task: URL | string;
  /** Where the task runs: 'worker' (default), 'process' or 'inline'. */
  host?: HostKind;
}

type ForegroundState = 'visible' | 'suspended' | 'terminated';

/**
 * One app: a foreground (visible, suspended, terminated) and at most one live background task
 * instance, reached through `backgroundMediaPlayer`.
 */
export class App {
  readonly id: string;
  readonly host: HostKind;
  readonly backgroundMediaPlayer: BackgroundMediaPlayer;
  #taskUrl: string;
  #system: AppHost;
  #state: ForegroundState = 'visible';
  #connection: TaskConnection | null = null;
  /** Completed instances whose hosts are still being released. */
  #releasing = new Set<TaskConnection>();
  #replica: PlayerReplica;
  #proxy: MediaPlayerProxy;
  #inbox: MessageBuffer<ValueSet>;
  #draining = false;
  #controlsState: SystemMediaTransportControlsState | null = null;
  #controlsEvents = new Emitter<{ stateChanged: SystemMediaTransportControlsState }>();
  #lastTaskState: string | null = null;

  /** @internal */
  constructor(options: LaunchAppOptions, system: AppHost) {
    this.id = options.id;
    this.host = options.host ?? 'worker';
    this.#taskUrl = typeof options.task === 'string' ? options.task : options.task.href;
    this.#system = system;
    this.#replica = new PlayerReplica(system.clock);
    this.#inbox = new MessageBuffer('background -> foreground', system.messageBufferLimit);
    this.#proxy = new MediaPlayerProxy({
      replica: this.#replica,
      call: (fn) => {
        const connection = this.#connection;
        if (!connection) {
          return Promise.reject(new TaskUnavailableError('not started'));
        }
        return connection.call(fn as never) as never;
      },
    });
    this.backgroundMediaPlayer = new BackgroundMediaPlayer({
      current: () => {
        this.#ensureTask();
        return this.#proxy;
      },
      activate: () => this.#ensureTask(),
      send: (data) => this.#sendToBackground(data),
      isMediaPlaying: async () => this.#system.isAnyPlaying(),
      shutdown: () => this.#shutdown(),
      listenersChanged: (type) => {
        if (type === 'messageReceivedFromBackground') this.#drainInbox();
      },
    });
  }

  /** The foreground's state. */
  get state(): ForegroundState {
    return this.#state;
  }

  /** The live task instance's id, or null. */
  get instanceId(): string | null {
    return this.#connection && !this.#connection.ended ? this.#connection.instanceId : null;
  }

  /**
   * Moves the foreground to the background (not visible). Under the system's policies this may
   * cancel a task that has not played yet (`conditionLoss`) or start the inactivity timer.
   *
   * @example
   * ```ts
   * app.suspend();
   * ```
   */
  suspend(): void {
    this.#requireRunning('suspend');
    if (this.#state === 'suspended') return;
    this.#state = 'suspended';
    this.#system.send({ type: 'APP_SUSPENDED', appId: this.id });
    this.#pushSystemState();
  }

  /**
   * Brings the foreground back; messages held while it was suspended are delivered.
   *
   * @example
   * ```ts
   * app.resume();
   * ```
   */
  resume(): void {
    this.#requireRunning('resume');
    if (this.#state === 'visible') return;
    this.#state = 'visible';
    this.#system.send({ type: 'APP_RESUMED', appId: this.id });
    this.#pushSystemState();
    this.#drainInbox();
  }

  /**
   * Ends the foreground. With shared lifetime the task is shut down too (`terminating`);
   * otherwise it keeps playing. Resolves when the policies have acted.
   *
   * @example
   * ```ts
   * await app.terminate();
   * ```
   */
  async terminate(): Promise<void> {
    if (this.#state === 'terminated') return;
    this.#state = 'terminated';
    this.#system.send({ type: 'APP_TERMINATED', appId: this.id });
    this.#pushSystemState();
    await Promise.resolve();
  }

  /** @internal The controls target for the system's controls adapter. */
  get _controlsTarget(): ControlsTarget {
    return {
      getState: () => {
        if (!this.#controlsState) {
          throw new InvalidOperationError(`App '${this.id}' has no controls state yet`);
        }
        return this.#controlsState;
      },
      on: (type, listener) => this.#controlsEvents.on(type, listener),
      deliver: async (request) => {
        const connection = this.#connection;
        if (!connection || connection.ended) return 'unhandled';
        return (await connection.call((s) => s.deliverControls(request))) as DeliveryOutcome;
      },
    };
  }

  /** @internal Whether the replica says the player is playing. */
  get _playing(): boolean {
    return this.instanceId !== null && this.#replica.snapshot.currentState === 'playing';
  }

  /** @internal A command from the system's statechart for this app. */
  _command(command: MediaSystemEmitted): void {
    const connection = this.#connection;
    if (!connection || connection.instanceId !== command.instanceId) return;
    switch (command.type) {
      case 'cancelTask':
        connection.control({ type: 'cancel', reason: command.reason });
        break;
      case 'terminateTask':
        void connection.terminate(command.reason);
        break;
      case 'taskStateChanged': {
        if (this.#lastTaskState === `${command.instanceId}:${command.state}`) break;
        this.#lastTaskState = `${command.instanceId}:${command.state}`;
        if (command.state === 'completed') connection.refuseCalls('completed');
        this.backgroundMediaPlayer._events.emit('taskStateChanged', {
          instanceId: command.instanceId,
          state: command.state,
          ...(command.reason === undefined ? {} : { reason: command.reason }),
        });
        if (command.state === 'completed') this.#finish(connection);
        if (command.state === 'terminated') {
          void connection.terminate((command.reason as TerminationReason) ?? 'shutdown');
        }
        break;
      }
    }
  }

  /** @internal Ends the task at once (system dispose). */
  async _dispose(): Promise<void> {
    const all = [...this.#releasing, ...(this.#connection ? [this.#connection] : [])];
    await Promise.all(all.map((c) => c.terminate('shutdown')));
  }

  #requireRunning(what: string): void {
    if (this.#state === 'terminated') {
      throw new InvalidOperationError(`Cannot ${what} app '${this.id}': it has terminated`);
    }
  }

  #ensureTask(): TaskConnection {
    const live = this.#connection;
    if (live && !live.ended && !live.closing) return live;
    if (this.#state === 'terminated') {
      throw new InvalidOperationError(
        `App '${this.id}' has terminated; its background task cannot be started`,
      );
    }
    const instanceId = this.#system.newInstanceId(this.id);
    this.#replica.reset(instanceId);
    this.#controlsState = null;
    const clock = this.#system.clock;
    const inline = this.host === 'inline';
    const inspect = this.#system.inspect;
    const inspection = inspect
      ? createTaskInspectionRelay({ appId: this.id, instanceId, inspect })
      : null;
    const connection = new TaskConnection({
      kind: this.host,
      clock,
      init: {
        appId: this.id,
        instanceId,
        taskUrl: this.#taskUrl,
        messageBufferLimit: this.#system.messageBufferLimit,
        foregroundState: this.#state,
        audio: this.#system.audio,
        inspect: inspection !== null,
      },
      ...(inline
        ? {
            locals: {
              clock,
              ...(this.#system.inlineAudio ? { audio: this.#system.inlineAudio } : {}),
            },
          }
        : {}),
      ...(this.#system.memoryLimitMb === undefined
        ? {}
        : { memoryLimitMb: this.#system.memoryLimitMb }),
      heartbeat: this.#system.heartbeat,
      watchdogClock: this.#system.watchdogClock,
      handlers: {
        notice: (n) => this.#onNotice(connection, n),
        event: (name, payload) => this.#onEvent(connection, name, payload),
        snapshot: (state, seq) => {
          if (this.#replica.apply(instanceId, seq, state as unknown as PlayerSnapshot)) {
            this.#proxy._emit('snapshotChanged', this.#replica.snapshot);
          }
        },
        message: (data) => this.#onMessage(data as ValueSet),
        inspect: (record) => inspection?.receive(record),
        ended: (reason) => {
          inspection?.end(reason);
          // A released instance may exit after a fresh one started: it speaks for itself only.
          if (connection !== this.#connection) return;
          if (reason !== 'completed') {
            this.#system.send({ type: 'TASK_TERMINATED', appId: this.id, reason });
          }
          this.#system.taskEnded(this);
        },
        protocolError: (error) => this.backgroundMediaPlayer._events.emit('error', error),
      },
    });
    this.#connection = connection;
    this.#system.taskStarting(this);
    // After the connection is in place, so the system's first `starting` finds it; the task's
    // own notices arrive asynchronously, after this.
    const starting = { type: 'TASK_STARTING', appId: this.id, instanceId } as const;
    // Replacing an instance that is still being released: let the system see that one end first.
    if (live) queueMicrotask(() => this.#system.send(starting));
    else this.#system.send(starting);
    return connection;
  }

  #onNotice(connection: TaskConnection, notice: LifecycleNotice): void {
    if (connection !== this.#connection) return;
    const appId = this.id;
    switch (notice.type) {
      case 'runEntered':
        this.#system.send({ type: 'TASK_RUN_ENTERED', appId });
        break;
      case 'runReturned':
        this.#system.send({ type: 'TASK_RUN_RETURNED', appId });
        break;
      case 'deferralTaken':
        this.#system.send({ type: 'TASK_DEFERRAL_TAKEN', appId });
        break;
      case 'deferralCompleted':
        this.#system.send({ type: 'TASK_DEFERRAL_COMPLETED', appId });
        break;
      case 'taskError':
        this.backgroundMediaPlayer._events.emit('error', reviveError(notice.error));
        void connection.terminate('crashed');
        break;
      case 'taskWarning':
        this.backgroundMediaPlayer._events.emit('error', reviveError(notice.error));
        break;
      case 'shutdownRequested':
        void connection.terminate('shutdown');
        break;
      case 'completed':
        void connection.terminate('completed');
        break;
      default:
        break;
    }
  }

  #onEvent(connection: TaskConnection, name: string, payload: unknown): void {
    if (connection !== this.#connection) return;
    if (name === 'controls.stateChanged') {
      const first = this.#controlsState === null;
      this.#controlsState = payload as SystemMediaTransportControlsState;
      if (first) this.#system.controlsReady(this);
      else this.#controlsEvents.emit('stateChanged', this.#controlsState);
      return;
    }
    if (name === 'currentStateChanged') {
      const playing = (payload as { state?: string }).state === 'playing';
      this.#system.send({ type: 'TASK_PLAYING', appId: this.id, playing });
    }
    this.#proxy._emit(name, payload);
  }

  #onMessage(data: ValueSet): void {
    const listening = this.backgroundMediaPlayer._events.listenerCount(
      'messageReceivedFromBackground',
    );
    if (listening > 0 && this.#state === 'visible' && this.#inbox.size === 0 && !this.#draining) {
      this.backgroundMediaPlayer._events.emit('messageReceivedFromBackground', { data });
      return;
    }
    try {
      this.#inbox.push(data);
    } catch (error) {
      this.backgroundMediaPlayer._events.emit('error', error as Error);
    }
  }

  #drainInbox(): void {
    const events = this.backgroundMediaPlayer._events;
    if (this.#state !== 'visible' || events.listenerCount('messageReceivedFromBackground') === 0) {
      return;
    }
    if (this.#inbox.size === 0 || this.#draining) return;
    // Until the held messages are out, newer ones queue behind them: order is kept.
    this.#draining = true;
    queueMicrotask(() => {
      this.#draining = false;
      // Suspended again, or nobody listens any more: they stay held for the next drain.
      if (
        this.#state !== 'visible' ||
        events.listenerCount('messageReceivedFromBackground') === 0
      ) {
        return;
      }
      for (const data of this.#inbox.drain()) {
        events.emit('messageReceivedFromBackground', { data });
      }
    });
  }

  #sendToBackground(data: ValueSet): void {
    this.#requireRunning('send a message from');
    const valid = copyValueSet(data);
    const connection = this.#ensureTask();
    connection.send({ kind: 'message', data: valid as Record<string, unknown> });
  }

  #pushSystemState(): void {
    const connection = this.#connection;
    if (!connection || connection.ended) return;
    connection.control({
      type: 'systemState',
      foreground: this.#state,
      otherMediaPlaying: this.#system.isAnyPlaying(),
    });
  }

  #finish(connection: TaskConnection): void {
    connection.refuseCalls('completed');
    this.#releasing.add(connection);
    void connection.whenEnded().then(() => this.#releasing.delete(connection));
    connection.control({ type: 'complete' });
    const clock = this.#system.clock;
    const timer = clock.setTimeout(() => {
      void connection.terminate('completed');
    }, this.#system.completionAckMs);
    void connection.whenEnded().then(() => clock.clearTimeout(timer));
  }

  async #shutdown(): Promise<void> {
    const connection = this.#connection;
    if (!connection || connection.ended) return;
    this.#system.send({ type: 'TASK_SHUTDOWN', appId: this.id });
    await connection.whenEnded();
  }
}
