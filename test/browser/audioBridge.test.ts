import type { ServerResponse } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  openPage,
  type PageLog,
  type PageServer,
  saveScreenshot,
  servePages,
} from './harness.js';

// A source whose request is answered only when the test ends: an open of it stays pending.
const held: ServerResponse[] = [];
let browser: Browser;
let server: PageServer;

beforeAll(async () => {
  [browser, server] = await Promise.all([
    launchChromium(),
    servePages(new URL('./pages/audio/', import.meta.url), {
      // A missing file is a 404, not the index page.
      appType: 'mpa',
      plugins: [
        {
          name: 'held-source',
          configureServer(vite) {
            vite.middlewares.use('/held.wav', (_request, response) => {
              held.push(response);
            });
          },
        },
      ],
    }),
  ]);
});
afterAll(async () => {
  for (const response of held) response.writeHead(404).end();
  await browser?.close();
  await server?.close();
});

interface WorkerError {
  name: string;
  code: string;
  kind: string;
  message: string;
}
type Opened = { track: number; duration: number; canSeek: boolean };
type TrackRecord = { name: string; payload: unknown; position: number }[];

async function openBridge(): Promise<{ page: Page; log: PageLog }> {
  const opened = await openPage(browser, `${server.url}bridge.html`);
  await opened.page.waitForFunction(() => (window as { bridgeReady?: boolean }).bridgeReady, null, {
    timeout: 10_000,
  });
  return opened;
}

/** Runs a command of the page's worker (its task side). */
function call<T>(page: Page, cmd: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(
    ([cmd, args]) =>
      (window as unknown as { call(c: string, ...a: unknown[]): Promise<unknown> }).call(
        cmd as string,
        ...(args as unknown[]),
      ),
    [cmd, args] as const,
  ) as Promise<T>;
}

/** A command's error (the worker's description of what it threw). */
async function callError(page: Page, cmd: string, ...args: unknown[]): Promise<WorkerError> {
  return page.evaluate(
    ([cmd, args]) =>
      (window as unknown as { call(c: string, ...a: unknown[]): Promise<unknown> })
        .call(cmd as string, ...(args as unknown[]))
        .then(
          () => null,
          (error: unknown) => error,
        ),
    [cmd, args] as const,
  ) as Promise<WorkerError>;
}

/** Polls a worker command until `accept` holds for its result (bounded). */
async function until<T>(
  page: Page,
  what: string,
  read: () => Promise<T>,
  accept: (value: T) => boolean,
): Promise<T> {
  const started = Date.now();
  let last: T;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (Date.now() - started > 10_000) {
      throw new Error(`Timed out waiting for ${what}; last saw ${JSON.stringify(last)}`);
    }
    await page.waitForTimeout(20);
  }
}

function urls(page: Page): Promise<{ list: string[]; ramp: string }> {
  return page.evaluate(
    () => (window as unknown as { urls: { list: string[]; ramp: string } }).urls,
  );
}

