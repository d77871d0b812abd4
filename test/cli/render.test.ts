import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { readPcm16Wav, runCli, tempDir, testSignal } from './support.ts';

const tmp = tempDir();
afterAll(() => tmp.remove());

const interleave = (channels: Float32Array[][]): number[] => {
  const out: number[] = [];
  for (const file of channels) {
    const length = file[0]!.length;
    for (let i = 0; i < length; i++) {
      for (const channel of file) {
        const x = channel[i]!;
        out.push(Math.round(x < 0 ? x * 32768 : x * 32767));
      }
    }
  }
  return out;
};

describe('backbeat-play --render', () => {
  it('writes the inputs back to back, gaplessly: the samples are their concatenation', async () => {
    // Lengths that are no multiple of the render quantum (128) nor of each other.
    const a = [testSignal(11_025, 1), testSignal(11_025, 2)];
    const b = [testSignal(7_001, 3), testSignal(7_001, 4)];
    const fileA = tmp.writeWav('a.wav', a);
    const fileB = tmp.writeWav('b.wav', b);
    const out = tmp.path('out.wav');
    const result = await runCli(['--render', out, fileA, fileB, fileA]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/rendered 3 item\(s\), .* at 44100 Hz, 2 channel\(s\)/);

    const wav = readPcm16Wav(readFileSync(out));
    expect(wav.sampleRate).toBe(44_100);
    expect(wav.channels).toBe(2);
    const expected = interleave([a, b, a]);
    expect(wav.samples.length).toBe(expected.length);
    let firstDiff = -1;
    for (let i = 0; i < expected.length; i++) {
      if (wav.samples[i] !== expected[i]) {
        firstDiff = i;
        break;
      }
    }
    expect(firstDiff).toBe(-1);
  }, 30_000);

  it('renders at another sample rate with --sample-rate', async () => {
    const fileA = tmp.writeWav('mono.wav', [testSignal(22_050, 5)]);
    const out = tmp.path('resampled.wav');
    const result = await runCli(['--render', out, '--sample-rate', '48000', fileA]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const wav = readPcm16Wav(readFileSync(out));
    expect(wav.sampleRate).toBe(48_000);
    expect(wav.channels).toBe(1);
    expect(wav.samples.length).toBe(24_000); // 0.5 s at 48 kHz
  }, 30_000);
});
