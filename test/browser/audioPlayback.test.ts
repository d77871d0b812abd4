import type { Browser, ConsoleMessage } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  openPage,
  type PageServer,
  saveScreenshot,
  servePages,
} from './harness.js';

let browser: Browser;
/** A second browser with Chromium's real autoplay policy: sound waits for a user gesture. */
let strict: Browser;
let server: PageServer;

beforeAll(async () => {
  [browser, strict, server] = await Promise.all([
    launchChromium(),
    launchChromium({ args: ['--autoplay-policy=document-user-activation-required'] }),
    servePages(new URL('./pages/audio/', import.meta.url)),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await strict?.close();
  await server?.close();
});

describe('the htmlMedia engine', () => {
  it('plays a file in an <audio> element: its time advances, it seeks and pauses', async () => {
    const { page, log } = await openPage(browser, `${server.url}htmlmedia.html`);
    await page.waitForFunction(() => (window as { htmlReady?: boolean }).htmlReady, null, {
      timeout: 10_000,
    });
    const result = (await page.evaluate(() =>
      (window as unknown as { playTone(): Promise<unknown> }).playTone(),
    )) as {
      opened: { duration: number; canSeek: boolean; position: number };
      playing: { position: number; paused: boolean };
      afterSeek: number;
      paused: { position: number; paused: boolean };
      events: string[];
      state: string;
    };
    await saveScreenshot(page, 'audio-htmlmedia');
    expect(log.errors).toEqual([]);
    expect(result.opened).toEqual({ duration: 2_000, canSeek: true, position: 0 });
    expect(result.playing.paused).toBe(false);
    expect(result.playing.position).toBeGreaterThan(300);
    expect(result.afterSeek).toBeGreaterThan(1_600);
    expect(result.paused.paused).toBe(true);
    expect(result.paused.position).toBeGreaterThan(1_600);
    expect(result.events).not.toContain('failed');
    expect(result.state).toBe('running');
  });

  it('fails a file that is no audio with sourceNotSupported, quoting its URI', async () => {
    const { page } = await openPage(browser, `${server.url}htmlmedia.html`);
    await page.waitForFunction(() => (window as { htmlReady?: boolean }).htmlReady, null, {
      timeout: 10_000,
    });
    const error = (await page.evaluate(() =>
      (window as unknown as { openGarbage(): Promise<unknown> }).openGarbage(),
    )) as { name: string; code: string; kind: string; message: string; uri: string };
    expect(error).toMatchObject({
      name: 'MediaError',
      code: 'MEDIA_FAILED',
      kind: 'sourceNotSupported',
    });
    expect(error.message).toContain(`\`${error.uri}\``);
    expect(error.message).toMatch(/not supported/);
  });
});

describe('autoplay: output that waits for a user gesture', () => {
  it('is reported as suspended to the page and, through the bridge, to the task, and resumes on a real click', async () => {
    const page = await strict.newPage();
    const lines: string[] = [];
    const errors: string[] = [];
    const seen = (line: string) => lines.includes(line);
    const until = async (line: string) => {
      const started = Date.now();
      while (!seen(line)) {
        if (Date.now() - started > 10_000) {
          throw new Error(
            `Timed out waiting for "${line}"; the page logged ${JSON.stringify(lines)}`,
          );
        }
        await new Promise<void>((resolve) => page.once('console', () => resolve()));
      }
    };
    page.on('console', (message: ConsoleMessage) => {
      const text = message.text();
      if (text.startsWith('autoplay: ')) lines.push(text.slice('autoplay: '.length));
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}autoplay.html`, { waitUntil: 'load' });

    await until('task track bufferingStarted');
    await until('page htmlMedia track bufferingStarted');
    expect(lines[0]).toBe('page webAudio suspended');
    expect(seen('task engine suspended')).toBe(true);
    expect(seen('page htmlMedia suspended')).toBe(true);
    await until('task position held at 0');
    expect(seen('task position moving')).toBe(false);
    await saveScreenshot(page, 'audio-autoplay-suspended');

    await page.click('#go');
    await until('page webAudio running');
    await until('task engine running');
    await until('task track bufferingEnded');
    await until('task position moving');
    await until('page htmlMedia running');
    await until('page htmlMedia track bufferingEnded');
    await until('page htmlMedia playing');
    await saveScreenshot(page, 'audio-autoplay-resumed');
    expect(errors).toEqual([]);
    const order = (a: string, b: string) => lines.indexOf(a) < lines.indexOf(b);
    expect(order('task track bufferingStarted', 'page webAudio running')).toBe(true);
    expect(order('page webAudio running', 'task track bufferingEnded')).toBe(true);
  });
});
