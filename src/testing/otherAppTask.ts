/**
 * The background task of the second app in lifecycle paths ("another app takes audio"): it
 * holds a deferral and completes it when cancelled.
 */
import { defineBackgroundTask } from '../actors/task/defineBackgroundTask.js';

export default defineBackgroundTask({
  run(taskInstance) {
    const deferral = taskInstance.getDeferral();
    taskInstance.on('canceled', () => deferral.complete());
  },
});
