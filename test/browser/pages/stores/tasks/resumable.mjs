// A task that opts in to resume: it restores the last checkpoint when there is one, else builds
// a list of two long virtual tracks; it moves on, seeks and checkpoints when asked.
import {
  defineBackgroundTask,
  MediaPlaybackItem,
  MediaPlaybackList,
  MediaSource,
} from 'backbeat/task';

export default defineBackgroundTask({
  resume: true,
  run(taskInstance) {
    const deferral = taskInstance.getDeferral();
    const bmp = taskInstance.backgroundMediaPlayer;
    const player = bmp.current;
    const restored = taskInstance.restoredState;
    player.autoPlay = false;
    let list = taskInstance.restorePlayback();
    if (!list) {
      list = new MediaPlaybackList();
      for (const name of ['one', 'two']) {
        const source = MediaSource.createFromUri(`virtual:${name}?duration=600000`);
        source.customProperties.set('title', name);
        list.items.push(new MediaPlaybackItem(source));
      }
      player.source = list;
    }
    const state = () => ({
      index: list.currentItemIndex,
      position: player.position,
      title: String(list.currentItem?.source.customProperties.get('title') ?? ''),
    });
    player.on('mediaOpened', () => bmp.sendMessageToForeground({ type: 'opened', ...state() }));
    bmp.sendMessageToForeground({ type: 'ready', restored: restored !== null });
    bmp.on('messageReceivedFromForeground', ({ data }) => {
      if (data.type === 'next') list.moveNext();
      if (data.type === 'seek') player.seek(data.ms);
      if (data.type === 'checkpoint') taskInstance.checkpoint();
      if (data.type === 'state') bmp.sendMessageToForeground({ type: 'state', ...state() });
    });
    taskInstance.on('canceled', () => deferral.complete());
  },
});
