import { DEFAULT_CHECKPOINT_INTERVAL_MS } from './checkpoint.js';
import type { BackgroundTaskInstance } from './taskInstance.js';

const TASK_BRAND = Symbol.for('backbeat.BackgroundTaskDefinition');

/** How a task checkpoints its playback state (see {@link BackgroundTaskDefinition.resume}). */
export interface BackgroundTaskResumeOptions {
  /** Time between two checkpoints while the player plays, on the task's clock (default 5 000 ms). */
  checkpointIntervalMs?: number;
}

/** What a background task module exports as its default. */
export interface BackgroundTaskDefinition {
  /**
   * Opts in to playback state that survives the task: `true` (or options) makes the task
   * checkpoint its player and list to the foreground's store on `canceled`, on pause, on item
   * change and every `checkpointIntervalMs` while playing, and gives the next instance the last
   * checkpoint (`taskInstance.restoredState`, `taskInstance.restorePlayback()`).
   */
  resume?: boolean | BackgroundTaskResumeOptions;
  /**
   * Called once per task instance when the task activates. Must return promptly: no loops, no
   * waiting. Take a deferral to keep the task alive after `run` returns.
   */
  run(taskInstance: BackgroundTaskInstance): void;
}

/** A checked task definition, as produced by {@link defineBackgroundTask}. */
export interface DefinedBackgroundTask extends BackgroundTaskDefinition {
  readonly [TASK_BRAND]: true;
  /** The checked resume options, or null when the task did not opt in. */
  readonly resumeOptions: Readonly<Required<BackgroundTaskResumeOptions>> | null;
}

function checkResume(resume: unknown): Required<BackgroundTaskResumeOptions> | null {
  if (resume === undefined || resume === false) return null;
  if (resume === true) return { checkpointIntervalMs: DEFAULT_CHECKPOINT_INTERVAL_MS };
  if (typeof resume !== 'object' || resume === null || Array.isArray(resume)) {
    throw new TypeError(
      `defineBackgroundTask: \`resume\` must be a boolean or { checkpointIntervalMs }, got \`${String(resume)}\``,
    );
  }
  const ms = (resume as BackgroundTaskResumeOptions).checkpointIntervalMs;
  if (ms === undefined) return { checkpointIntervalMs: DEFAULT_CHECKPOINT_INTERVAL_MS };
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) {
    throw new RangeError(
      `defineBackgroundTask: \`resume.checkpointIntervalMs\` must be a finite number of ms > 0, got \`${String(ms)}\``,
    );
  }
  return { checkpointIntervalMs: ms };
}

/**
 * Declares a background playback task. Export the result as the module's default; point
 * `launchApp({ task })` at the module's URL.
 *
 * @example
 * ```ts
 * import { defineBackgroundTask } from 'backbeat/task';
 *
 * export default defineBackgroundTask({
 *   resume: true, // checkpoint the playback state; the next instance restores it
 *   run(taskInstance) {
 *     const deferral = taskInstance.getDeferral();
 *     taskInstance.restorePlayback() ?? startFresh(taskInstance);
 *     taskInstance.on('canceled', () => deferral.complete());
 *   },
 * });
 * ```
 */
export function defineBackgroundTask(definition: BackgroundTaskDefinition): DefinedBackgroundTask {
  return checkTaskDefinition(definition, {});
}

/**
 * What {@link defineBackgroundTask} does, with `extra` (symbol-keyed fields of the runtime, such
 * as the task main a browser bundle carries) frozen into the result.
 */
export function checkTaskDefinition(
  definition: BackgroundTaskDefinition,
  extra: Record<symbol, unknown>,
): DefinedBackgroundTask {
  if (definition === null || typeof definition !== 'object') {
    throw new TypeError(
      `defineBackgroundTask expects an object with a run(taskInstance) method, got \`${String(definition)}\``,
    );
  }
  if (typeof definition.run !== 'function') {
    throw new TypeError(
      `defineBackgroundTask: \`run\` must be a function, got \`${typeof definition.run}\``,
    );
  }
  const resumeOptions = checkResume(definition.resume);
  return Object.freeze({
    run: definition.run.bind(definition),
    resumeOptions: resumeOptions ? Object.freeze(resumeOptions) : null,
    ...extra,
    [TASK_BRAND]: true as const,
  });
}

/** True when `value` came from {@link defineBackgroundTask} (in any copy of the module). */
export function isDefinedBackgroundTask(value: unknown): value is DefinedBackgroundTask {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[TASK_BRAND] === true
  );
}
