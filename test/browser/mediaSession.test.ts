import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backbeat } from '../../dist/vite.js';
import {
  buildPages,
  launchChromium,
  openPage,
  type PageLog,
  type PageServer,
  saveScreenshot,
  servePages,
} from './harness.js';

const pages = new URL('./pages/mediaSession/', import.meta.url);
const recorder = fileURLToPath(new URL('./pages/mediaSession/record.js', import.meta.url));

let browser: Browser;
let server: PageServer;
let context: BrowserContext | null = null;

beforeAll(async () => {
  [browser, server] = await Promise.all([
    launchChromium(),
    servePages(pages, { plugins: [backbeat()] }),
  ]);
});
afterEach(async () => {
  await context?.close();
  context = null;
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Shown {
  metadata: {
    isMediaMetadata: boolean;
    title: string;
    artist: string;
    album: string;
    artwork: string[];
  } | null;
  playbackState: string;
  handlers: string[];
  lastPosition: { state: Record<string, number> | null; threw: string | null } | null;
}

/** Opens the page with the Media Session recorder installed; waits for the adapter. */
async function open(path = ''): Promise<{ page: Page; log: PageLog }> {
  context = await browser.newContext();
  await context.addInitScript({ path: recorder });
  const opened = await openPage(context, `${server.url}${path}`);
  await opened.page.waitForFunction(() => (window as { ready?: boolean }).ready === true, null, {
    timeout: 10_000,
  });
  return opened;
}

function publish(page: Page, patch: unknown): Promise<Shown> {
  return page.evaluate((p) => {
    const w = window as any;
    w.page.target.publish(p);
    return w.page.shown();
  }, patch) as Promise<Shown>;
}

function requests(page: Page): Promise<unknown[]> {
  return page.evaluate(() => (window as any).page.target.requests.splice(0));
}

/**
 * The page's line in the Audio Focus list of `chrome://media-internals` (for example
 * `Gain Active Playing { HasAudio } Controllable …`), or `null` while the page holds no focus.
 * The list is read afresh on each call.
 */
async function audioFocus(internals: Page, title: string): Promise<string | null> {
  await internals.goto('chrome://media-internals/#audio-focus');
  await internals.waitForFunction(() => document.body.innerText.includes('Active Sessions'));
  const lines = (await internals.evaluate(() => document.body.innerText)).split('\n');
  const at = lines.findIndex((line) => line.startsWith(`${title} - `));
  return at === -1 ? null : (lines[at + 1] ?? null);
}

const THUMBNAIL =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#e85d04"/></svg>',
  );

describe('Media Session controls in Chromium', () => {
  it('show the published display as MediaMetadata, and clear it when the display is cleared', async () => {
    const { page, log } = await open();
    expect((await page.evaluate(() => (window as any).page.shown())).metadata).toBeNull();
    const shown = await publish(page, {
      display: {
        type: 'music',
        musicProperties: { title: 'Night Drive', artist: 'The Testers', albumTitle: 'Loops' },
        thumbnail: THUMBNAIL,
      },
    });
    expect(shown.metadata).toEqual({
      isMediaMetadata: true,
      title: 'Night Drive',
      artist: 'The Testers',
      album: 'Loops',
      artwork: [THUMBNAIL],
    });
    const fallback = await publish(page, {
      display: { musicProperties: { artist: '', albumArtist: 'Various' } },
    });
    expect(fallback.metadata?.artist).toBe('Various');
    await saveScreenshot(page, 'mediaSession-metadata');
    const cleared = await publish(page, {
      display: {
        type: 'unknown',
        musicProperties: { title: '', artist: '', albumArtist: '', albumTitle: '' },
        thumbnail: null,
      },
    });
    expect(cleared.metadata).toBeNull();
    expect(log.errors).toEqual([]);
  });

  it('artwork the browser refuses is left out with a notice; the rest of the metadata shows', async () => {
    const { page, log } = await open();
    const shown = await publish(page, {
      display: { musicProperties: { title: 'No Cover' }, thumbnail: 'http://[' },
    });
    expect(shown.metadata).toEqual({
      isMediaMetadata: true,
      title: 'No Cover',
      artist: '',
      album: '',
      artwork: [],
    });
    const notices = await page.evaluate(() => (window as any).page.notices);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      /^Backbeat: the Media Session refused the metadata with artwork `http:\/\/\[`: .*can't be resolved to a valid URL/,
    );
    expect(log.errors).toEqual([]);
  });

  it('playbackState follows the playback status; changing keeps what was shown', async () => {
    const { page } = await open();
    const seen: string[] = [];
    for (const playbackStatus of [
      'playing',
      'changing',
      'paused',
      'changing',
      'stopped',
      'closed',
    ]) {
      seen.push((await publish(page, { playbackStatus })).playbackState);
    }
    expect(seen).toEqual(['playing', 'playing', 'paused', 'paused', 'none', 'none']);
  });

  it('the timeline becomes the position state, clamped so the browser never throws, and cleared when unknown', async () => {
    const { page, log } = await open();
    const known = await publish(page, {
      playbackRate: 2,
      timeline: { startTime: 0, endTime: 180_000, position: 60_000 },
    });
    expect(known.lastPosition).toEqual({
      state: { duration: 180, position: 60, playbackRate: 2 },
      threw: null,
    });
    const offset = await publish(page, {
      playbackRate: 1,
      timeline: { startTime: 10_000, endTime: 70_000, position: 40_000 },
    });
    expect(offset.lastPosition?.state).toEqual({ duration: 60, position: 30, playbackRate: 1 });
    // Raw, these would throw in the browser: a position past the end, a rate of 0.
    const past = await publish(page, { playbackRate: 0, timeline: { position: 95_000 } });
    expect(past.lastPosition).toEqual({
      state: { duration: 60, position: 60, playbackRate: 1 },
      threw: null,
    });
    const unknown = await publish(page, {
      timeline: { startTime: 0, endTime: 0, position: 5_000 },
    });
    expect(unknown.lastPosition).toEqual({ state: null, threw: null });
    const positions = await page.evaluate(() => (window as any).mediaSessionLog.positions);
    expect(positions.filter((entry: { threw: string | null }) => entry.threw !== null)).toEqual([]);
    await page.evaluate(() => {
      // What the browser does with the raw values, for comparison.
      const w = window as any;
      w.rawErrors = [];
      for (const state of [
        { duration: 60, position: 95 },
        { duration: 60, position: 1, playbackRate: 0 },
        { duration: Number.NaN },
      ]) {
        try {
          navigator.mediaSession.setPositionState(state);
        } catch (error) {
          w.rawErrors.push(String(error));
        }
      }
    });
    expect(await page.evaluate(() => (window as any).rawErrors.length)).toBe(3);
    expect(log.errors).toEqual([]);
  });

  it('sets a handler for each enabled button and clears it with null when the flag goes off', async () => {
    const { page } = await open();
    expect((await page.evaluate(() => (window as any).page.shown())).handlers).toEqual([]);
    const on = await publish(page, {
      isPlayEnabled: true,
      isPauseEnabled: true,
      isStopEnabled: true,
      isNextEnabled: true,
      isPreviousEnabled: true,
    });
    expect(on.handlers).toEqual(['play', 'pause', 'stop', 'previoustrack', 'nexttrack']);
    const seekable = await publish(page, {
      timeline: { endTime: 200_000, minSeekTime: 0, maxSeekTime: 200_000 },
    });
    expect(seekable.handlers).toEqual([
      'play',
      'pause',
      'stop',
      'previoustrack',
      'nexttrack',
      'seekbackward',
      'seekforward',
      'seekto',
    ]);
    const fewer = await publish(page, { isStopEnabled: false, isNextEnabled: false });
    expect(fewer.handlers).toEqual([
      'play',
      'pause',
      'previoustrack',
      'seekbackward',
      'seekforward',
      'seekto',
    ]);
    const off = await publish(page, { isEnabled: false });
    expect(off.handlers).toEqual([]);
    expect(off.metadata).toBeNull();
    expect(off.playbackState).toBe('none');
    const calls = await page.evaluate(() => (window as any).mediaSessionLog.handlerCalls);
    expect(calls.filter(([action]: [string]) => action === 'stop')).toEqual([
      ['stop', 'handler'],
      ['stop', null],
    ]);
    expect(await page.evaluate(() => (window as any).page.controls.actions)).toEqual([]);
  });

  it('actions reach the target as button presses and position change requests', async () => {
    const { page, log } = await open();
    await publish(page, {
      isPlayEnabled: true,
      isPauseEnabled: true,
      isStopEnabled: true,
      isNextEnabled: true,
      isPreviousEnabled: true,
      playbackStatus: 'paused',
      timeline: {
        startTime: 0,
        endTime: 200_000,
        minSeekTime: 5_000,
        maxSeekTime: 190_000,
        position: 60_000,
      },
    });
    await page.evaluate(() => {
      const { invoke } = (window as any).page;
      for (const action of ['play', 'pause', 'stop', 'previoustrack', 'nexttrack']) invoke(action);
      invoke('seekforward', { seekOffset: 5 });
      invoke('seekforward');
      invoke('seekbackward');
      invoke('seekbackward', { seekOffset: 120 });
      invoke('seekto', { seekTime: 42.5 });
      invoke('seekto', { seekTime: 500 });
    });
    const position = (ms: number) => ({
      type: 'playbackPositionChangeRequested',
      requestedPlaybackPosition: ms,
    });
    expect(await requests(page)).toEqual([
      { type: 'buttonPressed', button: 'play' },
      { type: 'buttonPressed', button: 'pause' },
      { type: 'buttonPressed', button: 'stop' },
      { type: 'buttonPressed', button: 'previous' },
      { type: 'buttonPressed', button: 'next' },
      position(65_000),
      position(70_000),
      position(50_000),
      position(5_000),
      position(42_500),
      position(190_000),
    ]);
    await saveScreenshot(page, 'mediaSession-requests');
    expect(log.errors).toEqual([]);
  });

  it('seeks start from where the playing position has got to', async () => {
    const { page } = await open();
    await publish(page, {
      playbackStatus: 'playing',
      timeline: {
        startTime: 0,
        endTime: 200_000,
        minSeekTime: 0,
        maxSeekTime: 200_000,
        position: 60_000,
      },
    });
    await page.evaluate(() => {
      const w = window as any;
      w.page.clock.time += 3_000;
      w.page.invoke('seekforward');
    });
    expect(await requests(page)).toEqual([
      { type: 'playbackPositionChangeRequested', requestedPlaybackPosition: 73_000 },
    ]);
  });

  it('without a seek window, seekbackward and seekforward are the rewind and fast-forward buttons', async () => {
    const { page } = await open();
    const shown = await publish(page, { isRewindEnabled: true, isFastForwardEnabled: true });
    expect(shown.handlers).toEqual(['seekbackward', 'seekforward']);
    await page.evaluate(() => {
      const { invoke } = (window as any).page;
      invoke('seekbackward', { seekOffset: 5 });
      invoke('seekforward');
    });
    expect(await requests(page)).toEqual([
      { type: 'buttonPressed', button: 'rewind' },
      { type: 'buttonPressed', button: 'fastForward' },
    ]);
  });

  it('a seekto without a usable seekTime is dropped with a notice, not thrown', async () => {
    const { page, log } = await open();
    await publish(page, { timeline: { endTime: 10_000, maxSeekTime: 10_000 } });
    const notices = await page.evaluate(() => {
      const w = window as any;
      w.page.invoke('seekto', { seekTime: Number.NaN });
      w.page.invoke('seekto', {});
      return w.page.notices;
    });
    expect(await requests(page)).toEqual([]);
    expect(notices).toEqual([
      'Backbeat: a Media Session seekto without a usable seekTime was dropped, got `NaN`',
      'Backbeat: a Media Session seekto without a usable seekTime was dropped, got `undefined`',
    ]);
    expect(log.errors).toEqual([]);
  });

  it('an action whose delivery fails becomes one notice, never an error on the page', async () => {
    const { page, log } = await open();
    const notices = await page.evaluate(async () => {
      const w = window as any;
      w.page.target.publish({ isPlayEnabled: true });
      w.page.target.deliver = () => Promise.reject(new Error('the task is gone'));
      w.page.invoke('play');
      w.page.invoke('play');
      // Both rejections are handled within a task of their own.
      await new Promise((resolve) => setTimeout(resolve, 0));
      return w.page.notices;
    });
    expect(notices).toEqual([
      'Backbeat: the Media Session action `play` did not reach the app: the task is gone',
    ]);
    expect(log.errors).toEqual([]);
  });

  it('an action the browser refuses is skipped once with a notice; the others are set', async () => {
    const { page, log } = await open();
    const result = await page.evaluate(() => {
      const w = window as any;
      const session = navigator.mediaSession;
      let stopTries = 0;
      // A Media Session without `stop`, as in browsers from before it was specified.
      const withoutStop = {
        get metadata() {
          return session.metadata;
        },
        set metadata(value) {
          session.metadata = value;
        },
        get playbackState() {
          return session.playbackState;
        },
        set playbackState(value) {
          session.playbackState = value;
        },
        setPositionState: (state?: MediaPositionState) => session.setPositionState(state),
        setActionHandler(action: MediaSessionAction, handler: MediaSessionActionHandler | null) {
          if (action === 'stop') {
            stopTries++;
            throw new TypeError(`The provided value '${action}' is not a valid enum value`);
          }
          session.setActionHandler(action, handler);
        },
      };
      w.page.controls.detach();
      const notices: string[] = [];
      const controls = w.page.createMediaSessionControls({
        mediaSession: withoutStop,
        notice: (message: string) => notices.push(message),
      });
      const target = w.page.createTarget();
      controls.attach(target);
      target.publish({ isPlayEnabled: true, isStopEnabled: true, isNextEnabled: true });
      target.publish({ isStopEnabled: false });
      target.publish({ isStopEnabled: true });
      return {
        notices,
        stopTries,
        actions: controls.actions,
        unsupported: controls.unsupportedActions,
        handlers: w.page.shown().handlers,
      };
    });
    expect(result).toEqual({
      notices: [
        "Backbeat: this browser's Media Session has no `stop` action (The provided value 'stop' is not a valid enum value); it stays off",
      ],
      stopTries: 1,
      actions: ['play', 'nexttrack'],
      unsupported: ['stop'],
      handlers: ['play', 'nexttrack'],
    });
    expect(log.errors).toEqual([]);
  });

  it('detach clears the metadata, playback state, position state and every handler it set', async () => {
    const { page } = await open();
    const before = await publish(page, {
      isPlayEnabled: true,
      isNextEnabled: true,
      playbackStatus: 'playing',
      display: { musicProperties: { title: 'Gone Soon' } },
      timeline: { endTime: 30_000, maxSeekTime: 30_000, position: 1_000 },
    });
    expect(before.handlers).toEqual(['play', 'nexttrack', 'seekbackward', 'seekforward', 'seekto']);
    expect(before.metadata?.title).toBe('Gone Soon');
    expect(before.playbackState).toBe('playing');
    const after = await page.evaluate(() => {
      const w = window as any;
      w.page.controls.detach();
      return {
        ...w.page.shown(),
        attached: w.page.controls.attached,
        state: w.page.controls.state,
        actions: w.page.controls.actions,
      };
    });
    expect(after).toEqual({
      metadata: null,
      playbackState: 'none',
      handlers: [],
      lastPosition: { state: null, threw: null },
      attached: false,
      state: null,
      actions: [],
    });
    // A press with nothing attached is not kept for later.
    const late = await page.evaluate(async () => {
      const w = window as any;
      const delivered = await w.page.controls.press('next');
      return { delivered, requests: w.page.target.requests.length };
    });
    expect(late).toEqual({ delivered: false, requests: 0 });
  });

  it('a page playing Web Audio is not controllable in Chromium; with silentAudio it is while playing or paused, and the focus goes when stopped', async () => {
    const { page, log } = await open();
    const title = await page.title();
    const internals = await context!.newPage();
    const focus = () => audioFocus(internals, title);
    expect(await page.evaluate(() => (window as any).page.startWebAudio())).toBe('running');
    await expect.poll(focus, { timeout: 10_000, interval: 200 }).toMatch(/^Ambient /);
    expect(await focus()).not.toMatch(/Controllable/);
    // Chromium decides when the sound starts: a playbackState set later does not change it.
    const shown = await publish(page, {
      isPlayEnabled: true,
      isPauseEnabled: true,
      playbackStatus: 'playing',
    });
    expect(shown.playbackState).toBe('playing');
    expect(await focus()).toMatch(/^Ambient Active Playing \{ \} GroupId=/);

    await page.evaluate(() => {
      const w = window as any;
      w.page.controls.detach();
      w.silentControls = w.page.createMediaSessionControls({ silentAudio: true });
      w.silentTarget = w.page.createTarget();
      w.silentControls.attach(w.silentTarget);
      w.silentTarget.publish({ isPlayEnabled: true, playbackStatus: 'playing' });
    });
    await expect
      .poll(focus, { timeout: 10_000, interval: 200 })
      .toMatch(/^Gain Active Playing \{ HasAudio \} Controllable/);
    await saveScreenshot(internals, 'mediaSession-audioFocus');

    // Paused as an app pauses: the sound stops and the status says so. The page keeps its
    // controls (to play again); stopped, the silent element is emptied and the focus goes.
    await page.evaluate(async () => {
      const w = window as any;
      await w.webAudio.suspend();
      w.silentTarget.publish({ playbackStatus: 'paused' });
    });
    expect(await focus()).toMatch(/^Gain .*Controllable/);
    await page.evaluate(() => (window as any).silentTarget.publish({ playbackStatus: 'stopped' }));
    await expect.poll(focus, { timeout: 10_000, interval: 200 }).toBeNull();
    await page.evaluate(() => (window as any).silentTarget.publish({ playbackStatus: 'playing' }));
    await expect
      .poll(focus, { timeout: 10_000, interval: 200 })
      .toMatch(/^Gain Active Playing \{ HasAudio \} Controllable/);
    await page.evaluate(() => (window as any).silentControls.detach());
    await expect.poll(focus, { timeout: 10_000, interval: 200 }).toBeNull();
    expect(log.errors).toEqual([]);
  });

  it('in a worker, where there is no navigator.mediaSession, they say so once and still deliver', async () => {
    const { page, log } = await open();
    const result = await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const worker = new Worker(new URL('./worker.js', location.href), { type: 'module' });
          worker.onmessage = (event) => resolve(event.data);
          worker.onerror = (event) => reject(new Error(event.message));
        }),
    );
    expect(result).toEqual({
      hasMediaSession: 'undefined',
      session: null,
      notices: [
        'Backbeat: there is no navigator.mediaSession here; the Media Session controls show nothing',
      ],
      mirrored: 'playing',
      delivered: true,
      requests: [{ type: 'buttonPressed', button: 'next' }],
      actions: [],
    });
    expect(log.errors).toEqual([]);
  });

  it('bad options are refused with a TypeError quoting the value', async () => {
    const { page } = await open();
    const errors = await page.evaluate(() => {
      const { createMediaSessionControls } = (window as any).page;
      const messages: string[] = [];
      for (const options of [
        { seekForwardMs: -1 },
        { seekBackwardMs: Number.POSITIVE_INFINITY },
        { mediaSession: {} },
        { notice: 'loud' },
        { silentAudio: 'yes' },
      ]) {
        try {
          createMediaSessionControls(options);
          messages.push('accepted');
        } catch (error) {
          messages.push(`${(error as Error).name}: ${(error as Error).message}`);
        }
      }
      return messages;
    });
    expect(errors).toEqual([
      'TypeError: seekForwardMs must be a finite number > 0, got `-1`',
      'TypeError: seekBackwardMs must be a finite number > 0, got `Infinity`',
      'TypeError: mediaSession must be a MediaSession (with setActionHandler and setPositionState) or null, got `[object Object]`',
      'TypeError: notice must be a function, got `loud`',
      'TypeError: silentAudio must be a boolean, got `yes`',
    ]);
  });
});

