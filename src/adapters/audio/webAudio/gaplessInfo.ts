import {
  countFrames,
  findFirstFrame,
  id3v2Length,
  parseFrameHeader,
  syncsafe,
} from './mp3Frames.js';

/**
 * An MP3 decoder outputs 529 samples of its own delay (528 + 1, the MDCT overlap) before the
 * first encoded sample. The LAME tag's encoder delay does not include it.
 */
export const MP3_DECODER_DELAY = 529;

/** Where an MP3 file says its encoder delay and padding are. */
export type GaplessSource = 'lame' | 'iTunSMPB';

/** Encoder delay and padding of an MP3 file, with the frame layout they apply to. */
export interface Mp3GaplessInfo {
  sampleRate: number;
  samplesPerFrame: number;
  /** Audio frames in the stream (a Xing/Info/VBRI tag frame is not counted). */
  frames: number;
  /** Samples the encoder put before the audio (decoder delay not included). */
  encoderDelay: number;
  /** Samples the encoder appended after the audio. */
  padding: number;
  /** Samples of real audio: `frames × samplesPerFrame − encoderDelay − padding` unless the tag says. */
  validSamples: number;
  source: GaplessSource;
}

/**
 * Reads the gapless information of an MP3 file: the LAME tag of a Xing/Info frame (encoder delay
 * and padding, 12 bits each) or, when there is none, an iTunes `iTunSMPB` comment in the ID3v2
 * tag (delay, padding and the original sample count, in hex). `null` when the bytes are not an
 * MPEG audio stream or carry neither.
 *
 * @example
 * ```ts
 * readMp3GaplessInfo(await readFile('a.mp3'));
 * // { sampleRate: 44100, samplesPerFrame: 1152, frames: 40, encoderDelay: 576, padding: 1404,
 * //   validSamples: 44100, source: 'lame' }
 * ```
 */
export function readMp3GaplessInfo(bytes: Uint8Array): Mp3GaplessInfo | null {
  const tagEnd = id3v2Length(bytes);
  const first = findFirstFrame(bytes, tagEnd);
  if (first < 0) return null;
  const head = parseFrameHeader(bytes, first);
  if (!head) return null;
  const lame = head.layer === 3 ? readLameTag(bytes, first) : null;
  const frames = countFrames(bytes, first) - (lame?.isTagFrame ? 1 : 0);
  const total = frames * head.samplesPerFrame;
  const base = { sampleRate: head.sampleRate, samplesPerFrame: head.samplesPerFrame, frames };
  if (
    lame?.delay !== undefined &&
    lame.padding !== undefined &&
    (lame.delay > 0 || lame.padding > 0)
  ) {
    const validSamples = Math.max(0, total - lame.delay - lame.padding);
    return {
      ...base,
      encoderDelay: lame.delay,
      padding: lame.padding,
      validSamples,
      source: 'lame',
    };
  }
  const smpb = readITunSmpb(bytes.subarray(0, tagEnd));
  if (smpb) {
    const validSamples =
      smpb.samples > 0 ? smpb.samples : Math.max(0, total - smpb.delay - smpb.padding);
    return {
      ...base,
      encoderDelay: smpb.delay,
      padding: smpb.padding,
      validSamples,
      source: 'iTunSMPB',
    };
  }
  return null;
}

/** Which decoded samples are the real audio: `[start, start + length)`. */
export interface TrimPlan {
  start: number;
  length: number;
}

/**
 * Decides how to trim `decodedLength` decoded samples of a file described by `info`. Some
 * decoders already drop delay and padding when a LAME tag is present: when the decoded length
 * already equals `validSamples` nothing is trimmed (`null`). When the decoder returned every
 * frame, the real audio starts after the encoder delay plus {@link MP3_DECODER_DELAY}. When the
 * length fits neither case the samples are left alone (`null`) rather than cut wrongly.
 */
export function planMp3Trim(info: Mp3GaplessInfo, decodedLength: number): TrimPlan | null {
  if (decodedLength === info.validSamples) return null;
  const start = info.encoderDelay + MP3_DECODER_DELAY;
  if (info.validSamples > 0 && decodedLength >= start + info.validSamples) {
    return { start, length: info.validSamples };
  }
  return null;
}

/**
 * Applies {@link planMp3Trim} to decoded channels (views, no copy).
 */
export function trimMp3(channels: Float32Array[], info: Mp3GaplessInfo | null): Float32Array[] {
  if (!info) return channels;
  const plan = planMp3Trim(info, channels[0]?.length ?? 0);
  if (!plan) return channels;
  return channels.map((c) => c.subarray(plan.start, plan.start + plan.length));
}

interface LameTag {
  /** The first frame is a Xing/Info/VBRI frame (no audio). */
  isTagFrame: boolean;
  delay?: number;
  padding?: number;
}

