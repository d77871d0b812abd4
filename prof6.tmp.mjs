import { copyValueSet } from './dist/valueSet.js';
import { tenKeyMessage } from './bench/fixtures/message.mjs';
const N = 100000;
const time = (label, fn) => { for (let i = 0; i < 2000; i++) fn(); const t = performance.now(); for (let i = 0; i < N; i++) fn(); console.log(label, ((performance.now() - t) * 1000 / N).toFixed(2)); };
for (let r = 0; r < 3; r++) {
  time('copyValueSet', () => copyValueSet(tenKeyMessage));
  time('structuredClone', () => structuredClone(tenKeyMessage));
  time('spread env', () => ({ ...{ kind: 'message', data: tenKeyMessage }, v: 1, seq: 5 }));
}
