// The background playback task of backbeat-play. It owns the player, the playlist and the
// system media transport controls. The foreground sends it the playlist and the list keys
// (next, previous, shuffle, repeat, quit); it tells the foreground what plays.
//
// Messages in:  load { uris[], titles[], artists[], start, play }, next, previous, shuffle,
//               repeat, quit.
// Messages out: ready, trackChanged { index, count, title, artist, uri, reason },
//               itemFailed { uri, error, message }, playlistEnded, shuffle { enabled },
//               repeat { enabled }, saved { index, position, reason }, bye.
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
    const smtc = player.systemMediaTransportControls;
    let list = null;
    let done = false;

    const tell = (message) => {
      try {
        bmp.sendMessageToForeground(message);
      } catch {
        // The foreground is gone: nothing to tell.
      }
    };

    const finish = () => {
      if (done) return;
      done = true;
      deferral.complete();
    };

    const timeline = () => {
      const end = Math.max(0, player.naturalDuration || 0);
      smtc.updateTimelineProperties({
        startTime: 0,
        endTime: end,
        minSeekTime: 0,
        maxSeekTime: end,
        position: Math.min(end, Math.max(0, player.position || 0)),
      });
    };

    const toggleShuffle = (enabled = !list.shuffleEnabled) => {
      list.shuffleEnabled = enabled;
      smtc.shuffleEnabled = enabled;
      tell({ type: 'shuffle', enabled });
    };
    const toggleRepeat = (enabled = !list.autoRepeatEnabled) => {
      list.autoRepeatEnabled = enabled;
      smtc.autoRepeatMode = enabled ? 'list' : 'none';
      tell({ type: 'repeat', enabled });
    };

    const load = ({ uris = [], titles = [], artists = [], start = 0, play = true }) => {
      list = new MediaPlaybackList();
      uris.forEach((uri, i) => {
        const source = MediaSource.createFromUri(uri);
        if (titles[i]) source.customProperties.set('title', titles[i]);
        if (artists[i]) source.customProperties.set('artist', artists[i]);
        list.items.push(new MediaPlaybackItem(source));
      });
      const first = list.items[start];
      if (first && start > 0) list.startingItem = first;
      list.on('currentItemChanged', ({ newItem, reason }) => {
        if (!newItem) {
          smtc.playbackStatus = 'stopped';
          smtc.displayUpdater.clearAll();
          tell({ type: 'playlistEnded' });
          return;
        }
        const props = newItem.source.customProperties;
        const title = String(props.get('title') ?? '');
        const artist = String(props.get('artist') ?? '');
        smtc.displayUpdater.type = 'music';
        smtc.displayUpdater.musicProperties.title = title;
        smtc.displayUpdater.musicProperties.artist = artist;
        smtc.displayUpdater.update();
        tell({
          type: 'trackChanged',
          index: list.currentItemIndex,
          count: list.items.length,
          title,
          artist,
          uri: newItem.source.uri,
          reason,
        });
      });
      list.on('itemFailed', ({ item, error }) => {
        tell({
          type: 'itemFailed',
          uri: item.source.uri,
          error: error.error,
          message: error.errorMessage,
        });
      });
      player.autoPlay = play;
      player.source = list;
    };

    smtc.isPlayEnabled = true;
    smtc.isPauseEnabled = true;
    smtc.isNextEnabled = true;
    smtc.isPreviousEnabled = true;
    smtc.isStopEnabled = true;
    smtc.on('buttonPressed', ({ button }) => {
      if (button === 'play') player.play();
      else if (button === 'pause' || button === 'stop') player.pause();
      else if (button === 'next') list?.moveNext();
      else if (button === 'previous') list?.movePrevious();
    });
    smtc.on('playbackPositionChangeRequested', ({ requestedPlaybackPosition }) => {
      player.seek(requestedPlaybackPosition);
    });
    smtc.on('shuffleEnabledChangeRequested', ({ requestedShuffleEnabled }) => {
      if (list) toggleShuffle(requestedShuffleEnabled);
    });
    smtc.on('autoRepeatModeChangeRequested', ({ requestedAutoRepeatMode }) => {
      if (list) toggleRepeat(requestedAutoRepeatMode !== 'none');
    });

    player.on('currentStateChanged', ({ state }) => {
      if (state === 'playing') smtc.playbackStatus = 'playing';
      else if (state === 'paused') smtc.playbackStatus = 'paused';
      else if (state === 'opening' || state === 'buffering') smtc.playbackStatus = 'changing';
      else if (state === 'closed' || state === 'stopped') smtc.playbackStatus = 'stopped';
      timeline();
    });
    player.on('mediaOpened', timeline);
    player.on('seekCompleted', timeline);

    bmp.on('messageReceivedFromForeground', ({ data }) => {
      switch (data.type) {
        case 'load':
          load(data);
          break;
        case 'next':
          list?.moveNext();
          break;
        case 'previous':
          list?.movePrevious();
          break;
        case 'shuffle':
          if (list) toggleShuffle();
          break;
        case 'repeat':
          if (list) toggleRepeat();
          break;
        case 'quit':
          player.pause();
          tell({ type: 'bye' });
          finish();
          break;
      }
    });

    taskInstance.on('canceled', (reason) => {
      tell({
        type: 'saved',
        index: list ? list.currentItemIndex : -1,
        position: Math.round(player.position || 0),
        reason,
      });
      finish();
    });

    tell({ type: 'ready' });
  },
});
