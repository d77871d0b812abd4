import { Emitter } from '../../emitter.js';
import type { TaskState } from '../../machines/backgroundTask.js';
import type { CancellationReason, TerminationReason } from '../../machines/cancellationReasons.js';
import type { ValueSet, ValueSetLike } from '../../valueSet.js';
import type { MediaPlayerDataReceivedEventArgs } from '../task/backgroundMediaPlayerTaskView.js';
import type { MediaPlayerProxy } from './playerProxy.js';

/** `taskStateChanged`: one step of the background task's lifecycle. */
export interface TaskStateChangedEventArgs {
  readonly instanceId: string;
  readonly state: TaskState;
  readonly reason?: CancellationReason | TerminationReason;
}

/** Events of the foreground BackgroundMediaPlayer. */
export interface ForegroundBackgroundMediaPlayerEventMap {
  messageReceivedFromBackground: MediaPlayerDataReceivedEventArgs;
  taskStateChanged: TaskStateChangedEventArgs;
  /** Something went wrong that is not the answer to a call: a crash, a refused message. */
  error: Error;
}

/** What the view needs from the app runtime. */
export interface ForegroundPorts {
  current(): MediaPlayerProxy;
  activate(): void;
  send(data: ValueSet): void;
  isMediaPlaying(): Promise<boolean>;
  shutdown(): Promise<void>;
  listenersChanged(type: keyof ForegroundBackgroundMediaPlayerEventMap): void;
}

/**
 * `app.backgroundMediaPlayer`: the foreground's view of the app's background media player.
 * Reading `current`, registering `messageReceivedFromBackground` or sending a message starts the
 * background task if it is not running.
 */
export class BackgroundMediaPlayer {
  #ports: ForegroundPorts;
  /** @internal */
  readonly _events = new Emitter<ForegroundBackgroundMediaPlayerEventMap>();

  /** @internal */
  constructor(ports: ForegroundPorts) {
    this.#ports = ports;
  }

  /**
   * The MediaPlayer proxy. The first read starts the task; a read after the task ended (once
   * `taskStateChanged` said `completed` or `terminated`) starts a fresh instance. Throws
   * `SystemDisposedError` after `system.dispose()` and `InvalidOperationError` once the
   * foreground has terminated.
   *
   * @example
   * ```ts
   * const player = app.backgroundMediaPlayer.current;
   * await player.play();
   * ```
   */
  get current(): MediaPlayerProxy {
    return this.#ports.current();
  }

  /**
   * Listens to `messageReceivedFromBackground` (starts the task; messages sent before this
   * handler existed are delivered to it in order), `taskStateChanged` or `error`.
   *
   * @example
   * ```ts
   * bmp.on('messageReceivedFromBackground', (e) => console.log(e.data.type));
   * bmp.on('taskStateChanged', ({ state, reason }) => console.log(state, reason));
   * ```
   */
  on<K extends keyof ForegroundBackgroundMediaPlayerEventMap>(
    type: K,
    listener: (payload: ForegroundBackgroundMediaPlayerEventMap[K]) => void,
  ): () => void {
    if (!['messageReceivedFromBackground', 'taskStateChanged', 'error'].includes(type)) {
      throw new TypeError(
        `BackgroundMediaPlayer has no event \`${String(type)}\`; use messageReceivedFromBackground, taskStateChanged or error`,
      );
    }
    // Starting first: when the task cannot start (disposed, terminated) nothing is registered.
    if (type === 'messageReceivedFromBackground') this.#ports.activate();
    const off = this._events.on(type, listener);
    this.#ports.listenersChanged(type);
    return () => {
      off();
      this.#ports.listenersChanged(type);
    };
  }

  /**
   * Sends a ValueSet to the task (starting it if needed). Throws `ValueSetError` synchronously,
   * naming the path, when `data` is not a valid ValueSet; nothing is sent then. What is sent is a
   * copy made while checking, so changing `data` afterwards changes nothing. `interface` types
   * are accepted (see `ValueSetLike`).
   *
   * @example
   * ```ts
   * bmp.sendMessageToBackground({ type: 'skipNext' });
   * ```
   */
  sendMessageToBackground<T extends ValueSetLike<T>>(data: T): void {
    this.#ports.send(data as unknown as ValueSet);
  }

  /**
   * Whether media is playing on the device (in any app's background task).
   *
   * @example
   * ```ts
   * if (await bmp.isMediaPlaying()) askUser();
   * ```
   */
  isMediaPlaying(): Promise<boolean> {
    return this.#ports.isMediaPlaying();
  }

  /**
   * Shuts the background task down: it is cancelled (`abort`) and gets its grace period to
   * complete its deferral. Resolves when it has ended. Reading `current` afterwards starts a new
   * instance. Rejects with `SystemDisposedError` after `system.dispose()`.
   *
   * @example
   * ```ts
   * await bmp.shutdown();
   * ```
   */
  shutdown(): Promise<void> {
    return this.#ports.shutdown();
  }
}
