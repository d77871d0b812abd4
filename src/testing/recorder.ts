import type { App } from '../actors/foreground/app.js';
import type { TaskStateChangedEventArgs } from '../actors/foreground/backgroundMediaPlayer.js';
import type { TaskState } from '../machines/backgroundTask.js';
import type { MediaPlayerState } from '../machines/mediaPlayer.js';
import type { ValueSet } from '../valueSet.js';

/** What {@link recordApp} has seen of one app's background task so far. */
export interface AppRecording {
  /** Every `taskStateChanged`, in order, across task instances. */
  readonly taskStates: readonly TaskStateChangedEventArgs[];
  /** The same as `'state'` or `'state:reason'` strings: `['starting', 'running', 'alive', 'canceling:idleTask', 'completed']`. */
  readonly trail: readonly string[];
  /** The latest task state, or null before the first. */
  readonly taskState: TaskState | null;
  /** Every message the task sent, in the order the foreground received them. */
  readonly messages: readonly ValueSet[];
  /** Every `error` event of the app's BackgroundMediaPlayer. */
  readonly errors: readonly Error[];
  /** Every `currentStateChanged` state of the player, in order. */
  readonly playerStates: readonly MediaPlayerState[];
  /** The live task's player is playing (its last `currentStateChanged` said so). */
  readonly playing: boolean;
  /** Stops recording. */
  stop(): void;
}

/**
 * Records what an app's background task does: its lifecycle (`taskStateChanged`), its messages,
 * its errors and its player's states. Listening for messages starts the task, as registering
 * `messageReceivedFromBackground` always does; messages for a suspended app wait until it
 * resumes, as they do for any listener.
 *
 * @example
 * ```ts
 * const recording = recordApp(app);
 * await system.waitFor(() => recording.taskState === 'alive');
 * app.suspend();
 * await system.advance(0);
 * recording.trail; // ['starting', 'running', 'alive', 'canceling:conditionLoss', 'completed']
 * ```
 */
export function recordApp(app: App): AppRecording {
  const bmp = app.backgroundMediaPlayer;
  const taskStates: TaskStateChangedEventArgs[] = [];
  const trail: string[] = [];
  const messages: ValueSet[] = [];
  const errors: Error[] = [];
  const playerStates: MediaPlayerState[] = [];
  let playing = false;
  const offs = [
    bmp.on('taskStateChanged', (e) => {
      if (e.state === 'starting' || e.state === 'completed' || e.state === 'terminated') {
        playing = false;
      }
      taskStates.push(e);
      trail.push(e.reason === undefined ? e.state : `${e.state}:${e.reason}`);
    }),
    bmp.on('error', (e) => errors.push(e)),
    bmp.on('messageReceivedFromBackground', ({ data }) => messages.push(data)),
    bmp.current.on('currentStateChanged', ({ state }) => {
      playerStates.push(state);
      playing = state === 'playing';
    }),
  ];
  return {
    taskStates,
    trail,
    messages,
    errors,
    playerStates,
    get taskState() {
      return taskStates.at(-1)?.state ?? null;
    },
    get playing() {
      return playing;
    },
    stop() {
      for (const off of offs.splice(0)) off();
    },
  };
}
