// One playing session: the media system, the app and its background task, and the view model
// that the terminal UI and the plain line output both show. Keys come in as actions.
import { createMediaSystem } from 'backbeat';
import { taskActions } from './keys.mjs';

const SEEK_STEP_MS = 10_000;
const VOLUME_STEP = 0.1;
const MAX_EVENTS = 200;

const withTimeout = (promise, ms) =>
  Promise.race([
    Promise.resolve(promise).catch(() => {}),
    new Promise((resolve) => setTimeout(resolve, ms).unref()),
  ]);

const describeError = (error) =>
  String(error?.message ?? error)
    .split('\n')[0]
    .trim();

/**
 * Starts the media system and the app's background task, and plays `tracks`.
 *
 * `onEvent({ at, text, kind })` receives every event worth a line: task lifecycle with its
 * reason, track changes, failures, notices, and (kind 'state') player state changes.
 * `onChange()` is called when the view model changed. The returned session has `view`,
 * `dispatch(action)`, `ended` (resolves at the end of the playlist), `taskGone` (resolves
 * when the task ended while the session was not closing), `close()` and `stats`. `inspect`
 * (an inspector's `inspect`) receives the inspection events of the whole media system.
 *
 * @example
 * const session = await startSession({ tracks, options, onEvent: (e) => console.log(e.text) });
 * await session.ended;
 * await session.close();
 */
