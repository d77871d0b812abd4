import { waitFor } from 'backbeat/testing';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backbeat } from '../../dist/vite.js';
import { openPage, type PageLog, type PageServer, saveScreenshot, servePages } from './harness.js';
import { type LifecycleChromium, launchLifecycleChromium } from './lifecycleBrowser.js';

// What the page exposes (test/browser/pages/lifecycle/main.js).
interface Call {
  call: 'suspend' | 'resume' | 'terminate';
  visibility: DocumentVisibilityState;
}
interface Outcome {
  ok: boolean;
  name?: string;
  message?: string;
}
interface Lifecycle {
  app: { state: string };
  calls: Call[];
  events: string[];
  start(): void;
  stop(): void;
  /** What the page before this one in the same tab recorded. */
  before: { calls: Call[]; events: string[] };
  badInputs(): Record<'noApp' | 'noTerminate' | 'badTarget', Outcome>;
}
declare const window: { lifecycle: Lifecycle };
declare const document: { visibilityState: DocumentVisibilityState };

let chromium: LifecycleChromium;
let server: PageServer;
const opened: Page[] = [];
const beacons = new Map<string, unknown>();
const logs: PageLog[] = [];

beforeAll(async () => {
  [chromium, server] = await Promise.all([
    launchLifecycleChromium(),
    servePages(new URL('./pages/lifecycle/', import.meta.url), {
      // No WebSocket: a frozen or cached page loses it, and Vite's client then reloads the page.
      server: { ws: false },
      plugins: [
        backbeat(),
        {
          // What pages send with navigator.sendBeacon to /beacon/<id>, by id.
          name: 'beacons',
          configureServer(vite) {
            vite.middlewares.use('/beacon/', (request, response) => {
              let body = '';
              request.setEncoding('utf8');
              request.on('data', (chunk: string) => {
                body += chunk;
              });
              request.on('end', () => {
                beacons.set(request.url?.slice(1) ?? '', JSON.parse(body));
                response.statusCode = 204;
                response.end();
              });
            });
          },
        },
      ],
    }),
  ]);
});
afterAll(async () => {
  await chromium?.close();
  await server?.close();
});
afterEach(async () => {
  for (const log of logs.splice(0)) expect(log.errors).toEqual([]);
  for (const page of opened.splice(0)) await page.close();
});

/** Opens a page of the lifecycle folder as a new tab (the front one). */
async function tab(path = ''): Promise<Page> {
  const { page, log } = await openPage(chromium.context, `${server.url}${path}`);
  opened.push(page);
  logs.push(log);
  return page;
}

const ready = (page: Page) =>
  page.waitForFunction(() => 'lifecycle' in window, null, { timeout: 10_000 });
const visibility = (page: Page) => page.evaluate(() => document.visibilityState);
const calls = (page: Page) => page.evaluate(() => window.lifecycle.calls);
/** Waits until the page has recorded `count` calls; returns them. */
async function callsOnceThere(page: Page, count: number): Promise<Call[]> {
  await page.waitForFunction((n) => window.lifecycle.calls.length >= n, count, { timeout: 10_000 });
  return calls(page);
}

