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
    servePages(new URL('./pages/platform/', import.meta.url)),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the browser the host is built for', () => {
  it('runs an AudioContext headless, and a module worker has locks, channels and storage but no audio', async () => {
    const { page, log } = await openPage(browser, server.url);
    const facts = await page.waitForFunction(() => (window as { facts?: unknown }).facts, null, {
      timeout: 10_000,
    });
    const value = (await facts.jsonValue()) as Record<string, unknown>;
    await saveScreenshot(page, 'platform-facts');
    expect(log.errors).toEqual([]);
    expect(value.state).toBe('running');
    expect(value.advanced).toBeGreaterThan(0.1);
    expect(value.mediaSession).toBe('object');
    expect(value.inWorker).toEqual({
      audioContext: 'undefined',
      locks: 'object',
      broadcastChannel: 'function',
      indexedDB: 'object',
      audioDecoder: 'function',
      mediaSession: 'undefined',
    });
  });
});
