import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ProtocolError, parsePlaybackCheckpoint } from 'backbeat';
import { createJsonFileStateStore } from 'backbeat/store/jsonFile';
import { createMemoryStateStore } from 'backbeat/store/memory';
import { defineBackgroundTask } from 'backbeat/task';
import { createTestSystem } from 'backbeat/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpoint } from './checkpointFixture.ts';
import { follow, resumableTask, spyStore, tell } from './support.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backbeat-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parsePlaybackCheckpoint', () => {
  it('accepts a checkpoint and returns it checked', () => {
    expect(parsePlaybackCheckpoint(checkpoint())).toEqual(checkpoint());
  });

  it.each([
    [{ currentItemIndex: 2 }, /currentItemIndex `2` is past the 2 item\(s\)/],
    [{ shuffledOrder: [0, 0] }, /shuffledOrder `\[0,0\]` is not an order of the 2 item\(s\)/],
    [{ volume: 3 }, /volume/],
    [{ reason: 'whenever' as never }, /reason/],
    [{ appState: { bad: () => 1 } as never }, /appState\.bad|bad/],
    [{ appState: JSON.parse('{"__proto__": 1}') }, /__proto__/],
  ])('refuses %o, naming what is wrong', (over, message) => {
    expect(() => parsePlaybackCheckpoint(checkpoint(over))).toThrow(ProtocolError);
    expect(() => parsePlaybackCheckpoint(checkpoint(over))).toThrow(message);
  });

  it('refuses another version', () => {
    expect(() => parsePlaybackCheckpoint({ ...checkpoint(), version: 2 })).toThrow(/version/);
  });
});

describe('the memory store', () => {
  it('keeps a copy per key and forgets on clear', async () => {
    const store = createMemoryStateStore();
    const value = checkpoint();
    await store.save('music', value);
    value.position = 999;
    expect((await store.load('music'))?.position).toBe(250);
    expect(await store.load('other')).toBeNull();
    expect(store.keys()).toEqual(['music']);
    expect(store.saves).toBe(1);
    await store.clear('music');
    expect(await store.load('music')).toBeNull();
  });

  it('rejects a bad key and a bad checkpoint, quoting them, and keeps what it had', async () => {
    const store = createMemoryStateStore();
    await store.save('music', checkpoint());
    await expect(store.save('', checkpoint())).rejects.toThrow(/non-empty string, got ``/);
    await expect(store.save('music', checkpoint({ position: -1 }))).rejects.toThrow(ProtocolError);
    expect((await store.load('music'))?.position).toBe(250);
  });
});

