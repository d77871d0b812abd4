// The background playback task of the quickstart: it owns the player, the playlist and the
// system media transport controls, and tells the foreground what plays. It opts in to resume:
// its playback is checkpointed as it goes, and the next instance carries on from there.
import {
  defineBackgroundTask,
  MediaPlaybackItem,
  MediaPlaybackList,
  MediaSource,
} from 'backbeat/task';

const tracks = [
  { title: 'Morning', artist: 'Virtual Trio', uri: 'virtual:morning?duration=1500&buffering=100' },
  { title: 'Noon', artist: 'Virtual Trio', uri: 'virtual:noon?duration=1500&buffering=100' },
  { title: 'Evening', artist: 'Virtual Trio', uri: 'virtual:evening?duration=1500&buffering=100' },
  { title: 'Night', artist: 'Virtual Trio', uri: 'virtual:night?duration=1500&buffering=100' },
];

function createList() {
  const list = new MediaPlaybackList();
  for (const track of tracks) {
    const source = MediaSource.createFromUri(track.uri);
    source.customProperties.set('title', track.title);
    source.customProperties.set('artist', track.artist);
    list.items.push(new MediaPlaybackItem(source));
  }
  return list;
}

export default defineBackgroundTask({
  resume: { checkpointIntervalMs: 1_000 },
  run(taskInstance) {
    const deferral = taskInstance.getDeferral();
    const bmp = taskInstance.backgroundMediaPlayer;
    const player = bmp.current;

    // The last checkpoint's list, item and position (titles included), or a fresh list.
    const saved = taskInstance.restoredState;
    const list = taskInstance.restorePlayback({ setSource: false }) ?? createList();

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

    const tell = (message) => {
      try {
        bmp.sendMessageToForeground(message);
      } catch {
        // The foreground is gone: nothing to tell.
      }
    };

    list.on('currentItemChanged', ({ newItem, reason }) => {
      if (!newItem) {
        smtc.playbackStatus = 'stopped';
        tell({ type: 'playlistEnded' });
        return;
      }
      const title = newItem.source.customProperties.get('title');
      const artist = newItem.source.customProperties.get('artist');
      smtc.playbackStatus = 'playing';
      smtc.displayUpdater.type = 'music';
      smtc.displayUpdater.musicProperties.title = title;
      smtc.displayUpdater.musicProperties.artist = artist;
      smtc.displayUpdater.update();
      tell({ type: 'trackChanged', title, artist, index: list.currentItemIndex, reason });
    });
    if (saved) {
      tell({ type: 'resumed', index: saved.currentItemIndex, position: saved.position });
    }

    bmp.on('messageReceivedFromForeground', (e) => {
      if (e.data.type === 'start') player.play();
      if (e.data.type === 'skipNext') list.moveNext();
    });

    taskInstance.on('canceled', (reason) => {
      // The playback itself is checkpointed on cancellation; add what the app wants kept.
      taskInstance.setAppState({ canceledBy: reason });
      tell({ type: 'saved', position: player.position, reason });
      deferral.complete();
    });

    player.autoPlay = false;
    player.source = list;
  },
});
