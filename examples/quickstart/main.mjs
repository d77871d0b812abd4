// The quickstart foreground: launches an app whose background task runs in a worker thread,
// plays a playlist of virtual tracks, prints what the task tells it, presses a virtual "next"
// button as a headset would, suspends and resumes, and exits when the playlist ends.
import { createMediaSystem } from 'backbeat';

const started = Date.now();
const log = (...parts) => console.log(`[${String(Date.now() - started).padStart(5)} ms]`, ...parts);

const system = createMediaSystem({ deviceFamily: 'desktop' });
const app = system.launchApp({
  id: 'quickstart',
  task: new URL('./task.mjs', import.meta.url),
  host: process.env.BACKBEAT_HOST ?? 'worker',
});
const bmp = app.backgroundMediaPlayer;

const finished = new Promise((resolve, reject) => {
  bmp.on('error', (error) => log('error:', error.message));
  bmp.on('taskStateChanged', ({ state, reason }) =>
    log(`task ${state}${reason ? ` (${reason})` : ''}`),
  );
  bmp.on('messageReceivedFromBackground', ({ data }) => {
    if (data.type === 'trackChanged') {
      log(`now playing #${data.index + 1} "${data.title}" by ${data.artist} (${data.reason})`);
    } else if (data.type === 'playlistEnded') {
      log('playlist ended');
      resolve();
    } else {
      log('message:', JSON.stringify(data));
    }
  });
  setTimeout(() => reject(new Error('the demo did not finish within 30 s')), 30_000).unref();
});

const player = bmp.current; // starts the background task
player.on('currentStateChanged', ({ state }) => log(`player ${state}`));

bmp.sendMessageToBackground({ type: 'start' });
await player.setVolume(0.8);
log(`volume ${player.snapshot.volume}`);

setTimeout(async () => {
  log('headset: next');
  await system.controls.press('next');
}, 800);
setTimeout(() => {
  log('app suspended');
  app.suspend();
}, 2_000);
setTimeout(() => {
  app.resume();
  log(`app resumed; position ${Math.round(player.snapshot.position)} ms`);
}, 2_600);

try {
  await finished;
  await bmp.shutdown();
  await system.dispose();
  log('done');
  process.exit(0);
} catch (error) {
  console.error(error);
  await system.dispose();
  process.exit(1);
}
