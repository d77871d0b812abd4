import { OfflineAudioContext } from 'node-web-audio-api';
async function trial(delay) {
  const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: 13230, sampleRate: 44100 });
  const b = ctx.createBuffer(1, 8820, 44100); b.getChannelData(0).fill(0.25);
  const s = ctx.createBufferSource(); s.buffer = b; s.connect(ctx.destination); s.start(0);
  let err = null;
  const p = ctx.suspend(1280/44100).then(() => ctx.resume().catch(e => { err = 'resume:' + e.message; }), e => { err = 'suspend:' + e.message; });
  if (delay) await new Promise(r => setTimeout(r, delay));
  await ctx.startRendering();
  await p;
  return err;
}
for (const d of [0, 1, 10]) {
  const errs = {}; for (let k = 0; k < 150; k++) { const e = await trial(d); if (e) errs[e] = (errs[e]||0)+1; }
  console.log(d, JSON.stringify(errs));
}
