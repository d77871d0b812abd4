import { Emitter } from '../../emitter.js';
import { ForegroundUnavailableError } from '../../errors.js';
import type { ForegroundStateOfTask } from '../../protocol.js';
import { copyValueSet, type ValueSet, type ValueSetLike } from '../../valueSet.js';
import { MessageBuffer } from '../messageBuffer.js';
import type { MediaPlayer } from './mediaPlayer.js';

/**
 * The argument of `messageReceivedFromForeground` / `messageReceivedFromBackground`. `T` is the
 * message type when a message set's `listener` parsed it (so `e.data.type` is a literal union).
 */
export interface MediaPlayerDataReceivedEventArgs<T = ValueSet> {
  /** The ValueSet, as a plain object: `e.data.type`. */
  readonly data: T;
}

/** How the background view reaches the rest of the task host. */
export interface TaskViewPorts {
  player: MediaPlayer;
  /** Sends a validated ValueSet to the foreground (in order, exactly once). */
  postToForeground(data: ValueSet): void;
  /** The foreground's state as last reported by the system. */
  foregroundState(): ForegroundStateOfTask;
  /** Whether any app's player is playing (the system answers). */
  isMediaPlaying(): boolean;
  /** Reports a refused or invalid incoming message (never silently dropped). */
  reportError(error: Error): void;
  /** Ends the task instance (BackgroundMediaPlayer.shutdown from the background). */
  shutdown(): void;
  /** Most messages held while no handler is registered. */
  bufferLimit: number;
  /** A handler threw: the task instance crashes with that error (on every host alike). */
  fail?(error: unknown): void;
}

/**
 * `taskInstance.backgroundMediaPlayer`: the background view. `current` is the real MediaPlayer;
 * messages from the foreground wait in order until a `messageReceivedFromForeground` handler is
 * registered.
 */
export class BackgroundMediaPlayerTaskView {
  #ports: TaskViewPorts;
  #events = new Emitter<{ messageReceivedFromForeground: MediaPlayerDataReceivedEventArgs }>();
  #buffer: MessageBuffer<ValueSet>;
  #draining = false;

  /** @internal */
  constructor(ports: TaskViewPorts) {
    this.#ports = ports;
    this.#buffer = new MessageBuffer('foreground -> background', ports.bufferLimit);
  }

  /** The real MediaPlayer of this app. */
  get current(): MediaPlayer {
    return this.#ports.player;
  }

  /**
   * The foreground's state as the system last reported it: `'visible'`, `'suspended'` (messages
   * wait until it is visible again), `'terminated'` or `'notRunning'` (sending throws
   * `ForegroundUnavailableError`).
   *
   * @example
   * ```ts
   * if (bmp.foregroundState === 'visible' || bmp.foregroundState === 'suspended') {
   *   bmp.sendMessageToForeground({ type: 'trackChanged', title });
   * } else {
   *   pending.title = title; // tell the foreground when it is back
   * }
   * ```
   */
  get foregroundState(): ForegroundStateOfTask {
    return this.#ports.foregroundState();
  }

  /**
   * Listens for messages from the foreground. Messages that arrived before the first handler are
   * delivered to it, in order.
   *
   * @example
   * ```ts
   * bmp.on('messageReceivedFromForeground', (e) => {
   *   if (e.data.type === 'skipNext') list.moveNext();
   * });
   * ```
   */
  on(
    type: 'messageReceivedFromForeground',
    listener: (e: MediaPlayerDataReceivedEventArgs) => void,
  ): () => void {
    if (type !== 'messageReceivedFromForeground') {
      throw new TypeError(
        `The background BackgroundMediaPlayer has no event \`${String(type)}\`; use 'messageReceivedFromForeground'`,
      );
    }
    if (typeof listener !== 'function') {
      throw new TypeError(
        `Listener for 'messageReceivedFromForeground' must be a function, got \`${String(listener)}\``,
      );
    }
    const fail = this.#ports.fail;
    const off = this.#events.on(
      type,
      fail
        ? (e) => {
            try {
              listener(e);
            } catch (error) {
              fail(error);
            }
          }
        : listener,
    );
    if (this.#buffer.size > 0 && !this.#draining) {
      // Until the held messages are out, newer ones queue behind them: order is kept.
      this.#draining = true;
      queueMicrotask(() => {
        this.#draining = false;
        // Nobody listens any more: they stay held for the next handler.
        if (this.#events.listenerCount(type) === 0) return;
        for (const data of this.#buffer.drain()) this.#events.emit(type, { data });
      });
    }
    return off;
  }

  /**
   * Sends a ValueSet to the foreground. Throws `ValueSetError` (nothing sent) when it is not a
   * valid ValueSet, and `ForegroundUnavailableError` when the foreground is not running. What is
   * sent is a copy made while checking; `interface` types are accepted (see `ValueSetLike`).
   *
   * @example
   * ```ts
   * bmp.sendMessageToForeground({ type: 'trackChanged', title: 'Intro' });
   * ```
   */
  sendMessageToForeground<T extends ValueSetLike<T>>(data: T): void {
    const valid = copyValueSet(data);
    const state = this.#ports.foregroundState();
    if (state === 'terminated' || state === 'notRunning') {
      throw new ForegroundUnavailableError(state);
    }
    this.#ports.postToForeground(valid);
  }

  /**
   * Whether media is playing on the device.
   *
   * @example
   * ```ts
   * if (!bmp.isMediaPlaying()) bmp.current.play();
   * ```
   */
  isMediaPlaying(): boolean {
    return this.#ports.isMediaPlaying();
  }

  /**
   * Shuts the background media player down: the task instance ends.
   *
   * @example
   * ```ts
   * bmp.shutdown();
   * ```
   */
  shutdown(): void {
    this.#ports.shutdown();
  }

  /** @internal A message from the foreground arrived (already validated). */
  _deliver(data: ValueSet): void {
    if (this.#events.listenerCount('messageReceivedFromForeground') > 0 && !this.#draining) {
      this.#events.emit('messageReceivedFromForeground', { data });
      return;
    }
    try {
      this.#buffer.push(data);
    } catch (error) {
      this.#ports.reportError(error as Error);
    }
  }
}