export async function startSession({
  tracks,
  options,
  inspect,
  onEvent = () => {},
  onChange = () => {},
}) {
  const started = Date.now();
  const unicode = options.unicode !== false;
  const view = {
    unicode,
    device: options.device,
    host: options.host,
    taskState: null,
    index: -1,
    count: tracks.length,
    title: '',
    artist: '',
    uri: '',
    state: 'closed',
    position: 0,
    duration: Number.NaN,
    volume: 1,
    muted: false,
    shuffle: false,
    repeat: false,
    visible: true,
    ended: false,
    events: [],
  };
  const stats = { tracksStarted: 0, failedUris: new Set(), closing: false };

  const event = (text, kind = 'event', style = '') => {
    const entry = { at: Date.now() - started, text, kind, style };
    if (kind !== 'state') {
      view.events.push(entry);
      if (view.events.length > MAX_EVENTS) view.events.splice(0, view.events.length - MAX_EVENTS);
    }
    onEvent(entry);
    onChange();
  };

  const controlsAdapters = [];
  let mpris = null;
  if (options.mpris) {
    try {
      const { createMprisControls } = await import('backbeat/controls/mpris');
      mpris = createMprisControls({
        id: `play${process.pid}`,
        identity: 'Backbeat Play',
        notice: (message) => event(message, 'notice', 'dim'),
      });
      controlsAdapters.push(mpris);
    } catch (error) {
      event(`media controls (MPRIS) are off: ${describeError(error)}`, 'notice', 'dim');
    }
  }

  const system = createMediaSystem({
    deviceFamily: options.device,
    audio: { kind: 'webAudio', sink: options.sink },
    controlsAdapters,
    ...(inspect ? { inspect } : {}),
  });
  const app = system.launchApp({
    id: 'backbeat-play',
    task: new URL('./task.mjs', import.meta.url),
    host: options.host,
  });
  const bmp = app.backgroundMediaPlayer;

  let resolveEnded;
  const ended = new Promise((resolve) => {
    resolveEnded = resolve;
  });
  let resolveGone;
  const taskGone = new Promise((resolve) => {
    resolveGone = resolve;
  });
  let resolveTaskEnded = () => {};
  let restartIndex = 0;
  let playing = () => {};

  const send = (data) => {
    try {
      bmp.sendMessageToBackground(data);
    } catch (error) {
      event(`could not send ${data.type}: ${describeError(error)}`, 'error');
    }
  };

  bmp.on('taskStateChanged', ({ state, reason }) => {
    view.taskState = state;
    event(`task ${state}${reason ? ` (${reason})` : ''}`, 'task');
    if (state === 'completed' || state === 'terminated') {
      resolveTaskEnded();
      if (!stats.closing) resolveGone({ state, reason });
    }
  });
  bmp.on('error', (error) => event(`error: ${describeError(error)}`, 'error', 'bold'));
  bmp.on('messageReceivedFromBackground', ({ data }) => {
    switch (data.type) {
      case 'ready':
        send({
          type: 'load',
          uris: tracks.map((t) => t.uri),
          titles: tracks.map((t) => t.title ?? ''),
          artists: tracks.map((t) => t.artist ?? ''),
          start: restartIndex,
          play: true,
        });
        break;
      case 'trackChanged': {
        Object.assign(view, {
          index: data.index,
          count: data.count,
          title: data.title,
          artist: data.artist,
          uri: data.uri,
          ended: false,
          position: 0,
        });
        restartIndex = Math.max(0, data.index);
        stats.tracksStarted++;
        const by = data.artist ? ` by ${data.artist}` : '';
        event(
          `track ${data.index + 1}/${data.count}: "${data.title}"${by} (${data.reason})`,
          'track',
        );
        break;
      }
      case 'itemFailed':
        stats.failedUris.add(data.uri);
        event(`itemFailed ${data.uri}: ${data.error}: ${data.message}`, 'failure', 'bold');
        break;
      case 'playlistEnded':
        view.ended = true;
        restartIndex = 0;
        event('end of playlist', 'ended');
        resolveEnded();
        break;
      case 'shuffle':
        view.shuffle = data.enabled;
        event(`shuffle ${data.enabled ? 'on' : 'off'}`);
        break;
      case 'repeat':
        view.repeat = data.enabled;
        event(`repeat ${data.enabled ? 'on' : 'off'}`);
        break;
      case 'saved':
        event(
          `task saved its place: track ${data.index + 1} at ${Math.round(data.position / 1000)} s (${data.reason})`,
        );
        break;
      case 'bye':
        break;
      default:
        event(`message: ${JSON.stringify(data)}`);
    }
  });

  const player = bmp.current; // starts the background task
  const refresh = () => {
    const snap = player.snapshot;
    view.state = snap.currentState;
    view.position = snap.position;
    view.duration = snap.naturalDuration;
    view.volume = snap.volume;
    view.muted = snap.isMuted;
  };
  player.on('currentStateChanged', ({ state }) => {
    refresh();
    event(`player ${state}`, 'state');
    if (state === 'playing') playing();
  });
  player.on('snapshotChanged', () => {
    refresh();
    onChange();
  });
  player.on('mediaFailed', ({ error, errorMessage }) => {
    const uri = player.snapshot.currentItem?.uri ?? view.uri;
    event(`mediaFailed ${uri}: ${error}: ${errorMessage}`, 'failure', 'bold');
  });

  const ensureTask = () => {
    if (app.instanceId === null && !stats.closing) {
      event('starting a new task instance');
      return bmp.current;
    }
    return player;
  };

  const call = (what, fn) => {
    Promise.resolve()
      .then(() => fn(ensureTask()))
      .catch((error) => event(`${what} failed: ${describeError(error)}`, 'error'));
  };

  const dispatch = (action) => {
    if (stats.closing) return;
    refresh();
    switch (action) {
      case 'playPause':
        if (view.state === 'playing' || view.state === 'buffering') call('pause', (p) => p.pause());
        else if (view.ended) send({ type: 'next' });
        else call('play', (p) => p.play());
        break;
      case 'seekBack':
      case 'seekForward': {
        const delta = action === 'seekBack' ? -SEEK_STEP_MS : SEEK_STEP_MS;
        const end = Number.isFinite(view.duration) ? view.duration : Number.POSITIVE_INFINITY;
        const to = Math.max(0, Math.min(end, view.position + delta));
        call('seek', (p) => p.seek(to));
        break;
      }
      case 'volumeUp':
      case 'volumeDown': {
        const delta = action === 'volumeUp' ? VOLUME_STEP : -VOLUME_STEP;
        const next = Math.round(Math.max(0, Math.min(1, view.volume + delta)) * 100) / 100;
        call('volume', (p) => p.setVolume(next));
        break;
      }
      case 'mute':
        call('mute', (p) => p.setMuted(!view.muted));
        break;
      case 'visibility':
        try {
          if (app.state === 'suspended') {
            app.resume();
            view.visible = true;
            event('foreground shown (app.resume)');
          } else {
            app.suspend();
            view.visible = false;
            event('foreground hidden (app.suspend)');
          }
        } catch (error) {
          event(`visibility: ${describeError(error)}`, 'error');
        }
        break;
      default:
        if (taskActions.has(action) && action !== 'quit') {
          if (app.instanceId === null) ensureTask();
          send({ type: action });
        }
    }
    onChange();
  };

  const close = async () => {
    if (stats.closing) return;
    stats.closing = true;
    const taskEnded = new Promise((resolve) => {
      resolveTaskEnded = resolve;
    });
    if (app.instanceId !== null) {
      try {
        bmp.sendMessageToBackground({ type: 'quit' });
        await withTimeout(taskEnded, 2_000);
      } catch {}
    }
    await withTimeout(bmp.shutdown(), 3_000);
    if (mpris) await withTimeout(mpris.dispose(), 2_000);
    await withTimeout(system.dispose(), 3_000);
  };

  const firstPlay = new Promise((resolve) => {
    playing = resolve;
  });

  return {
    view,
    stats,
    dispatch,
    ended,
    taskGone,
    firstPlay,
    close,
    refresh,
    note: (text) => event(text, 'notice', 'dim'),
    get elapsed() {
      return Date.now() - started;
    },
  };
}
