/**
 * The inspector page (dist/inspector/page/, built by `npm run build`) in headless Chromium,
 * served as files by a small HTTP server, fed a recording of real Backbeat machines
 * (test/inspector/fixtures/recording.ts) from a file, a BroadcastChannel, or Server-Sent Events.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { FeedMessage, Recording } from '../../src/protocol/recording.js';
import { buildLongRecording, buildRecording } from '../inspector/fixtures/recording.js';
import { launchChromium, openPage, type PageLog, saveScreenshot } from './harness.js';

const pageDir = fileURLToPath(new URL('../../dist/inspector/page/', import.meta.url));
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json',
};

const { recording, moments } = buildRecording();
const long = buildLongRecording(3000);
/** Server-Sent Events streams open now, to push deltas to. */
const streams = new Set<ServerResponse>();
let liveFeed = false;

let browser: Browser;
let server: Server;
let base: string;
const pages: Page[] = [];
const logs: PageLog[] = [];

function json(response: ServerResponse, value: unknown): void {
  response.writeHead(200, { 'content-type': TYPES.json as string });
  response.end(JSON.stringify(value));
}

beforeAll(async () => {
  server = createServer((request, response) => {
    void (async () => {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (path === '/recording.json' || path === '/fixture.json') return json(response, recording);
      if (path === '/long.json') return json(response, long);
      if (path === '/feeder.html') {
        response.writeHead(200, { 'content-type': TYPES.html as string });
        return response.end('<!doctype html><title>feeder</title>');
      }
      if (path === '/events') {
        if (!liveFeed) {
          response.writeHead(404);
          return response.end();
        }
        response.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
        });
        const first: FeedMessage = {
          kind: 'recording',
          recording: head(moments.playing as number),
        };
        response.write(`data: ${JSON.stringify(first)}\n\n`);
        streams.add(response);
        request.on('close', () => streams.delete(response));
        return;
      }
      const file = path === '/' ? 'index.html' : path.slice(1);
      if (file.includes('..')) {
        response.writeHead(400);
        return response.end();
      }
      try {
        const body = await readFile(`${pageDir}${file}`);
        response.writeHead(200, {
          'content-type': TYPES[file.split('.').pop() ?? ''] ?? 'application/octet-stream',
        });
        response.end(body);
      } catch {
        response.writeHead(404);
        response.end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await launchChromium();
});

afterAll(async () => {
  for (const stream of streams) stream.end();
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

afterEach(async () => {
  for (const log of logs.splice(0)) expect(log.errors).toEqual([]);
  for (const page of pages.splice(0)) await page.context().close();
});

/** The recording up to and including entry `seq` (what a feed has sent by then). */
function head(seq: number): Recording {
  return { ...recording, entries: recording.entries.filter((e) => e.seq <= seq) };
}

/** The entries after `seq` as a delta. */
function tail(seq: number): FeedMessage {
  return {
    kind: 'delta',
    definitions: {},
    actors: {},
    entries: recording.entries.filter((e) => e.seq > seq),
  };
}

async function open(query = '', options: { acceptDownloads?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 },
    acceptDownloads: options.acceptDownloads ?? false,
  });
  const { page, log } = await openPage(context, `${base}${query}`);
  pages.push(page);
  logs.push(log);
  return page;
}

/** The names of the diagram's active states. */
function active(page: Page): Promise<string[]> {
  return page
    .locator('#chart [role="group"][aria-current="true"]')
    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('aria-label') ?? ''));
}

/** Waits until the diagram marks `name` active. */
async function waitActive(page: Page, name: string): Promise<void> {
  await page
    .locator(`#chart [role="group"][aria-label="${name}"][aria-current="true"]`)
    .waitFor({ state: 'attached', timeout: 10_000 });
}

async function selectActor(page: Page, name: string): Promise<void> {
  await page.getByRole('treeitem', { name, exact: true }).locator('.row').first().click();
  await page
    .locator(`[role="treeitem"][aria-label="${name}"][aria-selected="true"]`)
    .waitFor({ timeout: 10_000 });
}

/** Moves the timeline to the entry with this seq, as dragging it does. */
async function scrubTo(page: Page, seq: number): Promise<void> {
  await page.getByRole('slider', { name: 'Timeline' }).evaluate((input, value) => {
    const range = input as HTMLInputElement;
    range.value = String(value);
    range.dispatchEvent(new Event('input', { bubbles: true }));
  }, seq);
}

const timelineValue = (page: Page) =>
  page
    .getByRole('slider', { name: 'Timeline' })
    .evaluate((i) => Number((i as HTMLInputElement).value));

describe('the inspector page, offline', () => {
  test('shows the actor tree, the selected statechart with its active states and the snapshot', async () => {
    const page = await open();
    // no live stream on this server: the page reads recording.json once
    await page.getByRole('treeitem', { name: 'music#1.1/mediaPlayer', exact: true }).waitFor();
    expect(await page.locator('#status').textContent()).toContain('recording.json');
    for (const name of [
      'mediaSystem',
      'app:music',
      'task:music',
      'sharedLifetime:music',
      'relay:music',
      'app:podcast',
    ]) {
      expect(await page.getByRole('treeitem', { name, exact: true }).count()).toBe(1);
    }
    // nested by parent: the task's lifecycle sits under its app
    const taskParent = await page
      .getByRole('treeitem', { name: 'task:music', exact: true })
      .evaluate((n) => n.parentElement?.closest('[role="treeitem"]')?.getAttribute('aria-label'));
    expect(taskParent).toBe('app:music');

    await selectActor(page, 'task:music');
    await waitActive(page, 'alive');
    for (const name of [
      'backgroundTask',
      'notStarted',
      'starting',
      'running',
      'alive',
      'canceling',
      'completed',
      'terminated',
    ]) {
      expect(await page.getByRole('group', { name, exact: true }).count()).toBe(1);
    }
    expect((await active(page)).sort()).toEqual(['alive', 'backgroundTask']);
    // the diagram labels transitions with their events, guards and delays
    const labels = await page.locator('#chart .edge-label').allTextContents();
    expect(labels).toContain('START');
    expect(labels).toContain('RUN_RETURNED [deferralPending]');
    expect(labels).toContain('after startTimeout');

    // the parallel app session: regions as containers, nested paths as names
    await selectActor(page, 'app:music');
    await waitActive(page, 'foreground.suspended');
    expect((await active(page)).sort()).toEqual([
      'appSession',
      'foreground',
      'foreground.suspended',
      'task',
      'task.live',
      'task.live.paused',
    ]);
    const inside = await page
      .getByRole('group', { name: 'task.live.playing', exact: true })
      .evaluate((n) => n.parentElement?.closest('[role="group"]')?.getAttribute('aria-label'));
    expect(inside).toBe('task.live');
    expect(await page.locator('#chart .state.region').count()).toBe(2);

    // the snapshot tree shows the selected actor's context
    const snapshot = page.getByRole('tree', { name: 'Snapshot' });
    expect(await snapshot.getByRole('treeitem', { name: 'appId: "music"' }).count()).toBe(1);
    await saveScreenshot(page, 'inspector-page-app-session');
    await selectActor(page, 'music#1.1/mediaPlayer');
    await waitActive(page, 'playing');
    await saveScreenshot(page, 'inspector-page-media-player');
  });

  test('an actor without a machine shows no statechart, and still its snapshot', async () => {
    const page = await open('?recording=fixture.json');
    await selectActor(page, 'relay:music');
    await page.getByText('no statechart (not a machine)').waitFor();
    expect(await page.locator('#snapshot-title').textContent()).toContain('relay:music');
  });

  test('a sequence item moves the timeline to the snapshot after it; scrubbing back shows the past', async () => {
    const page = await open('?recording=fixture.json');
    const sequence = page.getByRole('list', { name: 'Sequence' });
    await sequence.getByRole('listitem').first().waitFor();
    const end = await timelineValue(page);
    expect(end).toBe(recording.entries.length - 1);

    // the PAUSE the foreground sent to the task's player, marked as crossing the boundary
    const pause = sequence.getByRole('listitem', {
      name: /^PAUSE app:music → music#1\.1\/mediaPlayer/,
    });
    expect(await pause.getAttribute('class')).toContain('to-task');
    await pause.click();
    await page
      .locator('[role="treeitem"][aria-label="music#1.1/mediaPlayer"][aria-selected="true"]')
      .waitFor();
    await waitActive(page, 'paused');
    const at = await timelineValue(page);
    const eventSeq = Number(await pause.getAttribute('data-seq'));
    expect(at).toBeGreaterThan(eventSeq);
    expect(at).toBeLessThanOrEqual(moments.paused as number);
    expect(at).toBeLessThan(end);
    expect(await active(page)).not.toContain('playing');
    expect(await pause.getAttribute('aria-current')).toBe('true');
    expect(
      await page.getByRole('button', { name: 'Pause live updates' }).getAttribute('aria-pressed'),
    ).toBe('true');

    // just before that event: the player was playing
    await scrubTo(page, eventSeq - 1);
    await waitActive(page, 'playing');
    expect(await active(page)).not.toContain('paused');
    // further back, before the player opened its source
    await scrubTo(page, moments.taskAlive as number);
    await waitActive(page, 'closed');
    // the timeline's label shows the time of the entry
    const entry = recording.entries[moments.taskAlive as number];
    expect(await page.locator('#time-label').textContent()).toContain(
      `+${(((entry?.time ?? 0) - recording.startedAt) / 1000).toFixed(3)} s`,
    );
    // the app session, at that time: visible, task live and fresh
    await selectActor(page, 'app:music');
    await waitActive(page, 'task.live.fresh');
    expect(await active(page)).toContain('foreground.visible');
    // actors not started yet are marked so
    expect(
      await page.getByRole('treeitem', { name: 'app:podcast', exact: true }).getAttribute('class'),
    ).toContain('future');
    await saveScreenshot(page, 'inspector-page-scrubbed');
  });

  test('the app filter narrows the tree and the sequence to one app', async () => {
    const page = await open('?recording=fixture.json');
    const tree = page.getByRole('tree', { name: 'Actors' });
    await tree.getByRole('treeitem', { name: 'app:podcast', exact: true }).waitFor();
    const sequence = page.getByRole('list', { name: 'Sequence' });
    expect(await sequence.getByRole('listitem', { name: /^PAUSE / }).count()).toBe(1);
    await page.getByRole('combobox', { name: 'App' }).selectOption('podcast');
    await tree
      .getByRole('treeitem', { name: 'app:music', exact: true })
      .waitFor({ state: 'detached' });
    expect(await tree.getByRole('treeitem', { name: 'app:podcast', exact: true }).count()).toBe(1);
    expect(await tree.getByRole('treeitem', { name: 'mediaSystem', exact: true }).count()).toBe(1);
    expect(
      await tree.getByRole('treeitem', { name: 'music#1.1/mediaPlayer', exact: true }).count(),
    ).toBe(0);
    const names = await sequence
      .getByRole('listitem')
      .evaluateAll((items) => items.map((i) => i.getAttribute('aria-label') ?? ''));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toContain('podcast');
    await page.getByRole('combobox', { name: 'App' }).selectOption('');
    await tree.getByRole('treeitem', { name: 'app:music', exact: true }).waitFor();
  });

  test('an exported recording loads in a fresh page and shows the same', async () => {
    const page = await open('?recording=fixture.json', { acceptDownloads: true });
    await selectActor(page, 'task:music');
    await waitActive(page, 'alive');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export' }).click(),
    ]);
    const path = await download.path();
    const exported = JSON.parse(await readFile(path, 'utf8')) as Recording;
    expect(exported).toEqual(recording);

    // a fresh page with no source: load the file through the Load control
    const fresh = await open('?recording=missing.json');
    await fresh.getByRole('alert').waitFor();
    await fresh.getByLabel('Load recording').setInputFiles(path);
    await selectActor(fresh, 'task:music');
    await waitActive(fresh, 'alive');
    expect(await active(fresh)).toEqual(await active(page));
    expect(await fresh.locator('#status').textContent()).toContain('file ');
    expect(await fresh.getByRole('alert').isHidden()).toBe(true);
    const tree = (p: Page) =>
      p
        .getByRole('tree', { name: 'Actors' })
        .getByRole('treeitem')
        .evaluateAll((i) => i.map((n) => n.getAttribute('aria-label')));
    expect(await tree(fresh)).toEqual(await tree(page));
    expect(await fresh.getByRole('list', { name: 'Sequence' }).getByRole('listitem').count()).toBe(
      await page.getByRole('list', { name: 'Sequence' }).getByRole('listitem').count(),
    );
  });

  test('a bad file shows what is wrong and keeps the recording shown', async () => {
    const page = await open('?recording=fixture.json');
    await page.getByRole('treeitem', { name: 'app:music', exact: true }).waitFor();
    const input = page.getByLabel('Load recording');
    const broken = structuredClone(recording) as unknown as { entries: { seq: unknown }[] };
    (broken.entries[3] as { seq: unknown }).seq = 'three';
    await input.setInputFiles({
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(broken)),
    });
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = await alert.textContent();
    expect(text).toContain('broken.json');
    expect(text).toContain('entries.3.seq');
    expect(await page.getByRole('treeitem', { name: 'app:music', exact: true }).count()).toBe(1);

    await input.setInputFiles({
      name: 'notes.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"format": "something else"}'),
    });
    await page.getByRole('alert').filter({ hasText: 'notes.json' }).waitFor();
    expect(await alert.textContent()).toContain('"something else"');
    await input.setInputFiles({
      name: 'half.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"format": "backbeat.rec'),
    });
    await page.getByRole('alert').filter({ hasText: 'half.json' }).waitFor();
    expect(await alert.textContent()).toContain('not JSON');
    expect(await page.getByRole('treeitem', { name: 'app:music', exact: true }).count()).toBe(1);
    await saveScreenshot(page, 'inspector-page-bad-file');
  });

  test('a dropped file loads; data shows as text, never as markup', async () => {
    const page = await open('?recording=fixture.json');
    await page.getByRole('treeitem', { name: 'app:music', exact: true }).waitFor();
    const hostile = structuredClone(recording);
    const player = Object.values(hostile.actors).find((a) => a.name === 'music#1.1/mediaPlayer');
    if (!player) throw new Error('no player in the fixture');
    player.name = '<img src=x onerror=window.pwned=1>';
    const last = hostile.entries.findLast(
      (e) => e.record.sessionId === player.sessionId && e.record.snapshot,
    );
    if (!last) throw new Error('no player snapshot in the fixture');
    (last.record.snapshot as { context: Record<string, unknown> }).context.source = '<b>bold</b>';
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
      document.dispatchEvent(
        new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }),
      );
    }, JSON.stringify(hostile));
    await page.locator('#status').filter({ hasText: 'file dropped.json' }).waitFor();
    await selectActor(page, player.name);
    await page.getByRole('tree', { name: 'Snapshot' }).getByText('"<b>bold</b>"').waitFor();
    expect(await page.locator('img, b').count()).toBe(0);
    expect(
      await page.evaluate(() => (window as unknown as { pwned?: number }).pwned),
    ).toBeUndefined();
  });

  test('thousands of entries: the sequence stays a window, the timeline scrubs', async () => {
    const page = await open('?recording=long.json');
    const sequence = page.getByRole('list', { name: 'Sequence' });
    await sequence.getByRole('listitem').first().waitFor();
    expect(long.entries.length).toBeGreaterThan(10_000);
    const items = await sequence.getByRole('listitem').count();
    expect(items).toBeLessThanOrEqual(300);
    expect(await page.getByRole('button', { name: /^Show earlier/ }).isVisible()).toBe(true);
    await waitActive(page, 'playing'); // 3000 rounds end after an odd PLAY: playing
    // the middle of the recording, after a PAUSE
    const pauses = long.entries.filter(
      (e) =>
        e.record.type === '@xstate.event' && (e.record.event as { type?: string }).type === 'PAUSE',
    );
    const middle = pauses[Math.floor(pauses.length / 2)]?.seq as number;
    const started = Date.now();
    await scrubTo(page, middle + 3);
    await waitActive(page, 'paused');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await sequence.getByRole('listitem').count()).toBeLessThanOrEqual(300);
    await page.getByRole('button', { name: /^Show earlier/ }).click();
    expect(await sequence.getByRole('listitem').count()).toBeGreaterThan(items);
  });
});

