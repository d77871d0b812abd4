import { InvalidOperationError } from 'backbeat';
import { createTestSystem, type TestSystem } from 'backbeat/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ended, follow, hosts, resumableTask, spyStore, tell } from './support.ts';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

function start(host: (typeof hosts)[number], options: Parameters<typeof createTestSystem>[0] = {}) {
  const spy = spyStore();
  system = createTestSystem({ stateStore: spy.store, ...options });
  const app = system.launchApp({ id: 'music', task: resumableTask, host });
  const followed = follow(system, app);
  return { system, app, spy, ...followed };
}

/** Moves the playback somewhere worth restoring and pauses there; returns the saved position. */
async function moveAndPause(s: ReturnType<typeof start>) {
  const { system: sys, app, spy, recording, message } = s;
  const first = await message('ready');
  expect(first.restored).toBe(false);
  tell(app, { type: 'next' });
  await sys.waitFor(() => recording.messages.some((m) => m.type === 'opened' && m.index === 1));
  tell(app, { type: 'settings', volume: 0.4, rate: 1.5, repeat: true, shuffle: true });
  tell(app, { type: 'seek', ms: 42_000 });
  tell(app, { type: 'appState', values: { bookmark: 'b-7', at: new Date(86_400_000) } });
  tell(app, { type: 'play' });
  await sys.waitFor(() => recording.playing, { what: 'the player to play' });
  const before = spy.saved.length;
  tell(app, { type: 'pause' });
  await sys.waitFor(() => spy.saved.slice(before).some((c) => c.reason === 'paused'), {
    what: 'a paused checkpoint',
  });
  return { instanceId: first.instanceId as string, saved: spy.saved.at(-1)! };
}

/** Reads `current` again and returns what the fresh instance restored, once its item opened. */
async function restart(s: ReturnType<typeof start>, previous: string) {
  await ended(s.system, s.app);
  void s.app.backgroundMediaPlayer.current;
  const ready = await s.system
    .waitFor(() => s.app.instanceId !== null)
    .then(() => s.message('ready', s.app.instanceId!));
  expect(ready.instanceId).not.toBe(previous);
  await s.system.advance(0);
  const opened = await s.message('opened', ready.instanceId as string);
  return { ready, opened };
}

