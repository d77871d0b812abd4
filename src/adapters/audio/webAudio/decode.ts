import decodeAudio from 'audio-decode';
import { type DecodedAudio, sniffFormat } from './decodedAudio.js';
import { isAbort, openError } from './errors.js';
import { readMp3GaplessInfo, trimMp3 } from './gaplessInfo.js';

export { type DecodedAudio, sniffFormat } from './decodedAudio.js';

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
export async function decodeSource(
  bytes: Uint8Array,
  uri: string,
  _context?: BaseAudioContext,
): Promise<DecodedAudio> {
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
