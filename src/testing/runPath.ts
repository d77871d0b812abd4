import type { App } from '../actors/foreground/app.js';
import { BackbeatError } from '../errors.js';
import type { CancellationReason, TerminationReason } from '../machines/cancellationReasons.js';
import type { ValueSet } from '../valueSet.js';
import type { LifecycleModelState } from './lifecycleModel.js';
import type { LifecyclePath, LifecycleStep } from './lifecyclePaths.js';
import { type AppRecording, recordApp } from './recorder.js';
import type { TestSystem } from './testSystem.js';

/** Options of `path.run(system, app, options)`. */
export interface RunPathOptions {
  /**
   * Task module of the second app (the "another app takes audio" step). Default: a built-in
   * task that holds a deferral and completes it when cancelled.
   */
  otherAppTask?: URL | string;
  /** How the user plays (default: `await app.backgroundMediaPlayer.current.play()`). */
  play?: (app: App) => unknown;
  /** How the user pauses (default: `await app.backgroundMediaPlayer.current.pause()`). */
  pause?: (app: App) => unknown;
  /** Virtual time the player may take to start playing after `play` (default 10 000 ms). */
  playTimeoutMs?: number;
  /** Real time to wait for each message hop, in ms (default 10 000). */
  realTimeoutMs?: number;
  /**
   * Worker and process hosts: real time a cancelled task gets to answer (complete its
   * deferral) before its grace period is run out on the virtual clock (default 2 000 ms).
   * Inline tasks answer while the clock moves, so they need none.
   */
  responseTimeMs?: number;
  /**
   * A directory to write the system's inspector recording to when the run fails: when it
   * throws (the thrown error's message then ends with `recording: FILE`), when the task did not
   * end as `path.expected` says, or when a cancelled task was terminated instead of completing
   * its deferral in the grace period (see {@link LifecycleRun.recordingFile}). The file is
   * `<dir>/<the path's description as a slug>.json`; open it with `npx backbeat inspect FILE`.
   * Needs a system created with `createTestSystem({ record: true })`. A run that passes writes
   * nothing.
   *
   * @example
   * ```ts
   * const system = createTestSystem({ deviceFamily: 'mobile', record: true });
   * const app = system.launchApp({ id: 'music', task: new URL('./task.mjs', import.meta.url) });
   * const run = await path.run(system, app, { saveRecordingTo: 'test-output/recordings' });
   * expect(run.recordingFile).toBeNull(); // else: npx backbeat inspect <run.recordingFile>
   * ```
   */
  saveRecordingTo?: string;
}

/** What the task did, as observed: the same shape as the path's `expected`, or `completed` when it ended on its own. */
export type ObservedEnding =
  | { task: 'alive' }
  | { task: 'canceled'; reason: CancellationReason }
  | { task: 'terminated'; reason: TerminationReason }
  | { task: 'completed' };

/** What happened on one run of a {@link LifecyclePath}. */
export interface LifecycleRun {
  readonly path: LifecyclePath;
  /** The task instance the path ran. */
  readonly instanceId: string;
  /** What the system did to the task (compare with `path.expected`). */
  readonly ending: ObservedEnding;
  /**
   * How the task ended: `completed` (it completed its deferral, within the grace period when it
   * was cancelled), `terminated` (without notice, see `terminatedWith`) or `alive` (the path
   * ended with the task running).
   */
  readonly outcome: 'alive' | 'completed' | 'terminated';
  /** Why the task was terminated, or null. */
  readonly terminatedWith: TerminationReason | null;
  /** The task's lifecycle as `state` / `state:reason` strings. */
  readonly trail: readonly string[];
  /**
   * The messages the task sent that reached the foreground. When the path ends with the task
   * ended and the foreground suspended, the foreground is resumed afterwards so the messages
   * held for it are delivered; a terminated foreground receives none (the task's
   * `sendMessageToForeground` throws `ForegroundUnavailableError` then).
   */
  readonly messages: readonly ValueSet[];
  /** `error` events of the app's BackgroundMediaPlayer. */
  readonly errors: readonly Error[];
  /** The foreground's state at the end of the path (before any resume for messages). */
  readonly foreground: LifecycleModelState['foreground'];
  /**
   * With `saveRecordingTo`: the inspector recording written because the run did not go as the
   * path predicts (its `ending` differs from `path.expected`, or a cancelled task was
   * terminated instead of completing), else null.
   */
  readonly recordingFile: string | null;
}

