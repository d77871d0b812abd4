import decodeAudio from 'audio-decode';
import { isAbort, openError } from './errors.js';
import { type Mp3GaplessInfo, readMp3GaplessInfo, trimMp3 } from './gaplessInfo.js';
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

/**
 * Decodes encoded bytes with `audio-decode`; for MP3 the encoder delay and padding (LAME tag or
 * iTunSMPB) are trimmed so the result is exactly the encoded audio. Rejects with a `MediaError`
 * naming `uri`: `sourceNotSupported` for bytes in no known format, `decodingError` for empty or
 * corrupt data or data without a single sample.
 *
 * @example
 * ```ts
 * const { channels, sampleRate } = await decodeSource(await readFile('a.flac'), 'file:///a.flac');
 * ```
 */
export async function decodeSource(bytes: Uint8Array, uri: string): Promise<DecodedAudio> {
  if (bytes.length === 0) throw openError('decodingError', uri, 'the source is empty');
  const sniffed = sniffFormat(bytes);
  let result: { channelData: Float32Array[]; sampleRate: number };
  try {
    result = await decodeAudio(bytes);
  } catch (error) {
    if (isAbort(error)) throw openError('aborted', uri, 'decoding was aborted', error);
    const message = error instanceof Error ? error.message : String(error);
    if (!sniffed && /unknown audio format|no decoder/i.test(message)) {
      throw openError(
        'sourceNotSupported',
        uri,
        'not in an audio format that can be decoded',
        error,
      );
    }
    if (/unsupported/i.test(message)) {
      throw openError(
        'sourceNotSupported',
        uri,
        `unsupported ${sniffed ?? 'audio'} data (${message})`,
        error,
      );
    }
    throw openError(
      'decodingError',
      uri,
      `the ${sniffed ?? 'audio'} data is corrupt (${message})`,
      error,
    );
  }
  const format = sniffed ?? 'audio';
  let channels = result?.channelData ? [...result.channelData] : [];
  const sampleRate = result?.sampleRate ?? 0;
  if (channels.length === 0 || !(channels[0]?.length ?? 0) || !(sampleRate > 0)) {
    throw openError('decodingError', uri, `the ${format} data holds no decodable audio`);
  }
  const gapless = format === 'mp3' ? readMp3GaplessInfo(bytes) : null;
  if (gapless) channels = trimMp3(channels, gapless);
  const length = Math.min(...channels.map((c) => c.length));
  if (length === 0) throw openError('decodingError', uri, `the ${format} data holds no audio`);
  channels = channels.map((c) => (c.length === length ? c : c.subarray(0, length)));
  return { channels, sampleRate, length, format, gapless };
}
