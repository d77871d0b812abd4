import type { BackgroundTaskInstance } from './taskInstance.js';

const TASK_BRAND = Symbol.for('backbeat.BackgroundTaskDefinition');

/** What a background task module exports as its default. */
export interface BackgroundTaskDefinition {
  /**
   * Called once per task instance when the task activates. Must return promptly: no loops, no
   * waiting. Take a deferral to keep the task alive after `run` returns.
   */
  run(taskInstance: BackgroundTaskInstance): void;
}

/** A checked task definition, as produced by {@link defineBackgroundTask}. */
export interface DefinedBackgroundTask extends BackgroundTaskDefinition {
  readonly [TASK_BRAND]: true;
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
 *   run(taskInstance) {
 *     const deferral = taskInstance.getDeferral();
 *     taskInstance.on('canceled', () => deferral.complete());
 *   },
 * });
 * ```
 */
export function defineBackgroundTask(definition: BackgroundTaskDefinition): DefinedBackgroundTask {
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
  return Object.freeze({ run: definition.run.bind(definition), [TASK_BRAND]: true as const });
}

/** True when `value` came from {@link defineBackgroundTask} (in any copy of the module). */
export function isDefinedBackgroundTask(value: unknown): value is DefinedBackgroundTask {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[TASK_BRAND] === true
  );
}
