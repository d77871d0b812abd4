// The browser rows of `npm run bench`: the join comparison they share with `gapless.gapSamples`
// sees a gap, a missing Chromium gives `n/a` rows, and in a real headless Chromium every row is
// measured (tiny counts, one round: this checks the rows are produced, not how fast anything is).
import { afterEach, describe, expect, it } from 'vitest';

interface Row {
  id: string;
  value: number | null;
  baseline: number | null;
  ratio: number | null;
  note: string;
  rounds: number;
  gapsPerRound?: number[][];
  mismatchedSamplesPerRound?: number[];
  browser?: string;
}

type Load = (path: string) => Promise<Record<string, (...args: unknown[]) => unknown>>;
const load: Load = (path) => import(new URL(`../../bench/${path}`, import.meta.url).href);

const configFor = async (env: Record<string, string>) =>
  (await load('harness.mjs')).readConfig!(['--quick'], env);

function noise(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
    out[i] = (x / 0x100000000) * 2 - 1;
  }
  return out;
}

describe('browser bench rows', () => {
  const savedChromium = process.env.BACKBEAT_CHROMIUM;
  afterEach(() => {
    if (savedChromium === undefined) delete process.env.BACKBEAT_CHROMIUM;
    else process.env.BACKBEAT_CHROMIUM = savedChromium;
  });

  it('compareJoins measures silence inserted at one join and samples lost at the other', async () => {
    const { compareJoins } = await load('suites/audioGapless.mjs');
    const items = [noise(9_001, 1), noise(8_999, 2), noise(9_000, 3)];
    const exact = new Float32Array(27_000);
    exact.set(items[0]!, 0);
    exact.set(items[1]!, 9_001);
    exact.set(items[2]!, 18_000);
    expect(compareJoins!(exact, items)).toEqual({ worst: 0, gaps: [0, 0], mismatched: 0 });

    const gapped = new Float32Array(27_000 + 10 - 5);
    gapped.set(items[0]!, 0);
    gapped.set(items[1]!, 9_001 + 10);
    gapped.set(items[2]!.subarray(5), 18_000 + 10);
    const result = compareJoins!(gapped, items) as { worst: number; gaps: number[] };
    expect(result.gaps).toEqual([10, -5]);
    expect(result.worst).toBe(10);
  });

  it('prints n/a with the reason for every browser row when Chromium is missing', async () => {
    process.env.BACKBEAT_CHROMIUM = '/nonexistent/chromium';
    const { runBrowser } = await load('suites/browser.mjs');
    const rows = (await runBrowser!(await configFor({}))) as Row[];
    expect(rows.map((r) => r.id)).toEqual([
      'browser.rtt.call',
      'browser.throughput.message',
      'browser.gapless.gapSamples',
    ]);
    for (const row of rows) {
      expect(row.value).toBeNull();
      expect(row.note).toContain('n/a (no Chromium at /nonexistent/chromium)');
    }
  });

  it('measures both halves of every row in headless Chromium, the joins exact', async () => {
    const { runBrowser } = await load('suites/browser.mjs');
    const config = await configFor({
      BENCH_ROUNDS: '1',
      BENCH_RTT_ITERS: '20',
      BENCH_RTT_WARMUP: '5',
      BENCH_MESSAGES: '200',
    });
    const rows = (await runBrowser!(config)) as Row[];
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    for (const id of ['browser.rtt.call', 'browser.throughput.message']) {
      const row = byId[id]!;
      expect(row.note, row.note).not.toContain('n/a');
      expect(row.value).toBeGreaterThan(0);
      expect(row.baseline).toBeGreaterThan(0);
      expect(row.ratio).toBeGreaterThan(0);
      expect(row.rounds).toBe(1);
      expect(row.browser).toMatch(/^Chromium \d+/);
    }
    const gapless = byId['browser.gapless.gapSamples']!;
    expect(gapless.note, gapless.note).not.toContain('n/a');
    expect(gapless.gapsPerRound).toEqual([[0, 0]]);
    expect(gapless.mismatchedSamplesPerRound).toEqual([0]);
    expect(gapless.value).toBe(0);
  }, 60_000);
});
