import type { AnyActorRef, InspectionEvent } from 'xstate';
import type { AudioAdapter, AudioEngine } from '../../adapters/audio/types.js';
import type { ControlsTarget } from '../../adapters/controls/types.js';
import type { PlaybackStateStore } from '../../adapters/store/types.js';
import type { ExitInfo, HostKind } from '../../adapters/transport/types.js';
import type { Clock } from '../../clock.js';
import { Emitter } from '../../emitter.js';
import {
  InvalidOperationError,
  SYSTEM_DISPOSED_REASON,
  SystemDisposedError,
  TaskCrashedError,
  TaskUnavailableError,
} from '../../errors.js';
import type { TerminationReason } from '../../machines/cancellationReasons.js';
import type { ForegroundAppState } from '../../machines/foregroundApp.js';
import type { MediaSystemEmitted, MediaSystemEvent } from '../../machines/mediaSystem.js';
import {
  type EnvelopeOf,
  type LifecycleNotice,
  reviveError,
  type SystemMediaTransportControlsState,
  type TaskAudio,
  type TaskCalls,
} from '../../protocol.js';
import { copyValueSet, type ValueSet } from '../../valueSet.js';
import { MessageBuffer } from '../messageBuffer.js';
import { BackgroundMediaPlayer } from './backgroundMediaPlayer.js';
import { inspectBoundary } from './boundaryInspection.js';
import { PlaybackStateKeeper } from './playbackStateKeeper.js';
import { MediaPlayerProxy } from './playerProxy.js';
import { PlayerReplica } from './playerReplica.js';
import { createTaskInspectionRelay } from './taskActors.js';
import { TaskConnection } from './taskConnection.js';

/** What an app needs from the system that runs it. */
export interface AppHost {
  clock: Clock;
  send(event: MediaSystemEvent): void;
  /** Whether any app's player plays, as the system's statechart knows it. */
  isAnyPlaying(): boolean;
  memoryLimitMb: number | undefined;
  heartbeat: { intervalMs: number; timeoutMs: number } | false;
  watchdogClock: Clock;
  messageBufferLimit: number;
  completionAckMs: number;
  audio: TaskAudio;
  /** Inline host only: an audio adapter shared with the foreground (tests). */
  inlineAudio?: (clock: Clock) => AudioAdapter;
  /** Browser: the page's engine tasks play through (default: one per page and kind). */
  audioEngine?: AudioEngine;
  /** Receives inspection events of the task's actors (relayed from the task). */
  inspect?: (event: InspectionEvent) => void;
  /** The app's session actor in the system's statechart (`app:ID`), for inspection. */
  sessionActor(appId: string): AnyActorRef | undefined;
  /** Where the apps' playback checkpoints are kept unless an app names its own store. */
  stateStore: PlaybackStateStore;
  taskStarting(app: App): void;
  taskEnded(app: App): void;
  controlsReady(app: App): void;
  /** A relaunched foreground took over the live task of the app it replaces. */
  taskAdopted(from: App, to: App): void;
  /** Whether the system's statechart tracks this instance as a live task. */
  tracksTask(appId: string, instanceId: string): boolean;
  /** The app's foreground state as the system's statechart holds it. */
  foregroundState(appId: string): ForegroundAppState | undefined;
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
  /**
   * Where this app's playback checkpoints are kept, by app id (default: the system's
   * `stateStore`). Used when the task opts in with `defineBackgroundTask({ resume: true })`.
   */
  stateStore?: PlaybackStateStore;
  /**
   * In a browser: whether the app's foreground follows its page (default `true`): the page
   * hidden or frozen suspends it, shown again resumes it, unloaded for good terminates it.
   * Node ignores it.
   */
  pageLifecycle?: boolean;
}

type ForegroundState = 'visible' | 'suspended' | 'terminated';

/**
 * One app: a foreground (visible, suspended, terminated) and at most one live background task
 * instance, reached through `backgroundMediaPlayer`. `system.launchApp` returns it; launching
 * the same id again after its foreground terminated returns a new App that adopts the task that
 * outlived the old foreground, so an app id never has two live tasks.
 *
 * @example
 * ```ts
 * const app = system.launchApp({ id: 'music', task: new URL('./task.mjs', import.meta.url) });
 * app.backgroundMediaPlayer.on('taskStateChanged', ({ state }) => console.log(state));
 * await app.backgroundMediaPlayer.current.play();
 * app.suspend();                  // the UI went to the background
 * await app.terminate();          // the UI closed; with shared lifetime off the task plays on
 * const again = system.launchApp({ id: 'music', task: new URL('./task.mjs', import.meta.url) });
 * again.instanceId === app.instanceId; // true: the same task, adopted
 * ```
 */
