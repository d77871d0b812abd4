import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRecorder,
  type FeedMessage,
  type Inspector,
  type InspectorOptions,
  loadRecording,
  PortInUseError,
  RecordingError,
  startInspector,
} from 'backbeat/inspector';
import { createTestSystem, type TestSystem, VirtualClock } from 'backbeat/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createActor, createMachine } from 'xstate';

/*
 * The inspector server over real HTTP on 127.0.0.1 and a free port, serving a page folder made
 * for the test (the real page is built by `npm run build`).
 */

let root: string;
let pageDir: string;
const inspectors: Inspector[] = [];
let system: TestSystem | undefined;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'backbeat-inspector-'));
  pageDir = join(root, 'page');
  await mkdir(join(pageDir, 'assets'), { recursive: true });
  await writeFile(join(pageDir, 'index.html'), '<!doctype html><title>inspector</title>');
  await writeFile(join(pageDir, 'assets', 'page.js'), 'console.log("page")');
  await writeFile(join(root, 'secret.txt'), 'not for the page');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
afterEach(async () => {
  await system?.dispose();
  system = undefined;
  await Promise.all(inspectors.splice(0).map((i) => i.close()));
});

async function start(options: InspectorOptions & { pageDir?: string } = {}): Promise<Inspector> {
  const inspector = await startInspector({ pageDir, ...options } as InspectorOptions);
  inspectors.push(inspector);
  return inspector;
}

const machine = createMachine({
  id: 'toggle',
  initial: 'off',
  states: { off: { on: { FLIP: 'on' } }, on: { on: { FLIP: 'off' } } },
});