describe('following the page lifecycle', () => {
  it('a tab hidden behind another suspends the app, and resumes it when it is brought back', async () => {
    const page = await tab();
    await ready(page);
    expect(await visibility(page)).toBe('visible');
    expect(await calls(page)).toEqual([]);

    const other = await tab('other.html');
    expect(await callsOnceThere(page, 1)).toEqual([{ call: 'suspend', visibility: 'hidden' }]);
    expect(await page.evaluate(() => window.lifecycle.app.state)).toBe('suspended');

    await page.bringToFront();
    expect(await callsOnceThere(page, 2)).toEqual([
      { call: 'suspend', visibility: 'hidden' },
      { call: 'resume', visibility: 'visible' },
    ]);
    expect(await visibility(other)).toBe('hidden');
    await saveScreenshot(page, 'page-lifecycle-resumed');
  });

  it('a frozen page suspends the app; resumed while hidden it stays suspended until it is shown', async () => {
    const page = await tab();
    await ready(page);
    const cdp: CDPSession = await chromium.context.newCDPSession(page);
    // `frozen` hides the page first, then freezes it; nothing of the page runs while frozen.
    await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
    await cdp.send('Page.setWebLifecycleState', { state: 'active' });
    await page.waitForFunction(() => window.lifecycle.events.includes('resume:hidden'), null, {
      timeout: 10_000,
    });
    expect(await page.evaluate(() => window.lifecycle.events)).toEqual([
      'pageshow:not persisted',
      'visibilitychange:hidden',
      'freeze:hidden',
      'resume:hidden',
    ]);
    // visibilitychange and freeze each asked for suspend; the page is hidden still, so the
    // `resume` event did not resume the app.
    expect(await calls(page)).toEqual([
      { call: 'suspend', visibility: 'hidden' },
      { call: 'suspend', visibility: 'hidden' },
    ]);
    expect(await page.evaluate(() => window.lifecycle.app.state)).toBe('suspended');

    // The tab is still the front one, only marked hidden: another tab goes to the front, then
    // this one comes back, and is shown.
    await tab('other.html');
    await page.bringToFront();
    expect((await callsOnceThere(page, 3)).at(-1)).toEqual({
      call: 'resume',
      visibility: 'visible',
    });
    await cdp.detach();
  });

  it('reloading the page terminates the app: the old page is gone for good', async () => {
    const page = await tab();
    await ready(page);
    await page.reload({ waitUntil: 'load' });
    await ready(page);
    const before = await page.evaluate(() => window.lifecycle.before);
    // What the page before the reload recorded (the new one records nothing while visible).
    expect(before.calls).toEqual([{ call: 'terminate', visibility: 'visible' }]);
    expect(before.events).toEqual(['pageshow:not persisted', 'pagehide:not persisted']);
  });

  it('closing the tab terminates the app', async () => {
    const page = await tab('?id=closed');
    await ready(page);
    await page.close({ runBeforeUnload: true });
    const left = (await waitFor(() => beacons.get('closed'), {
      what: 'the closed page to send its beacon',
    })) as { events: string[]; calls: Call[] };
    expect(left.events).toEqual(['pageshow:not persisted', 'pagehide:not persisted']);
    expect(left.calls).toEqual([{ call: 'terminate', visibility: 'visible' }]);
  });

  it('leaving a page for the back/forward cache suspends the app, and coming back resumes it', async () => {
    const page = await tab();
    await ready(page);
    await page.goto(`${server.url}other.html`, { waitUntil: 'load' });
    await saveScreenshot(page, 'page-lifecycle-left');
    const left = await page.evaluate(() => JSON.parse(sessionStorage.getItem('calls') ?? '[]'));
    expect(left.map((c: Call) => c.call)).not.toContain('terminate');
    expect(left[0]).toEqual({ call: 'suspend', visibility: 'visible' });
    // A page restored from the cache fires no load event: wait for its pageshow.
    await page.goBack({ waitUntil: 'commit' });
    await page.waitForFunction(() => window.lifecycle.events.includes('pageshow:persisted'), null, {
      timeout: 10_000,
    });
    // The same document: cached (pagehide), hidden and frozen, then resumed, shown and restored.
    expect(await page.evaluate(() => window.lifecycle.events)).toEqual([
      'pageshow:not persisted',
      'pagehide:persisted',
      'visibilitychange:hidden',
      'freeze:hidden',
      'resume:hidden',
      'visibilitychange:visible',
      'pageshow:persisted',
    ]);
    // Each of the first three asked for suspend (the app does it once); the `resume` event came
    // while hidden and did nothing; the page shown and restored each asked for resume.
    expect(await calls(page)).toEqual([
      { call: 'suspend', visibility: 'visible' },
      { call: 'suspend', visibility: 'hidden' },
      { call: 'suspend', visibility: 'hidden' },
      { call: 'resume', visibility: 'visible' },
      { call: 'resume', visibility: 'visible' },
    ]);
    expect(await page.evaluate(() => window.lifecycle.app.state)).toBe('visible');
    await saveScreenshot(page, 'page-lifecycle-restored');
  });

  it('a page hidden already when following starts suspends the app at once', async () => {
    const page = await tab('?manual');
    await ready(page);
    await tab('other.html');
    await page.waitForFunction(() => window.lifecycle.events.includes('visibilitychange:hidden'));
    expect(await calls(page)).toEqual([]);
    await page.evaluate(() => window.lifecycle.start());
    expect(await calls(page)).toEqual([{ call: 'suspend', visibility: 'hidden' }]);
  });

  it('stops following when told to, and once the app has terminated', async () => {
    const page = await tab();
    await ready(page);
    await page.evaluate(() => window.lifecycle.stop());
    const other = await tab('other.html');
    await page.waitForFunction(() => window.lifecycle.events.includes('visibilitychange:hidden'));
    await page.bringToFront();
    await page.waitForFunction(() => window.lifecycle.events.includes('visibilitychange:visible'));
    expect(await calls(page)).toEqual([]);

    // Following again, on an app that terminated by other means: the next change stops it.
    await page.evaluate(() => {
      window.lifecycle.start();
      window.lifecycle.app.state = 'terminated';
    });
    await other.bringToFront();
    await page.waitForFunction(
      () => window.lifecycle.events.filter((e) => e === 'visibilitychange:hidden').length === 2,
    );
    await page.bringToFront();
    await page.waitForFunction(
      () => window.lifecycle.events.filter((e) => e === 'visibilitychange:visible').length === 2,
    );
    expect(await calls(page)).toEqual([]);
  });

  it('refuses an app without the lifecycle calls and a target that is not a window, quoting them', async () => {
    const page = await tab('?manual');
    await ready(page);
    const outcomes = await page.evaluate(() => window.lifecycle.badInputs());
    expect(outcomes.noApp).toMatchObject({ ok: false, name: 'TypeError' });
    expect(outcomes.noApp.message).toMatch(
      /suspend, resume and terminate, got `null` \(no suspend\)/,
    );
    expect(outcomes.noTerminate.message).toMatch(/got `\[object Object\]` \(no terminate\)/);
    expect(outcomes.badTarget.message).toMatch(
      /\{ target \} as a window with a document, got `42`/,
    );
  });
});

