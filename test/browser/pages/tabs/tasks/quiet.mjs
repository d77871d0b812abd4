// A task with a deferral and one virtual track it plays only when asked; on `canceled` it
// tells the foreground why and completes its deferral.
import {
  defineBackgroundTask,
  MediaPlaybackItem,
  MediaPlaybackList,
  MediaSource,
} from 'backbeat/task';

export default defineBackgroundTask({
  run(taskInstance) {
    const deferral = taskInstance.getDeferral();
    const bmp = taskInstance.backgroundMediaPlayer;
    const player = bmp.current;
    const list = new MediaPlaybackList();
    list.items.push(
      new MediaPlaybackItem(MediaSource.createFromUri('virtual:long?duration=600000')),
    );
    player.autoPlay = false;
    player.source = list;
    taskInstance.on('canceled', (reason) => {
      bmp.sendMessageToForeground({ type: 'canceled', reason });
      deferral.complete();
    });
  },
});
