import { type InspectionEvent, toObserver } from 'xstate';
import type { App } from '../actors/foreground/app.js';
import {
  createMediaSystem,
  type MediaSystem,
  type MediaSystemOptions,
} from '../actors/foreground/mediaSystem.js';
import { createVirtualAudio } from '../adapters/audio/virtual.js';
import { createMemoryStateStore } from '../adapters/store/memory.js';
import type { PlaybackStateStore } from '../adapters/store/types.js';
import type { VirtualClock } from '../clock.js';
import { InvalidOperationError } from '../errors.js';
import { createRecorder, type Recorder } from '../inspector/recorder.js';
import { backgroundTaskDefaults } from '../machines/backgroundTask.js';
import { resolvePolicies, type SystemPolicies } from '../machines/deviceFamilies.js';
import { DEFAULT_INACTIVITY_TIMEOUT_MS } from '../machines/policies/inactivityTimeout.js';
import type { Recording } from '../protocol/recording.js';
import { type AppRecording, recordApp } from './recorder.js';
import { SteppingClock } from './steppingClock.js';
import { drain, type Truthy, type WaitForOptions, waitFor } from './waiting.js';

/**
 * Options of {@link createTestSystem}: those of `createMediaSystem`, except the clock, which is
 * always a virtual one the test moves, and `record`.
 */
export type TestSystemOptions = Omit<MediaSystemOptions, 'clock'> & {
  /**
   * Records the whole system for the Backbeat inspector (every actor of both sides, their
   * machine definitions and every inspection event, stamped with the virtual clock):
   * `system.recording()`, `system.saveRecording(file)`, and `path.run(..., { saveRecordingTo })`.
   * An `inspect` option given too still receives every event. Default `false`.
   */
  record?: boolean;
};

/** The policy timings a test system runs with (the defaults filled in). */
export interface TestSystemTimings {
  inactivityTimeoutMs: number;
  cancellationGraceMs: number;
  runBudgetMs: number;
  startTimeoutMs: number;
}

/** A media system on a virtual clock, with helpers to move time and wait for message hops. */
export interface TestSystem extends MediaSystem {
  /** The virtual clock of every policy timer and of inline tasks' media. */
  readonly clock: VirtualClock;
  /** The sub-policies in force (the device family's row after the overrides). */
  readonly policies: Readonly<SystemPolicies>;
  /** The timings in force. */
  readonly timings: Readonly<TestSystemTimings>;
  /**
   * Where the apps' playback checkpoints go: the `stateStore` option, or a store in memory
   * (`keys()`, `saves`) that a test reads with `await system.stateStore.load(appId)`.
   */
  readonly stateStore: PlaybackStateStore;
  /**
   * Moves virtual time forward by `ms`, from timer to timer, letting the work each timer
   * starts (message hops to and from inline tasks) settle before the next one runs.
   */
  advance(ms: number): Promise<void>;
  /** Lets queued work settle without moving time (a few macrotask turns). */
  settle(): Promise<void>;
  /**
   * Waits in real time (default up to 10 s) until `condition()` returns a truthy value, and
   * resolves with it: for message hops only.
   */
  waitFor<T>(condition: () => T, options?: WaitForOptions): Promise<Truthy<T>>;
  /** Records an app's task lifecycle, messages, errors and player states (starts its task). */
  record(app: App): AppRecording;
  /** Whether the system records itself for the inspector (`createTestSystem({ record: true })`). */
  readonly recorded: boolean;
  /**
   * The inspector recording of the whole system so far (a fresh JSON-safe copy), to open with
   * `npx backbeat inspect FILE` once saved. Throws `InvalidOperationError` unless the system was
   * created with `record: true`.
   *
   * @example
   * ```ts
   * const system = createTestSystem({ record: true });
   * // ... launch apps, play, advance time ...
   * const recording = system.recording();
   * Object.keys(recording.actors).length; // every actor of both sides seen so far
   * ```
   */
  recording(): Recording;
  /**
   * Writes {@link TestSystem.recording} to `file` as JSON (creating its directory), and
   * resolves with the file's path; open it with `npx backbeat inspect FILE`. Node only.
   *
   * @example
   * ```ts
   * const system = createTestSystem({ record: true });
   * try {
   *   // ... the test ...
   * } finally {
   *   await system.saveRecording('test-output/recordings/my-test.json');
   * }
   * ```
   */
  saveRecording(file: string): Promise<string>;
  /**
   * Disposes the system as `MediaSystem.dispose` does (every live task is cancelled first and
   * has its grace period), and moves the virtual clock for it: tasks get a moment of real time
   * to answer `canceled` (message hops), then the clock runs through the grace period, so a
   * task that ignores the cancellation is terminated and dispose never waits on a clock nobody
   * moves.
   *
   * @example
   * ```ts
   * afterEach(() => system.dispose());
   * ```
   */
  dispose(): Promise<void>;
}

/** Real time a task gets to answer `canceled` before a test system's dispose moves the clock. */
const DISPOSE_ANSWER_MS = 50;

function timing(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got \`${String(value)}\``);
  }
  return value;
}

