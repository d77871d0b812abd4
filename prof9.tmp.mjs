import { tenKeyMessage } from './bench/fixtures/message.mjs';
const N = 200000;
const time = (label, fn) => { for (let i = 0; i < 5000; i++) fn(i); const t = performance.now(); for (let i = 0; i < N; i++) fn(i); console.log(label, ((performance.now() - t) * 1000 / N).toFixed(3)); };
const o = { ...tenKeyMessage };
for (let r = 0; r < 3; r++) {
  time('gopd per key', () => { let n = 0; for (const k of Object.keys(o)) { const d = Object.getOwnPropertyDescriptor(o, k); if ('value' in d) n++; } return n; });
  time('gopds once', () => { let n = 0; const ds = Object.getOwnPropertyDescriptors(o); for (const k in ds) { if ('value' in ds[k]) n++; } return n; });
  time('keys + read', () => { let n = 0; for (const k of Object.keys(o)) { if (o[k] !== undefined) n++; } return n; });
  time('for-in + hasOwn', () => { let n = 0; for (const k in o) { if (Object.hasOwn(o, k)) n++; } return n; });
}
