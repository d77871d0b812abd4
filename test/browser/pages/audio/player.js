// A real MediaPlayer with a MediaPlaybackList runs in a module worker, its audio adapter the
// bridge to this page's Web Audio engine; the page records what it plays.
import { serveAudio } from 'backbeat/audio/bridge';
import { createWebAudio } from 'backbeat/audio/webAudio';
import * as lab from './lab.js';

const LENGTHS = [14_401, 14_399, 14_400];
const FREQS = [440, 660, 880];
const parts = LENGTHS.map((n, i) => lab.tone(FREQS[i], n));
const expected = lab.concat(parts);

const engine = createWebAudio({ sampleRate: lab.RATE });
const recorder = await lab.tap(engine.context, engine.outputNode);
const channel = new MessageChannel();
serveAudio(engine, channel.port1);
const worker = new Worker(new URL('./playerWorker.js', import.meta.url), { type: 'module' });

window.playWithPlayer = () =>
  new Promise((resolve, reject) => {
    worker.onerror = (event) => reject(new Error(event.message));
    worker.onmessage = async ({ data }) => {
      const after = recorder.length + 4_800;
      await lab.until(() => recorder.length >= after, 'the silence after the list');
      const x = recorder.samples();
      const start = lab.firstSound(x);
      const bounds = [0, LENGTHS[0], LENGTHS[0] + LENGTHS[1], expected.length];
      lab.plotJoins(
        x,
        bounds.slice(1, 3).map((j) => start + j),
        'MediaPlayer in a worker: the joins, 48 samples either side',
      );
      const result = {
        ...data,
        start,
        maxDifference: lab.maxDifference(x, start, expected),
        freqs: FREQS.map((_, i) =>
          lab.frequency(x, start + bounds[i] + 100, start + bounds[i + 1] - 100),
        ),
      };
      document.getElementById('out').textContent = JSON.stringify(result, null, 2);
      resolve(result);
    };
    worker.postMessage({ port: channel.port2, urls: parts.map(lab.wavUrl) }, [channel.port2]);
  });
window.playerReady = true;
