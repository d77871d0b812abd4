// A media system on the page with the Media Session controls: the task runs on the host the
// query names (`?host=inline` or `?host=worker`).
import { createMediaSystem } from 'backbeat';
import { createMediaSessionControls, MEDIA_SESSION_ACTIONS } from 'backbeat/controls/mediaSession';

const host = new URLSearchParams(location.search).get('host') ?? 'inline';
const notices = [];
const controls = createMediaSessionControls({ notice: (message) => notices.push(message) });
const system = createMediaSystem({ controlsAdapters: [controls] });
const app = system.launchApp({ id: 'session', task: new URL('./task.js', import.meta.url), host });
const bmp = app.backgroundMediaPlayer;
const seen = { items: [], states: [], errors: [] };

function text(id, value) {
  document.querySelector(`[data-testid="${id}"]`).textContent = value;
}

function render() {
  const session = navigator.mediaSession;
  text('item', String(seen.items.at(-1) ?? '–'));
  text('player', seen.states.at(-1) ?? '–');
  text('title', session.metadata?.title ?? '(no metadata)');
  text('artist', session.metadata?.artist ?? '–');
  text('album', session.metadata?.album ?? '–');
  text('playback-state', session.playbackState);
  const handlers = window.mediaSessionLog.handlers;
  text('actions', MEDIA_SESSION_ACTIONS.filter((action) => handlers[action]).join(', ') || 'none');
}

bmp.on('error', (error) => seen.errors.push(String(error)));
bmp.on('messageReceivedFromBackground', ({ data }) => {
  if (data.type === 'item') seen.items.push(data.index);
  render();
});
const player = bmp.current;
player.on('currentStateChanged', ({ state }) => {
  seen.states.push(state);
  render();
});

/** What the real Media Session shows now, and what the page has seen of the task. */
function shown() {
  render();
  const session = navigator.mediaSession;
  const handlers = window.mediaSessionLog.handlers;
  return {
    title: session.metadata?.title ?? null,
    artist: session.metadata?.artist ?? null,
    album: session.metadata?.album ?? null,
    playbackState: session.playbackState,
    handlers: MEDIA_SESSION_ACTIONS.filter((action) => handlers[action]),
    item: seen.items.at(-1) ?? null,
    player: seen.states.at(-1) ?? null,
    errors: seen.errors,
    notices,
  };
}

/** Calls the handler the page registered for `action`, as the browser would. */
function invoke(action, details = {}) {
  const handler = window.mediaSessionLog.handlers[action];
  if (!handler) throw new Error(`no handler is set for ${action}`);
  handler({ action, ...details });
}

window.page = { app, controls, invoke, player, shown, system };
window.ready = true;
