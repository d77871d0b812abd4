import { createMediaSystem } from 'backbeat';
import { tenKeyMessage } from './bench/fixtures/message.mjs';
const system = createMediaSystem();
const app = system.launchApp({ id: 'p', task: new URL('./bench/fixtures/task.mjs', 'file://' + process.cwd() + '/'), host: 'worker' });
const bmp = app.backgroundMediaPlayer;
let wait;
bmp.on('messageReceivedFromBackground', (e) => wait?.(e.data));
const next = () => new Promise((r) => { wait = r; });
let p = next(); bmp.current; await p;
for (let r = 0; r < 5; r++) {
  const n = 20000;
  const t = performance.now();
  let s = 0;
  for (let i = 0; i < n; i++) { const t0 = performance.now(); bmp.sendMessageToBackground(tenKeyMessage); s += performance.now() - t0; }
  const sendMs = performance.now() - t;
  p = next(); bmp.sendMessageToBackground({ type: 'flush' }); await p;
  console.log('msg/s', Math.round(n * 1000 / (performance.now() - t)), 'send us/msg', (sendMs * 1000 / n).toFixed(2));
}
await system.dispose();
process.exit(0);
