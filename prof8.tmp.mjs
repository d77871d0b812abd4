import { tenKeyMessage } from './bench/fixtures/message.mjs';
import { copyValueSet } from './dist/valueSet.js';
const N = 100000;
const time = (label, fn) => { for (let i = 0; i < 5000; i++) fn(i); const t = performance.now(); for (let i = 0; i < N; i++) fn(i); console.log(label, ((performance.now() - t) * 1000 / N).toFixed(3)); };
const items = Array.from({ length: 256 }, () => ({ v: 1, kind: 'message', seq: 1, data: { ...tenKeyMessage } }));
const strs = items.map((i) => JSON.stringify(i.data));
for (let r = 0; r < 3; r++) {
  time('clone batch of 256 objs /msg', (i) => { if (i % 256 === 0) structuredClone(items); });
  time('clone batch of 256 json /msg', (i) => { if (i % 256 === 0) structuredClone(strs); });
  time('stringify', () => JSON.stringify(tenKeyMessage));
  time('parse', (i) => JSON.parse(strs[i & 255]));
  time('copyValueSet', () => copyValueSet(tenKeyMessage));
}