// app.html: a real app of the built package (test/browser/pages/lifecycle/app.js).
interface LifecycleApp {
  states: string[];
  messages: Array<{ type: string; reason?: string }>;
  foreground(): string;
  start(): void;
  play(): Promise<void>;
  playing(): string;
}
const appOf = (page: Page) =>
  page.waitForFunction(() => 'lifecycleApp' in window, null, { timeout: 10_000 });
const states = (page: Page) =>
  page.evaluate(() => (window as unknown as { lifecycleApp: LifecycleApp }).lifecycleApp.states);
async function untilState(page: Page, state: string): Promise<string[]> {
  await page
    .waitForFunction(
      (s) => (window as unknown as { lifecycleApp: LifecycleApp }).lifecycleApp.states.includes(s),
      state,
      { timeout: 10_000 },
    )
    .catch(async () => {
      throw new Error(`the task never reached ${state}; its states: ${await states(page)}`);
    });
  return states(page);
}

describe.each(['inline', 'worker'])('a real app on the %s host, on mobile', (host) => {
  it('a task that never played is cancelled with conditionLoss when its tab is hidden', async () => {
    const page = await tab(`app.html?host=${host}`);
    await appOf(page);
    await page.evaluate(() =>
      (window as unknown as { lifecycleApp: LifecycleApp }).lifecycleApp.start(),
    );
    await untilState(page, 'alive');
    await tab('other.html');
    expect(await untilState(page, 'completed')).toEqual([
      'starting',
      'running',
      'alive',
      'canceling:conditionLoss',
      'completed',
    ]);
    const app = await page.evaluate(() => {
      const { lifecycleApp } = window as unknown as { lifecycleApp: LifecycleApp };
      return { foreground: lifecycleApp.foreground(), messages: lifecycleApp.messages };
    });
    // The task's last message waits for the foreground: it is held while the page is hidden.
    expect(app).toEqual({ foreground: 'suspended', messages: [] });
    await page.bringToFront();
    await page.waitForFunction(
      () => (window as unknown as { lifecycleApp: LifecycleApp }).lifecycleApp.messages.length > 0,
    );
    expect(
      await page.evaluate(() => {
        const { lifecycleApp } = window as unknown as { lifecycleApp: LifecycleApp };
        return { foreground: lifecycleApp.foreground(), messages: lifecycleApp.messages };
      }),
    ).toEqual({ foreground: 'visible', messages: [{ type: 'canceled', reason: 'conditionLoss' }] });
    await saveScreenshot(page, `page-lifecycle-app-${host}`);
  });

  it('with pageLifecycle: false the app stays visible when its tab is hidden', async () => {
    const page = await tab(`app.html?host=${host}&follow=off`);
    await appOf(page);
    await page.evaluate(() =>
      (window as unknown as { lifecycleApp: LifecycleApp }).lifecycleApp.start(),
    );
    await untilState(page, 'alive');
    await tab('other.html');
    await page.waitForFunction(() => document.visibilityState === 'hidden');
    // One round trip to the task after the page was hidden: nothing was suspended or canceled.
    await page.evaluate(() =>
      (window as unknown as { lifecycleApp: LifecycleApp }).lifecycleApp.play(),
    );
    expect(await states(page)).toEqual(['starting', 'running', 'alive']);
    expect(
      await page.evaluate(() =>
        (window as unknown as { lifecycleApp: LifecycleApp }).lifecycleApp.foreground(),
      ),
    ).toBe('visible');
  });

  it('a task that plays keeps playing when its tab is hidden', async () => {
    const page = await tab(`app.html?host=${host}`);
    await appOf(page);
    await page.evaluate(() =>
      (window as unknown as { lifecycleApp: LifecycleApp }).lifecycleApp.play(),
    );
    await page.waitForFunction(
      () =>
        (window as unknown as { lifecycleApp: LifecycleApp }).lifecycleApp.playing() === 'playing',
    );
    await tab('other.html');
    await page.waitForFunction(
      () =>
        (window as unknown as { lifecycleApp: LifecycleApp }).lifecycleApp.foreground() ===
        'suspended',
    );
    // One call's round trip to the task after the foreground was suspended: still playing.
    await page.evaluate(() =>
      (window as unknown as { lifecycleApp: LifecycleApp }).lifecycleApp.play(),
    );
    expect(await states(page)).toEqual(['starting', 'running', 'alive']);
    expect(
      await page.evaluate(() =>
        (window as unknown as { lifecycleApp: LifecycleApp }).lifecycleApp.playing(),
      ),
    ).toBe('playing');
  });
});
