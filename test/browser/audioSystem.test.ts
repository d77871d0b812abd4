// A media system whose task makes real sound: createMediaSystem({ audio: { kind: 'webAudio' } })
// on a page, the task in a Web Worker (through the audio bridge) or inline, the page recording
// the engine's output.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backbeat } from '../../dist/vite.js';
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
    servePages(new URL('./pages/', import.meta.url), { plugins: [backbeat()] }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe.each(['worker', 'inline'])('a task on the %s host with Web Audio', (host) => {
  it('plays its list on the page: the three tones in order, every join sample-exact', async () => {
    const { page, log } = await openPage(browser, `${server.url}audioSystem/`);
    await page.waitForFunction(() => (window as { ready?: boolean }).ready === true);
    const result = (await page.evaluate(
      (h) => (window as unknown as { playThrough(h: string): Promise<unknown> }).playThrough(h),
      host,
    )) as {
      messages: unknown[];
      engineState: string;
      start: number;
      maxDifference: number;
      freqs: number[];
    };
    await saveScreenshot(page, `audio-system-${host}`);
    expect(log.errors).toEqual([]);
    expect(result.messages).toEqual([
      { type: 'item', index: 0, reason: 'initialItem' },
      { type: 'item', index: 1, reason: 'endOfStream' },
      { type: 'item', index: 2, reason: 'endOfStream' },
      { type: 'item', index: -1, reason: 'endOfStream' },
      { type: 'ended' },
    ]);
    expect(result.engineState).toBe('running');
    expect(result.start).toBeGreaterThan(0);
    expect(result.maxDifference).toBeLessThan(1e-6);
    expect(result.freqs.map((f) => Math.round(f / 10) * 10)).toEqual([440, 660, 880]);
  });

  it('stops its sound on the page when the task crashes while it plays', async () => {
    const { page, log } = await openPage(browser, `${server.url}audioSystem/`);
    await page.waitForFunction(() => (window as { ready?: boolean }).ready === true);
    const result = (await page.evaluate(
      (h) =>
        (window as unknown as { crashWhilePlaying(h: string): Promise<unknown> }).crashWhilePlaying(
          h,
        ),
      host,
    )) as { states: string[]; before: number; after: number };
    expect(log.errors).toEqual([]);
    expect(result.states).toEqual(['starting', 'running', 'alive', 'terminated:crashed']);
    expect(result.before).toBeGreaterThan(0.1);
    expect(result.after).toBe(0);
  });
});
