// The page serves its Web Audio engine to a module worker over a MessagePort; the worker is the
// task side (connectAudio). `call(cmd, ...args)` runs one of the worker's commands.
import { serveAudio } from 'backbeat/audio/bridge';
import { createWebAudio } from 'backbeat/audio/webAudio';
import * as lab from './lab.js';

const LENGTHS = [14_401, 14_399, 14_400];
const FREQS = [440, 660, 880];
const parts = LENGTHS.map((n, i) => lab.tone(FREQS[i], n));
const expected = lab.concat(parts);
// 3 s whose level rises from 0.1 to 0.7: the level heard tells where playback is.
const rampSeconds = 3;
const urls = {
  list: parts.map(lab.wavUrl),
  ramp: lab.wavUrl(lab.ramp(440, rampSeconds * lab.RATE, 0.1, 0.7)),
};

const engine = createWebAudio({ sampleRate: lab.RATE });
const recorder = await lab.tap(engine.context, engine.outputNode);
const channel = new MessageChannel();
const protocolErrors = [];
const server = serveAudio(engine, channel.port1, {
  onProtocolError: (error) => protocolErrors.push(error.message),
});
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const waiting = new Map();
let nextId = 1;
worker.onmessage = ({ data }) => {
  const settle = waiting.get(data.id);
  waiting.delete(data.id);
  settle?.(data);
};
worker.onerror = (event) => console.error(`worker error: ${event.message}`);

/** Runs a worker command; resolves with its result, or rejects with the error it threw. */
function call(cmd, ...args) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, (reply) => (reply.ok ? resolve(reply.result) : reject(reply.error)));
    worker.postMessage({ id, cmd, args });
  });
}
worker.postMessage({ port: channel.port2 }, [channel.port2]);
await call('ping');

/** The recording of the list, checked against the tones. */
function listRecording() {
  const x = recorder.samples();
  const start = lab.firstSound(x);
  const bounds = [0, LENGTHS[0], LENGTHS[0] + LENGTHS[1], expected.length];
  lab.plot(
    x.subarray(Math.max(0, start - 2_000), start + expected.length + 2_000),
    bounds.slice(1, 3).map((j) => j + Math.min(start, 2_000)),
    'played from the worker through the bridge',
  );
  lab.plotJoins(
    x,
    bounds.slice(1, 3).map((j) => start + j),
    'the joins, 48 samples either side (red: where the next tone starts)',
  );
  return {
    start,
    maxDifference: lab.maxDifference(x, start, expected),
    freqs: FREQS.map((_, i) =>
      lab.frequency(x, start + bounds[i] + 100, start + bounds[i + 1] - 100),
    ),
  };
}

/** The level (RMS) of the last `frames` recorded frames, once that many more have come. */
async function levelOfNext(frames) {
  recorder.clear();
  await lab.until(() => recorder.length >= frames, `${frames} recorded frames`);
  const x = recorder.samples();
  return lab.rms(x, x.length - frames, x.length);
}

Object.assign(window, {
  call,
  urls,
  listRecording,
  levelOfNext,
  protocolErrors,
  clearRecording: () => recorder.clear(),
  postBadReports() {
    channel.port1.postMessage('not a report');
    channel.port1.postMessage({
      v: 1,
      kind: 'position',
      track: 1,
      position: -5,
      advancing: true,
      rate: 1,
    });
    channel.port1.postMessage({ v: 9, kind: 'engine', state: 'running' });
  },
  postBadRequest: () =>
    worker.postMessage({ id: 0, cmd: 'postRaw', args: [{ v: 1, kind: 'open', id: 77 }] }),
  closeServer: (reason) => server.close(reason),
  show: (value) => {
    document.getElementById('out').textContent = JSON.stringify(value, null, 2);
  },
  bridgeReady: true,
});
