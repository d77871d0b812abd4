// The quickstart foreground: launches an app whose background task runs in a worker thread,
// plays a playlist of virtual tracks, prints what the task tells it, presses a virtual "next"
// button as a headset would, suspends and resumes, lets the system kill the task without notice
// (a VoIP call on a device low on memory), starts it again — it carries on from its last
// checkpoint — and exits when the playlist ends.
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

// 1.2 s into the third track the system kills the task without notice; the checkpoint taken
// a second into the track survives it.
let killed = false;
function killAndRestart() {
  killed = true;
  log('VoIP call on a device low on memory: the task is killed without notice');
  const gone = new Promise((resolve) => {
    const off = bmp.on('taskStateChanged', ({ state }) => {
      if (state === 'terminated') resolve(off());
    });
  });
  system.interrupt('voipCall', { lowMemory: true });
  void gone.then(() => {
    void bmp.current; // the same proxy, now to a fresh instance started from the last checkpoint
    bmp.sendMessageToBackground({ type: 'start' });
  });
}

const finished = new Promise((resolve, reject) => {
  bmp.on('error', (error) => log('error:', error.message));
  bmp.on('taskStateChanged', ({ state, reason }) =>
    log(`task ${state}${reason ? ` (${reason})` : ''}`),
  );
  bmp.on('messageReceivedFromBackground', ({ data }) => {
    if (data.type === 'trackChanged') {
      log(`now playing #${data.index + 1} "${data.title}" by ${data.artist} (${data.reason})`);
      if (data.index === 2 && !killed) setTimeout(killAndRestart, 1_200);
    } else if (data.type === 'resumed') {
      log(`resumed at #${data.index + 1}, ${Math.round(data.position)} ms`);
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
