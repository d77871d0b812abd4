// The task side of the bridge, in a module worker: `connectAudio` is its AudioAdapter. The page
// runs commands on it by message and reads the results.
import { connectAudio } from 'backbeat/audio/bridge';
import { createWebAudio } from 'backbeat/audio/webAudio';

let audio;
let port;
const tracks = new Map();
const records = new Map();
const protocolErrors = [];
const engineStates = [];
let pending = null;
let nextTrack = 1;

function describe(error) {
  return {
    name: error?.name,
    code: error?.code,
    kind: error?.error,
    message: error?.message ?? String(error),
  };
}

function adopt(track) {
  const n = nextTrack++;
  const record = [];
  tracks.set(n, track);
  records.set(n, record);
  for (const name of ['ended', 'bufferingStarted', 'bufferingEnded', 'failed']) {
    track.on(name, (payload) => record.push({ name, payload, position: track.position }));
  }
  return { track: n, duration: track.duration, canSeek: track.canSeek };
}

const commands = {
  ping: () => 'pong',
  /** A worker has no AudioContext: the engine refuses clearly. */
  createEngineHere: () => createWebAudio(),
  async open(uri) {
    return adopt(await audio.open(uri));
  },
  preload: (uri) => audio.preload(uri),
  play: (n) => tracks.get(n).play(),
  pause: (n) => tracks.get(n).pause(),
  seek: (n, ms) => tracks.get(n).seek(ms),
  setVolume: (n, v) => tracks.get(n).setVolume(v),
  position: (n) => tracks.get(n).position,
  events: (n) => records.get(n),
  state: () => ({ state: audio.state, connected: audio.connected, engineStates }),
  protocolErrors: () => protocolErrors,
  postRaw: (message) => port.postMessage(message),
  /** Plays `uris` as a list: each next one preloaded, opened when the one before ends. */
  playList(uris) {
    const order = [];
    return new Promise((resolve, reject) => {
      const step = async (i) => {
        const track = await audio.open(uris[i]);
        order.push(`opened ${i}`);
        if (i + 1 < uris.length) audio.preload(uris[i + 1]);
        track.on('failed', ({ message }) => reject(new Error(message)));
        track.on('ended', () => {
          order.push(`ended ${i}`);
          track.close();
          if (i + 1 < uris.length) step(i + 1).catch(reject);
          else resolve(order);
        });
        if (i === 0) track.play();
      };
      step(0).catch(reject);
    });
  },
  /** Starts an open and keeps its outcome for `outcome()`. */
  openPending(uri) {
    pending = { settled: false };
    const started = performance.now();
    audio.open(uri).then(
      (track) => Object.assign(pending, { settled: true, ok: true, duration: track.duration }),
      (error) =>
        Object.assign(pending, {
          settled: true,
          ok: false,
          error: describe(error),
          afterMs: performance.now() - started,
        }),
    );
  },
  outcome: () => pending,
};

self.onmessage = async ({ data }) => {
  if (data.port) {
    port = data.port;
    audio = connectAudio(port, {
      onProtocolError: (error) => protocolErrors.push(describe(error)),
    });
    audio.on('stateChanged', ({ state }) => engineStates.push(state));
    return;
  }
  const { id, cmd, args } = data;
  try {
    const result = await commands[cmd](...args);
    if (id) self.postMessage({ id, ok: true, result });
  } catch (error) {
    if (id) self.postMessage({ id, ok: false, error: describe(error) });
  }
};