describe('the JSON file store', () => {
  it('round-trips a checkpoint, Dates and $-keys included', async () => {
    const store = createJsonFileStateStore({ path: join(dir, 'state.json') });
    await store.save('music', checkpoint());
    const again = createJsonFileStateStore({ path: pathToFileURL(join(dir, 'state.json')) });
    expect(await again.load('music')).toEqual(checkpoint());
    expect(await again.load('other')).toBeNull();
  });

  it('writes atomically: every save replaces the whole file, and no temporary file stays', async () => {
    const path = join(dir, 'nested', 'state.json');
    const store = createJsonFileStateStore({ path });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.save(`app${i % 3}`, checkpoint({ position: i }))),
    );
    expect(await readdir(join(dir, 'nested'))).toEqual(['state.json']);
    const content = JSON.parse(await readFile(path, 'utf8'));
    expect(Object.keys(content.entries).sort()).toEqual(['app0', 'app1', 'app2']);
    expect((await store.load('app0'))?.position).toBe(18);
    expect((await store.load('app2'))?.position).toBe(17);
    await store.clear('app1');
    expect(await store.load('app1')).toBeNull();
    expect((await store.load('app0'))?.position).toBe(18);
  });

  it('a file that is not its JSON is refused with the path quoted, and left as it was', async () => {
    const path = join(dir, 'state.json');
    await writeFile(path, '{ not json', 'utf8');
    const store = createJsonFileStateStore({ path });
    await expect(store.load('music')).rejects.toThrow(`\`${path}\` is not valid JSON`);
    await expect(store.save('music', checkpoint())).rejects.toBeInstanceOf(ProtocolError);
    expect(await readFile(path, 'utf8')).toBe('{ not json');
    await writeFile(path, JSON.stringify({ something: 'else' }), 'utf8');
    await expect(store.load('music')).rejects.toThrow(/is not a backbeat.playbackState file/);
  });

  it('an invalid stored checkpoint is refused, naming the key', async () => {
    const path = join(dir, 'state.json');
    const store = createJsonFileStateStore({ path });
    await store.save('music', checkpoint());
    const content = JSON.parse(await readFile(path, 'utf8'));
    content.entries.music.currentItemIndex = 7;
    await writeFile(path, JSON.stringify(content), 'utf8');
    await expect(store.load('music')).rejects.toThrow(/invalid checkpoint for `music`.*`7`/s);
  });

  it('refuses a path that is not one, quoting it', () => {
    expect(() => createJsonFileStateStore({ path: 42 as never })).toThrow(/got `42`/);
  });

  it('carries playback across two runs of the app: dispose persists, the next system restores', async () => {
    const path = join(dir, 'state.json');
    const spy = spyStore(createJsonFileStateStore({ path }));
    const first = createTestSystem({ stateStore: spy.store });
    const app = first.launchApp({ id: 'music', task: resumableTask, host: 'process' });
    const one = follow(first, app);
    await one.message('ready');
    tell(app, { type: 'next' });
    await first.waitFor(() =>
      one.recording.messages.some((m) => m.type === 'opened' && m.index === 1),
    );
    tell(app, { type: 'seek', ms: 12_345 });
    tell(app, { type: 'appState', values: { shelf: 'jazz' } });
    tell(app, { type: 'checkpoint' });
    await first.waitFor(() => spy.saved.at(-1)?.reason === 'requested');
    // dispose() cancels the task first (its canceled handler records why in the app state) and
    // resolves once the store has written every checkpoint it received.
    await first.dispose();
    const saved = JSON.parse(await readFile(path, 'utf8')).entries.music;
    expect(saved).toMatchObject({
      reason: 'canceled',
      currentItemIndex: 1,
      position: 12_345,
      appState: { canceledBy: 'abort' },
    });

    const second = createTestSystem({ stateStore: createJsonFileStateStore({ path }) });
    try {
      const again = second.launchApp({ id: 'music', task: resumableTask, host: 'process' });
      const two = follow(second, again);
      expect(await two.message('ready')).toMatchObject({
        restored: true,
        appState: { canceledBy: 'abort' },
      });
      const opened = await two.message('opened');
      expect(opened).toMatchObject({ index: 1, title: 'Track 2' });
      tell(again, { type: 'state' });
      expect((await two.message('state')).position).toBe(12_345);
    } finally {
      await second.dispose();
    }
  });
});

describe('a stateStore option that is not a store', () => {
  it('is refused by createMediaSystem and launchApp, naming what is missing', async () => {
    expect(() => createTestSystem({ stateStore: { load() {} } as never })).toThrow(
      /stateStore must be a PlaybackStateStore.*got `\[object Object\]` \(no save\)/,
    );
    const system = createTestSystem();
    try {
      expect(() =>
        system.launchApp({ id: 'music', task: resumableTask, stateStore: 42 as never }),
      ).toThrow(/launchApp stateStore must be a PlaybackStateStore.*got `42`/);
      expect(system.app('music')).toBeUndefined();
    } finally {
      await system.dispose();
    }
  });
});

describe('defineBackgroundTask({ resume })', () => {
  const run = () => {};
  it('takes true, false or { checkpointIntervalMs }', () => {
    expect(defineBackgroundTask({ run }).resumeOptions).toBeNull();
    expect(defineBackgroundTask({ run, resume: false }).resumeOptions).toBeNull();
    expect(defineBackgroundTask({ run, resume: true }).resumeOptions).toEqual({
      checkpointIntervalMs: 5_000,
    });
    expect(
      defineBackgroundTask({ run, resume: { checkpointIntervalMs: 250 } }).resumeOptions,
    ).toEqual({ checkpointIntervalMs: 250 });
  });

  it('refuses anything else, quoting it', () => {
    expect(() => defineBackgroundTask({ run, resume: 'yes' as never })).toThrow(/got `yes`/);
    expect(() => defineBackgroundTask({ run, resume: { checkpointIntervalMs: 0 } })).toThrow(
      /checkpointIntervalMs.*got `0`/,
    );
  });
});
