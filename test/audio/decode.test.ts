import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/adapters/audio/wav.ts';
import { decodeSource, sniffFormat } from '../../src/adapters/audio/webAudio/decode.ts';
import {
  MP3_DECODER_DELAY,
  type Mp3GaplessInfo,
  planMp3Trim,
  readMp3GaplessInfo,
} from '../../src/adapters/audio/webAudio/gaplessInfo.ts';
import {
  countFrames,
  findFirstFrame,
  parseFrameHeader,
} from '../../src/adapters/audio/webAudio/mp3Frames.ts';
import { bestLag, rmsDifference, sine, tempDir } from './support/signals.ts';
import { itWith, run } from './support/tools.ts';

const tmp = tempDir();
afterAll(() => tmp.remove());
const tone = sine(44_100);
tmp.writeWav('tone.wav', [tone]);

describe('format sniffing and MPEG frame headers', () => {
  it('recognises wav, flac (after an ID3 tag), ogg and mp3 by their bytes', () => {
    const bytes = (...parts: (string | number[])[]) =>
      new Uint8Array(
        parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)),
      );
    const frame = [0xff, 0xfb, 0x90, 0x64, ...new Array(413).fill(0)];
    expect(sniffFormat(encodeWav([new Float32Array(4)], 8000))).toBe('wav');
    expect(sniffFormat(bytes('ID3', [4, 0, 0, 0, 0, 0, 2], 'ab', 'fLaC'))).toBe('flac');
    expect(sniffFormat(bytes('OggS', [0, 2]))).toBe('ogg');
    expect(sniffFormat(bytes(frame, frame))).toBe('mp3');
    expect(sniffFormat(bytes('just some text'))).toBeNull();
  });

  it('parses a frame header and rejects reserved fields', () => {
    expect(parseFrameHeader(new Uint8Array([0xff, 0xfb, 0x90, 0x64]), 0)).toMatchObject({
      version: 1,
      layer: 3,
      sampleRate: 44_100,
      bitrate: 128,
      size: 417,
      samplesPerFrame: 1152,
      channels: 2,
    });
    expect(parseFrameHeader(new Uint8Array([0xff, 0xf3, 0x50, 0xc4]), 0)).toMatchObject({
      version: 2,
      sampleRate: 22_050,
      samplesPerFrame: 576,
      channels: 1,
    });
    expect(parseFrameHeader(new Uint8Array([0xff, 0xfb, 0xf0, 0x64]), 0)).toBeNull(); // bad bitrate
    expect(parseFrameHeader(new Uint8Array([0xff, 0xfb, 0x9c, 0x64]), 0)).toBeNull(); // bad rate
    expect(parseFrameHeader(new Uint8Array([0xff, 0xeb, 0x90, 0x64]), 0)).toBeNull(); // reserved version
  });
});

