/**
 * MPEG audio frame headers: just enough parsing to find the first frame, count the frames and
 * read the Xing/Info + LAME tag that gapless playback needs.
 */

/** One parsed MPEG audio frame header. */
export interface MpegFrameHeader {
  /** 1 (MPEG-1), 2 (MPEG-2) or 2.5 (MPEG-2.5). */
  version: 1 | 2 | 2.5;
  layer: 1 | 2 | 3;
  sampleRate: number;
  /** Bit rate in kbit/s. */
  bitrate: number;
  /** Frame size in bytes, header included. */
  size: number;
  samplesPerFrame: number;
  channels: 1 | 2;
  /** The frame carries a 16-bit CRC after the header. */
  crc: boolean;
}

const bitrates: Record<string, readonly number[]> = {
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const sampleRates: Record<string, readonly number[]> = {
  '1': [44_100, 48_000, 32_000],
  '2': [22_050, 24_000, 16_000],
  '2.5': [11_025, 12_000, 8_000],
};

/**
 * Parses the 4-byte frame header at `at`; `null` when there is none (no sync, reserved or free
 * bit rate fields).
 */
export function parseFrameHeader(bytes: Uint8Array, at: number): MpegFrameHeader | null {
  if (at < 0 || at + 4 > bytes.length) return null;
  const b1 = bytes[at + 1] as number;
  const b2 = bytes[at + 2] as number;
  const b3 = bytes[at + 3] as number;
  if (bytes[at] !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15) {
    return null;
  }
  if (rateIndex === 3) return null;
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const table = bitrates[`${version === 1 ? 1 : 2}-${version === 1 ? layer : Math.min(layer, 2)}`];
  const bitrate = table?.[bitrateIndex] ?? 0;
  const sampleRate = sampleRates[String(version)]?.[rateIndex] ?? 0;
  const padding = (b2 >> 1) & 1;
  const samplesPerFrame = layer === 1 ? 384 : layer === 2 || version === 1 ? 1152 : 576;
  const size =
    layer === 1
      ? (Math.floor((12_000 * bitrate) / sampleRate) + padding) * 4
      : Math.floor(((samplesPerFrame / 8) * 1000 * bitrate) / sampleRate) + padding;
  return {
    version,
    layer,
    sampleRate,
    bitrate,
    size,
    samplesPerFrame,
    channels: b3 >> 6 === 3 ? 1 : 2,
    crc: (b1 & 1) === 0,
  };
}

/**
 * Length of the ID3v2 tags at the start of `bytes` (0 when there is none); several tags in a
 * row are all skipped.
 */
export function id3v2Length(bytes: Uint8Array): number {
  let at = 0;
  while (
    at + 10 <= bytes.length &&
    bytes[at] === 0x49 &&
    bytes[at + 1] === 0x44 &&
    bytes[at + 2] === 0x33
  ) {
    const size = syncsafe(bytes, at + 6);
    const footer = ((bytes[at + 5] as number) & 0x10) !== 0 ? 10 : 0;
    at += 10 + size + footer;
  }
  return Math.min(at, bytes.length);
}

/**
 * Reads a 28-bit syncsafe integer (4 bytes of 7 bits), as ID3v2 sizes are stored.
 */
export function syncsafe(bytes: Uint8Array, at: number): number {
  let n = 0;
  for (let i = 0; i < 4; i++) n = n * 128 + ((bytes[at + i] as number) & 0x7f);
  return n;
}

/**
 * Finds the first frame at or after `from` whose successor is also a frame of the same kind
 * (two in a row rule out a stray sync pattern); `-1` when there is none.
 */
export function findFirstFrame(bytes: Uint8Array, from: number): number {
  for (let at = from; at + 4 <= bytes.length; at++) {
    if (bytes[at] !== 0xff) continue;
    const head = parseFrameHeader(bytes, at);
    if (!head) continue;
    const next = at + head.size;
    if (next + 4 > bytes.length) return at;
    const second = parseFrameHeader(bytes, next);
    if (second && second.layer === head.layer && second.sampleRate === head.sampleRate) return at;
  }
  return -1;
}

/**
 * Counts the consecutive frames starting at `first`, stopping at the first byte that is not a
 * frame header (a trailing ID3v1/APE tag, junk or the end).
 */
export function countFrames(bytes: Uint8Array, first: number): number {
  let frames = 0;
  let at = first;
  for (;;) {
    const head = parseFrameHeader(bytes, at);
    if (!head || at + head.size > bytes.length) break;
    frames++;
    at += head.size;
  }
  return frames;
}