export class App {
  readonly id: string;
  readonly host: HostKind;
  readonly backgroundMediaPlayer: BackgroundMediaPlayer;
  #taskUrl: string;
  #system: AppHost;
  #connection: TaskConnection | null = null;
  /** Completed instances whose hosts are still being released. */
  #releasing = new Set<TaskConnection>();
  /** The system was disposed: nothing starts or is sent any more. */
  #disposed = false;
  /** The App a relaunch of this id created; it owns what this one had. */
  #successor: App | null = null;
  #replica: PlayerReplica;
  #proxy: MediaPlayerProxy;
  #inbox: MessageBuffer<ValueSet>;
  #draining = false;
  #controlsState: SystemMediaTransportControlsState | null = null;
  #controlsEvents = new Emitter<{ stateChanged: SystemMediaTransportControlsState }>();
  #lastTaskState: string | null = null;
  #playbackState: PlaybackStateKeeper;

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
      call: (name, args) => {
        if (this.#disposed) return Promise.reject(new SystemDisposedError('MediaPlayer call'));
        if (this.#successor) return Promise.reject(this.#relaunchedError());
        const connection = this.#connection;
        if (!connection) return Promise.reject(new TaskUnavailableError('not started'));
        // `args` fits `name` by the command table; TypeScript cannot follow the generic through.
        return connection.channel.call(name, args as Parameters<TaskCalls[typeof name]>);
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
    this.#playbackState = new PlaybackStateKeeper(
      options.stateStore ?? system.stateStore,
      this.id,
      (error) => this.backgroundMediaPlayer._events.emit('error', error),
    );
  }

  /** The foreground's state (held by the system's statechart; a relaunched id's old App is terminated). */
  get state(): ForegroundState {
    if (this.#successor) return 'terminated';
    const state = this.#system.foregroundState(this.id);
    return state === 'visible' || state === 'suspended' ? state : 'terminated';
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
    if (this.state === 'suspended') return;
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
    if (this.state === 'visible') return;
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
    if (this.state === 'terminated' || this.#disposed) return;
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
        return connection.channel.call('deliverControls', [request]);
      },
    };
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
        void this.#endConnection(connection, command.reason);
        break;
      case 'taskStateChanged': {
        if (this.#lastTaskState === `${command.instanceId}:${command.state}`) break;
        this.#lastTaskState = `${command.instanceId}:${command.state}`;
        if (command.state === 'completed') connection.refuseCalls('completed');
        if (command.state === 'terminated') {
          // From here on `current` reaches a fresh instance; this one is only being ended.
          connection.refuseCalls(`terminated: ${command.reason ?? 'shutdown'}`);
          this.#release(connection);
        }
        if (command.state === 'completed' || command.state === 'terminated') {
          this.#closeReplica(command.instanceId);
        }
        this.backgroundMediaPlayer._events.emit('taskStateChanged', {
          instanceId: command.instanceId,
          state: command.state,
          ...(command.reason === undefined ? {} : { reason: command.reason }),
        });
        if (command.state === 'completed') this.#finish(connection);
        if (command.state === 'terminated') {
          void this.#endConnection(connection, (command.reason as TerminationReason) ?? 'shutdown');
        }
        break;
      }
    }
  }

  /**
   * @internal System dispose: from now on nothing starts. The live task is cancelled (`abort`)
   * and gets its grace period, as with `shutdown()`; instances already ending are ended now.
   */
  async _dispose(): Promise<void> {
    this.#disposed = true;
    const live = this.#connection;
    const waits = [...this.#releasing].map((c) => this.#endConnection(c, 'shutdown'));
    if (live && !live.ended) {
      if (!live.closing && this.#system.tracksTask(this.id, live.instanceId)) {
        this.#system.send({ type: 'TASK_SHUTDOWN', appId: this.id });
        waits.push(live.whenEnded());
      } else {
        waits.push(this.#endConnection(live, 'shutdown'));
      }
    }
    await Promise.all(waits);
    await this.#playbackState.flush();
  }

  /**
   * @internal A relaunch of this app id: `this` is the new foreground and takes over the task
   * (and everything waiting for a foreground) that outlived `previous`.
   */
  _adopt(previous: App): void {
    previous.#successor = this;
    this.#releasing = previous.#releasing;
    this.#inbox = previous.#inbox;
    const live = previous.#connection;
    previous.#connection = null;
    if (live && !live.ended) {
      this.#connection = live;
      this.#replica.adopt(previous.#replica);
      this.#controlsState = previous.#controlsState;
      this.#lastTaskState = previous.#lastTaskState;
      this.#system.taskAdopted(previous, this);
    }
    this.#pushSystemState();
  }

  #relaunchedError(): InvalidOperationError {
    return new InvalidOperationError(
      `App '${this.id}' was launched again; use the App the last launchApp returned`,
    );
  }

  /** Keeps an ending instance to hand to dispose until its host is gone. */
  #release(connection: TaskConnection): void {
    if (connection.ended || this.#releasing.has(connection)) return;
    const releasing = this.#releasing;
    releasing.add(connection);
    void connection.whenEnded().then(() => releasing.delete(connection));
  }

  /** Ends an instance's host; after dispose its pending calls say so. */
  #endConnection(
    connection: TaskConnection,
    reason: TerminationReason | 'completed',
  ): Promise<void> {
    if (this.#disposed && !connection.ended) connection.channel.close(SYSTEM_DISPOSED_REASON);
    return connection.terminate(reason);
  }

  #closeReplica(instanceId: string): void {
    if (this.#replica.close(instanceId)) {
      this.#proxy._emit('snapshotChanged', this.#replica.snapshot);
    }
  }

  /** A crash the foreground did not cause: the `error` event carries what the task left. */
  #reportCrash(instanceId: string, reason: string, info: ExitInfo): void {
    const own = reason === 'crashed' && info.signal === undefined ? info.error : undefined;
    const error =
      own ??
      new TaskCrashedError(instanceId, reason, {
        ...(info.code === undefined ? {} : { exitCode: info.code }),
        ...(info.signal === undefined ? {} : { signal: info.signal }),
        ...(info.error === undefined ? {} : { cause: info.error }),
      });
    this.backgroundMediaPlayer._events.emit('error', error);
  }

