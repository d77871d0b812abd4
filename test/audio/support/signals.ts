import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { encodeWav } from 'backbeat/audio/webAudio';

/**
 * One continuous sine, quantised to 16 bits the way `encodeWav` and audio-decode's WAV decoder
 * scale (negative / 32768, positive / 32767), so a WAV file holds it exactly.
 */
export function sine(length: number, sampleRate = 44_100, frequency = 441, amplitude = 0.5) {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const x = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
    const scale = x < 0 ? 32768 : 32767;
    out[i] = Math.round(x * scale) / scale;
  }
  return out;
}

/** Splits `signal` into consecutive parts of the given lengths (their sum must match). */
export function split(signal: Float32Array, lengths: readonly number[]): Float32Array[] {
  const parts: Float32Array[] = [];
  let at = 0;
  for (const n of lengths) {
    parts.push(signal.slice(at, at + n));
    at += n;
  }
  if (at !== signal.length) throw new Error(`parts sum to ${at}, signal has ${signal.length}`);
  return parts;
}

/** A temp directory that tests write generated media into; `remove()` deletes it. */
export function tempDir(prefix = 'backbeat-audio-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    path: (name: string) => join(dir, name),
    url: (name: string) => pathToFileURL(join(dir, name)).href,
    writeWav(name: string, channels: Float32Array[], sampleRate = 44_100) {
      writeFileSync(join(dir, name), encodeWav(channels, sampleRate));
      return pathToFileURL(join(dir, name)).href;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Index of the first sample where `a` and `b` differ by more than `tolerance`, or -1. */
export function firstDifference(a: Float32Array, b: Float32Array, tolerance: number): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (Math.abs((a[i] as number) - (b[i] as number)) > tolerance) return i;
  }
  return a.length === b.length ? -1 : n;
}

/** Samples of `a` that differ from `b` by more than `tolerance`, plus the length difference. */
export function countDifferences(a: Float32Array, b: Float32Array, tolerance: number): number {
  const n = Math.min(a.length, b.length);
  let count = Math.abs(a.length - b.length);
  for (let i = 0; i < n; i++) {
    if (Math.abs((a[i] as number) - (b[i] as number)) > tolerance) count++;
  }
  return count;
}

/**
 * The lag (in samples, within ±maxLag, under half the test sine's period) that best aligns `actual` to `expected` around `at`,
 * by least squares over a window: 0 when there is no gap and no overlap there; positive when
 * `actual` is late (silence inserted), negative when it is early (samples lost).
 */
export function bestLag(
  actual: Float32Array,
  expected: Float32Array,
  at: number,
  window = 1024,
  maxLag = 40,
): number {
  let best = 0;
  let bestError = Number.POSITIVE_INFINITY;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let error = 0;
    for (let i = at; i < at + window; i++) {
      const e = (actual[i + lag] ?? 0) - (expected[i] ?? 0);
      error += e * e;
    }
    if (error < bestError) {
      bestError = error;
      best = lag;
    }
  }
  return best;
}

/** Root-mean-square difference of two signals over their common length. */
export function rmsDifference(
  a: Float32Array,
  b: Float32Array,
  from = 0,
  to = Math.min(a.length, b.length),
) {
  let sum = 0;
  for (let i = from; i < to; i++) sum += ((a[i] as number) - (b[i] as number)) ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
}

/** The channels of several signals joined end to end (all must have the same channel count). */
export function concat(signals: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(signals.reduce((n, s) => n + s.length, 0));
  let at = 0;
  for (const s of signals) {
    out.set(s, at);
    at += s.length;
  }
  return out;
}

/**
 * Deterministic 16-bit noise (a linear congruential generator): no two stretches look alike, so
 * an offset error of even one sample shows. Quantised like {@link sine}.
 */
export function noise(length: number, seed = 1, amplitude = 0.5): Float32Array {
  const out = new Float32Array(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
    const v = Math.round(((x / 0x100000000) * 2 - 1) * amplitude * 32767);
    out[i] = v < 0 ? v / 32768 : v / 32767;
  }
  return out;
}