describe('the audio bridge: a task in a module worker drives the page engine', () => {
  it('plays three tones as a list from the worker with 0-sample joins (the preload crosses)', async () => {
    const { page, log } = await openBridge();
    const { list } = await urls(page);
    const order = await call<string[]>(page, 'playList', list);
    expect(order).toEqual(['opened 0', 'ended 0', 'opened 1', 'ended 1', 'opened 2', 'ended 2']);
    const recording = await page.evaluate(() =>
      (
        window as unknown as {
          listRecording(): { start: number; maxDifference: number; freqs: number[] };
        }
      ).listRecording(),
    );
    await saveScreenshot(page, 'audio-bridge-gapless');
    expect(log.errors).toEqual([]);
    expect(recording.start).toBeGreaterThan(0);
    expect(recording.maxDifference).toBeLessThan(1e-6);
    expect(recording.freqs.map((f) => Math.round(f / 10) * 10)).toEqual([440, 660, 880]);
  });

  it('a MediaPlayer with a MediaPlaybackList in the worker plays the list gaplessly on the page', async () => {
    const { page, log } = await openPage(browser, `${server.url}player.html`);
    await page.waitForFunction(() => (window as { playerReady?: boolean }).playerReady, null, {
      timeout: 10_000,
    });
    const result = (await page.evaluate(() =>
      (window as unknown as { playWithPlayer(): Promise<unknown> }).playWithPlayer(),
    )) as { log: string[]; start: number; maxDifference: number; freqs: number[] };
    await saveScreenshot(page, 'audio-bridge-player');
    expect(log.errors).toEqual([]);
    const items = result.log.filter((line) => line.startsWith('item '));
    // At the end of the list it moves past its last item, as WinRT's list does.
    expect(items).toEqual([
      'item 0 initialItem',
      'item 1 endOfStream',
      'item 2 endOfStream',
      'item -1 endOfStream',
    ]);
    expect(result.log).toContain('state playing');
    expect(result.log.at(-1)).toBe('ended');
    expect(result.log.some((line) => line.startsWith('failed'))).toBe(false);
    expect(result.start).toBeGreaterThan(0);
    expect(result.maxDifference).toBeLessThan(1e-6);
    expect(result.freqs.map((f) => Math.round(f / 10) * 10)).toEqual([440, 660, 880]);
  });

  it('seeks, pauses, resumes and sets the volume; the task estimates the position between reports', async () => {
    const { page, log } = await openBridge();
    const { ramp } = await urls(page);
    const opened = await call<Opened>(page, 'open', ramp);
    expect(opened.duration).toBe(3_000);
    expect(opened.canSeek).toBe(true);
    const t = opened.track;
    await call(page, 'play', t);
    const level = (frames: number) =>
      page.evaluate(
        (n) => (window as unknown as { levelOfNext(n: number): Promise<number> }).levelOfNext(n),
        frames,
      );
    const position = () => call<number>(page, 'position', t);
    await until(page, 'the position to move', position, (p) => p > 100);
    // Near the start the ramp is quiet (amplitude about 0.1-0.15, RMS below 0.11).
    expect(await level(2_400)).toBeLessThan(0.11);

    // A seek reads its target at once, on the task side, and the sound jumps there.
    await call(page, 'seek', t, 2_400);
    const afterSeek = await position();
    expect(afterSeek).toBeGreaterThanOrEqual(2_400);
    expect(afterSeek).toBeLessThan(2_500);
    await until(page, 'a report from past the seek', position, (p) => p > 2_450);
    // Amplitude about 0.58-0.6 at 2.4-2.5 s: RMS about 0.41-0.42.
    expect(await level(2_400)).toBeGreaterThan(0.38);

    // Paused, the estimate holds while time passes, and nothing more is played.
    await call(page, 'pause', t);
    const held1 = await position();
    const heldAt = Date.now();
    await page.evaluate(() => (window as unknown as { clearRecording(): void }).clearRecording());
    await page.waitForTimeout(400);
    const held2 = await position();
    expect(Date.now() - heldAt).toBeGreaterThanOrEqual(400);
    expect(held2).toBe(held1);
    expect(await level(2_400)).toBe(0);

    // Resumed from where it paused; at volume 0.5 the level halves.
    await call(page, 'seek', t, 1_000);
    await call(page, 'play', t);
    await until(page, 'the position to move on from 1 s', position, (p) => p > 1_050);
    const full = await level(4_800);
    await call(page, 'setVolume', t, 0.5);
    await until(page, 'the volume report', position, (p) => p > 1_150);
    const half = await level(4_800);
    expect(half / full).toBeGreaterThan(0.4);
    expect(half / full).toBeLessThan(0.6);

    // The estimate follows real time between the page's reports (every 250 ms).
    const p1 = await position();
    const at1 = Date.now();
    await until(page, 'half a second more of playback', position, (p) => p > p1 + 500);
    expect(Date.now() - at1).toBeGreaterThanOrEqual(400);

    // It plays to the end: `ended`, with the position at the duration.
    await until(
      page,
      'the end of the ramp',
      () => call<TrackRecord>(page, 'events', t),
      (events) => events.some((e) => e.name === 'ended'),
    );
    const events = await call<TrackRecord>(page, 'events', t);
    expect(events.map((e) => e.name)).toEqual(['ended']);
    expect(events[0]?.position).toBe(3_000);
    expect(log.errors).toEqual([]);
  });

  it('fails an unsupported URI and a missing file with typed errors quoting them; bad messages are ProtocolErrors', async () => {
    const { page, log } = await openBridge();
    const ftp = await callError(page, 'open', 'ftp://example.invalid/a.wav');
    expect(ftp).toMatchObject({
      name: 'MediaError',
      code: 'MEDIA_FAILED',
      kind: 'sourceNotSupported',
    });
    expect(ftp.message).toContain('`ftp://example.invalid/a.wav`');
    const missing = await callError(page, 'open', './missing.wav');
    expect(missing).toMatchObject({ name: 'MediaError', kind: 'networkError' });
    expect(missing.message).toContain('`./missing.wav`');
    expect(missing.message).toContain('404');

    // Bad reports reach the task as ProtocolErrors; the bridge keeps working.
    await page.evaluate(() => (window as unknown as { postBadReports(): void }).postBadReports());
    const errors = await until(
      page,
      'three protocol errors in the worker',
      () => call<WorkerError[]>(page, 'protocolErrors'),
      (e) => e.length >= 3,
    );
    expect(errors.map((e) => e.name)).toEqual(['ProtocolError', 'ProtocolError', 'ProtocolError']);
    expect(errors[0]?.message).toContain('`not a report`');
    expect(errors[1]?.message).toContain('position');
    expect(errors[2]?.message).toContain('`9`');
    // A bad request reaches the page as a ProtocolError, and an open in it is still answered.
    await call(page, 'postRaw', { v: 1, kind: 'open', id: 77 });
    const pageErrors = await page.waitForFunction(
      () => {
        const e = (window as unknown as { protocolErrors: string[] }).protocolErrors;
        return e.length > 0 && e;
      },
      null,
      { timeout: 10_000 },
    );
    expect(((await pageErrors.jsonValue()) as string[])[0]).toContain('uri');
    const { list } = await urls(page);
    const still = await call<Opened>(page, 'open', list[0]);
    // The engine itself cannot run in the worker, and says where to look instead.
    const here = await callError(page, 'createEngineHere');
    expect(here.name).toBe('TypeError');
    expect(here.message).toContain('connectAudio');
    expect(still.duration).toBeCloseTo((14_401 / 48_000) * 1000, 6);
    expect(log.errors).toEqual([]);
  });

  it('when the page side goes away, a pending open rejects and an open track fails: nothing hangs', async () => {
    const { page, log } = await openBridge();
    const { ramp } = await urls(page);
    const opened = await call<Opened>(page, 'open', ramp);
    await call(page, 'play', opened.track);
    await call(page, 'openPending', '/held.wav');
    await until(
      page,
      'the held request to arrive',
      async () => held.length,
      (n) => n > 0,
    );
    expect(await call(page, 'outcome')).toEqual({ settled: false });

    await page.evaluate(() =>
      (window as unknown as { closeServer(r: string): void }).closeServer('the page closed it'),
    );
    const outcome = await until(
      page,
      'the pending open to settle',
      () => call<{ settled: boolean; ok?: boolean; error?: WorkerError }>(page, 'outcome'),
      (o) => o.settled,
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatchObject({ name: 'MediaError', kind: 'aborted' });
    expect(outcome.error?.message).toContain('`/held.wav`');
    expect(outcome.error?.message).toContain('the page closed it');
    const events = await call<TrackRecord>(page, 'events', opened.track);
    expect(events.map((e) => e.name)).toEqual(['failed']);
    expect(events[0]?.payload).toMatchObject({ error: 'aborted' });
    expect(await call(page, 'state')).toMatchObject({ state: 'closed', connected: false });
    // A later open rejects at once.
    const late = await callError(page, 'open', ramp);
    expect(late).toMatchObject({ name: 'MediaError', kind: 'aborted' });
    expect(log.errors).toEqual([]);
  });
});