describe('Media Session controls on a media system', () => {
  for (const host of ['inline', 'worker'] as const) {
    it(`on the ${host} host: the metadata follows the current item, nexttrack moves the list, playbackState follows the player`, async () => {
      const { page, log } = await open(`system.html?host=${host}`);
      const shown = () => page.evaluate(() => (window as any).page.shown());
      // Opened without autoplay, the player is paused on the first item.
      await expect
        .poll(async () => (await shown()).player, { timeout: 10_000, interval: 50 })
        .toBe('paused');
      await expect
        .poll(async () => (await shown()).playbackState, { timeout: 10_000, interval: 50 })
        .toBe('paused');
      expect(await shown()).toMatchObject({
        title: 'First Light',
        artist: 'Page Trio',
        album: 'Browser Suite',
        handlers: ['play', 'pause', 'previoustrack', 'nexttrack'],
        item: 0,
      });
      await page.evaluate(() => (window as any).page.invoke('play'));
      await expect
        .poll(async () => (await shown()).playbackState, { timeout: 10_000, interval: 50 })
        .toBe('playing');
      expect((await shown()).player).toBe('playing');
      await page.evaluate(() => (window as any).page.invoke('nexttrack'));
      await expect
        .poll(async () => (await shown()).title, { timeout: 10_000, interval: 50 })
        .toBe('Second Wind');
      expect((await shown()).item).toBe(1);
      await page.evaluate(() => (window as any).page.invoke('pause'));
      await expect
        .poll(async () => (await shown()).playbackState, { timeout: 10_000, interval: 50 })
        .toBe('paused');
      expect((await shown()).player).toBe('paused');
      await saveScreenshot(page, `mediaSession-system-${host}`);
      await page.evaluate(() => (window as any).page.system.dispose());
      expect(await shown()).toMatchObject({ title: null, playbackState: 'none', handlers: [] });
      expect((await shown()).errors).toEqual([]);
      expect(log.errors).toEqual([]);
    });
  }
});

describe('the backbeat/controls/mediaSession entry', () => {
  it('bundles for the browser, with a media system and its task, without reaching a Node-only module', async () => {
    const folder = fileURLToPath(pages);
    const built = await buildPages(pages, {
      plugins: [backbeat()],
      build: {
        rollupOptions: { input: [`${folder}index.html`, `${folder}system.html`] },
      },
    });
    expect(built.warnings).toEqual([]);
  });
});
