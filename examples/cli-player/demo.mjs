// The bundled demo playlist: four short synthesized tracks (a I-vi-IV-V progression in C, so
// the gapless joins sound like one piece), written as WAV files into a temporary directory.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { encodeWav } from 'backbeat/audio/webAudio';

export const DEMO_SAMPLE_RATE = 44_100;

const midi = (note) => 440 * 2 ** ((note - 69) / 12);

/** The demo tracks: title, artist, chord (MIDI notes) and bass note. */
export const demoTracks = [
  { title: 'Sunrise in C', artist: 'The Sine Waves', chord: [60, 64, 67], bass: 48 },
  { title: 'Drift in A Minor', artist: 'Pure Tone Collective', chord: [57, 60, 64], bass: 45 },
  { title: 'Lift in F', artist: 'The Sine Waves', chord: [53, 57, 60], bass: 41 },
  { title: 'Home by G', artist: 'Harmonic Series', chord: [55, 59, 62], bass: 43 },
];

/**
 * Synthesizes one demo track: a soft pad, an arpeggio of plucked notes and a pulsing bass, in
 * stereo, with short fades at both ends.
 *
 * @example
 * const [left, right] = synthesizeChord(demoTracks[0], 2, 44_100);
 */
export function synthesizeChord({ chord, bass }, seconds, sampleRate = DEMO_SAMPLE_RATE) {
  const frames = Math.max(1, Math.round(seconds * sampleRate));
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  const tau = 2 * Math.PI;
  const step = 0.25; // an eighth note at 120 bpm
  const arpeggio = [...chord.map((n) => n + 12), chord[1] + 24, chord[2] + 12];
  const fade = Math.min(0.03 * sampleRate, frames / 4);
  for (let i = 0; i < frames; i++) {
    const t = i / sampleRate;
    let l = 0;
    let r = 0;
    for (const note of chord) {
      const f = midi(note);
      l += 0.1 * Math.sin(tau * f * t);
      r += 0.1 * Math.sin(tau * f * 1.003 * t + 0.5);
    }
    const n = Math.floor(t / step);
    const since = t - n * step;
    const f = midi(arpeggio[n % arpeggio.length]);
    const pluck =
      Math.min(1, since / 0.005) *
      Math.exp(-since * 7) *
      (Math.sin(tau * f * since) + 0.3 * Math.sin(2 * tau * f * since));
    const pan = n % 2 === 0 ? 0.7 : 0.3;
    l += 0.25 * pluck * (1 - pan);
    r += 0.25 * pluck * pan;
    const beat = t % (2 * step);
    const low = 0.22 * Math.exp(-beat * 4) * Math.sin(tau * midi(bass) * t);
    l += low;
    r += low;
    const edge = Math.min(1, i / fade, (frames - 1 - i) / fade);
    left[i] = l * edge;
    right[i] = r * edge;
  }
  let peak = 0;
  for (let i = 0; i < frames; i++) peak = Math.max(peak, Math.abs(left[i]), Math.abs(right[i]));
  const gain = peak > 0 ? 0.8 / peak : 1;
  for (let i = 0; i < frames; i++) {
    left[i] *= gain;
    right[i] *= gain;
  }
  return [left, right];
}

/**
 * Writes the demo playlist into a new temporary directory. `remove()` deletes it.
 *
 * @example
 * const demo = createDemoPlaylist({ seconds: 1 });
 * console.log(demo.tracks.map((t) => t.title));
 * demo.remove();
 */
export function createDemoPlaylist({ seconds = 4 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'backbeat-demo-'));
  const tracks = demoTracks.map((track, i) => {
    const path = join(dir, `${String(i + 1).padStart(2, '0')} ${track.title}.wav`);
    writeFileSync(path, encodeWav(synthesizeChord(track, seconds), DEMO_SAMPLE_RATE));
    return { uri: pathToFileURL(path).href, title: track.title, artist: track.artist };
  });
  return {
    dir,
    tracks,
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