const otherAppTaskUrl = new URL(
  import.meta.url.endsWith('.ts') ? './otherAppTask.ts' : './otherAppTask.js',
  import.meta.url,
);

/** Virtual time the grace period is run out in, step by step. */
const GRACE_STEP_MS = 100;

/** The foreground's state, read afresh (steps change it). */
const foregroundOf = (app: App): string => app.state;

function sameValues(a: object, b: object): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every(
    (k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k],
  );
}

function observedEnding(recording: AppRecording, instanceId: string): ObservedEnding {
  const states = recording.taskStates.filter((s) => s.instanceId === instanceId);
  const canceling = states.find((s) => s.state === 'canceling');
  if (canceling) return { task: 'canceled', reason: canceling.reason as CancellationReason };
  const terminated = states.find((s) => s.state === 'terminated');
  if (terminated) return { task: 'terminated', reason: terminated.reason as TerminationReason };
  if (states.some((s) => s.state === 'completed')) return { task: 'completed' };
  return { task: 'alive' };
}

/**
 * A file name for a path's description: lower case letters, digits and dashes, at most 120
 * characters.
 *
 * @internal
 */
export function slugOf(description: string): string {
  const slug = description
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120)
    .replace(/-+$/, '');
  return slug || 'lifecycle-path';
}

/** Whether the run went as the path predicts (what `saveRecordingTo` saves a recording for). */
function wentAsPredicted(path: LifecyclePath, run: LifecycleRun): boolean {
  const expected = path.expected as ObservedEnding;
  const ending = run.ending as ObservedEnding & { reason?: string };
  if (ending.task !== expected.task) return false;
  if ('reason' in expected && ending.reason !== expected.reason) return false;
  return !(expected.task === 'canceled' && run.outcome === 'terminated');
}

/** @internal Runs `path` on `system` with `app`; see {@link LifecyclePath.run}. */
export async function runLifecyclePath(
  path: LifecyclePath,
  system: TestSystem,
  app: App,
  options: RunPathOptions = {},
): Promise<LifecycleRun> {
  if (!system || typeof system.advance !== 'function' || !system.policies) {
    throw new TypeError(
      `path.run expects a system from createTestSystem, got \`${String(system)}\``,
    );
  }
  const dir = options.saveRecordingTo;
  if (dir === undefined) return followPath(path, system, app, options);
  if (typeof dir !== 'string' || dir === '') {
    throw new TypeError(`saveRecordingTo must be a directory path, got \`${String(dir)}\``);
  }
  if (!system.recorded) {
    throw new TypeError(
      'saveRecordingTo needs a system that records itself: create it with createTestSystem({ record: true })',
    );
  }
  const { join } = await import('node:path');
  const file = join(dir, `${slugOf(path.description)}.json`);
  let run: LifecycleRun;
  try {
    run = await followPath(path, system, app, options);
  } catch (error) {
    const note = await system.saveRecording(file).then(
      () => `recording: ${file}`,
      (failure) => `recording: not written to ${file} (${String(failure?.message ?? failure)})`,
    );
    if (error instanceof Error) {
      const header = `${error.name}: ${error.message}`;
      error.message = `${error.message}\n${note}`;
      if (error.stack?.startsWith(header)) {
        error.stack = `${error.name}: ${error.message}${error.stack.slice(header.length)}`;
      }
    }
    throw error;
  }
  if (wentAsPredicted(path, run)) return run;
  await system.saveRecording(file);
  return Object.freeze({ ...run, recordingFile: file });
}

