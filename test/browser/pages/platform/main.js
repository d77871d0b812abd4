// Facts the browser host relies on, measured on the page: the audio clock advances headless,
// and a module worker has no AudioContext.
const context = new AudioContext();
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const inWorker = await new Promise((resolve) => {
  worker.onmessage = (event) => resolve(event.data);
});
const start = context.currentTime;
await new Promise((resolve) => setTimeout(resolve, 300));
window.facts = {
  state: context.state,
  advanced: context.currentTime - start,
  sampleRate: context.sampleRate,
  mediaSession: typeof navigator.mediaSession,
  inWorker,
};
document.getElementById('out').textContent = JSON.stringify(window.facts, null, 2);
