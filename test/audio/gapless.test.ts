import { readFileSync, writeFileSync } from 'node:fs';
import { decodeSource, renderToBuffer } from 'backbeat/audio/webAudio';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bestLag,
  concat,
  countDifferences,
  firstDifference,
  rmsDifference,
  sine,
  split,
  tempDir,
} from './support/signals.ts';
import { itWith, run } from './support/tools.ts';

// One continuous sine split into three files of awkward lengths (not multiples of 128, 576 or
// 1152), rendered as a list: the output must be the unbroken wave.
const RATE = 44_100;
const LENGTHS = [14_701, 14_699, 14_700] as const;
const wave = sine(44_100, RATE);
const parts = split(wave, LENGTHS);
const joins = [LENGTHS[0], LENGTHS[0] + LENGTHS[1]];
// node-web-audio-api reads the buffer with a float playhead: about one sample in 400 comes out
// off by at most 2^-32 (about -190 dBFS). Anything a gap or an overlap would cause is far larger.
const EXACT = 1e-6;
// Decoders scale 16-bit samples slightly differently (FLAC: / 32767 on both sides).
const ONE_LSB = 1 / 32767 + 1e-9;

const tmp = tempDir();
afterAll(() => tmp.remove());
const wavUrls = parts.map((p, i) => tmp.writeWav(`part${i}.wav`, [p]));

/** Samples inserted (silence) or lost at the joins: the sum of each join's misalignment. */
function gapSamples(lags: readonly number[]): number {
  return lags.reduce((sum, lag) => sum + Math.abs(lag), 0);
}

function report(format: string, gap: number) {
  console.log(`[gapless] joins=${joins.length} gapSamples=${gap} format=${format}`);
}

async function decodeAll(urls: readonly string[]): Promise<Float32Array> {
  const decoded = [];
  for (const url of urls) {
    decoded.push((await decodeSource(readFileSync(new URL(url)), url)).channels[0] as Float32Array);
  }
  return concat(decoded);
}

/**
 * The rendered list equals the concatenation of the decoded items sample by sample (a gap, an
 * overlap or a lost sample anywhere would shift everything after it), and that is the wave.
 */
async function checkExact(format: string, urls: readonly string[]) {
  const out = (await renderToBuffer(urls)).channels[0] as Float32Array;
  const items = await decodeAll(urls);
  const lags = joins.map((at) => bestLag(out, wave, at - 512));
  report(format, gapSamples(lags));
  expect(out.length).toBe(wave.length);
  expect(lags).toEqual([0, 0]);
  expect(countDifferences(out, items, EXACT)).toBe(0);
  expect(firstDifference(out, items, EXACT)).toBe(-1);
  expect(firstDifference(out, wave, ONE_LSB)).toBe(-1);
}

