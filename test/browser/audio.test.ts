import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  openPage,
  type PageServer,
  saveScreenshot,
  servePages,
} from './harness.js';

let browser: Browser;
let server: PageServer;

beforeAll(async () => {
  [browser, server] = await Promise.all([
    launchChromium(),
    servePages(new URL('./pages/audio/', import.meta.url)),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface ListResult {
  state: string;
  outputKind: string;
  sampleRate: number;
  events: string[];
  start: number;
  maxDifference: number;
  freqs: number[];
  silenceAfter: number;
  element: { paused: boolean; time: number }[];
}

describe('the Web Audio engine on a page', () => {
  it("with route 'mediaElement' it plays three tones as a list with 0-sample joins, through a playing <audio> element", async () => {
    const { page, log } = await openPage(browser, `${server.url}?route=mediaElement`);
    await page.waitForFunction(() => (window as { engineReady?: boolean }).engineReady, null, {
      timeout: 10_000,
    });
    const result = (await page.evaluate(() =>
      (window as unknown as { playList(): Promise<unknown> }).playList(),
    )) as ListResult;
    await saveScreenshot(page, 'audio-engine-gapless');
    expect(log.errors).toEqual([]);
    expect(result.state).toBe('running');
    expect(result.sampleRate).toBe(48_000);
    expect(result.events).toEqual([
      'opened 0',
      'ended 0',
      'opened 1',
      'ended 1',
      'opened 2',
      'ended 2',
    ]);
    expect(result.start).toBeGreaterThan(0);
    // Every recorded sample from the first sound on is the tones' own: a gap, an overlap or a
    // lost sample at a join would shift the rest of the list.
    expect(result.maxDifference).toBeLessThan(1e-6);
    // The three tones, in order (frequencies from zero crossings, to within a few Hz).
    expect(result.freqs.map((f) => Math.round(f / 10) * 10)).toEqual([440, 660, 880]);
    expect(result.silenceAfter).toBe(0);
    // The output goes through an <audio> element, which plays (not paused, its time advancing)
    // while the engine plays.
    expect(result.outputKind).toBe('mediaElement');
    expect(result.element.length).toBeGreaterThan(4);
    expect(result.element.every((s) => !s.paused)).toBe(true);
    const times = result.element.map((s) => s.time);
    expect(times.at(-1) as number).toBeGreaterThan((times[0] as number) + 0.2);
  });

  it("by default it plays to the context's destination, as exactly", async () => {
    const { page, log } = await openPage(browser, server.url);
    await page.waitForFunction(() => (window as { engineReady?: boolean }).engineReady, null, {
      timeout: 10_000,
    });
    const result = (await page.evaluate(() =>
      (window as unknown as { playList(): Promise<unknown> }).playList(),
    )) as ListResult;
    expect(log.errors).toEqual([]);
    expect(result.outputKind).toBe('device');
    expect(result.element).toEqual([]);
    expect(result.maxDifference).toBeLessThan(1e-6);
    expect(result.freqs.map((f) => Math.round(f / 10) * 10)).toEqual([440, 660, 880]);
  });
});