function readLameTag(bytes: Uint8Array, first: number): LameTag | null {
  const head = parseFrameHeader(bytes, first);
  if (!head) return null;
  const side = head.version === 1 ? (head.channels === 1 ? 17 : 32) : head.channels === 1 ? 9 : 17;
  for (const at of [first + 4 + side, first + 6 + side]) {
    const id = ascii(bytes, at, 4);
    if (id !== 'Xing' && id !== 'Info') continue;
    const flags = u32(bytes, at + 4);
    let p = at + 8;
    if (flags & 1) p += 4;
    if (flags & 2) p += 4;
    if (flags & 4) p += 100;
    if (flags & 8) p += 4;
    // LAME extension: 9-byte encoder string, then delay/padding at +21 (12 + 12 bits).
    if (p + 24 > bytes.length || !/^(LAME|Lavc|Lavf|GOGO|L3.99)/.test(ascii(bytes, p, 4))) {
      return { isTagFrame: true };
    }
    const d0 = bytes[p + 21] as number;
    const d1 = bytes[p + 22] as number;
    const d2 = bytes[p + 23] as number;
    return { isTagFrame: true, delay: (d0 << 4) | (d1 >> 4), padding: ((d1 & 0x0f) << 8) | d2 };
  }
  if (ascii(bytes, first + 36, 4) === 'VBRI') return { isTagFrame: true };
  return { isTagFrame: false };
}

interface Smpb {
  delay: number;
  padding: number;
  samples: number;
}

/** Finds an `iTunSMPB` COMM or TXXX frame in the ID3v2 tag bytes (v2.2, v2.3 or v2.4). */
function readITunSmpb(tag: Uint8Array): Smpb | null {
  let at = 0;
  while (at + 10 <= tag.length && ascii(tag, at, 3) === 'ID3') {
    const version = tag[at + 3] as number;
    const flags = tag[at + 5] as number;
    const end = Math.min(tag.length, at + 10 + syncsafe(tag, at + 6));
    let body = tag.subarray(at + 10, end);
    if (flags & 0x80 && version < 4) body = unsync(body);
    if (flags & 0x40 && version >= 3) {
      const skip = version === 4 ? syncsafe(body, 0) : u32(body, 0) + 4;
      body = body.subarray(skip);
    }
    const found = scanFrames(body, version);
    if (found) return found;
    at = end + (flags & 0x10 ? 10 : 0);
  }
  return null;
}

function scanFrames(body: Uint8Array, version: number): Smpb | null {
  const idLength = version === 2 ? 3 : 4;
  const headLength = version === 2 ? 6 : 10;
  let at = 0;
  while (at + headLength <= body.length && body[at] !== 0) {
    const id = ascii(body, at, idLength);
    const size =
      version === 2
        ? ((body[at + 3] as number) << 16) |
          ((body[at + 4] as number) << 8) |
          (body[at + 5] as number)
        : version === 4
          ? syncsafe(body, at + 4)
          : u32(body, at + 4);
    const frameFlags = version === 2 ? 0 : (body[at + 9] as number);
    let data = body.subarray(at + headLength, Math.min(body.length, at + headLength + size));
    if (version === 4 && frameFlags & 0x02) data = unsync(data);
    const isComment = id === 'COMM' || id === 'COM';
    if (isComment || id === 'TXXX' || id === 'TXX') {
      const parsed = parseTextPair(data, isComment ? 4 : 1);
      if (parsed && parsed.description === 'iTunSMPB') return parseSmpb(parsed.text);
    }
    if (size <= 0) break;
    at += headLength + size;
  }
  return null;
}

/** Splits a COMM/TXXX body (encoding byte, `skip - 1` more bytes, description\0, text). */
function parseTextPair(
  data: Uint8Array,
  skip: number,
): { description: string; text: string } | null {
  const encoding = data[0];
  if (encoding === undefined || encoding > 3) return null;
  const rest = data.subarray(skip);
  const wide = encoding === 1 || encoding === 2;
  let cut = -1;
  for (let i = 0; i + (wide ? 1 : 0) < rest.length; i += wide ? 2 : 1) {
    if (rest[i] === 0 && (!wide || rest[i + 1] === 0)) {
      cut = i;
      break;
    }
  }
  if (cut < 0) return null;
  const label = ['latin1', 'utf-16', 'utf-16be', 'utf-8'][encoding] as string;
  const text = (part: Uint8Array) =>
    new TextDecoder(label)
      .decode(part)
      .replace(/^\uFEFF/, '')
      .replace(/\0+$/, '');
  return {
    description: text(rest.subarray(0, cut)),
    text: text(rest.subarray(cut + (wide ? 2 : 1))),
  };
}

function parseSmpb(text: string): Smpb | null {
  const fields = text.trim().split(/\s+/);
  if (fields.length < 4 || !fields.slice(0, 4).every((f) => /^[0-9a-fA-F]+$/.test(f))) return null;
  const [, delay, padding, samples] = fields.map((f) => Number.parseInt(f, 16));
  if (delay === undefined || padding === undefined || samples === undefined) return null;
  return { delay, padding, samples };
}

function unsync(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    out[n++] = bytes[i] as number;
    if (bytes[i] === 0xff && bytes[i + 1] === 0) i++;
  }
  return out.subarray(0, n);
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  if (at < 0 || at + length > bytes.length) return '';
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

function u32(bytes: Uint8Array, at: number): number {
  if (at + 4 > bytes.length) return 0;
  return (
    (bytes[at] as number) * 0x1000000 +
    (((bytes[at + 1] as number) << 16) |
      ((bytes[at + 2] as number) << 8) |
      (bytes[at + 3] as number))
  );
}
