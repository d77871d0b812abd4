// The page of the browser player: the foreground. It launches the task, shows what the task's
// player reports (its synchronous replica) and sends requests; the playback itself lives in the
// task's Web Worker.
import { createMediaSystem } from 'backbeat';
import { createWebAudio } from 'backbeat/audio/webAudio';
import { createMediaSessionControls } from 'backbeat/controls/mediaSession';
import { openInspector } from 'backbeat/inspector';
import { tracks } from './tracks.js';

const $ = (selector) => document.querySelector(selector);
const format = (ms) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

// The page's sound engine (one AudioContext): the task in the worker plays through it. The
// Media Session adapter shows the task's controls to the browser and the OS; its silent element
// gives a Web Audio page the media focus Chrome wants before it shows them.
const engine = createWebAudio();
// Backbeat's inspector records both sides from the start; the "Inspect" link opens its page
// (which the Vite plugin serves on this origin) in a tab of its own, fed over a BroadcastChannel.
const inspector = openInspector({ target: null });
$('#inspect').href = inspector.url;
const system = createMediaSystem({
  deviceFamily: 'desktop',
  inspect: inspector.inspect,
  audio: { kind: 'webAudio' },
  audioEngine: engine,
  controlsAdapters: [createMediaSessionControls({ silentAudio: true })],
});
// A browser may hold sound back until the first click or key press: say so, never hang.
const showSound = ({ state }) => {
  $('#sound').hidden = state !== 'suspended';
};
engine.on('stateChanged', showSound);
showSound(engine);
const app = system.launchApp({ id: 'browser-player', task: new URL('./task.js', import.meta.url) });
const bmp = app.backgroundMediaPlayer;

const lifecycle = $('#lifecycle');
const note = (text) => {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  lifecycle.prepend(item);
};
// The proxy of the running task instance; after the task ended, the next request starts a new one.
let current = null;
const player = () => {
  current ??= bmp.current;
  return current;
};
bmp.on('taskStateChanged', ({ state, reason }) => {
  $('[data-testid="task-state"]').textContent = state;
  note(reason ? `${state} (${reason})` : state);
  if (state === 'completed' || state === 'terminated') current = null;
});
bmp.on('error', (error) => note(`error: ${error.name}: ${error.message}`));

const report = (promise) => promise.catch((error) => note(`${error.name}: ${error.message}`));
const playlist = $('#playlist');
tracks.forEach((track, index) => {
  const item = document.createElement('li');
  item.textContent = `${track.title} — ${track.artist}`;
  item.addEventListener('click', () => {
    bmp.sendMessageToBackground({ type: 'play', index });
    void report(player().play());
  });
  playlist.append(item);
});

// Reading `current` starts the task; the proxy's calls never hang (they reject if it dies).
$('#play').addEventListener('click', () => report(player().play()));
$('#pause').addEventListener('click', () => report(player().pause()));
$('#next').addEventListener('click', () => bmp.sendMessageToBackground({ type: 'next' }));
$('#previous').addEventListener('click', () => bmp.sendMessageToBackground({ type: 'previous' }));
$('#volume').addEventListener('input', (e) => report(player().setVolume(e.target.value / 100)));
$('#seek').addEventListener('change', (e) => {
  const { naturalDuration } = player().snapshot;
  report(player().seek((e.target.value / 1000) * naturalDuration));
});

let seeking = false;
$('#seek').addEventListener('pointerdown', () => {
  seeking = true;
});
$('#seek').addEventListener('pointerup', () => {
  seeking = false;
});

// The replica is synchronous: draw it on every frame. The first read starts the task.
const draw = () => {
  const { currentItem, naturalDuration, currentState, position } = player().snapshot;
  $('[data-testid="title"]').textContent = currentItem?.title ?? '—';
  $('[data-testid="artist"]').textContent = currentItem?.artist ?? '';
  $('[data-testid="position"]').textContent = format(position);
  $('[data-testid="duration"]').textContent = format(naturalDuration);
  if (!seeking && naturalDuration > 0) $('#seek').value = (position / naturalDuration) * 1000;
  $('#play').disabled = currentState === 'playing';
  $('#pause').disabled = currentState !== 'playing';
  playlist.querySelectorAll('li').forEach((li, i) => {
    li.setAttribute('aria-current', String(currentItem?.index === i));
  });
  requestAnimationFrame(draw);
};
requestAnimationFrame(draw);
window.backbeatPlayer = { system, app, engine, inspector };
