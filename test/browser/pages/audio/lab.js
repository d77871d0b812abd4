// What the audio pages share: synthesized tones as WAV blobs, a recorder on the engine's output
// node, and the measurements the tests read.
import { encodeWav } from 'backbeat/audio/webAudio';

export const RATE = 48_000;

/** `length` samples of a cosine at `freq` Hz (it starts at its peak, so its first sample sounds). */
export function tone(freq, length, amplitude = 0.5) {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = amplitude * Math.cos((2 * Math.PI * freq * i) / RATE);
  return out;
}

/** A cosine whose amplitude grows linearly from `from` to `to`: its level tells the position. */
export function ramp(freq, length, from, to) {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const amplitude = from + ((to - from) * i) / length;
    out[i] = amplitude * Math.cos((2 * Math.PI * freq * i) / RATE);
  }
  return out;
}

/** A blob: URL of `samples` as a float WAV (exact samples, no quantization). */
export function wavUrl(samples) {
  const bytes = encodeWav([samples], RATE, { format: 'float32' });
  return URL.createObjectURL(new Blob([bytes], { type: 'audio/wav' }));
}

export function concat(parts) {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Records what `node` plays, quantum by quantum, through an AudioWorklet. */
export async function tap(context, node) {
  await context.audioWorklet.addModule(new URL('./recorder.js', import.meta.url));
  const recorder = new AudioWorkletNode(context, 'recorder', {
    channelCount: 1,
    channelCountMode: 'explicit',
    numberOfOutputs: 1,
  });
  const mute = context.createGain();
  mute.gain.value = 0;
  node.connect(recorder);
  recorder.connect(mute).connect(context.destination);
  let blocks = [];
  let total = 0;
  recorder.port.onmessage = (event) => {
    blocks.push(event.data);
    total += event.data.length;
  };
  return {
    get length() {
      return total;
    },
    samples: () => concat(blocks),
    clear() {
      blocks = [];
      total = 0;
    },
  };
}

/** Index of the first sample louder than `threshold`, or -1. */
export function firstSound(x, threshold = 1e-4) {
  return x.findIndex((v) => Math.abs(v) > threshold);
}

/** The largest difference between `x` from `start` on and `expected`. */
export function maxDifference(x, start, expected) {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs((x[start + i] ?? Number.NaN) - expected[i]);
    if (!(d <= worst)) worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return worst;
}

/** The frequency of `x[from..to)` from its zero crossings, in Hz. */
export function frequency(x, from, to) {
  let crossings = 0;
  for (let i = from + 1; i < to; i++) if (x[i - 1] < 0 !== x[i] < 0) crossings++;
  return (crossings * RATE) / (2 * (to - from));
}

export function rms(x, from, to) {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i] * x[i];
  return Math.sqrt(sum / Math.max(1, to - from));
}

/** Draws `x` on a canvas of the page, with the joins marked, for the screenshot. */
export function plot(x, joins, label) {
  const canvas = document.createElement('canvas');
  canvas.width = 900;
  canvas.height = 160;
  document.body.append(canvas);
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.strokeStyle = '#1a5fb4';
  g.beginPath();
  const step = x.length / canvas.width;
  for (let px = 0; px < canvas.width; px++) {
    let lo = 0;
    let hi = 0;
    for (let i = Math.floor(px * step); i < Math.floor((px + 1) * step); i++) {
      lo = Math.min(lo, x[i]);
      hi = Math.max(hi, x[i]);
    }
    g.moveTo(px + 0.5, 80 - hi * 140);
    g.lineTo(px + 0.5, 80 - lo * 140);
  }
  g.stroke();
  g.strokeStyle = '#c01c28';
  for (const at of joins) {
    g.beginPath();
    g.moveTo(at / step, 0);
    g.lineTo(at / step, 160);
    g.stroke();
  }
  g.fillStyle = '#000';
  g.font = '14px sans-serif';
  g.fillText(label, 8, 16);
}

/** Waits for `condition()` to be truthy, polling every 20 ms, for at most `ms`. */
export async function until(condition, what, ms = 10_000) {
  const started = performance.now();
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (performance.now() - started > ms) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Draws the samples around each join (`at` indexes into `x`), one panel each, for the screenshot. */
export function plotJoins(x, joins, label) {
  const figure = document.createElement('figure');
  figure.style.margin = '8px 0';
  const caption = document.createElement('figcaption');
  caption.textContent = label;
  figure.append(caption);
  for (const at of joins) {
    const canvas = document.createElement('canvas');
    canvas.width = 290;
    canvas.height = 120;
    canvas.style.marginRight = '8px';
    canvas.style.border = '1px solid #ccc';
    figure.append(canvas);
    const g = canvas.getContext('2d');
    const span = 48;
    g.strokeStyle = '#c01c28';
    g.beginPath();
    g.moveTo(145, 0);
    g.lineTo(145, 120);
    g.stroke();
    g.fillStyle = '#1a5fb4';
    for (let i = -span; i < span; i++) {
      const v = x[at + i] ?? 0;
      g.fillRect(145 + i * 3 - 1, 60 - v * 100 - 1, 3, 3);
    }
    g.fillStyle = '#000';
    g.font = '12px sans-serif';
    g.fillText(`sample ${at}`, 4, 14);
  }
  document.body.append(figure);
}