/**
 * Creates a media system for tests: every policy timer runs on a virtual clock
 * (`system.clock.advance(ms)` runs the timers due, in order, at once; `await
 * system.advance(ms)` also lets message hops settle between them), apps run their task inline
 * by default with virtual audio on the same clock (media described by `virtual:` URIs with
 * duration, buffering and failure point), and `system.controls` presses buttons as a headset
 * or a remote would.
 *
 * @example
 * ```ts
 * import { createTestSystem } from 'backbeat/testing';
 *
 * const system = createTestSystem({ deviceFamily: 'mobile', inactivityTimeoutMs: 60_000 });
 * const app = system.launchApp({ id: 'music', task: new URL('./task.mjs', import.meta.url) });
 * const recording = system.record(app); // starts the task
 * await system.waitFor(() => recording.taskState === 'alive');
 * await app.backgroundMediaPlayer.current.play();
 * await system.controls.press('pause');
 * app.suspend();
 * await system.advance(60_000);
 * recording.trail.at(-2); // 'canceling:idleTask'
 * await system.dispose();
 * ```
 *
 * @example Recording the system for the inspector
 * ```ts
 * const system = createTestSystem({ record: true });
 * const app = system.launchApp({ id: 'music', task: new URL('./task.mjs', import.meta.url) });
 * await app.backgroundMediaPlayer.current.play();
 * await system.saveRecording('test-output/music.json'); // npx backbeat inspect test-output/music.json
 * ```
 */
export function createTestSystem(options: TestSystemOptions = {}): TestSystem {
  if ('clock' in (options as object)) {
    throw new TypeError(
      `createTestSystem makes its own virtual clock; got a \`clock\` option: ${String((options as { clock?: unknown }).clock)}`,
    );
  }
  const clock = new SteppingClock();
  const policies = resolvePolicies(options.deviceFamily ?? 'desktop', options.policies);
  const timings: TestSystemTimings = {
    inactivityTimeoutMs: timing(
      'inactivityTimeoutMs',
      options.inactivityTimeoutMs,
      DEFAULT_INACTIVITY_TIMEOUT_MS,
    ),
    cancellationGraceMs: timing(
      'cancellationGraceMs',
      options.cancellationGraceMs,
      backgroundTaskDefaults.cancellationGraceMs,
    ),
    runBudgetMs: timing('runBudgetMs', options.runBudgetMs, backgroundTaskDefaults.runBudgetMs),
    startTimeoutMs: timing(
      'startTimeoutMs',
      options.startTimeoutMs,
      backgroundTaskDefaults.startTimeoutMs,
    ),
  };
  const { record = false, ...mediaOptions } = options;
  if (typeof record !== 'boolean') {
    throw new TypeError(
      `createTestSystem's \`record\` must be a boolean, got \`${String(record)}\``,
    );
  }
  const recorder = record ? createRecorder({ clock }) : null;
  const stateStore = options.stateStore ?? createMemoryStateStore();
  const system = createMediaSystem({
    ...mediaOptions,
    ...(recorder ? { inspect: inspectBoth(recorder, options.inspect) } : {}),
    stateStore,
    clock,
    defaultHost: options.defaultHost ?? 'inline',
    inlineAudio: options.inlineAudio ?? ((taskClock) => createVirtualAudio({ clock: taskClock })),
  });
  let disposing: Promise<void> | null = null;
  const dispose = (): Promise<void> => {
    disposing ??= (async () => {
      let done = false;
      const ended = system.dispose().finally(() => {
        done = true;
      });
      const step = Math.max(1, timings.cancellationGraceMs);
      while (!done) {
        await Promise.race([ended, new Promise((r) => setTimeout(r, DISPOSE_ANSWER_MS))]);
        if (!done) await clock.step(step);
      }
      await ended;
    })();
    return disposing;
  };
  return {
    ...system,
    dispose,
    clock,
    policies: Object.freeze({ ...policies }),
    timings: Object.freeze(timings),
    stateStore,
    advance: (ms) => clock.step(ms),
    settle: () => drain(3),
    waitFor,
    record: recordApp,
    recorded: record,
    recording: () => recordingOf(recorder),
    saveRecording: async (file) => writeRecording(file, recordingOf(recorder)),
  };
}

/** The recorder's `inspect` and the user's, as one function (xstate takes either form). */
function inspectBoth(
  recorder: Recorder,
  user: MediaSystemOptions['inspect'],
): (event: InspectionEvent) => void {
  if (!user) return recorder.inspect;
  const observer = toObserver(user);
  return (event) => {
    recorder.inspect(event);
    observer.next?.(event);
  };
}

function recordingOf(recorder: Recorder | null): Recording {
  if (!recorder) {
    throw new InvalidOperationError(
      'This test system does not record itself: create it with createTestSystem({ record: true })',
    );
  }
  return recorder.recording();
}

/**
 * Writes a recording as JSON to `file`, creating its directory; resolves with the path.
 *
 * @internal
 */
export async function writeRecording(file: string, recording: Recording): Promise<string> {
  if (typeof file !== 'string' || file === '') {
    throw new TypeError(`A recording file must be a non-empty path, got \`${String(file)}\``);
  }
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(recording, null, 2)}\n`);
  return file;
}
