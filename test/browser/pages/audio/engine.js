// The Web Audio engine on the page plays three tones as a list, each next one preloaded: the
// recorded output must be the three tones back to back, sample for sample.
import { createWebAudio } from 'backbeat/audio/webAudio';
import * as lab from './lab.js';

const LENGTHS = [14_401, 14_399, 14_400];
const FREQS = [440, 660, 880];
const parts = LENGTHS.map((n, i) => lab.tone(FREQS[i], n));
const urls = parts.map(lab.wavUrl);
const expected = lab.concat(parts);

// `?route=mediaElement` plays through an <audio> element instead of the default destination.
const route = new URLSearchParams(location.search).get('route') ?? undefined;
const engine = createWebAudio({ sampleRate: lab.RATE, ...(route ? { route } : {}) });
const recorder = await lab.tap(engine.context, engine.outputNode);

function watchElement() {
  const element = engine.element;
  if (!element) return () => [];
  const seen = [];
  const timer = setInterval(() => {
    seen.push({ paused: element.paused, time: element.currentTime });
  }, 50);
  return () => {
    clearInterval(timer);
    return seen;
  };
}

async function playList() {
  const events = [];
  const stopWatching = watchElement();
  let index = 0;
  const finished = new Promise((resolve, reject) => {
    const openAt = async (i) => {
      const track = await engine.open(urls[i]);
      events.push(`opened ${i}`);
      if (i + 1 < urls.length) engine.preload(urls[i + 1]);
      track.on('ended', () => {
        events.push(`ended ${i}`);
        if (i + 1 < urls.length) openAt(i + 1).catch(reject);
        else resolve();
      });
      track.on('failed', ({ message }) => reject(new Error(message)));
      if (i === 0) track.play();
      index = i;
    };
    openAt(0).catch(reject);
  });
  await finished;
  // Let a little silence follow, then read the recording.
  const after = recorder.length + 4_800;
  await lab.until(() => recorder.length >= after, 'the silence after the list');
  const element = stopWatching();
  const x = recorder.samples();
  const start = lab.firstSound(x);
  const joins = [LENGTHS[0], LENGTHS[0] + LENGTHS[1]];
  const bounds = [0, ...joins, expected.length];
  const freqs = FREQS.map((_, i) =>
    Math.round(lab.frequency(x, start + bounds[i] + 100, start + bounds[i + 1] - 100)),
  );
  const result = {
    state: engine.state,
    outputKind: engine.outputKind,
    sampleRate: engine.context.sampleRate,
    events,
    last: index,
    start,
    maxDifference: lab.maxDifference(x, start, expected),
    freqs,
    silenceAfter: lab.rms(x, start + expected.length, start + expected.length + 2_400),
    element,
  };
  lab.plot(
    x.subarray(Math.max(0, start - 2_000), start + expected.length + 2_000),
    joins.map((j) => j + Math.min(start, 2_000)),
    `recorded output: ${freqs.join(' Hz, ')} Hz; max difference from the tones ${result.maxDifference}`,
  );
  lab.plotJoins(
    x,
    joins.map((j) => start + j),
    'the joins, 48 samples either side (red: where the next tone starts)',
  );
  document.getElementById('out').textContent = JSON.stringify(
    { ...result, element: undefined },
    null,
    2,
  );
  return result;
}

window.engineReady = true;
window.playList = playList;
