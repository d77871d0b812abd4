/**
 * A small RIFF/WAVE encoder: planar float samples in, WAV file bytes out. Used to write rendered
 * output (`--render out.wav`) and to synthesize test and demo tracks.
 */

/** Sample encodings {@link encodeWav} can write. */
export type WavSampleFormat = 'pcm16' | 'pcm24' | 'float32';

/** Options of {@link encodeWav}. */
export interface EncodeWavOptions {
  /** Sample encoding; default `'pcm16'`. */
  format?: WavSampleFormat;
}

const formats: Readonly<Record<WavSampleFormat, { bytes: number; tag: number }>> = {
  pcm16: { bytes: 2, tag: 1 },
  pcm24: { bytes: 3, tag: 1 },
  float32: { bytes: 4, tag: 3 },
};

/**
 * Encodes planar samples (one `Float32Array` per channel, values in -1..1) as a WAV file.
 *
 * Integer formats scale negative samples by 2^(bits-1) and positive ones by 2^(bits-1) - 1, round
 * and clamp, so -1 and 1 both fit and samples decoded from an integer file with the same
 * convention (as audio-decode does) round-trip exactly. `float32` stores the
 * samples unchanged (WAVE_FORMAT_IEEE_FLOAT with a `fact` chunk).
 *
 * Throws a `TypeError` quoting the bad value when there is no channel, the channels differ in
 * length, the sample rate is not a positive integer or the format is unknown.
 *
 * @example
 * ```ts
 * const rate = 44_100;
 * const tone = new Float32Array(rate).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate));
 * const bytes = encodeWav([tone], rate); // 1 s of mono 16-bit PCM
 * await writeFile('tone.wav', bytes);
 * ```
 */
export function encodeWav(
  channels: readonly Float32Array[],
  sampleRate: number,
  options: EncodeWavOptions = {},
): Uint8Array {
  if (!Array.isArray(channels) || channels.length === 0) {
    throw new TypeError(`encodeWav needs at least one channel, got \`${String(channels)}\``);
  }
  const length = channels[0]?.length ?? 0;
  channels.forEach((channel, i) => {
    if (!(channel instanceof Float32Array)) {
      throw new TypeError(
        `encodeWav: channel ${i} must be a Float32Array, got \`${String(channel)}\``,
      );
    }
    if (channel.length !== length) {
      throw new TypeError(
        `encodeWav: every channel must have ${length} samples, channel ${i} has \`${channel.length}\``,
      );
    }
  });
  if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate > 0xffffffff) {
    throw new TypeError(`encodeWav: sampleRate must be a positive integer, got \`${sampleRate}\``);
  }
  const formatName = options.format ?? 'pcm16';
  const format = formats[formatName];
  if (!format) {
    throw new TypeError(
      `encodeWav: format must be pcm16, pcm24 or float32, got \`${String(formatName)}\``,
    );
  }
  const count = channels.length;
  const blockAlign = count * format.bytes;
  const dataSize = length * blockAlign;
  const isFloat = format.tag === 3;
  const factSize = isFloat ? 12 : 0;
  const header = 44 + factSize;
  if (header - 8 + dataSize > 0xffffffff) {
    throw new RangeError(`encodeWav: ${dataSize} bytes of samples do not fit in one WAV file`);
  }
  const bytes = new Uint8Array(header + dataSize);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < text.length; i++) bytes[at + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, header - 8 + dataSize, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, format.tag, true);
  view.setUint16(22, count, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, format.bytes * 8, true);
  if (isFloat) {
    ascii(36, 'fact');
    view.setUint32(40, 4, true);
    view.setUint32(44, length, true);
  }
  ascii(header - 8, 'data');
  view.setUint32(header - 4, dataSize, true);
  writeSamples(view, header, channels, formatName);
  return bytes;
}

function writeSamples(
  view: DataView,
  start: number,
  channels: readonly Float32Array[],
  format: WavSampleFormat,
): void {
  const count = channels.length;
  const length = channels[0]?.length ?? 0;
  const bytes = formats[format].bytes;
  const scale = 2 ** (bytes * 8 - 1);
  let at = start;
  for (let i = 0; i < length; i++) {
    for (let c = 0; c < count; c++) {
      const x = (channels[c] as Float32Array)[i] as number;
      if (format === 'float32') {
        view.setFloat32(at, x, true);
      } else {
        const y = Number.isNaN(x) ? 0 : x;
        const v = Math.max(
          -scale,
          Math.min(scale - 1, Math.round(y * (y < 0 ? scale : scale - 1))),
        );
        if (format === 'pcm16') {
          view.setInt16(at, v, true);
        } else {
          view.setUint8(at, v & 0xff);
          view.setUint8(at + 1, (v >> 8) & 0xff);
          view.setUint8(at + 2, (v >> 16) & 0xff);
        }
      }
      at += bytes;
    }
  }
}
