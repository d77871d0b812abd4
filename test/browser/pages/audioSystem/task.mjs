// Plays the tones the page sends as one list, and reports the list's moves.
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
    bmp.on('messageReceivedFromForeground', ({ data }) => {
      if (data.type === 'crash') throw new Error('the task crashes while it plays');
      if (data.type !== 'play') return;
      const list = new MediaPlaybackList();
      for (const uri of data.urls)
        list.items.push(new MediaPlaybackItem(MediaSource.createFromUri(uri)));
      list.on('currentItemChanged', ({ reason }) =>
        bmp.sendMessageToForeground({ type: 'item', index: list.currentItemIndex, reason }),
      );
      player.on('mediaEnded', () => bmp.sendMessageToForeground({ type: 'ended' }));
      player.on('mediaFailed', ({ error, errorMessage }) =>
        bmp.sendMessageToForeground({ type: 'failed', error, errorMessage }),
      );
      player.source = list;
    });
    taskInstance.on('canceled', () => deferral.complete());
  },
});
