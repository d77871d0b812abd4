// A Media Session controls adapter attached to a small controls target made on the page: the
// target holds a published state the test changes, and records the requests it is handed.
import { createMediaSessionControls, MEDIA_SESSION_ACTIONS } from 'backbeat/controls/mediaSession';

const blank = Object.freeze({
  isEnabled: true,
  isPlayEnabled: false,
  isPauseEnabled: false,
  isStopEnabled: false,
  isRecordEnabled: false,
  isFastForwardEnabled: false,
  isRewindEnabled: false,
  isNextEnabled: false,
  isPreviousEnabled: false,
  isChannelUpEnabled: false,
  isChannelDownEnabled: false,
  playbackStatus: 'closed',
  autoRepeatMode: 'none',
  shuffleEnabled: false,
  playbackRate: 1,
  display: {
    type: 'unknown',
    musicProperties: { title: '', artist: '', albumArtist: '', albumTitle: '', trackNumber: 0 },
    thumbnail: null,
  },
  timeline: { startTime: 0, endTime: 0, minSeekTime: 0, maxSeekTime: 0, position: 0 },
});

/** A controls target: `publish(patch)` changes the state as an app's controls would. */
function createTarget() {
  let state = blank;
  const listeners = new Set();
  const requests = [];
  return {
    requests,
    getState: () => state,
    on(type, listener) {
      if (type !== 'stateChanged') throw new TypeError(`no event ${type}`);
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    deliver(request) {
      requests.push(request);
      render();
      return 'delivered';
    },
    publish(patch) {
      state = {
        ...state,
        ...patch,
        display: {
          ...state.display,
          ...patch.display,
          musicProperties: { ...state.display.musicProperties, ...patch.display?.musicProperties },
        },
        timeline: { ...state.timeline, ...patch.timeline },
      };
      for (const listener of listeners) listener(state);
      render();
    },
  };
}

/** A clock the test moves by hand, for the position the seek actions start from. */
const clock = {
  time: 0,
  now: () => clock.time,
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle),
};

const notices = [];
const target = createTarget();
const controls = createMediaSessionControls({
  clock,
  notice: (message) => notices.push(message),
});

function text(id, value) {
  document.querySelector(`[data-testid="${id}"]`).textContent = value;
}

function render() {
  const session = navigator.mediaSession;
  const metadata = session.metadata;
  text('title', metadata?.title ?? '(no metadata)');
  text('artist', metadata?.artist ?? '–');
  text('album', metadata?.album ?? '–');
  const image = document.querySelector('[data-testid="artwork"]');
  const src = metadata?.artwork[0]?.src;
  image.hidden = !src;
  if (src) image.src = src;
  else image.removeAttribute('src');
  text('playback-state', session.playbackState);
  const last = window.mediaSessionLog.positions.at(-1);
  text('position', last ? JSON.stringify(last.state) : '–');
  const handlers = window.mediaSessionLog.handlers;
  text('actions', MEDIA_SESSION_ACTIONS.filter((action) => handlers[action]).join(', ') || 'none');
  text('requests', target.requests.map((request) => JSON.stringify(request)).join('\n') || 'none');
}

/** What the real Media Session shows now. */
function shown() {
  const session = navigator.mediaSession;
  const metadata = session.metadata;
  const handlers = window.mediaSessionLog.handlers;
  return {
    metadata: metadata && {
      isMediaMetadata: metadata instanceof MediaMetadata,
      title: metadata.title,
      artist: metadata.artist,
      album: metadata.album,
      artwork: metadata.artwork.map((image) => image.src),
    },
    playbackState: session.playbackState,
    handlers: MEDIA_SESSION_ACTIONS.filter((action) => handlers[action]),
    lastPosition: window.mediaSessionLog.positions.at(-1) ?? null,
  };
}

/** Calls the handler the page registered for `action`, as the browser would. */
function invoke(action, details = {}) {
  const handler = window.mediaSessionLog.handlers[action];
  if (!handler) throw new Error(`no handler is set for ${action}`);
  handler({ action, ...details });
}

/** Web Audio sound on the page: a quiet tone straight to the AudioContext's destination. */
async function startWebAudio() {
  const context = new AudioContext();
  window.webAudio = context;
  const tone = context.createOscillator();
  const gain = context.createGain();
  gain.gain.value = 0.02;
  tone.connect(gain).connect(context.destination);
  tone.start();
  await context.resume();
  const start = context.currentTime;
  while (context.currentTime - start < 0.1) await new Promise((resolve) => setTimeout(resolve, 20));
  return context.state;
}

window.page = {
  blank,
  clock,
  controls,
  createMediaSessionControls,
  createTarget,
  invoke,
  notices,
  render,
  shown,
  startWebAudio,
  target,
};
controls.attach(target);
render();
window.ready = true;
