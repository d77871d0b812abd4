// A task with a deferral: plays a virtual list, echoes messages, crashes or completes on request.
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
    for (const name of ['one', 'two']) {
      list.items.push(
        new MediaPlaybackItem(MediaSource.createFromUri(`virtual:${name}?duration=60000`)),
      );
    }
    const smtc = player.systemMediaTransportControls;
    smtc.isNextEnabled = true;
    smtc.on('buttonPressed', ({ button }) => {
      if (button === 'next') list.moveNext();
    });
    player.autoPlay = false;
    player.source = list;
    // Sent before the foreground listens: held and delivered in order.
    for (let i = 0; i < 20; i += 1) bmp.sendMessageToForeground({ type: 'early', i });
    bmp.on('messageReceivedFromForeground', (e) => {
      const data = e.data;
      if (data.type === 'echo') bmp.sendMessageToForeground({ type: 'echo', n: data.n });
      if (data.type === 'crash') throw new Error(`asked to crash (${data.why})`);
      if (data.type === 'reject') Promise.reject(new Error('an unhandled rejection'));
      if (data.type === 'bad') {
        try {
          bmp.sendMessageToForeground({ type: 'bad', value: () => 1 });
        } catch (error) {
          bmp.sendMessageToForeground({
            type: 'refused',
            name: error.name,
            message: error.message,
          });
        }
      }
      if (data.type === 'complete') deferral.complete();
      if (data.type === 'spin') for (;;);
    });
    taskInstance.on('canceled', (reason) => {
      bmp.sendMessageToForeground({ type: 'canceled', reason });
      deferral.complete();
    });
  },
});
