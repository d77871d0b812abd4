// The <audio> element engine on the page: a tone plays (its time advances), garbage fails.
import { createHtmlMediaAudio } from 'backbeat/audio/htmlMedia';
import * as lab from './lab.js';

const engine = createHtmlMediaAudio({ container: document.getElementById('elements') });
const toneUrl = lab.wavUrl(lab.tone(440, 2 * lab.RATE));
const garbage = URL.createObjectURL(
  new Blob([new Uint8Array(4_096).map((_, i) => (i * 7919) % 251)], { type: 'audio/wav' }),
);

async function playTone() {
  const track = await engine.open(toneUrl);
  track.element.controls = true;
  const events = [];
  for (const name of ['ended', 'bufferingStarted', 'bufferingEnded', 'failed']) {
    track.on(name, () => events.push(name));
  }
  const opened = { duration: track.duration, canSeek: track.canSeek, position: track.position };
  track.play();
  await lab.until(() => track.position > 300, 'the element to play 300 ms');
  const playing = { position: track.position, paused: track.element.paused };
  track.seek(1_500);
  await lab.until(() => track.position > 1_600, 'the element to play on from 1.5 s');
  track.pause();
  const paused = { position: track.position, paused: track.element.paused };
  const result = {
    opened,
    playing,
    afterSeek: track.position,
    paused,
    events,
    state: engine.state,
  };
  document.getElementById('out').textContent = JSON.stringify(result, null, 2);
  return result;
}

async function openGarbage() {
  try {
    await engine.open(garbage);
    return null;
  } catch (error) {
    return {
      name: error.name,
      code: error.code,
      kind: error.error,
      message: error.message,
      uri: garbage,
    };
  }
}

/** A live stream (no length): duration Infinity, no seeking, and its time advances. */
async function playLive(url) {
  const track = await engine.open(url);
  const opened = { duration: track.duration, canSeek: track.canSeek };
  track.seek(5_000); // ignored: a stream cannot seek
  track.play();
  await lab.until(() => track.position > 300, 'the stream to play 300 ms');
  const result = { ...opened, position: track.position, paused: track.element.paused };
  track.close();
  return result;
}

Object.assign(window, { playTone, openGarbage, playLive, htmlReady: true });
