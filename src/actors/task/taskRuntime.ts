/**
 * The task main a task module was bundled with. In a browser the page and a task module can be
 * separate bundles, each with its own copy of Backbeat; a task must run on the copy its own code
 * imports (its `MediaPlaybackList` is the class that copy's player accepts), so the browser's
 * `defineBackgroundTask` records that copy's task main on the definition.
 *
 * @packageDocumentation
 */
import type { TaskMain } from '../../adapters/transport/types.js';

const TASK_RUNTIME = Symbol.for('backbeat.taskRuntime');

/** The field that records `main` on a task definition. */
export function taskRuntimeField(main: TaskMain): Record<symbol, unknown> {
  return { [TASK_RUNTIME]: main };
}

/** The task main recorded on a task module's default export, if any. */
export function taskRuntimeOf(definition: unknown): TaskMain | undefined {
  if (typeof definition !== 'object' || definition === null) return undefined;
  const main = (definition as { [TASK_RUNTIME]?: unknown })[TASK_RUNTIME];
  return typeof main === 'function' ? (main as TaskMain) : undefined;
}