describe.each(hosts)('resume on the %s host', (host) => {
  it('a kill without notice (VoIP call, low memory) loses nothing checkpointed: list, item, position, volume, rate, shuffle order, repeat and app state come back', async () => {
    const s = start(host);
    const { instanceId, saved } = await moveAndPause(s);
    expect(saved).toMatchObject({
      instanceId,
      currentItemIndex: 1,
      currentState: 'paused',
      volume: 0.4,
      playbackRate: 1.5,
      autoRepeatEnabled: true,
      shuffleEnabled: true,
      shuffledOrder: [2, 1, 0],
      appState: { bookmark: 'b-7', at: new Date(86_400_000) },
    });
    expect(saved.position).toBeGreaterThanOrEqual(42_000);
    expect(saved.items.map((i) => i.properties?.title)).toEqual(['Track 1', 'Track 2', 'Track 3']);

    s.system.interrupt('voipCall', { lowMemory: true });
    const { ready, opened } = await restart(s, instanceId);
    expect(s.recording.trail).toContain('terminated:lowMemory');
    expect(ready).toMatchObject({
      restored: true,
      reason: 'paused',
      appState: { bookmark: 'b-7', at: new Date(86_400_000) },
    });
    expect(opened).toMatchObject({
      index: 1,
      title: 'Track 2',
      volume: 0.4,
      rate: 1.5,
      repeat: true,
      shuffle: true,
      shuffled: [
        'virtual:three?duration=600000',
        'virtual:two?duration=600000',
        'virtual:one?duration=600000',
      ],
    });
    // The position is applied once the item opened: ask for it after that.
    tell(s.app, { type: 'state' });
    const state = await s.message('state', ready.instanceId as string);
    expect(state.position).toBe(saved.position);
  });

  it('a cancellation (phone call) saves after the canceled handlers ran, and the next instance restores it', async () => {
    const s = start(host);
    const first = await s.message('ready');
    tell(s.app, { type: 'seek', ms: 30_000 });
    tell(s.app, { type: 'play' });
    await s.system.waitFor(() => s.recording.playing);
    s.system.interrupt('phoneCall');
    await ended(s.system, s.app);
    expect(s.recording.trail.slice(-2)).toEqual(['canceling:resourceRevocation', 'completed']);
    const canceled = s.spy.saved.filter((c) => c.reason === 'canceled');
    expect(canceled.length).toBeGreaterThan(0);
    expect(canceled.at(-1)).toMatchObject({
      instanceId: first.instanceId,
      appState: { canceledBy: 'resourceRevocation' },
      currentItemIndex: 0,
    });
    expect(canceled.at(-1)!.position).toBeGreaterThanOrEqual(30_000);

    const { ready } = await restart(s, first.instanceId as string);
    expect(ready).toMatchObject({
      restored: true,
      reason: 'canceled',
      appState: { canceledBy: 'resourceRevocation' },
    });
    tell(s.app, { type: 'state' });
    const state = await s.message('state', ready.instanceId as string);
    expect(state.position).toBe(canceled.at(-1)!.position);
    expect(state.index).toBe(0);
  });

  it('the store loading slowly: the task waits for the checkpoint before run', async () => {
    const spy = spyStore();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    await spy.store.save('music', {
      version: 1,
      reason: 'paused',
      instanceId: 'music#0.1',
      items: [{ uri: 'virtual:saved?duration=600000', properties: { title: 'Saved' } }],
      currentItemIndex: 0,
      position: 1_234,
      currentState: 'paused',
      volume: 0.7,
      isMuted: false,
      playbackRate: 1,
      isLoopingEnabled: false,
      autoRepeatEnabled: false,
      shuffleEnabled: false,
      shuffledOrder: [],
      appState: null,
    });
    const loads: string[] = [];
    const slow = {
      ...spy.store,
      load: (key: string) => {
        loads.push(key);
        return gate.then(() => spy.store.load(key));
      },
    };
    system = createTestSystem({ stateStore: slow });
    const app = system.launchApp({ id: 'music', task: resumableTask, host });
    const { message, recording } = follow(system, app);
    await system.waitFor(() => loads.length > 0, { what: 'the checkpoint to be loaded' });
    expect(loads).toEqual(['music']);
    // While the load is pending, run has not been entered.
    await system.settle();
    expect(recording.trail).toEqual(['starting']);
    expect(recording.messages).toEqual([]);
    release();
    const ready = await message('ready');
    expect(ready.restored).toBe(true);
    await system.advance(0);
    const opened = await message('opened');
    expect(opened).toMatchObject({ index: 0, title: 'Saved', volume: 0.7 });
  });

  it('a store that fails is reported as an error; the task starts without a checkpoint and keeps playing', async () => {
    const failing = {
      load: async () => {
        throw new Error('disk unreadable');
      },
      save: async () => {
        throw new Error('disk full');
      },
      clear: async () => {},
    };
    system = createTestSystem({ stateStore: failing });
    const app = system.launchApp({ id: 'music', task: resumableTask, host });
    const { message, recording } = follow(system, app);
    const ready = await message('ready');
    expect(ready.restored).toBe(false);
    tell(app, { type: 'play' });
    await system.waitFor(() => recording.playing);
    await system.waitFor(() => recording.errors.some((e) => e.message === 'disk full'));
    expect(recording.errors.map((e) => e.message)).toContain('disk unreadable');
    expect(recording.taskState).toBe('alive');
  });
});

describe.each(hosts)('resume after a %s task fails', (host) => {
  it('a run that throws (crashed): the next instance restores what it checkpointed first', async () => {
    const spy = spyStore();
    system = createTestSystem({ stateStore: spy.store });
    const app = system.launchApp({
      id: 'music',
      task: new URL('../fixtures/tasks/crashesFirstRun.mjs', import.meta.url),
      host,
    });
    const { recording, message } = follow(system, app);
    await system.waitFor(() => recording.taskState === 'terminated');
    expect(recording.trail).toContain('terminated:crashed');
    expect(recording.errors.map((e) => e.message)).toContain('the first run fails on purpose');
    // Checkpointed in run before the throw (and, while the host goes, perhaps once the item opened).
    expect(spy.saved.map((c) => c.reason)).toContain('requested');
    expect(spy.saved.at(-1)).toMatchObject({ currentItemIndex: 1, appState: { attempt: 1 } });
    await system.waitFor(() => app.instanceId === null);
    void app.backgroundMediaPlayer.current;
    expect(await message('ready')).toMatchObject({
      restored: true,
      index: 1,
      appState: { attempt: 1 },
    });
  });

  it('a cancelled task that never completes (terminated when the grace period ran out) was saved at the cancellation', async () => {
    const s = start(host);
    const first = await s.message('ready');
    tell(s.app, { type: 'seek', ms: 9_000 });
    tell(s.app, { type: 'stubborn' });
    tell(s.app, { type: 'play' });
    await s.system.waitFor(() => s.recording.playing);
    s.system.interrupt('phoneCall');
    await s.system.waitFor(() => s.recording.taskState === 'canceling');
    await s.system.waitFor(() => s.spy.saved.at(-1)?.reason === 'canceled');
    await s.system.advance(s.system.timings.cancellationGraceMs);
    const canceled = s.spy.saved.at(-1)!;
    expect(canceled.appState).toEqual({ canceledBy: 'resourceRevocation' });
    const { ready } = await restart(s, first.instanceId as string);
    expect(s.recording.trail.filter((t) => t.startsWith('terminated'))).toHaveLength(1);
    expect(ready).toMatchObject({ restored: true, appState: { canceledBy: 'resourceRevocation' } });
    tell(s.app, { type: 'state' });
    expect((await s.message('state', ready.instanceId as string)).position).toBe(canceled.position);
  });
});