describe('MP3 gapless trimming', () => {
  const info: Mp3GaplessInfo = {
    sampleRate: 44_100,
    samplesPerFrame: 1152,
    frames: 40,
    encoderDelay: 576,
    padding: 1404,
    validSamples: 44_100,
    source: 'lame',
  };

  it('plans nothing when the decoder already trimmed, and delay + 529 when it did not', () => {
    expect(MP3_DECODER_DELAY).toBe(529);
    expect(planMp3Trim(info, 44_100)).toBeNull();
    expect(planMp3Trim(info, 46_080)).toEqual({ start: 1105, length: 44_100 });
    expect(planMp3Trim(info, 45_000)).toBeNull(); // fits neither: left alone
  });

  itWith('lame')('reads the LAME tag of an encoded file', () => {
    run('lame', ['--quiet', tmp.path('tone.wav'), tmp.path('tone.mp3')]);
    const read = readMp3GaplessInfo(readFileSync(tmp.path('tone.mp3')));
    expect(read).toMatchObject({ source: 'lame', encoderDelay: 576, validSamples: 44_100 });
    expect((read as Mp3GaplessInfo).frames * 1152).toBe(
      576 + 44_100 + (read as Mp3GaplessInfo).padding,
    );
  });

  itWith('lame')(
    'reads an ID3v2.4 UTF-8 TXXX iTunSMPB and trims an untagged stream with it',
    async () => {
      run('lame', ['--quiet', '-t', tmp.path('tone.wav'), tmp.path('bare.mp3')]);
      const bare = readFileSync(tmp.path('bare.mp3'));
      expect(readMp3GaplessInfo(bare)).toBeNull();
      const first = findFirstFrame(bare, 0);
      const frames = countFrames(bare, first);
      const untrimmed = await decodeSource(bare, 'bare.mp3');
      expect(untrimmed.length).toBe(frames * 1152); // nothing known: every frame decoded
      const padding = frames * 1152 - 576 - 44_100;
      const tagged = Buffer.concat([txxxTag('iTunSMPB', smpb(576, padding, 44_100)), bare]);
      writeFileSync(tmp.path('tagged.mp3'), tagged);
      const decoded = await decodeSource(tagged, 'tagged.mp3');
      expect(decoded.gapless).toMatchObject({ source: 'iTunSMPB', encoderDelay: 576, padding });
      expect(decoded.length).toBe(44_100);
      expect(bestLag(decoded.channels[0] as Float32Array, tone, 4096)).toBe(0);
    },
  );
});

describe('decoding the promised formats', () => {
  itWith('oggenc')('Ogg Vorbis', async () => {
    run('oggenc', ['--quiet', tmp.path('tone.wav'), '-o', tmp.path('tone.ogg')]);
    const decoded = await decodeSource(readFileSync(tmp.path('tone.ogg')), 'tone.ogg');
    expect(decoded).toMatchObject({ format: 'ogg', sampleRate: 44_100, length: 44_100 });
    expect(rmsDifference(decoded.channels[0] as Float32Array, tone)).toBeLessThan(0.02);
  });

  itWith('opusenc')('Opus (always 48 kHz)', async () => {
    run('opusenc', ['--quiet', tmp.path('tone.wav'), tmp.path('tone.opus')]);
    const decoded = await decodeSource(readFileSync(tmp.path('tone.opus')), 'tone.opus');
    expect(decoded).toMatchObject({ format: 'ogg', sampleRate: 48_000, length: 48_000 });
    const resampled = sine(48_000, 48_000);
    expect(
      rmsDifference(decoded.channels[0] as Float32Array, resampled, 1000, 47_000),
    ).toBeLessThan(0.05);
  });

  itWith('flac')('FLAC, exactly', async () => {
    run('flac', ['--silent', '--force', tmp.path('tone.wav'), '-o', tmp.path('tone.flac')]);
    const decoded = await decodeSource(readFileSync(tmp.path('tone.flac')), 'tone.flac');
    expect(decoded).toMatchObject({ format: 'flac', sampleRate: 44_100, length: 44_100 });
    expect(rmsDifference(decoded.channels[0] as Float32Array, tone)).toBeLessThan(1 / 32767);
  });
});

function smpb(delay: number, padding: number, samples: number): string {
  const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
  return ` 00000000 ${hex(delay, 8)} ${hex(padding, 8)} ${hex(samples, 16)} 00000000`;
}

/** An ID3v2.4 tag with one UTF-8 TXXX frame (sizes syncsafe). */
function txxxTag(description: string, value: string): Buffer {
  const syncsafe = (n: number) =>
    Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);
  const body = Buffer.concat([
    Buffer.from([3]),
    Buffer.from(description),
    Buffer.from([0]),
    Buffer.from(value),
  ]);
  const frame = Buffer.concat([
    Buffer.from('TXXX'),
    syncsafe(body.length),
    Buffer.from([0, 0]),
    body,
  ]);
  return Buffer.concat([Buffer.from('ID3'), Buffer.from([4, 0, 0]), syncsafe(frame.length), frame]);
}
