import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from 'backbeat/audio/webAudio';
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

// A live stream: an MP3 (made with `lame` when it is installed) sent on and on, with no length.
const hasLame = spawnSync('lame', ['--version'], { stdio: 'ignore' }).error === undefined;
const streams: ServerResponse[] = [];
let mp3: Buffer | null = null;
if (hasLame) {
  const dir = mkdtempSync(join(tmpdir(), 'backbeat-live-'));
  const rate = 44_100;
  const tone = new Float32Array(rate).map((_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / rate));
  writeFileSync(join(dir, 'tone.wav'), encodeWav([tone], rate));
  // `-t`: no Xing/LAME tag frame, so nothing in the stream tells its length.
  spawnSync('lame', ['--quiet', '-t', '-b', '128', join(dir, 'tone.wav'), join(dir, 'tone.mp3')]);
  mp3 = readFileSync(join(dir, 'tone.mp3'));
  rmSync(dir, { recursive: true, force: true });
}

beforeAll(async () => {
  [browser, strict, server] = await Promise.all([
    launchChromium(),
    launchChromium({ args: ['--autoplay-policy=document-user-activation-required'] }),
    servePages(new URL('./pages/audio/', import.meta.url), {
      plugins: [
        {
          name: 'live-stream',
          configureServer(vite) {
            vite.middlewares.use('/live.mp3', (_request, response) => {
              // No Content-Length: the response is chunked and never ends, like a radio stream.
              response.writeHead(200, {
                'content-type': 'audio/mpeg',
                'cache-control': 'no-store',
              });
              streams.push(response);
              const send = () => {
                if (response.destroyed || !mp3) return;
                response.write(mp3);
                setTimeout(send, 500);
              };
              send();
            });
          },
        },
      ],
    }),
  ]);
});
afterAll(async () => {
  for (const response of streams) response.destroy();
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

describe('the htmlMedia engine and a live stream', () => {
  it.skipIf(!hasLame)(
    'plays a stream of no length: duration Infinity, canSeek false, its time advances',
    async () => {
      const { page, log } = await openPage(browser, `${server.url}htmlmedia.html`);
      await page.waitForFunction(() => (window as { htmlReady?: boolean }).htmlReady, null, {
        timeout: 10_000,
      });
      const result = (await page.evaluate(
        (url) => (window as unknown as { playLive(u: string): Promise<unknown> }).playLive(url),
        `${server.url}live.mp3`,
      )) as { duration: number | null; canSeek: boolean; position: number; paused: boolean };
      expect(log.errors).toEqual([]);
      // Infinity does not survive evaluate's JSON: it comes back as null.
      expect(result.duration ?? Number.POSITIVE_INFINITY).toBe(Number.POSITIVE_INFINITY);
      expect(result.canSeek).toBe(false);
      expect(result.paused).toBe(false);
      expect(result.position).toBeGreaterThan(300);
      expect(result.position).toBeLessThan(5_000);
    },
  );
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
