import type { Mp3GaplessInfo } from './gaplessInfo.js';
import { findFirstFrame, id3v2Length } from './mp3Frames.js';

/** Decoded PCM: one `Float32Array` per channel, all of `length` samples. */
export interface DecodedAudio {
  channels: Float32Array[];
  sampleRate: number;
  length: number;
  /** The container/codec recognised from the bytes (`'wav'`, `'flac'`, `'mp3'`, `'ogg'`, ...). */
  format: string;
  /** For MP3: the encoder delay/padding that was found (and trimmed when needed). */
  gapless: Mp3GaplessInfo | null;
}

/**
 * Recognises the formats the adapter promises (wav, flac, ogg — Vorbis or Opus — and mp3) by
 * their first bytes; `null` for anything else (which the decoder may still know).
 */
export function sniffFormat(bytes: Uint8Array): string | null {
  const at = (s: string, offset = 0) =>
    s.split('').every((ch, i) => bytes[offset + i] === ch.charCodeAt(0));
  if (at('RIFF') && at('WAVE', 8)) return 'wav';
  if (at('OggS')) return 'ogg';
  const skip = id3v2Length(bytes);
  if (at('fLaC', skip)) return 'flac';
  if (findFirstFrame(bytes.subarray(0, Math.min(bytes.length, skip + 8192)), skip) >= 0) {
    return 'mp3';
  }
  return null;
}