describe.each(['worker', 'process'] as const)('resume after a %s task dies', (host) => {
  it.each([
    ['crash', 'crashed'],
    ['exit', 'exited'],
  ] as const)('by %s: the next instance restores the last checkpoint', async (way, reason) => {
    const s = start(host);
    const { instanceId, saved } = await moveAndPause(s);
    tell(s.app, { type: way });
    const { ready, opened } = await restart(s, instanceId);
    expect(s.recording.trail).toContain(`terminated:${reason}`);
    expect(ready).toMatchObject({ restored: true, appState: saved.appState });
    expect(opened).toMatchObject({ index: 1, volume: 0.4, rate: 1.5 });
    tell(s.app, { type: 'state' });
    expect((await s.message('state', ready.instanceId as string)).position).toBe(saved.position);
  });
});

describe('checkpoints on the virtual clock (inline host)', () => {
  it('while playing, one every checkpointIntervalMs: a kill without notice loses at most that interval', async () => {
    const s = start('inline');
    const first = await s.message('ready');
    tell(s.app, { type: 'play' });
    for (let t = 0; t < 1_000 && !s.recording.playing; t += 50) await s.system.advance(50);
    expect(s.recording.playing).toBe(true);
    const playingSince = s.system.clock.now();
    await s.system.advance(7_300);
    const played = s.system.clock.now() - playingSince;
    const intervals = s.spy.saved.filter((c) => c.reason === 'interval');
    expect(intervals.length).toBe(3); // at 2, 4 and 6 s of playing (the task asks for 2 s)
    s.system.interrupt('voipCall', { lowMemory: true });
    const { ready } = await restart(s, first.instanceId as string);
    expect(ready.reason).toBe('interval');
    tell(s.app, { type: 'state' });
    const state = await s.message('state', ready.instanceId as string);
    expect(played - (state.position as number)).toBeLessThanOrEqual(2_000);
    expect(state.position).toBeGreaterThanOrEqual(6_000);
  });

  it('a pause and a change of item checkpoint at once; nothing is sent twice for the same state', async () => {
    const s = start('inline');
    await s.message('ready');
    tell(s.app, { type: 'play' });
    for (let t = 0; t < 1_000 && !s.recording.playing; t += 50) await s.system.advance(50);
    expect(s.recording.playing).toBe(true);
    await s.system.advance(500);
    const before = s.spy.saved.length;
    tell(s.app, { type: 'pause' });
    await s.system.waitFor(() => s.spy.saved.slice(before).some((c) => c.reason === 'paused'));
    const paused = s.spy.saved.at(-1)!;
    expect(paused.position).toBeGreaterThan(0);
    await s.system.advance(10_000); // paused: no interval checkpoints, nothing new to save
    expect(s.spy.saved.at(-1)).toBe(paused);
    const beforeNext = s.spy.saved.length;
    tell(s.app, { type: 'next' });
    const itemChanged = () => s.spy.saved.slice(beforeNext).find((c) => c.reason === 'itemChanged');
    const changed = await s.system.waitFor(itemChanged, { what: 'an itemChanged checkpoint' });
    expect(changed).toMatchObject({ currentItemIndex: 1, position: 0 });
    tell(s.app, { type: 'checkpoint' });
    await s.system.waitFor(() => s.spy.saved.at(-1)?.reason === 'requested');
  });
});

describe('a task that does not opt in', () => {
  it('checkpoints nothing, gets no restoredState and is told how to opt in', async () => {
    const spy = spyStore();
    system = createTestSystem({ stateStore: spy.store });
    const app = system.launchApp({
      id: 'plain',
      task: new URL('../fixtures/tasks/noResume.mjs', import.meta.url),
    });
    const { message, recording } = follow(system, app);
    const ready = await message('ready');
    expect(ready).toMatchObject({
      restoredState: null,
      error: InvalidOperationError.name,
      message: expect.stringContaining('defineBackgroundTask({ resume: true, run })'),
    });
    await system.advance(5_000);
    system.interrupt('phoneCall');
    await system.waitFor(() => recording.taskState === 'completed');
    expect(spy.saved).toEqual([]);
  });
});
