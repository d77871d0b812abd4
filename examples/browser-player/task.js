// The background task of the browser player: it owns the player, the playlist and the system
// media controls. It runs in a Web Worker; the page only sends it requests and shows its state.
import {
  defineBackgroundTask,
  MediaPlaybackItem,
  MediaPlaybackList,
  MediaSource,
} from 'backbeat/task';
import { tracks } from './tracks.js';

// The synthesized files are served beside the page (public/tracks/); the page's engine fetches them.
const trackUrl = (track) => new URL(`/tracks/${track.file}`, globalThis.location.href).href;

function createList() {
  const list = new MediaPlaybackList();
  for (const track of tracks) {
    const source = MediaSource.createFromUri(trackUrl(track));
    source.customProperties.set('title', track.title);
    source.customProperties.set('artist', track.artist);
    list.items.push(new MediaPlaybackItem(source));
  }
  return list;
}

export default defineBackgroundTask({
  resume: true,
  run(taskInstance) {
    const deferral = taskInstance.getDeferral();
    const bmp = taskInstance.backgroundMediaPlayer;
    const player = bmp.current;
    const list = taskInstance.restorePlayback({ setSource: false }) ?? createList();
    list.autoRepeatEnabled = true;

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
    smtc.on('playbackPositionChangeRequested', ({ requestedPlaybackPosition }) => {
      player.position = requestedPlaybackPosition;
    });
    player.on('currentStateChanged', () => {
      const state = player.currentState;
      smtc.playbackStatus = state === 'playing' || state === 'paused' ? state : 'changing';
    });
    list.on('currentItemChanged', ({ newItem }) => {
      if (!newItem) return;
      smtc.displayUpdater.type = 'music';
      smtc.displayUpdater.musicProperties.title = newItem.source.customProperties.get('title');
      smtc.displayUpdater.musicProperties.artist = newItem.source.customProperties.get('artist');
      smtc.displayUpdater.update();
      smtc.updateTimelineProperties({ startTime: 0, endTime: player.naturalDuration, position: 0 });
    });
    player.on('mediaOpened', () => {
      smtc.updateTimelineProperties({
        startTime: 0,
        endTime: player.naturalDuration,
        position: player.position,
      });
    });

    bmp.on('messageReceivedFromForeground', ({ data }) => {
      if (data.type === 'next') list.moveNext();
      else if (data.type === 'previous') list.movePrevious();
      else if (data.type === 'play' && typeof data.index === 'number') list.moveTo(data.index);
    });
    taskInstance.on('canceled', () => deferral.complete());

    player.autoPlay = false;
    player.source = list;
  },
});
