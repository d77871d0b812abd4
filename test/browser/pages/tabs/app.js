// A real app of the built package: in a browser its media system shares its tasks with the
// origin's other tabs by default.
import { createMediaSystem } from 'backbeat';

const params = new URLSearchParams(location.search);
const id = params.get('app') ?? 'music';
const system = createMediaSystem({ deviceFamily: params.get('family') ?? 'mobile' });
const app = system.launchApp({
  id,
  task: new URL('./tasks/quiet.mjs', import.meta.url),
  host: params.get('host') ?? 'worker',
});
const bmp = app.backgroundMediaPlayer;
const states = [];
const messages = [];
const show = () => {
  document.getElementById('tasks').textContent =
    `backgroundTasks(): ${JSON.stringify(system.backgroundTasks(), null, 2)}`;
};
document.getElementById('app').textContent = id;
bmp.on('taskStateChanged', ({ state, reason }) => {
  states.push(reason ? `${state}:${reason}` : state);
  document.getElementById('task').textContent = state;
  const item = document.createElement('li');
  item.textContent = `task ${state}${reason ? ` (${reason})` : ''}`;
  document.getElementById('log').append(item);
});
setInterval(show, 50);

window.tabsApp = {
  states,
  messages,
  // Registering the handler starts the task.
  start: () => bmp.on('messageReceivedFromBackground', (e) => messages.push(e.data)),
  backgroundTasks: () => {
    show();
    return system.backgroundTasks();
  },
};
