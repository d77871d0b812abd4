import { Emitter } from '../../emitter.js';
import { InvalidOperationError } from '../../errors.js';
import type { CancellationReason } from '../../machines/cancellationReasons.js';
import type { PlaybackCheckpoint } from '../../protocol.js';
import type { ValueSet } from '../../valueSet.js';
import type { BackgroundMediaPlayerTaskView } from './backgroundMediaPlayerTaskView.js';
import type { MediaPlaybackList } from './playbackList.js';
import type { InspectObserver } from './taskEnvironment.js';

/** Lifecycle facts the task instance reports to its host. */
export interface TaskLifecycleSink {
  deferralTaken(): void;
  deferralCompleted(): void;
  /** A `canceled` listener threw: the instance crashes with that error (on every host alike). */
  listenerFailed?(error: unknown): void;
}

/** How the instance reaches the task's checkpoints (set once the task opted in to resume). */
export interface TaskResumePort {
  restoredState: PlaybackCheckpoint | null;
  restore(checkpoint: PlaybackCheckpoint, setSource: boolean): MediaPlaybackList;
  setAppState(values: ValueSet | null): void;
  checkpoint(): PlaybackCheckpoint | null;
  /** The instance is being cancelled or its last deferral completes after a cancellation. */
  canceled(): void;
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
  /**
   * The inspection observer of this task instance while the system is inspected
   * (`createMediaSystem({ inspect })`), else undefined. The task's player and playlists report
   * to it by themselves; pass it to the actors the task starts itself and they are seen in the
   * same inspector, beside the foreground's statecharts. Undefined, `createActor` gets no
   * observer and nothing is computed.
   *
   * @example
   * ```ts
   * import { createActor } from 'xstate';
   *
   * const chapters = createActor(chapterMachine, { inspect: taskInstance.inspect }).start();
   * ```
   */
  readonly inspect: InspectObserver | undefined;
  #events = new Emitter<{ canceled: CancellationReason }>();
  #registrationEvents = new Emitter<{ completed: { instanceId: string } }>();
  #sink: TaskLifecycleSink;
  #open = 0;
  #taken = false;
  #ended = false;
  #cancelReason: CancellationReason | null = null;
  #resume: TaskResumePort | null = null;

  /** @internal */
  constructor(options: {
    instanceId: string;
    appId: string;
    backgroundMediaPlayer: BackgroundMediaPlayerTaskView;
    sink: TaskLifecycleSink;
    inspect?: InspectObserver | undefined;
  }) {
    this.instanceId = options.instanceId;
    this.backgroundMediaPlayer = options.backgroundMediaPlayer;
    this.inspect = options.inspect;
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
        if (this.#open === 0) {
          // The last word of a cancelled task: checkpoint what its handlers left behind.
          if (this.#cancelReason !== null) this.#resume?.canceled();
          this.#sink.deferralCompleted();
        }
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
    this.#resume?.canceled();
  }

  /** @internal Connects the task's checkpoints (the task opted in to resume). */
  _attachResume(port: TaskResumePort): void {
    this.#resume = port;
  }

  /**
   * The last playback checkpoint of the app, taken by an earlier instance (which may have been
   * cancelled, crashed or been killed without notice), or null: none yet, or the task did not
   * opt in with `defineBackgroundTask({ resume: true, run })`.
   *
   * @example
   * ```ts
   * const saved = taskInstance.restoredState;
   * if (saved) console.log(saved.items[saved.currentItemIndex]?.uri, saved.position);
   * ```
   */
  get restoredState(): PlaybackCheckpoint | null {
    return this.#resume?.restoredState ?? null;
  }

  /**
   * Rebuilds the playback of the last checkpoint in one call: a new MediaPlaybackList of the
   * saved items, with repeat, shuffle and its order, set as the player's source at the saved
   * item, seeking to the saved position once it opened; volume, mute, rate, looping and the app
   * state come back too. Whether it plays follows the player's `autoPlay`, as for any source.
   * Returns the list, or null when there is no checkpoint (build your own then). With
   * `{ setSource: false }` the list is not made the source yet: add listeners first (the first
   * `currentItemChanged` comes as the source is set), then set `player.source = list`.
   *
   * @example
   * ```ts
   * const list = taskInstance.restorePlayback({ setSource: false }) ?? buildDefaultList();
   * list.on('currentItemChanged', ({ newItem }) => updateControls(newItem));
   * player.source = list;
   * ```
   */
  restorePlayback(options: { setSource?: boolean } = {}): MediaPlaybackList | null {
    const resume = this.#requireResume('restorePlayback()');
    const setSource = options?.setSource ?? true;
    if (typeof setSource !== 'boolean') {
      throw new TypeError(
        `restorePlayback: \`setSource\` must be a boolean, got \`${String(setSource)}\``,
      );
    }
    const saved = resume.restoredState;
    return saved ? resume.restore(saved, setSource) : null;
  }

  /**
   * Sets the app's own ValueSet carried by every later checkpoint (it comes back as
   * `restoredState.appState`); null clears it. Throws `ValueSetError` naming the path when
   * `values` is not a valid ValueSet (the previous one is kept).
   *
   * @example
   * ```ts
   * taskInstance.setAppState({ chapter: 3, lastOpened: new Date() });
   * ```
   */
  setAppState(values: ValueSet | null): void {
    this.#requireResume('setAppState()').setAppState(values);
  }

  /**
   * Takes a checkpoint now (besides those taken on `canceled`, on pause, on item change and
   * while playing) and hands it to the foreground's store.
   *
   * @example
   * ```ts
   * taskInstance.setAppState({ bookmark: 'chapter-3' });
   * taskInstance.checkpoint();
   * ```
   */
  checkpoint(): void {
    this.#requireResume('checkpoint()').checkpoint();
  }

  #requireResume(what: string): TaskResumePort {
    if (!this.#resume) {
      throw new InvalidOperationError(
        `${what} needs the task to opt in to resume: defineBackgroundTask({ resume: true, run }) (task instance ${this.instanceId})`,
      );
    }
    return this.#resume;
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
