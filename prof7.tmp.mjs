const N = 200000;
const data = { a: 1 };
const time = (label, fn) => { for (let i = 0; i < 5000; i++) fn(i); const t = performance.now(); for (let i = 0; i < N; i++) fn(i); console.log(label, ((performance.now() - t) * 1000 / N).toFixed(3)); };
const sink = [];
for (let r = 0; r < 3; r++) {
  time('spread', (i) => { sink[i & 1023] = { ...{ kind: 'message', data }, v: 1, seq: i }; });
  time('spread-front', (i) => { sink[i & 1023] = { v: 1, seq: i, ...{ kind: 'message', data } }; });
  time('literal', (i) => { const d = { kind: 'message', data }; sink[i & 1023] = { v: 1, kind: d.kind, seq: i, data: d.data }; });
  time('mutate', (i) => { const d = { kind: 'message', data }; d.v = 1; d.seq = i; sink[i & 1023] = d; });
}
