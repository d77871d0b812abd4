import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

// What the page exposes (test/browser/pages/stores/main.js).
type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; name: string; code: string; message: string };
interface Stores {
  createIndexedDbStateStore: typeof import('../../src/adapters/store/indexedDb.ts').createIndexedDbStateStore;
  checkpoint(over?: Record<string, unknown>): import('../../src/protocol.ts').PlaybackCheckpoint;
  outcome(work: () => unknown): Promise<Outcome>;
  writeRaw(name: string, key: string, value: unknown): Promise<void>;
  makeForeignDatabase(name: string, version: number): Promise<void>;
}
interface StoreApp {
  messages: Array<Record<string, unknown> & { type: string }>;
  start(): void;
  tell(data: Record<string, unknown>): void;
  saved(): Promise<{ position: number; currentItemIndex: number; reason: string } | null>;
}
declare const window: { stores: Stores; storeApp: StoreApp };

let browser: Browser;
let server: PageServer;
let context: BrowserContext;
let page: Page;
let log: PageLog;

const ready = () => page.waitForFunction(() => 'stores' in window, null, { timeout: 10_000 });

beforeAll(async () => {
  [browser, server] = await Promise.all([
    launchChromium(),
    servePages(new URL('./pages/stores/', import.meta.url), { plugins: [backbeat()] }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
// A fresh context per test: its own, empty IndexedDB.
beforeEach(async () => {
  context = await browser.newContext();
  ({ page, log } = await openPage(context, server.url));
  await ready();
});
afterEach(async () => {
  expect(log.errors).toEqual([]);
  await context.close();
});

describe('the IndexedDB store', () => {
  it('keeps a checkpoint across a page reload, Dates as Dates, and forgets it on clear', async () => {
    await page.evaluate(async () => {
      const store = window.stores.createIndexedDbStateStore();
      await store.save('music', window.stores.checkpoint());
    });
    await page.reload({ waitUntil: 'load' });
    await ready();
    const after = await page.evaluate(async () => {
      const store = window.stores.createIndexedDbStateStore({ name: 'backbeat' });
      const loaded = await store.load('music');
      const other = await store.load('podcasts');
      const at = (loaded?.appState as { at?: unknown } | undefined)?.at;
      document.getElementById('out')!.textContent = JSON.stringify(loaded, null, 2);
      return { loaded, other, atIsDate: at instanceof Date };
    });
    await saveScreenshot(page, 'indexeddb-store-after-reload');
    expect(after.other).toBeNull();
    expect(after.atIsDate).toBe(true);
    expect(after.loaded).toEqual(await page.evaluate(() => window.stores.checkpoint()));
    const cleared = await page.evaluate(async () => {
      const store = window.stores.createIndexedDbStateStore();
      await store.clear('music');
      await store.clear('never-saved');
      return store.load('music');
    });
    expect(cleared).toBeNull();
  });

  it('keeps one checkpoint per app, and calls take effect in the order they were made', async () => {
    const result = await page.evaluate(async () => {
      const { createIndexedDbStateStore, checkpoint } = window.stores;
      const store = createIndexedDbStateStore();
      // Not awaited one by one: twenty saves over three apps, a clear and loads in between.
      const calls: Promise<unknown>[] = [];
      for (let i = 0; i < 20; i++)
        calls.push(store.save(`app${i % 3}`, checkpoint({ position: i })));
      const middle = store.load('app0');
      calls.push(store.clear('app1'));
      const last = store.load('app1');
      await Promise.all(calls);
      const again = createIndexedDbStateStore();
      return {
        middle: (await middle)?.position,
        last: await last,
        app0: (await again.load('app0'))?.position,
        app2: (await again.load('app2'))?.position,
      };
    });
    expect(result).toEqual({ middle: 18, last: null, app0: 18, app2: 17 });
  });

  it('stores of two database names are apart, and two tabs of the origin share one', async () => {
    const { page: second, log: secondLog } = await openPage(context, server.url);
    await second.waitForFunction(() => 'stores' in window, null, { timeout: 10_000 });
    await page.evaluate(async () => {
      const { createIndexedDbStateStore, checkpoint } = window.stores;
      await createIndexedDbStateStore({ name: 'first' }).save('music', checkpoint({ position: 1 }));
      await createIndexedDbStateStore({ name: 'second' }).save(
        'music',
        checkpoint({ position: 2 }),
      );
    });
    const seen = await second.evaluate(async () => {
      const { createIndexedDbStateStore } = window.stores;
      return [
        (await createIndexedDbStateStore({ name: 'first' }).load('music'))?.position,
        (await createIndexedDbStateStore({ name: 'second' }).load('music'))?.position,
        await createIndexedDbStateStore().load('music'),
      ];
    });
    expect(seen).toEqual([1, 2, null]);
    expect(secondLog.errors).toEqual([]);
  });

  it('a record that is not a checkpoint is refused on load, naming the database and the key; a save replaces it', async () => {
    const result = await page.evaluate(async () => {
      const { createIndexedDbStateStore, checkpoint, outcome, writeRaw } = window.stores;
      const store = createIndexedDbStateStore({ name: 'corrupt' });
      await store.save('music', checkpoint());
      await store.save('podcasts', checkpoint({ position: 5 }));
      await writeRaw('corrupt', 'music', { ...checkpoint(), currentItemIndex: 7 });
      const bad = await outcome(() => store.load('music'));
      await writeRaw('corrupt', 'music', 'just a string');
      const worse = await outcome(() => store.load('music'));
      const other = (await store.load('podcasts'))?.position;
      await store.save('music', checkpoint({ position: 9 }));
      return { bad, worse, other, replaced: (await store.load('music'))?.position };
    });
    expect(result.bad).toMatchObject({ ok: false, name: 'ProtocolError', code: 'PROTOCOL' });
    expect(result.bad.ok === false && result.bad.message).toMatch(
      /IndexedDB database `corrupt` holds an invalid checkpoint for `music`:.*`7`/s,
    );
    expect(result.worse.ok === false && result.worse.message).toMatch(
      /invalid checkpoint for `music`/,
    );
    expect(result.other).toBe(5);
    expect(result.replaced).toBe(9);
  });

  it('refuses a bad key, a bad checkpoint and bad options, quoting them, and keeps what it had', async () => {
    const result = await page.evaluate(async () => {
      const { createIndexedDbStateStore, checkpoint, outcome } = window.stores;
      const store = createIndexedDbStateStore();
      await store.save('music', checkpoint());
      return {
        key: await outcome(() => store.save('', checkpoint())),
        loadKey: await outcome(() => store.load(42 as never)),
        value: await outcome(() => store.save('music', checkpoint({ position: -1 }))),
        kept: (await store.load('music'))?.position,
        name: await outcome(() => createIndexedDbStateStore({ name: 42 as never })),
        factory: await outcome(() => createIndexedDbStateStore({ indexedDB: {} as never })),
      };
    });
    expect(result.key).toMatchObject({ ok: false, name: 'TypeError' });
    expect(result.key.ok === false && result.key.message).toMatch(/non-empty string, got ``/);
    expect(result.loadKey.ok === false && result.loadKey.message).toMatch(/got `42`/);
    expect(result.value).toMatchObject({ ok: false, name: 'ProtocolError' });
    expect(result.value.ok === false && result.value.message).toMatch(/position/);
    expect(result.kept).toBe(250);
    expect(result.name.ok === false && result.name.message).toMatch(
      /\{ name \} as a non-empty string, got `42`/,
    );
    expect(result.factory.ok === false && result.factory.message).toMatch(
      /needs IndexedDB.*got `\{\}`/,
    );
  });

  it('lets another tab delete the database (its connection gives way), then creates it anew', async () => {
    const result = await page.evaluate(async () => {
      const { createIndexedDbStateStore, checkpoint } = window.stores;
      const store = createIndexedDbStateStore({ name: 'deleted' });
      await store.save('music', checkpoint({ position: 1 }));
      // Blocked for as long as a connection stays open: this resolves only if the store's
      // connection closed when asked to.
      const deleted = await new Promise<string>((resolve) => {
        const request = indexedDB.deleteDatabase('deleted');
        request.onsuccess = () => resolve('deleted');
        request.onerror = () => resolve(`failed: ${request.error}`);
        request.onblocked = () => resolve('blocked');
      });
      const gone = await store.load('music');
      await store.save('music', checkpoint({ position: 2 }));
      return { deleted, gone, again: (await store.load('music'))?.position };
    });
    expect(result).toEqual({ deleted: 'deleted', gone: null, again: 2 });
  });

  it('a database of that name that is not a store is refused, quoting the name, and left as it was', async () => {
    const result = await page.evaluate(async () => {
      const { createIndexedDbStateStore, checkpoint, outcome, makeForeignDatabase } = window.stores;
      await makeForeignDatabase('foreign-v1', 1);
      await makeForeignDatabase('foreign-v3', 3);
      const v1 = createIndexedDbStateStore({ name: 'foreign-v1' });
      const v3 = createIndexedDbStateStore({ name: 'foreign-v3' });
      const databases = await indexedDB.databases();
      return {
        v1load: await outcome(() => v1.load('music')),
        v1save: await outcome(() => v1.save('music', checkpoint())),
        v3load: await outcome(() => v3.load('music')),
        versions: Object.fromEntries(databases.map((d) => [d.name, d.version])),
      };
    });
    expect(result.v1load).toMatchObject({ ok: false, name: 'ProtocolError' });
    expect(result.v1load.ok === false && result.v1load.message).toMatch(
      /IndexedDB database `foreign-v1` is not a playback state store: it has no `playbackState`/,
    );
    expect(result.v1save).toMatchObject({ ok: false, name: 'ProtocolError' });
    expect(result.v3load.ok === false && result.v3load.message).toMatch(
      /IndexedDB database `foreign-v3` could not be opened as a playback state store \(VersionError/,
    );
    expect(result.versions).toEqual({ 'foreign-v1': 1, 'foreign-v3': 3 });
  });
});

describe('the entry in a production build', () => {
  it('reaches nothing Node-only: Vite warns about nothing', async () => {
    const built = await buildPages(new URL('./pages/stores/', import.meta.url));
    expect(built.warnings).toEqual([]);
  });
});

describe.each(['worker', 'inline'])('a real app on the %s host', (host) => {
  /** Waits for the app's first message of `type` (and `where`, if given); returns it. */
  const message = async (p: Page, type: string, where: Record<string, unknown> = {}) => {
    const found = await p.waitForFunction(
      ([t, w]) =>
        window.storeApp.messages.find(
          (m) => m.type === t && Object.entries(w).every(([k, v]) => m[k] === v),
        ),
      [type, where] as const,
      { timeout: 10_000 },
    );
    return found.jsonValue();
  };

  it('carries playback across a page reload: the checkpoint in IndexedDB restores the next instance', async () => {
    await page.goto(`${server.url}app.html?host=${host}`, { waitUntil: 'load' });
    await page.waitForFunction(() => 'storeApp' in window, null, { timeout: 10_000 });
    await page.evaluate(() => window.storeApp.start());
    expect(await message(page, 'ready')).toEqual({ type: 'ready', restored: false });
    await page.evaluate(() => window.storeApp.tell({ type: 'next' }));
    await message(page, 'opened', { index: 1 });
    await page.evaluate(() => {
      window.storeApp.tell({ type: 'seek', ms: 12_345 });
      window.storeApp.tell({ type: 'checkpoint' });
    });
    // The checkpoint asked for, once the store holds it (another one, `paused`, may show the
    // position first). The store answers asynchronously, so it is read from here, in a bounded
    // poll: a predicate that returns a promise would end a waitForFunction at once.
    type Saved = { position: number; reason: string; currentItemIndex: number } | null;
    const read = () => page.evaluate(() => window.storeApp.saved() as Promise<Saved>);
    let saved = await read();
    for (let i = 0; i < 200 && !(saved?.position === 12_345 && saved.reason === 'requested'); i++) {
      await page.waitForTimeout(25);
      saved = await read();
    }
    expect(saved).toMatchObject({ position: 12_345, currentItemIndex: 1, reason: 'requested' });

    await page.reload({ waitUntil: 'load' });
    await page.waitForFunction(() => 'storeApp' in window, null, { timeout: 10_000 });
    await page.evaluate(() => window.storeApp.start());
    expect(await message(page, 'ready')).toEqual({ type: 'ready', restored: true });
    expect(await message(page, 'opened')).toMatchObject({ index: 1, title: 'two' });
    await page.evaluate(() => window.storeApp.tell({ type: 'state' }));
    expect(await message(page, 'state')).toEqual({
      type: 'state',
      index: 1,
      position: 12_345,
      title: 'two',
    });
    await saveScreenshot(page, `indexeddb-store-resumed-${host}`);
  });
});
