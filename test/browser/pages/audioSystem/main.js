// A media system on the page whose task makes sound with the page's Web Audio engine: through
// the audio bridge from a Web Worker, or directly on the inline host. The page records what the
// engine plays, sample by sample.
import { createMediaSystem } from 'backbeat';
import { createWebAudio } from 'backbeat/audio/webAudio';
import * as lab from '../audio/lab.js';

const LENGTHS = [14_401, 14_399, 14_400];
const FREQS = [440, 660, 880];
const parts = LENGTHS.map((n, i) => lab.tone(FREQS[i], n));
const expected = lab.concat(parts);

window.playThrough = async (host) => {
  const engine = createWebAudio({ sampleRate: lab.RATE, route: 'destination' });
  const recorder = await lab.tap(engine.context, engine.outputNode);
  const system = createMediaSystem({ audio: { kind: 'webAudio' }, audioEngine: engine });
  const app = system.launchApp({ id: 'sound', task: new URL('./task.mjs', import.meta.url), host });
  const bmp = app.backgroundMediaPlayer;
  const messages = [];
  bmp.on('messageReceivedFromBackground', ({ data }) => messages.push(data));
  bmp.sendMessageToBackground({ type: 'play', urls: parts.map(lab.wavUrl) });
  await lab.until(() => messages.some((m) => m.type === 'ended'), 'the end of the list', 20_000);
  const after = recorder.length + 4_800;
  await lab.until(() => recorder.length >= after, 'the silence after the list');
  const x = recorder.samples();
  const start = lab.firstSound(x);
  const bounds = [0, LENGTHS[0], LENGTHS[0] + LENGTHS[1], expected.length];
  lab.plotJoins(
    x,
    bounds.slice(1, 3).map((j) => start + j),
    `a task on the ${host} host: the joins, 48 samples either side`,
  );
  const result = {
    messages,
    engineState: engine.state,
    start,
    maxDifference: lab.maxDifference(x, start, expected),
    freqs: FREQS.map((_, i) =>
      lab.frequency(x, start + bounds[i] + 100, start + bounds[i + 1] - 100),
    ),
  };
  document.getElementById('out').textContent = JSON.stringify(result, null, 2);
  await system.dispose();
  return result;
};
// A task that crashes while it plays: its sound stops with it (the page closes its tracks).
window.crashWhilePlaying = async (host) => {
  const engine = createWebAudio({ sampleRate: lab.RATE, route: 'destination' });
  const recorder = await lab.tap(engine.context, engine.outputNode);
  const system = createMediaSystem({ audio: { kind: 'webAudio' }, audioEngine: engine });
  const app = system.launchApp({ id: 'sound', task: new URL('./task.mjs', import.meta.url), host });
  const bmp = app.backgroundMediaPlayer;
  const states = [];
  bmp.on('taskStateChanged', ({ state, reason }) =>
    states.push(reason ? `${state}:${reason}` : state),
  );
  bmp.sendMessageToBackground({ type: 'play', urls: [lab.wavUrl(lab.tone(440, lab.RATE * 30))] });
  // Sound first: a tenth of a second of it.
  await lab.until(() => {
    const x = recorder.samples();
    const start = lab.firstSound(x);
    return start >= 0 && x.length - start > lab.RATE / 10;
  }, 'the tone');
  bmp.sendMessageToBackground({ type: 'crash' });
  await lab.until(() => states.some((s) => s.startsWith('terminated')), 'the crash');
  // What the engine plays from a little after the end on (the render queue drains first).
  const from = recorder.length + lab.RATE / 10;
  await lab.until(() => recorder.length >= from + lab.RATE / 2, 'half a second after the crash');
  const x = recorder.samples();
  const result = {
    states,
    before: lab.rms(x, lab.firstSound(x), lab.firstSound(x) + lab.RATE / 20),
    after: lab.rms(x, from, from + lab.RATE / 2),
  };
  await system.dispose();
  return result;
};
window.ready = true;