  #requireRunning(what: string): void {
    if (this.#disposed) throw new SystemDisposedError(`${what} app '${this.id}'`);
    if (this.state === 'terminated') {
      throw new InvalidOperationError(`Cannot ${what} app '${this.id}': it has terminated`);
    }
  }

  #ensureTask(): TaskConnection {
    if (this.#disposed) {
      throw new SystemDisposedError(`Starting the background task of app '${this.id}'`);
    }
    if (this.#successor) throw this.#relaunchedError();
    const live = this.#connection;
    if (live && !live.ended && !live.closing) return live;
    if (this.state === 'terminated') {
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
    const boundary = inspect
      ? inspectBoundary({
          appId: this.id,
          instanceId,
          session: this.#system.sessionActor(this.id),
          inspect,
        })
      : null;
    // The App that owns this instance now: a relaunched foreground adopts it.
    const owner = (): App => {
      let app: App = this;
      while (app.#successor) app = app.#successor;
      return app;
    };
    const connection = new TaskConnection({
      kind: this.host,
      clock,
      init: {
        appId: this.id,
        instanceId,
        taskUrl: this.#taskUrl,
        messageBufferLimit: this.#system.messageBufferLimit,
        foregroundState: this.state,
        audio: this.#system.audio,
        inspect: inspection !== null,
        restoredState:
          this.#playbackState.latest ?? (this.#playbackState.latest === null ? null : 'pending'),
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
      ...(this.#system.audioEngine ? { audioEngine: this.#system.audioEngine } : {}),
      heartbeat: this.#system.heartbeat,
      watchdogClock: this.#system.watchdogClock,
      ...(boundary ? { onEnvelope: boundary.onEnvelope } : {}),
      handlers: {
        notice: (n) => owner().#onNotice(connection, n),
        event: (event) => owner().#onEvent(connection, event),
        snapshot: (state, seq) => {
          const app = owner();
          if (app.#replica.apply(instanceId, seq, state)) {
            app.#proxy._emit('snapshotChanged', app.#replica.snapshot);
          }
        },
        message: (data) => owner().#onMessage(data),
        inspect: (record) => inspection?.receive(record),
        checkpoint: (state) => owner().#playbackState.receive(state),
        ended: (reason, info) => {
          inspection?.end(reason);
          boundary?.end(reason);
          const app = owner();
          app.#closeReplica(instanceId);
          // A released instance may exit after a fresh one started: it speaks for itself only.
          if (connection !== app.#connection) return;
          if (reason !== 'completed') {
            if (info.reason !== 'terminated') app.#reportCrash(instanceId, reason, info);
            app.#system.send({ type: 'TASK_TERMINATED', appId: app.id, reason });
          }
          app.#system.taskEnded(app);
        },
        protocolError: (error) => owner().backgroundMediaPlayer._events.emit('error', error),
      },
    });
    this.#connection = connection;
    if (this.#playbackState.latest === undefined) {
      void this.#playbackState.whenLoaded().then((state) => {
        if (!connection.ended) connection.control({ type: 'restoredState', state });
      });
    }
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
    if (connection !== this.#connection) {
      // A completed instance replaced by a fresh one still says when it let go.
      if (notice.type === 'completed') void this.#endConnection(connection, 'completed');
      return;
    }
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
        void this.#endConnection(connection, 'crashed');
        break;
      case 'taskWarning':
        this.backgroundMediaPlayer._events.emit('error', reviveError(notice.error));
        break;
      case 'shutdownRequested':
        void this.#endConnection(connection, 'shutdown');
        break;
      case 'completed':
        void this.#endConnection(connection, 'completed');
        break;
      default:
        break;
    }
  }

  #onEvent(connection: TaskConnection, event: EnvelopeOf<'event'>): void {
    if (connection !== this.#connection) return;
    if (event.name === 'controls.stateChanged') {
      const first = this.#controlsState === null;
      this.#controlsState = event.payload;
      if (first) this.#system.controlsReady(this);
      else this.#controlsEvents.emit('stateChanged', this.#controlsState);
      return;
    }
    if (event.name === 'currentStateChanged') {
      const playing = event.payload.state === 'playing';
      this.#system.send({ type: 'TASK_PLAYING', appId: this.id, playing });
    }
    this.#proxy._emit(event.name, event.payload as never);
  }

  #onMessage(data: ValueSet): void {
    const listening = this.backgroundMediaPlayer._events.listenerCount(
      'messageReceivedFromBackground',
    );
    if (listening > 0 && this.state === 'visible' && this.#inbox.size === 0 && !this.#draining) {
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
    if (this.state !== 'visible' || events.listenerCount('messageReceivedFromBackground') === 0) {
      return;
    }
    if (this.#inbox.size === 0 || this.#draining) return;
    // Until the held messages are out, newer ones queue behind them: order is kept.
    this.#draining = true;
    queueMicrotask(() => {
      this.#draining = false;
      // Suspended again, or nobody listens any more: they stay held for the next drain.
      if (this.state !== 'visible' || events.listenerCount('messageReceivedFromBackground') === 0) {
        return;
      }
      for (const data of this.#inbox.drain()) {
        events.emit('messageReceivedFromBackground', { data });
      }
    });
  }

  #sendToBackground(data: ValueSet): void {
    if (this.#disposed)
      throw new SystemDisposedError(`sendMessageToBackground of app '${this.id}'`);
    this.#requireRunning('send a message from');
    const valid = copyValueSet(data);
    const connection = this.#ensureTask();
    connection.channel.send({ kind: 'message', data: valid });
  }

  #pushSystemState(): void {
    const connection = this.#connection;
    if (!connection || connection.ended) return;
    connection.control({
      type: 'systemState',
      foreground: this.state,
      otherMediaPlaying: this.#system.isAnyPlaying(),
    });
  }

  #finish(connection: TaskConnection): void {
    connection.refuseCalls('completed');
    this.#release(connection);
    connection.control({ type: 'complete' });
    const clock = this.#system.clock;
    const timer = clock.setTimeout(() => {
      void this.#endConnection(connection, 'completed');
    }, this.#system.completionAckMs);
    void connection.whenEnded().then(() => clock.clearTimeout(timer));
  }

  async #shutdown(): Promise<void> {
    if (this.#disposed) throw new SystemDisposedError(`shutdown() of app '${this.id}'`);
    const connection = this.#connection;
    if (!connection || connection.ended) return;
    this.#system.send({ type: 'TASK_SHUTDOWN', appId: this.id });
    await connection.whenEnded();
  }
}