describe('gapless rendering of one sine split into three files', () => {
  it('WAV: the rendered list is the unbroken wave, sample by sample', async () => {
    const out = await renderToBuffer(wavUrls);
    expect(out.sampleRate).toBe(RATE);
    expect(out.channels).toHaveLength(1);
    await checkExact('wav', wavUrls);
  });

  it('at another output rate the list is resampled and stays continuous through the joins', async () => {
    const out = await renderToBuffer(wavUrls, { sampleRate: 48_000, numberOfChannels: 2 });
    expect(out.length).toBe(48_000);
    const [left, right] = out.channels as [Float32Array, Float32Array];
    expect(countDifferences(right, left, 0)).toBe(0); // mono is upmixed to both sides
    const resampled = sine(48_000, 48_000);
    const at48k = joins.map((at) => Math.round((at * 48_000) / RATE));
    report('wav@48k', gapSamples(at48k.map((at) => bestLag(left, resampled, at - 512))));
    for (const at of at48k) {
      expect(bestLag(left, resampled, at - 512)).toBe(0);
      expect(rmsDifference(left, resampled, at - 64, at + 64)).toBeLessThan(1e-3);
    }
  });

  itWith('flac')('FLAC: the rendered list is the unbroken wave, sample by sample', async () => {
    const urls = parts.map((_, i) => {
      run('flac', [
        '--silent',
        '--force',
        tmp.path(`part${i}.wav`),
        '-o',
        tmp.path(`part${i}.flac`),
      ]);
      return tmp.url(`part${i}.flac`);
    });
    await checkExact('flac', urls);
  });

  it('a list that repeats an item renders it twice, back to back', async () => {
    const out = await renderToBuffer([wavUrls[0] as string, wavUrls[0] as string]);
    const once = parts[0] as Float32Array;
    const expected = new Float32Array(once.length * 2);
    expected.set(once);
    expected.set(once, once.length);
    expect(countDifferences(out.channels[0] as Float32Array, expected, EXACT)).toBe(0);
  });

  itWith('lame')(
    'MP3 (LAME tag): trimmed parts have their exact lengths and join with no gap',
    async () => {
      const urls = parts.map((_, i) => {
        run('lame', ['--quiet', '-b', '192', tmp.path(`part${i}.wav`), tmp.path(`part${i}.mp3`)]);
        return tmp.url(`part${i}.mp3`);
      });
      for (const [i, url] of urls.entries()) {
        const decoded = await decodeSource(readFileSync(new URL(url)), url);
        expect(decoded.gapless?.source).toBe('lame');
        expect(decoded.length).toBe(LENGTHS[i]);
        // The trimmed audio is aligned with the original part: no delay left in.
        expect(bestLag(decoded.channels[0] as Float32Array, parts[i] as Float32Array, 2048)).toBe(
          0,
        );
      }
      const out = (await renderToBuffer(urls)).channels[0] as Float32Array;
      expect(out.length).toBe(wave.length);
      const lags = joins.map((at) => bestLag(out, wave, at - 512));
      report('mp3', gapSamples(lags));
      expect(lags).toEqual([0, 0]);
      // Lossy, but the wave is continuous through every join: the codec error stays small there.
      for (const at of joins)
        expect(rmsDifference(out, wave, at - 256, at + 256)).toBeLessThan(0.02);
      expect(rmsDifference(out, wave)).toBeLessThan(0.02);
    },
  );

  itWith('oggenc')(
    'Ogg Vorbis: parts decode to their exact lengths and join with no gap',
    async () => {
      const urls = parts.map((_, i) => {
        run('oggenc', ['--quiet', tmp.path(`part${i}.wav`), '-o', tmp.path(`part${i}.ogg`)]);
        return tmp.url(`part${i}.ogg`);
      });
      for (const [i, url] of urls.entries()) {
        const decoded = await decodeSource(readFileSync(new URL(url)), url);
        expect(decoded.length).toBe(LENGTHS[i]);
      }
      const out = (await renderToBuffer(urls)).channels[0] as Float32Array;
      expect(out.length).toBe(wave.length);
      const lags = joins.map((at) => bestLag(out, wave, at - 512));
      report('ogg', gapSamples(lags));
      expect(lags).toEqual([0, 0]);
      for (const at of joins)
        expect(rmsDifference(out, wave, at - 256, at + 256)).toBeLessThan(0.02);
    },
  );

  itWith('lame')(
    'MP3 (iTunSMPB only): delay and padding are trimmed from the ID3 comment',
    async () => {
      const url = tmp.url('smpb.mp3');
      run('lame', ['--quiet', '-t', '-b', '192', tmp.path('part1.wav'), tmp.path('plain.mp3')]);
      const plain = readFileSync(tmp.path('plain.mp3'));
      const length = LENGTHS[1];
      // LAME's own values: 576 samples of delay, padding up to whole frames.
      const frames = Math.ceil((576 + length + 529 + 288) / 1152);
      const padding = frames * 1152 - 576 - length;
      writeFileSync(
        tmp.path('smpb.mp3'),
        Buffer.concat([iTunSmpbTag(576, padding, length), plain]),
      );
      const decoded = await decodeSource(readFileSync(tmp.path('smpb.mp3')), url);
      expect(decoded.gapless?.source).toBe('iTunSMPB');
      expect(decoded.length).toBe(length);
      expect(bestLag(decoded.channels[0] as Float32Array, parts[1] as Float32Array, 2048)).toBe(0);
    },
  );
});

/** An ID3v2.3 tag holding one UTF-16 COMM frame `iTunSMPB` as iTunes writes it. */
function iTunSmpbTag(delay: number, padding: number, samples: number): Buffer {
  const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');
  const text = ` 00000000 ${hex(delay, 8)} ${hex(padding, 8)} ${hex(samples, 16)} 00000000 00000000`;
  const utf16 = (s: string) =>
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
  const body = Buffer.concat([
    Buffer.from([1]),
    Buffer.from('eng'),
    utf16('iTunSMPB'),
    Buffer.from([0, 0]),
    utf16(text),
  ]);
  const frame = Buffer.alloc(10);
  frame.write('COMM', 0, 'latin1');
  frame.writeUInt32BE(body.length, 4);
  const size = frame.length + body.length;
  const header = Buffer.from([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0]);
  for (let i = 0; i < 4; i++) header[9 - i] = (size >> (7 * i)) & 0x7f;
  return Buffer.concat([header, frame, body]);
}
