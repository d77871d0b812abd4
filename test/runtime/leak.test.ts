import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { hosts } from './helpers.ts';

const script = fileURLToPath(new URL('../fixtures/leak/instances.mjs', import.meta.url));

interface Measure {
  host: string;
  count: number;
  /** Distinct instances started, warm-up included. */
  instances: number;
  before: number;
  after: number;
  growth: number;
}

/** Runs the measurement in a fresh `node --expose-gc`, so nothing else shares its heap. */
function measure(host: string, warmup: number, count: number): Promise<Measure> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', script, host, String(warmup), String(count)],
      { timeout: 400_000, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${error.message}\n${stderr}`));
          return;
        }
        const last = stdout.trim().split('\n').at(-1) ?? '';
        resolve(JSON.parse(last) as Measure);
      },
    );
  });
}

describe.concurrent('task instances leave nothing behind', () => {
  it.for([...hosts])(
    '%s host: 100 instances started and ended in a row grow the heap by less than 1 MB',
    { timeout: 420_000 },
    async (host, { expect }) => {
      const result = await measure(host, 20, 100);
      expect(result.count).toBe(100);
      expect(result.instances).toBe(120);
      expect(result.growth).toBeLessThan(1024 * 1024);
    },
  );
});
