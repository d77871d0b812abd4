// The background task of the system page: a list of three virtual tracks; the controls show the
// current item and the player's state, and their buttons drive the player and the list.
import {
  defineBackgroundTask,
  MediaPlaybackItem,
  MediaPlaybackList,
  MediaSource,
} from 'backbeat/task';

const tracks = [
  { title: 'First Light', artist: 'Page Trio', album: 'Browser Suite' },
  { title: 'Second Wind', artist: 'Page Trio', album: 'Browser Suite' },
  { title: 'Third Act', artist: 'Page Trio', album: 'Browser Suite' },
];

export default defineBackgroundTask({
  run(taskInstance) {
    const deferral = taskInstance.getDeferral();
    taskInstance.on('canceled', () => deferral.complete());
    const bmp = taskInstance.backgroundMediaPlayer;
    const player = bmp.current;
    const list = new MediaPlaybackList();
    for (const [index, track] of tracks.entries()) {
      const source = MediaSource.createFromUri(`virtual:track${index}?duration=600000`);
      for (const [key, value] of Object.entries(track)) source.customProperties.set(key, value);
      list.items.push(new MediaPlaybackItem(source));
    }

    const smtc = player.systemMediaTransportControls;
    smtc.isPlayEnabled = true;
    smtc.isPauseEnabled = true;
    smtc.isNextEnabled = true;
    smtc.isPreviousEnabled = true;
    smtc.on('buttonPressed', ({ button }) => {
      if (button === 'play') player.play();
      else if (button === 'pause') player.pause();
      else if (button === 'next') list.moveNext();
      else if (button === 'previous') list.movePrevious();
    });
    player.on('currentStateChanged', ({ state }) => {
      if (state === 'playing' || state === 'paused' || state === 'stopped') {
        smtc.playbackStatus = state;
      }
    });
    list.on('currentItemChanged', ({ newItem }) => {
      const music = smtc.displayUpdater.musicProperties;
      smtc.displayUpdater.type = 'music';
      music.title = newItem?.source.customProperties.get('title') ?? '';
      music.artist = newItem?.source.customProperties.get('artist') ?? '';
      music.albumTitle = newItem?.source.customProperties.get('album') ?? '';
      smtc.displayUpdater.update();
      bmp.sendMessageToForeground({ type: 'item', index: list.currentItemIndex });
    });
    player.autoPlay = false;
    player.source = list;
  },
});
