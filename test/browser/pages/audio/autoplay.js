// Loaded in a browser whose autoplay policy waits for a user gesture. Everything runs from the
// page's own script (a test's evaluate would count as a gesture): the page and the task (in a
// worker, through the bridge) log what they see, the test reads the console, and clicks.
import { serveAudio } from 'backbeat/audio/bridge';
import { createHtmlMediaAudio } from 'backbeat/audio/htmlMedia';
import { createWebAudio } from 'backbeat/audio/webAudio';
import * as lab from './lab.js';

const out = document.getElementById('out');
const log = (line) => {
  console.log(`autoplay: ${line}`);
  out.textContent += `${line}\n`;
};

const engine = createWebAudio({ sampleRate: lab.RATE });
log(`page webAudio ${engine.state}`);
engine.on('stateChanged', ({ state }) => log(`page webAudio ${state}`));

const channel = new MessageChannel();
serveAudio(engine, channel.port1);
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const waiting = new Map();
let nextId = 1;
worker.onmessage = ({ data }) => {
  waiting.get(data.id)?.(data);
  waiting.delete(data.id);
};
const call = (cmd, ...args) =>
  new Promise((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, (reply) => (reply.ok ? resolve(reply.result) : reject(reply.error)));
    worker.postMessage({ id, cmd, args });
  });
worker.postMessage({ port: channel.port2 }, [channel.port2]);

const { track } = await call('open', lab.wavUrl(lab.tone(440, 3 * lab.RATE)));
await call('play', track);

const html = createHtmlMediaAudio();
html.on('stateChanged', ({ state }) => log(`page htmlMedia ${state}`));
const element = await html.open(lab.wavUrl(lab.tone(660, 3 * lab.RATE)));
element.on('bufferingStarted', () => log('page htmlMedia track bufferingStarted'));
element.on('bufferingEnded', () => log('page htmlMedia track bufferingEnded'));
element.play();

// What the task sees, logged as it changes.
let seenEvents = 0;
let seenState = null;
let moved = false;
let heldLogged = false;
for (;;) {
  const { state } = await call('state');
  if (state !== seenState) {
    seenState = state;
    log(`task engine ${state}`);
  }
  const events = await call('events', track);
  for (const event of events.slice(seenEvents)) log(`task track ${event.name}`);
  seenEvents = events.length;
  const position = await call('position', track);
  if (state === 'suspended' && events.length > 0 && !heldLogged) {
    heldLogged = true;
    log(`task position held at ${position}`);
  }
  if (!moved && position > 200) {
    moved = true;
    log('task position moving');
  }
  if (moved && !element.element.paused && element.position > 200) {
    log('page htmlMedia playing');
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
}
