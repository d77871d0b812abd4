// The page the browser rows of `npm run bench` drive (bench/suites/browser.mjs). Each half is
// started once by name, then measured round by round from Node; every time is taken here, with
// the page's performance.now(), so the driver's own round trips are not counted.
import { createMediaSystem } from 'backbeat';
import { createWebAudio } from 'backbeat/audio/webAudio';
import * as lab from '../../test/browser/pages/audio/lab.js';
import { flushMessage, tenKeyMessage } from '../fixtures/message.mjs';

// The same task as the Node rows: says `ready`, counts `data` messages, answers `flush`.
const taskUrl = new URL('../fixtures/task.mjs', import.meta.url);

/** Messages from `source` in arrival order, by `data.type` (or all under `*`). */
function inbox(subscribe) {
  const queued = new Map();
  const waiting = new Map();
  subscribe((data) => {
    const type = data?.type ?? '*';
    const waiters = waiting.get(type);
    if (waiters?.length) waiters.shift()(data);
    else queued.set(type, [...(queued.get(type) ?? []), data]);
  });
  return (type = '*') => {
    const q = queued.get(type);
    if (q?.length) return Promise.resolve(q.shift());
    return new Promise((resolve) => waiting.set(type, [...(waiting.get(type) ?? []), resolve]));
  };
}

function bareWorker(url) {
  const worker = new Worker(url, { type: 'module' });
  const failed = new Promise((_, reject) => {
    worker.addEventListener('error', (e) => reject(new Error(`worker error: ${e.message}`)));
  });
  const next = inbox((deliver) => {
    worker.onmessage = (event) => deliver(event.data);
  });
  return {
    worker,
    next: (type) => Promise.race([next(type), failed]),
    close: () => worker.terminate(),
  };
}

function launch(id) {
  const system = createMediaSystem({ deviceFamily: 'desktop' });
  const app = system.launchApp({ id, task: taskUrl, host: 'worker' });
  return { system, bmp: app.backgroundMediaPlayer, close: () => system.dispose() };
}

const volumeFor = (i) => (i % 2 ? 0.25 : 0.75);

async function timeCalls(call, n, offset) {
  const start = performance.now();
  for (let i = 0; i < n; i++) await call(volumeFor(i + offset));
  return ((performance.now() - start) * 1000) / n;
}

async function timeBurst(send, counted, n) {
  const start = performance.now();
  for (let i = 0; i < n; i++) send(tenKeyMessage);
  send(flushMessage);
  const reply = await counted();
  const elapsed = performance.now() - start;
  if (reply.n !== n) throw new Error(`counted ${reply.n} messages, expected ${n}`);
  return (n * 1000) / elapsed;
}

const factories = {
  /** Raw ping-pong: a call-shaped object to a bare module worker and back. */
  async rawEcho() {
    const w = bareWorker(new URL('./echoWorker.js', import.meta.url));
    let id = 0;
    const call = (x) => {
      const reply = w.next();
      w.worker.postMessage({ id: id++, method: 'setVolume', args: [x] });
      return reply;
    };
    await call(0);
    return { calls: (n, offset) => timeCalls(call, n, offset), close: w.close };
  },
  /** `await player.setVolume(x)` on a media system whose task runs on the Web Worker host. */
  async backbeatCall() {
    const h = launch('bench-browser-rtt');
    const player = h.bmp.current;
    await player.setVolume(0.5);
    return {
      calls: (n, offset) => timeCalls((x) => player.setVolume(x), n, offset),
      close: h.close,
    };
  },
  /** Raw postMessage of the 10-key object to a bare module worker that counts. */
  async rawCounter() {
    const w = bareWorker(new URL('./counterWorker.js', import.meta.url));
    const send = (m) => w.worker.postMessage(m);
    await timeBurst(send, () => w.next('count'), 1);
    return { burst: (n) => timeBurst(send, () => w.next('count'), n), close: w.close };
  },
  /** The same object through `bmp.sendMessageToBackground`, counted by the task. */
  async backbeatMessages() {
    const h = launch('bench-browser-throughput');
    const next = inbox((deliver) => {
      h.bmp.on('messageReceivedFromBackground', (e) => deliver(e.data));
    });
    await next('ready');
    const send = (m) => h.bmp.sendMessageToBackground(m);
    return { burst: (n) => timeBurst(send, () => next('count'), n), close: h.close };
  },
  /** The page's Web Audio engine with a recorder on its output node. */
  async engine() {
    const engine = createWebAudio({ sampleRate: lab.RATE });
    const recorder = await lab.tap(engine.context, engine.outputNode);
    return {
      playList: (items) => playList(engine, recorder, items),
      close: () => engine.dispose?.(),
    };
  },
};

/**
 * Plays `items` (arrays of samples at lab.RATE) as a list on `engine`, each next one preloaded
 * and opened when the current one ends, and returns the recording from the list's first sample
 * on (as long as the items together), the RMS of the 0.1 s after it and the context's rate.
 */
async function playList(engine, recorder, items) {
  const urls = items.map((samples) => lab.wavUrl(Float32Array.from(samples)));
  try {
    recorder.clear();
    await new Promise((resolve, reject) => {
      const openAt = async (i) => {
        const track = await engine.open(urls[i]);
        if (i + 1 < urls.length) engine.preload(urls[i + 1]);
        track.on('failed', ({ message }) => reject(new Error(message)));
        track.on('ended', () => {
          if (i + 1 < urls.length) openAt(i + 1).catch(reject);
          else resolve();
        });
        if (i === 0) track.play();
      };
      openAt(0).catch(reject);
    });
    const total = items.reduce((n, item) => n + item.length, 0);
    const tail = lab.RATE / 10;
    const after = recorder.length + tail;
    await lab.until(() => recorder.length >= after, 'the silence after the list');
    const x = recorder.samples();
    const lead = lab.firstSound(Float32Array.from(items[0]));
    const start = lab.firstSound(x) - lead;
    if (lead < 0 || start < 0)
      throw new Error(`no sound recorded (first sound at ${start + lead})`);
    const out = x.subarray(start, start + total);
    for (const node of document.body.querySelectorAll('figure, canvas')) node.remove();
    const joins = [];
    for (const item of items.slice(0, -1)) joins.push((joins.at(-1) ?? 0) + item.length);
    lab.plot(out, joins, `recorded list of ${items.length} noise items, ${total} samples`);
    lab.plotJoins(
      out,
      joins,
      'the joins, 48 samples either side (red: where the next item starts)',
    );
    return {
      sampleRate: engine.context.sampleRate,
      silenceAfter: lab.rms(x, start + total, start + total + tail),
      out: Array.from(out),
    };
  } finally {
    for (const url of urls) URL.revokeObjectURL(url);
  }
}

const started = new Map();

function show() {
  document.getElementById('halves').textContent = [...started.keys()].join(', ') || 'none';
}

window.bench = {
  async start(name) {
    if (!factories[name]) throw new Error(`no bench half named \`${name}\``);
    started.set(name, await factories[name]());
    show();
  },
  run(name, method, ...args) {
    const half = started.get(name);
    if (!half) throw new Error(`bench half \`${name}\` is not started`);
    return half[method](...args);
  },
  async close(name) {
    const half = started.get(name);
    started.delete(name);
    show();
    await half?.close();
  },
};
window.benchReady = true;
