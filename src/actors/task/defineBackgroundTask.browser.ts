/**
 * `defineBackgroundTask` as the browser build of `backbeat/task` gives it: the same check, plus
 * what a task module needs to run in a browser. The definition records this copy's task main
 * (the inline host runs it), and in a dedicated worker the module answers the page's start
 * message (the worker host's script is the task module itself).
 *
 * @packageDocumentation
 */
import { serveTaskInWorker } from '../../adapters/transport/browser/webWorkerBoot.js';
import {
  type BackgroundTaskDefinition,
  checkTaskDefinition,
  type DefinedBackgroundTask,
} from './defineBackgroundTask.js';
import taskMain from './taskMain.js';
import { taskRuntimeField } from './taskRuntime.js';

/**
 * Declares a background playback task. Export the result as the module's default; point
 * `launchApp({ task })` at the module's URL. In a browser the module is the task's Web Worker
 * script (bundle it with the `backbeat/vite` plugin).
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
  const defined = checkTaskDefinition(definition, taskRuntimeField(taskMain));
  serveTaskInWorker(taskMain);
  return defined;
}
