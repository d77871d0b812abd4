// run returns without a deferral: the task completes.
import { defineBackgroundTask } from 'backbeat/task';

export default defineBackgroundTask({
  run(taskInstance) {
    taskInstance.backgroundMediaPlayer.sendMessageToForeground({ type: 'ran' });
  },
});