async function followPath(
  path: LifecyclePath,
  system: TestSystem,
  app: App,
  options: RunPathOptions,
): Promise<LifecycleRun> {
  if (!sameValues(system.policies, path.policies)) {
    throw new TypeError(
      `Path "${path.description}" was generated for the policies ${JSON.stringify(path.policies)}, but the system enforces ${JSON.stringify(system.policies)}; generate the paths with the system's deviceFamily and policies`,
    );
  }
  if (system.app(app?.id) !== app) {
    throw new TypeError(
      `path.run expects an app launched on the same system, got \`${String(app?.id)}\``,
    );
  }
  if (app.state !== 'visible' || app.instanceId !== null) {
    throw new TypeError(
      `path.run expects a freshly launched app whose task has not started; app '${app.id}' is ${app.state}${app.instanceId ? ` with task ${app.instanceId}` : ''}`,
    );
  }
  const realTimeoutMs = options.realTimeoutMs ?? 10_000;
  const playTimeoutMs = options.playTimeoutMs ?? 10_000;
  const play = options.play ?? ((a: App) => a.backgroundMediaPlayer.current.play());
  const pause = options.pause ?? ((a: App) => a.backgroundMediaPlayer.current.pause());
  const recordings: AppRecording[] = [];
  const recording = recordApp(app);
  recordings.push(recording);
  const wait = (condition: () => boolean, what: string) =>
    system.waitFor(condition, { timeoutMs: realTimeoutMs, what });
  const pending: Array<Promise<unknown>> = [];

  try {
    await wait(
      () =>
        recording.taskState !== null &&
        recording.taskState !== 'starting' &&
        recording.taskState !== 'running',
      `the task of app '${app.id}' to start`,
    );
    await system.advance(0);
    if (path.autoPlay && recording.taskState === 'alive') {
      // The task's player opens its source and plays by itself: let it get there.
      if (app.host === 'inline') {
        for (let waited = 0; !recording.playing && waited < playTimeoutMs; waited += 50) {
          await system.advance(50);
        }
      } else {
        await wait(() => recording.playing, `the player of app '${app.id}' to play by itself`);
      }
    }
    const instanceId = recording.taskStates[0]!.instanceId;
    const diverged = (at: string, expected: string, observed: string, hint = '') =>
      new BackbeatError(
        'LIFECYCLE_PATH_DIVERGED',
        `Lifecycle path "${path.description}" cannot be followed ${at}: expected ${expected}, observed ${observed}.${hint ? ` ${hint}` : ''}`,
      );
    const observe = () =>
      `task ${recording.trail.at(-1) ?? 'not started'}, player ${recording.playing ? 'playing' : 'not playing'}`;
    if (recording.taskState !== 'alive' || recording.playing !== path.autoPlay) {
      const hint =
        recording.taskState !== 'alive'
          ? 'Lifecycle paths start from a task that took a deferral in run.'
          : path.autoPlay
            ? 'These paths are for a task that plays by itself (lifecyclePaths({ autoPlay: true })); for a task that waits for play(), generate them with autoPlay: false.'
            : "The task's player plays by itself (MediaPlayer.autoPlay is on unless the task turns it off): generate the paths with lifecyclePaths({ autoPlay: true }).";
      throw diverged(
        'at its start',
        `the task alive (holding its deferral) with its player ${path.autoPlay ? 'playing by itself' : 'not playing yet'}`,
        observe(),
        hint,
      );
    }
    const ended = () => recording.taskState === 'completed' || recording.taskState === 'terminated';
    const cancelledOrEnded = () => recording.taskState === 'canceling' || ended();

    for (const [index, step] of path.steps.entries()) {
      await takeStep(step);
      const { expected } = step;
      const at = `at step ${index + 1} (${step.event})`;
      if (expected.ending.task !== 'alive') {
        // Not finding the predicted ending is reported in the result (`ending`), not thrown.
        await wait(
          cancelledOrEnded,
          `the task to be ${expected.ending.task} (${expected.ending.reason}) ${at}`,
        ).catch(() => {});
      } else {
        await system.settle();
        const playing = expected.player === 'playing';
        if (recording.taskState !== 'alive' || recording.playing !== playing) {
          throw diverged(
            at,
            `the task alive with its player ${playing ? 'playing' : 'not playing'}`,
            observe(),
            step.event === 'inactivityTimeoutElapses' || step.event === 'play'
              ? 'Media that ends while time passes breaks the path: give the test system an inactivityTimeoutMs shorter than the media the task plays.'
              : '',
          );
        }
      }
    }

    const last = path.steps.at(-1)!.expected;
    if (cancelledOrEnded()) {
      if (app.host !== 'inline' && !ended()) {
        await system.waitFor(ended, { timeoutMs: options.responseTimeMs ?? 2_000 }).catch(() => {});
      }
      // Time passes only until the task ends (a task that completes in time ends early), at
      // most the grace period: media that would end meanwhile in a longer wait does not.
      const grace = system.timings.cancellationGraceMs;
      for (let waited = 0; !ended() && waited < grace; waited += GRACE_STEP_MS) {
        await system.advance(Math.min(GRACE_STEP_MS, grace - waited));
      }
      await wait(ended, `the task of app '${app.id}' to end`);
      await Promise.allSettled(pending);
      if (foregroundOf(app) === 'suspended') {
        app.resume();
        await system.settle();
      }
    }

    const ending = observedEnding(recording, instanceId);
    const final = recording.taskStates.filter((s) => s.instanceId === instanceId).at(-1);
    return Object.freeze({
      path,
      instanceId,
      ending,
      outcome:
        final?.state === 'completed'
          ? 'completed'
          : final?.state === 'terminated'
            ? 'terminated'
            : 'alive',
      terminatedWith:
        final?.state === 'terminated' ? ((final.reason as TerminationReason) ?? null) : null,
      trail: [...recording.trail],
      messages: [...recording.messages],
      errors: [...recording.errors],
      foreground: last.foreground,
      recordingFile: null,
    });
  } finally {
    for (const r of recordings) r.stop();
  }

  async function takeStep(step: LifecycleStep): Promise<void> {
    switch (step.event) {
      case 'play': {
        await play(app);
        if (app.host === 'inline') {
          for (let waited = 0; !recording.playing && waited < playTimeoutMs; waited += 50) {
            await system.advance(50);
          }
        } else {
          await wait(() => recording.playing, `the player of app '${app.id}' to play`);
        }
        break;
      }
      case 'pause':
        await pause(app);
        await wait(() => !recording.playing, `the player of app '${app.id}' to pause`);
        break;
      case 'suspend':
        app.suspend();
        break;
      case 'resume':
        app.resume();
        break;
      case 'terminateForeground':
        await app.terminate();
        break;
      case 'shutdown':
        pending.push(app.backgroundMediaPlayer.shutdown().catch(() => {}));
        break;
      case 'phoneCall':
        system.interrupt('phoneCall');
        break;
      case 'voipCallLowMemory':
        system.interrupt('voipCall', { lowMemory: true });
        break;
      case 'otherAppTakesAudio': {
        const other = system.launchApp({
          id: `${app.id}:otherApp`,
          task: options.otherAppTask ?? otherAppTaskUrl,
          host: app.host,
        });
        const otherRecording = recordApp(other);
        recordings.push(otherRecording);
        await wait(
          () => otherRecording.taskState !== null && otherRecording.taskState !== 'starting',
          `the task of the second app '${other.id}' to start`,
        );
        break;
      }
      case 'inactivityTimeoutElapses':
        await system.advance(system.timings.inactivityTimeoutMs);
        break;
    }
    await system.settle();
  }
}
