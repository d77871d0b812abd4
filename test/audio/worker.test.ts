import { Worker } from 'node:worker_threads';
import { likelyHasAudioDevice } from 'backbeat/audio/webAudio';
import { afterAll, describe, expect, it } from 'vitest';
import { sine, tempDir } from './support/signals.ts';

// Node 20 cannot load TypeScript in a worker by itself: the worker registers tsx first.
const bootstrap = (tsxApi: string, entry: string) =>
  `import(${JSON.stringify(tsxApi)}).then((api) => api.register()).then(() => import(${JSON.stringify(entry)}));`;

const tmp = tempDir();
afterAll(() => tmp.remove());

describe('the Web Audio adapter in a worker thread', () => {
  it('decodes, plays gaplessly on the audio clock and exits cleanly', async () => {
    const fileUrl = tmp.writeWav('tone.wav', [sine(22_050)]);
    const entry = new URL('./support/workerPlayer.ts', import.meta.url).href;
    const worker = new Worker(bootstrap(import.meta.resolve('tsx/esm/api'), entry), {
      eval: true,
      workerData: { fileUrl },
    });
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    const report = await new Promise<Record<string, unknown>>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(report.error).toBeUndefined();
    if (!likelyHasAudioDevice()) {
      expect(report.outputKind).toBe('null');
      expect(report.notices).toHaveLength(1);
    }
    expect(report.joinedOnEndSample).toBe(true);
    expect(report.clockAdvanced).toBeGreaterThanOrEqual(0.15);
    expect(report.endedAt).toBeCloseTo(50, 6);
    expect(report.fileDuration).toBeCloseTo(500, 6);
    // dispose() closed the AudioContext, so nothing keeps the worker alive.
    expect(await exited).toBe(0);
  });
});
