import { type DecodedAudio, sniffFormat } from './decodedAudio.js';
import { openError } from './errors.js';
import { type Mp3GaplessInfo, planMp3Trim, readMp3GaplessInfo } from './gaplessInfo.js';

export { type DecodedAudio, sniffFormat } from './decodedAudio.js';

/**
 * The browser's `decodeSource`: the page's own decoder (`decodeAudioData` of `context`, which
 * resamples to the context's rate; without a context, a 48 kHz offline one). For MP3 the encoder
 * delay and padding (LAME tag or iTunSMPB) are trimmed unless the browser already did, so the
 * result is exactly the encoded audio, as in Node. Rejects with a `MediaError` naming `uri`:
 * `sourceNotSupported` for bytes in no known format that the browser cannot decode either,
 * `decodingError` for empty or corrupt data.
 */
export async function decodeSource(
  bytes: Uint8Array,
  uri: string,
  context?: BaseAudioContext,
): Promise<DecodedAudio> {
  if (bytes.length === 0) throw openError('decodingError', uri, 'the source is empty');
  const sniffed = sniffFormat(bytes);
  const decoder = context ?? new OfflineAudioContext(1, 1, 48_000);
  let buffer: AudioBuffer;
  try {
    // decodeAudioData takes (detaches) the buffer it is given: hand it a copy.
    buffer = await decoder.decodeAudioData(bytes.slice().buffer);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (!sniffed) {
      throw openError(
        'sourceNotSupported',
        uri,
        `not in an audio format this browser can decode (${why})`,
        error,
      );
    }
    throw openError('decodingError', uri, `the ${sniffed} data is corrupt (${why})`, error);
  }
  const format = sniffed ?? 'audio';
  if (buffer.length === 0 || buffer.numberOfChannels === 0) {
    throw openError('decodingError', uri, `the ${format} data holds no audio`);
  }
  let channels: Float32Array[] = [];
  for (let c = 0; c < buffer.numberOfChannels; c++) channels.push(buffer.getChannelData(c));
  const gapless = format === 'mp3' ? readMp3GaplessInfo(bytes) : null;
  if (gapless) channels = trimScaled(channels, gapless, buffer.sampleRate / gapless.sampleRate);
  const length = channels[0]?.length ?? 0;
  if (length === 0) throw openError('decodingError', uri, `the ${format} data holds no audio`);
  return { channels, sampleRate: buffer.sampleRate, length, format, gapless };
}

/** {@link planMp3Trim} at the decoded rate (`ratio` = decoded rate / file rate). */
function trimScaled(channels: Float32Array[], info: Mp3GaplessInfo, ratio: number): Float32Array[] {
  const decoded = channels[0]?.length ?? 0;
  // Already trimmed by the browser: the length is the valid samples' at this rate.
  if (Math.abs(decoded - info.validSamples * ratio) <= Math.max(1, ratio)) return channels;
  const plan = planMp3Trim(info, Math.round(decoded / ratio));
  if (!plan) return channels;
  const start = Math.round(plan.start * ratio);
  const length = Math.min(decoded - start, Math.round(plan.length * ratio));
  return channels.map((c) => c.subarray(start, start + length));
}
