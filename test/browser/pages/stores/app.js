// A real app of the built package whose playback checkpoints go to IndexedDB.
import { createMediaSystem } from 'backbeat';
import { createIndexedDbStateStore } from 'backbeat/store/indexedDb';

const stateStore = createIndexedDbStateStore({ name: 'resume' });
const system = createMediaSystem({ stateStore });
const app = system.launchApp({
  id: 'music',
  task: new URL('./tasks/resumable.mjs', import.meta.url),
  host: new URLSearchParams(location.search).get('host') ?? 'worker',
});
const bmp = app.backgroundMediaPlayer;
const messages = [];

window.storeApp = {
  messages,
  // Registering the handler starts the task.
  start: () =>
    bmp.on('messageReceivedFromBackground', ({ data }) => {
      messages.push(data);
      const item = document.createElement('li');
      item.textContent = JSON.stringify(data);
      document.getElementById('log').append(item);
    }),
  tell: (data) => bmp.sendMessageToBackground(data),
  saved: () => stateStore.load('music'),
};
