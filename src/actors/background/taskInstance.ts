import { Emitter } from '../../emitter.js';
import { InvalidOperationError } from '../../errors.js';
import type { CancellationReason } from '../../machines/cancellationReasons.js';
import type { BackgroundMediaPlayerTaskView } from './backgroundMediaPlayer.js';

/** Lifecycle facts the task instance reports to its host. */
export interface TaskLifecycleSink {
  deferralTaken(): void;
  deferralCompleted(): void;
  /** A `canceled` listener threw: the instance crashes with that error (on every host alike). */
  listenerFailed?(error: unknown): void;
}

/** Keeps a background task alive after `run` returns, until {@link BackgroundTaskDeferral.complete}. */
export interface BackgroundTaskDeferral {
  /** Ends the deferral. A second call does nothing. */
  complete(): void;
}

/** The registration a task instance belongs to; raises `completed` when the instance ends cleanly. */
export interface BackgroundTaskRegistration {
  readonly taskId: string;
  readonly name: string;
  on(type: 'completed', listener: (e: { instanceId: string }) => void): () => void;
}

/**
 * What `run(taskInstance)` receives: the instance's id, its deferrals, the `canceled` event, its
 * registration (`task.on('completed')`) and the background view of the media player.
 */
export class BackgroundTaskInstance {
  readonly instanceId: string;
  readonly backgroundMediaPlayer: BackgroundMediaPlayerTaskView;
  readonly task: BackgroundTaskRegistration;
  #events = new Emitter<{ canceled: CancellationReason }>();
  #registrationEvents = new Emitter<{ completed: { instanceId: string } }>();
  #sink: TaskLifecycleSink;
  #open = 0;
  #taken = false;
  #ended = false;
  #cancelReason: CancellationReason | null = null;

  /** @internal */
  constructor(options: {
    instanceId: string;
    appId: string;
    backgroundMediaPlayer: BackgroundMediaPlayerTaskView;
    sink: TaskLifecycleSink;
  }) {
    this.instanceId = options.instanceId;
    this.backgroundMediaPlayer = options.backgroundMediaPlayer;
    this.#sink = options.sink;
    const registrationEvents = this.#registrationEvents;
    this.task = Object.freeze({
      taskId: options.appId,
      name: `${options.appId}.backgroundAudio`,
      on: (type: 'completed', listener: (e: { instanceId: string }) => void) => {
        if (type !== 'completed') {
          throw new TypeError(`BackgroundTaskRegistration has no event \`${String(type)}\``);
        }
        return registrationEvents.on('completed', listener);
      },
    });
  }

  /** The reason of the cancellation, once `canceled` was raised. */
  get cancellationReason(): CancellationReason | null {
    return this.#cancelReason;
  }

  /**
   * Takes a deferral: the task stays alive after `run` returns until every deferral taken is
   * completed.
   *
   * @example
   * ```ts
   * const deferral = taskInstance.getDeferral();
   * taskInstance.on('canceled', () => deferral.complete());
   * ```
   */
  getDeferral(): BackgroundTaskDeferral {
    if (this.#ended) {
      throw new InvalidOperationError(
        `getDeferral() called on task instance ${this.instanceId} after it ended; take the deferral inside run().`,
      );
    }
    this.#open++;
    if (!this.#taken) {
      this.#taken = true;
      this.#sink.deferralTaken();
    }
    let done = false;
    return Object.freeze({
      complete: () => {
        if (done) return;
        done = true;
        this.#open--;
        if (this.#open === 0) this.#sink.deferralCompleted();
      },
    });
  }

  /**
   * Listens for `canceled` (with its BackgroundTaskCancellationReason). A listener added after the
   * cancellation was raised is called at once (on a microtask), so registering last never misses it.
   *
   * @example
   * ```ts
   * taskInstance.on('canceled', (reason) => { saveState(reason); deferral.complete(); });
   * ```
   */
  on(type: 'canceled', listener: (reason: CancellationReason) => void): () => void {
    if (type !== 'canceled') {
      throw new TypeError(`BackgroundTaskInstance has no event \`${String(type)}\``);
    }
    if (typeof listener !== 'function') {
      throw new TypeError(
        `Listener for 'canceled' must be a function, got \`${String(listener)}\``,
      );
    }
    const failed = this.#sink.listenerFailed;
    const guarded = failed
      ? (value: CancellationReason) => {
          try {
            listener(value);
          } catch (error) {
            failed(error);
          }
        }
      : listener;
    const off = this.#events.on('canceled', guarded);
    const reason = this.#cancelReason;
    if (reason !== null) {
      queueMicrotask(() => {
        if (this.#events.listenerCount('canceled') > 0) guarded(reason);
      });
    }
    return off;
  }

  /** @internal Raises `canceled` (once). */
  _cancel(reason: CancellationReason): void {
    if (this.#cancelReason !== null || this.#ended) return;
    this.#cancelReason = reason;
    this.#events.emit('canceled', reason);
  }

  /** @internal Raises `completed` on the registration and closes the instance. */
  _complete(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#registrationEvents.emit('completed', { instanceId: this.instanceId });
  }

  /** @internal Whether a deferral is still open. */
  get _deferralOpen(): boolean {
    return this.#open > 0;
  }
}
