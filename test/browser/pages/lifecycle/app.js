// A real app of the built package: in a browser its foreground follows the page by default
// (`?follow=off` launches it with `pageLifecycle: false`).
import { createMediaSystem } from 'backbeat';

const params = new URLSearchParams(location.search);
const system = createMediaSystem({ deviceFamily: params.get('family') ?? 'mobile' });
const app = system.launchApp({
  id: 'music',
  task: new URL('./tasks/quiet.mjs', import.meta.url),
  host: params.get('host') ?? 'inline',
  pageLifecycle: params.get('follow') !== 'off',
});
const bmp = app.backgroundMediaPlayer;
const states = [];
const messages = [];
const note = (text) => {
  const item = document.createElement('li');
  item.textContent = text;
  document.getElementById('log').append(item);
  document.getElementById('foreground').textContent = app.state;
};
bmp.on('taskStateChanged', ({ state, reason }) => {
  states.push(reason ? `${state}:${reason}` : state);
  document.getElementById('task').textContent = state;
  note(`task ${state}${reason ? ` (${reason})` : ''}`);
});
// Registering this handler starts the task (as reading `current` would).
bmp.on('messageReceivedFromBackground', (e) => messages.push(e.data));
// After the follower's own listener: the note shows the foreground state it left.
document.addEventListener('visibilitychange', () => note(`page ${document.visibilityState}`));
note('launched');

window.lifecycleApp = {
  states,
  messages,
  foreground: () => app.state,
  start: () => {
    void bmp.current;
  },
  play: () => bmp.current.play(),
  playing: () => bmp.current.snapshot.currentState,
};
