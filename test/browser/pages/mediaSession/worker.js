// Media Session controls where there is no navigator.mediaSession (a dedicated worker): they say
// so once, still mirror the target and still deliver requests.
import { createMediaSessionControls } from 'backbeat/controls/mediaSession';

const notices = [];
const controls = createMediaSessionControls({ notice: (message) => notices.push(message) });
const requests = [];
const off = false;
const state = {
  isEnabled: true,
  isPlayEnabled: off,
  isPauseEnabled: off,
  isStopEnabled: off,
  isRecordEnabled: off,
  isFastForwardEnabled: off,
  isRewindEnabled: off,
  isNextEnabled: true,
  isPreviousEnabled: off,
  isChannelUpEnabled: off,
  isChannelDownEnabled: off,
  playbackStatus: 'playing',
  autoRepeatMode: 'none',
  shuffleEnabled: false,
  playbackRate: 1,
  display: {
    type: 'music',
    musicProperties: {
      title: 'Off Page',
      artist: '',
      albumArtist: '',
      albumTitle: '',
      trackNumber: 0,
    },
    thumbnail: null,
  },
  timeline: { startTime: 0, endTime: 0, minSeekTime: 0, maxSeekTime: 0, position: 0 },
};
controls.attach({
  getState: () => state,
  on: () => () => {},
  deliver(request) {
    requests.push(request);
    return 'delivered';
  },
});
const delivered = await controls.press('next');
self.postMessage({
  hasMediaSession: typeof navigator.mediaSession,
  session: controls.mediaSession,
  notices,
  mirrored: controls.state?.playbackStatus ?? null,
  delivered,
  requests,
  actions: controls.actions,
});
