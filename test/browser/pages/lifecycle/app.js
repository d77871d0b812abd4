// A real app of the built package, its foreground following the page. The follower is read
// from the build's own module until the browser build of `launchApp` turns it on by default.
import { createMediaSystem } from 'backbeat';
import { followPageLifecycle } from '../../../../dist/actors/foreground/pageLifecycle.js';

const params = new URLSearchParams(location.search);
const system = createMediaSystem({ deviceFamily: params.get('family') ?? 'mobile' });
const app = system.launchApp({
  id: 'music',
  task: new URL('./tasks/quiet.mjs', import.meta.url),
  host: params.get('host') ?? 'inline',
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
followPageLifecycle(app, { target: window });
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
