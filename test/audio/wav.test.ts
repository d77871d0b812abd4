import decode from 'audio-decode';
import { encodeWav } from 'backbeat/audio/webAudio';
import { describe, expect, it } from 'vitest';
import { countDifferences, noise } from './support/signals.ts';

const text = (bytes: Uint8Array, at: number, n: number) =>
  String.fromCharCode(...bytes.subarray(at, at + n));

describe('encodeWav', () => {
  it('writes a canonical 16-bit PCM header', () => {
    const bytes = encodeWav([new Float32Array(10), new Float32Array(10)], 48_000);
    const view = new DataView(bytes.buffer);
    expect(text(bytes, 0, 4)).toBe('RIFF');
    expect(view.getUint32(4, true)).toBe(bytes.length - 8);
    expect(text(bytes, 8, 8)).toBe('WAVEfmt ');
    expect(view.getUint16(20, true)).toBe(1); // PCM
    expect(view.getUint16(22, true)).toBe(2);
    expect(view.getUint32(24, true)).toBe(48_000);
    expect(view.getUint32(28, true)).toBe(48_000 * 4);
    expect(view.getUint16(32, true)).toBe(4);
    expect(view.getUint16(34, true)).toBe(16);
    expect(text(bytes, 36, 4)).toBe('data');
    expect(view.getUint32(40, true)).toBe(40);
    expect(bytes.length).toBe(44 + 40);
  });

  it('interleaves channels and clamps out-of-range samples', () => {
    const left = new Float32Array([1, -1, 2, -2]);
    const right = new Float32Array([0.5, -0.5, Number.NaN, 0]);
    const view = new DataView(encodeWav([left, right], 8_000).buffer);
    const samples = Array.from({ length: 8 }, (_, i) => view.getInt16(44 + 2 * i, true));
    expect(samples).toEqual([32767, 16384, -32768, -16384, 32767, 0, -32768, 0]);
  });

  it.each(['pcm16', 'pcm24', 'float32'] as const)(
    '%s round-trips through the decoder',
    async (format) => {
      const signal = format === 'pcm16' ? noise(1000, 7) : noise(1000, 7).map((x) => x * 0.999);
      const decoded = await decode(encodeWav([signal, signal.map((x) => -x)], 22_050, { format }));
      expect(decoded.sampleRate).toBe(22_050);
      expect(decoded.channelData).toHaveLength(2);
      const tolerance = format === 'pcm24' ? 2 ** -23 : 0;
      expect(countDifferences(decoded.channelData[0] as Float32Array, signal, tolerance)).toBe(0);
    },
  );

  it('refuses bad input, quoting it', () => {
    expect(() => encodeWav([], 44_100)).toThrow(/at least one channel/);
    expect(() => encodeWav([new Float32Array(2), new Float32Array(3)], 44_100)).toThrow(
      /channel 1 has `3`/,
    );
    expect(() => encodeWav([new Float32Array(2)], 44.1)).toThrow(/got `44.1`/);
    expect(() => encodeWav([new Float32Array(2)], 44_100, { format: 'pcm8' as never })).toThrow(
      /got `pcm8`/,
    );
  });
});
