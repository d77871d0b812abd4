import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  buildPages,
  launchChromium,
  openPage,
  type PageServer,
  saveScreenshot,
  servePages,
} from './harness.js';

/*
 * openInspector in a real browser: an app page records a small xstate actor and feeds the
 * inspector page over a BroadcastChannel; a stand-in viewer page (as the real page talks on the
 * channel) says hello and receives the recording, then every delta. The viewer is opened by
 * the test (`target: null`), in a panel of the app (`<iframe>`), or in a window of its own.
 */

let browser: Browser;
let server: PageServer;
let context: BrowserContext | undefined;

beforeAll(async () => {
  [browser, server] = await Promise.all([
    launchChromium(),
    servePages(new URL('./pages/inspectorChannel/', import.meta.url)),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
afterEach(async () => {
  await context?.close();
  context = undefined;
});

interface Feed {
  messages: { kind: string; entries?: { seq: number }[] }[];
  recording: {
    actors: Record<string, { name: string; side: string; definition?: string }>;
    definitions: Record<string, { id: string; root: { states: Record<string, unknown> } }>;
    entries: { seq: number; record: { type: string; snapshot?: { value?: unknown } } }[];
  } | null;
  errors: string[];
}

declare global {
  interface Window {
    inspectedApp: {
      url: string;
      exports: string[];
      flip(): void;
      entries(): number;
      close(): void;
    };
    feed: Feed;
  }
}

async function openApp(query: string): Promise<{ page: Page; errors: string[] }> {
  context = await browser.newContext();
  const { page, log } = await openPage(context, `${server.url}?${query}`);
  await page.waitForFunction(() => 'inspectedApp' in window, null, { timeout: 10_000 });
  return { page, errors: log.errors };
}

/** Waits until the viewer's active state (its latest snapshot value) is `value`. */
const activeState = (target: Page | Frame, value: string) =>
  target.waitForFunction(
    (want) => {
      const entries = window.feed?.recording?.entries ?? [];
      for (let i = entries.length - 1; i >= 0; i--) {
        const v = entries[i]?.record.snapshot?.value;
        if (v !== undefined) return v === want;
      }
      return false;
    },
    value,
    { timeout: 10_000 },
  );

/** Checks a viewer's feed: a valid recording of the toggle, then deltas that continue it. */
async function expectFeed(target: Page | Frame, app: Page) {
  await target.waitForFunction(() => window.feed?.recording !== null, null, { timeout: 10_000 });
  const first = await target.evaluate(() => window.feed);
  expect(first.errors).toEqual([]);
  expect(first.messages[0]?.kind).toBe('recording');
  const recording = first.recording as NonNullable<Feed['recording']>;
  expect(Object.values(recording.actors).map((a) => [a.name, a.side, a.definition])).toEqual([
    ['toggle', 'foreground', 'toggle'],
  ]);
  expect(Object.keys(recording.definitions.toggle?.root.states ?? {})).toEqual(['off', 'on']);
  await activeState(target, 'off');
  const before = recording.entries.length;

  await app.evaluate(() => window.inspectedApp.flip());
  await activeState(target, 'on');
  await app.evaluate(() => window.inspectedApp.flip());
  await activeState(target, 'off');
  const after = await target.evaluate(() => window.feed);
  expect(after.errors).toEqual([]);
  const kinds = after.messages.map((m) => m.kind);
  expect(kinds[0]).toBe('recording');
  expect(kinds.slice(1).every((k) => k === 'delta')).toBe(true);
  const seqs = (after.recording?.entries ?? []).map((e) => e.seq);
  expect(seqs).toEqual(seqs.map((_, i) => i));
  expect(seqs.length).toBeGreaterThan(before);
  expect(seqs.length).toBe(await app.evaluate(() => window.inspectedApp.entries()));
}

describe('openInspector over a BroadcastChannel', () => {
  it("resolves backbeat/inspector to its browser build, which a browser bundle takes without Node's modules", async () => {
    const { page, errors } = await openApp('target=null');
    const exports = await page.evaluate(() => window.inspectedApp.exports);
    expect(exports).toEqual(
      expect.arrayContaining([
        'openInspector',
        'createRecorder',
        'loadRecording',
        'serializeMachine',
      ]),
    );
    expect(exports).not.toContain('startInspector');
    expect(errors).toEqual([]);
    const pages = new URL('./pages/inspectorChannel/', import.meta.url);
    const built = await buildPages(pages, {
      build: {
        rollupOptions: {
          input: ['index.html', 'viewer.html'].map((f) => fileURLToPath(new URL(f, pages))),
        },
      },
    });
    try {
      expect(built.warnings.filter((w) => /node:|externalized/i.test(w))).toEqual([]);
    } finally {
      await rm(built.outDir, { recursive: true, force: true });
    }
  });

  it('feeds a page the app links to (target: null): the recording, then every delta', async () => {
    const plain = await openApp('target=null');
    expect(await plain.page.evaluate(() => window.inspectedApp.url)).toBe(
      `${server.url}__backbeat/inspector/?channel=backbeat-inspector`,
    );
    await context?.close();

    const { page, errors } = await openApp('target=null&url=/viewer.html&channel=linked');
    const url = await page.evaluate(() => window.inspectedApp.url);
    expect(url).toBe(`${server.url}viewer.html?channel=linked`);
    // no page was opened for it
    expect(context?.pages()).toHaveLength(1);
    const { page: viewer, log } = await openPage(context as BrowserContext, url);
    await expectFeed(viewer, page);
    await saveScreenshot(viewer, 'inspector-channel-viewer');
    expect(errors).toEqual([]);
    expect(log.errors).toEqual([]);

    // a second page says hello: it gets the whole recording too
    const { page: second } = await openPage(context as BrowserContext, url);
    await second.waitForFunction(() => window.feed?.recording !== null, null, { timeout: 10_000 });
    const counts = await Promise.all(
      [viewer, second].map((p) => p.evaluate(() => window.feed.recording?.entries.length)),
    );
    expect(counts[1]).toBe(counts[0]);

    // closed, the app records and feeds nothing more
    await page.evaluate(() => window.inspectedApp.close());
    const recorded = await page.evaluate(() => window.inspectedApp.entries());
    await page.evaluate(() => window.inspectedApp.flip());
    expect(await page.evaluate(() => window.inspectedApp.entries())).toBe(recorded);
  });

  it('opens the page in a panel of the app and removes it on close', async () => {
    const { page, errors } = await openApp('target=panel&url=/viewer.html&channel=panel');
    const frameElement = await page.waitForSelector('#panel iframe', { timeout: 10_000 });
    expect(await frameElement.getAttribute('title')).toBe('Backbeat inspector');
    const frame = await frameElement.contentFrame();
    if (!frame) throw new Error('the panel has no frame');
    await frame.waitForLoadState('load');
    expect(frame.url()).toBe(`${server.url}viewer.html?channel=panel`);
    await expectFeed(frame, page);
    await saveScreenshot(page, 'inspector-channel-panel');
    expect(errors).toEqual([]);
    await page.evaluate(() => window.inspectedApp.close());
    expect(await page.$('#panel iframe')).toBeNull();
  });

  it('opens the page in a window of its own and closes it on close', async () => {
    context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const popup = page.waitForEvent('popup', { timeout: 10_000 });
    await page.goto(`${server.url}?target=window&url=/viewer.html&channel=window`);
    await page.waitForFunction(() => 'inspectedApp' in window, null, { timeout: 10_000 });
    const viewer = await popup;
    await viewer.waitForLoadState('load');
    expect(viewer.url()).toBe(`${server.url}viewer.html?channel=window`);
    await expectFeed(viewer, page);
    expect(errors).toEqual([]);
    const closed = viewer.waitForEvent('close', { timeout: 10_000 });
    await page.evaluate(() => window.inspectedApp.close());
    await closed;
    expect(viewer.isClosed()).toBe(true);
  });
});
