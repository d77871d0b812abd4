// Synthesizes the example's tracks as WAV files into public/tracks/ (not tracked): short pieces
// of plucked arpeggios, so the example plays real sound without downloading anything.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { encodeWav } from 'backbeat/audio/webAudio';
import { tracks } from './tracks.js';

const RATE = 44_100;
const NOTE = (semitones) => 220 * 2 ** (semitones / 12);

/** A plucked note: a decaying sum of three partials. */
function pluck(out, start, freq, seconds, gain) {
  const length = Math.min(out.length - start, Math.floor(seconds * RATE));
  for (let i = 0; i < length; i += 1) {
    const t = i / RATE;
    const envelope = Math.exp(-3.2 * t) * Math.min(1, i / 200);
    const wave =
      Math.sin(2 * Math.PI * freq * t) +
      0.35 * Math.sin(4 * Math.PI * freq * t) +
      0.12 * Math.sin(6 * Math.PI * freq * t);
    out[start + i] += gain * envelope * wave;
  }
}

function piece({ chords, seconds }) {
  const out = new Float32Array(Math.round(seconds * RATE));
  const step = 0.25;
  let beat = 0;
  for (let t = 0; t + step <= seconds; t += step, beat += 1) {
    const chord = chords[Math.floor(beat / 8) % chords.length];
    pluck(out, Math.round(t * RATE), NOTE(chord[beat % chord.length]), 1.2, 0.22);
  }
  return out;
}

/** Writes the WAV of every track into `dir` unless it is there already. */
export function makeTracks(dir) {
  mkdirSync(dir, { recursive: true });
  for (const track of tracks) {
    const file = `${dir}/${track.file}`;
    if (!existsSync(file)) writeFileSync(file, encodeWav([piece(track)], RATE));
  }
}