/** A raw HTTP GET (fetch would normalise the path and set its own Host). */
function rawGet(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Reads Server-Sent Events from a fetch response, one `data:` message at a time. */
function feedReader(response: Response) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    /** The next message, or null when the stream ended. */
    async next(): Promise<FeedMessage | null> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          if (data !== '') return JSON.parse(data) as FeedMessage;
          continue; // a comment (keep-alive)
        }
        const { done, value } = await reader.read();
        if (done) return null;
        buffer += decoder.decode(value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

describe('startInspector', () => {
  it('listens on 127.0.0.1 and serves the recording so far as JSON', async () => {
    const inspector = await start({ clock: new VirtualClock(50) });
    expect(inspector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const actor = createActor(machine, { inspect: inspector.inspect }).start();
    actor.send({ type: 'FLIP' });
    const response = await fetch(`${inspector.url}recording.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const recording = loadRecording(await response.json());
    expect(recording.startedAt).toBe(50);
    expect(Object.values(recording.actors).map((a) => a.name)).toEqual(['toggle']);
    expect(recording.definitions.toggle?.root.states).toHaveProperty('on');
    expect(recording).toEqual(inspector.recording());
  });

  it('streams the recording first, then each delta in order, over /events', async () => {
    const inspector = await start();
    const actor = createActor(machine, { inspect: inspector.inspect }).start();
    const response = await fetch(`${inspector.url}events`);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const feed = feedReader(response);
    const first = await feed.next();
    expect(first?.kind).toBe('recording');
    const recording = (first as Extract<FeedMessage, { kind: 'recording' }>).recording;
    const seen = recording.entries.length;
    expect(seen).toBeGreaterThan(0);

    actor.send({ type: 'FLIP' });
    const delta = await feed.next();
    expect(delta?.kind).toBe('delta');
    const entries = (delta as Extract<FeedMessage, { kind: 'delta' }>).entries;
    expect(entries[0]?.seq).toBe(seen);
    expect(entries.some((e) => (e.record.snapshot as { value?: string })?.value === 'on')).toBe(
      true,
    );

    // a second actor: its definition and actor come with the entries
    createActor(createMachine({ id: 'other', initial: 'a', states: { a: {} } }), {
      inspect: inspector.inspect,
    }).start();
    actor.send({ type: 'FLIP' });
    const next = (await feed.next()) as Extract<FeedMessage, { kind: 'delta' }>;
    expect(Object.keys(next.definitions)).toEqual(['other']);
    expect(Object.values(next.actors).map((a) => a.name)).toEqual(['other']);
    expect(next.entries[0]?.seq).toBe(seen + entries.length);
    await feed.cancel();
  });

  it('feeds the recording of a media system', async () => {
    const inspector = await start();
    system = createTestSystem({ inspect: inspector.inspect });
    const app = system.launchApp({
      id: 'music',
      task: new URL('../../examples/quickstart/task.mjs', import.meta.url),
    });
    const recording = system.record(app);
    await system.waitFor(() => recording.taskState === 'alive', { what: 'the task alive' });
    const saved = loadRecording(await (await fetch(`${inspector.url}recording.json`)).json());
    const names = Object.values(saved.actors).map((a) => a.name);
    expect(names).toContain('mediaSystem');
    expect(names).toContain('task:music');
    expect(names).toContain(`${app.instanceId}/mediaPlayer`);
  });

  it('serves the page and its assets, and nothing outside them', async () => {
    const inspector = await start();
    const index = await fetch(inspector.url);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await index.text()).toContain('<title>inspector</title>');
    const asset = await fetch(`${inspector.url}assets/page.js`);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await asset.text()).toBe('console.log("page")');
    expect((await fetch(`${inspector.url}assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${inspector.url}assets`)).status).toBe(404);
    for (const path of ['/../secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const response = await rawGet(inspector.url, path);
      expect(response.status, path).toBe(404);
      expect(response.body).not.toContain('not for the page');
    }
    expect((await fetch(inspector.url, { method: 'POST' })).status).toBe(405);
    // a page reached through another host name (DNS rebinding) is refused
    const rebound = await rawGet(inspector.url, '/recording.json', { host: 'evil.example:80' });
    expect(rebound.status).toBe(403);
    expect((await rawGet(inspector.url, '/', { host: 'localhost' })).status).toBe(200);
  });

  it('says to run the build when the page is missing', async () => {
    const inspector = await start({ pageDir: join(root, 'nothing-here') });
    const response = await fetch(inspector.url);
    expect(response.status).toBe(500);
    expect(await response.text()).toMatch(/npm run build/);
    expect((await fetch(`${inspector.url}recording.json`)).status).toBe(200);
  });

  it('close() ends every feed and the server; inspect is then a no-op', async () => {
    const inspector = await start();
    const feeds = await Promise.all([0, 1].map(() => fetch(`${inspector.url}events`)));
    const readers = feeds.map(feedReader);
    for (const reader of readers) expect((await reader.next())?.kind).toBe('recording');
    const closing = inspector.close();
    expect(inspector.close()).toBe(closing);
    await closing;
    for (const reader of readers) expect(await reader.next()).toBeNull();
    const actor = createActor(machine);
    expect(() =>
      inspector.inspect({ type: '@xstate.actor', actorRef: actor, rootId: actor.sessionId }),
    ).not.toThrow();
    expect(inspector.recording().entries).toEqual([]);
    await expect(fetch(`${inspector.url}recording.json`)).rejects.toThrow();
  });

  it('rejects a port in use, naming it, and a bad port', async () => {
    const first = await start();
    const port = Number(new URL(first.url).port);
    const error = await startInspector({ port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as PortInUseError).port).toBe(port);
    expect((error as Error).message).toContain(String(port));
    await expect(startInspector({ port: -1 })).rejects.toThrow(/`-1`/);
    await expect(startInspector({ port: 1.5 })).rejects.toThrow(/`1.5`/);
  });

  it('opens a saved recording and keeps appending to it', async () => {
    const recorder = createRecorder({ clock: new VirtualClock() });
    createActor(machine, { inspect: recorder.inspect }).start();
    const saved = recorder.recording();
    const inspector = await start({ recording: saved });
    const served = loadRecording(await (await fetch(`${inspector.url}recording.json`)).json());
    expect(served).toEqual(saved);
    createActor(machine, { inspect: inspector.inspect }).start();
    expect(inspector.recording().entries.length).toBeGreaterThan(saved.entries.length);
    await expect(start({ recording: { ...saved, version: 3 } as never })).rejects.toBeInstanceOf(
      RecordingError,
    );
  });
});