describe('the inspector page, live', () => {
  test('a BroadcastChannel feed: hello, the recording, deltas; pause holds the view', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const feeder = await context.newPage();
    pages.push(feeder);
    await feeder.goto(`${base}feeder.html`);
    // the app's side: answer hello with the recording so far
    await feeder.evaluate(
      (first) => {
        const channel = new BroadcastChannel('test-feed');
        (window as unknown as { feed: BroadcastChannel }).feed = channel;
        channel.onmessage = (event) => {
          if ((event.data as { kind?: string }).kind === 'hello') channel.postMessage(first);
        };
      },
      { kind: 'recording', recording: head(moments.playing as number) } satisfies FeedMessage,
    );
    const { page, log } = await openPage(context, `${base}?channel=test-feed`);
    logs.push(log);
    await selectActor(page, 'app:music');
    await waitActive(page, 'task.live.fresh');
    expect(await page.locator('#status').textContent()).toContain('channel test-feed');

    // a message that is not a feed message is ignored, with a notice
    await feeder.evaluate(() =>
      (window as unknown as { feed: BroadcastChannel }).feed.postMessage({ kind: 'nonsense' }),
    );
    await page.locator('#notice').filter({ hasText: 'Ignored' }).waitFor();

    // paused: a delta is taken in, the view stays where it is
    const pause = page.getByRole('button', { name: 'Pause live updates' });
    await pause.click();
    await page.locator('#pause[aria-pressed="true"]').waitFor();
    const before = await timelineValue(page);
    await feeder.evaluate(
      (delta) => (window as unknown as { feed: BroadcastChannel }).feed.postMessage(delta),
      tail(moments.playing as number),
    );
    await page
      .locator('#counts')
      .filter({ hasText: `${recording.entries.length} entries` })
      .waitFor();
    expect(await timelineValue(page)).toBe(before);
    expect(await active(page)).toContain('task.live.fresh');

    // live again: the view follows the newest entry
    await pause.click();
    await waitActive(page, 'foreground.suspended');
    expect(await timelineValue(page)).toBe(recording.entries.length - 1);
    expect(await active(page)).toContain('task.live.paused');
    // dragging the timeline back pauses following
    await page.getByRole('slider', { name: 'Timeline' }).focus();
    await page.keyboard.press('ArrowLeft');
    await page.locator('#pause[aria-pressed="true"]').waitFor();
    await saveScreenshot(page, 'inspector-page-channel');
    await context.close();
  });

  test('Server-Sent Events: the first message is the recording, then deltas update the view', async () => {
    liveFeed = true;
    try {
      const page = await open();
      await selectActor(page, 'app:music');
      await waitActive(page, 'task.live.fresh');
      expect(await page.locator('#status').textContent()).toContain('live');
      const delta = `data: ${JSON.stringify(tail(moments.playing as number))}\n\n`;
      for (const stream of streams) stream.write(delta);
      await waitActive(page, 'foreground.suspended');
      // the stream ends: the page says so
      for (const stream of streams) stream.destroy();
      await page.locator('#status').filter({ hasText: 'connection lost' }).waitFor();
    } finally {
      liveFeed = false;
    }
  });
});
