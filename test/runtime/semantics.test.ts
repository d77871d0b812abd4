import {
  BackgroundOnlyError,
  createMediaSystem,
  type MediaSystem,
  MessageBufferOverflowError,
  TaskUnavailableError,
  ValueSetError,
  VirtualClock,
} from 'backbeat';
import { waitFor } from 'backbeat/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { hosts, nextMessage, recordStates, taskState, taskUrl } from './helpers.ts';

let system: MediaSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

describe.each(hosts)('DESIGN semantics on the %s host', (host) => {
  it('1. one player per app: the foreground gets a proxy; source and SMTC are background-only', async () => {
    system = createMediaSystem();
    const app = system.launchApp({ id: 'a', task: taskUrl('probe'), host });
    const bmp = app.backgroundMediaPlayer;
    const ready = nextMessage(bmp, (d) => d.type === 'ready');
    const player = bmp.current;
    expect(bmp.current).toBe(player);
    await ready;
    expect(() => player.source).toThrow(BackgroundOnlyError);
    expect(() => player.systemMediaTransportControls).toThrow(BackgroundOnlyError);
    expect(() => {
      (player as { source: unknown }).source = 'x';
    }).toThrow(/only available in the background/);

    const foreground: string[] = [];
    for (const name of ['mediaOpened', 'mediaEnded', 'mediaFailed'] as const) {
      player.on(name, () => foreground.push(name));
    }
    player.on('currentStateChanged', ({ state }) =>
      foreground.push(`currentStateChanged:${state}`),
    );
    const ended = new Promise((r) => player.on('mediaEnded', r));
    bmp.sendMessageToBackground({ type: 'source', uri: 'virtual:short?duration=150' });
    await ended;
    const failed = new Promise((r) => player.on('mediaFailed', r));
    bmp.sendMessageToBackground({
      type: 'source',
      uri: 'virtual:bad?duration=100&error=networkError',
    });
    await failed;
    bmp.sendMessageToBackground({ type: 'report' });
    const report = await nextMessage(bmp, (d) => d.type === 'report');
    const background = report.seen as string[];
    for (const name of [
      'mediaOpened',
      'mediaEnded',
      'mediaFailed',
      'currentStateChanged:playing',
    ]) {
      expect(background).toContain(name);
      expect(foreground).toContain(name);
    }
    expect(foreground).toEqual(background);
  });

  it('1. the snapshot replica follows the task in order and never goes back', async () => {
    system = createMediaSystem();
    const app = system.launchApp({ id: 'a', task: taskUrl('probe'), host });
    const bmp = app.backgroundMediaPlayer;
    const player = bmp.current;
    await nextMessage(bmp, (d) => d.type === 'ready');
    const volumes: number[] = [];
    player.on('snapshotChanged', (s) => volumes.push(s.volume));
    await Promise.all([player.setVolume(0.2), player.setVolume(0.4), player.setVolume(0.6)]);
    expect(player.snapshot.volume).toBe(0.6);
    // Each change is seen once, in the order the task applied them.
    expect(volumes.filter((v) => v !== 1)).toEqual([0.2, 0.4, 0.6]);
    await player.setVolume(7);
    expect(player.snapshot.volume).toBe(0.6);
    await player.setMuted(true);
    await player.setPlaybackRate(1.5);
    expect(player.snapshot).toMatchObject({ isMuted: true, playbackRate: 1.5 });
  });

  it('2. a playback list set in the background cannot be reached from the foreground', async () => {
    system = createMediaSystem();
    const app = system.launchApp({ id: 'a', task: taskUrl('probe'), host });
    const bmp = app.backgroundMediaPlayer;
    const player = bmp.current;
    const opened = new Promise((r) => player.on('mediaOpened', r));
    bmp.sendMessageToBackground({ type: 'play', uris: ['virtual:one?duration=5000'] });
    await opened;
    expect(() => player.source).toThrow(BackgroundOnlyError);
    expect(player.snapshot.currentItem).toMatchObject({
      index: 0,
      uri: 'virtual:one?duration=5000',
    });
    expect(Object.keys(player.snapshot)).not.toContain('source');
  });

  it('3. presses from outside the app reach the task as buttonPressed', async () => {
    const sys = createMediaSystem();
    system = sys;
    const app = sys.launchApp({ id: 'a', task: taskUrl('probe'), host });
    const bmp = app.backgroundMediaPlayer;
    bmp.current;
    await nextMessage(bmp, (d) => d.type === 'ready');
    await waitFor(() => sys.controls.attached, { what: "the task's controls to attach" });
    const pressed = nextMessage(bmp, (d) => d.type === 'button');
    await expect(system.controls.press('next')).resolves.toBe(true);
    expect(await pressed).toEqual({ type: 'button', button: 'next' });
    // A disabled button is not delivered.
    await expect(system.controls.press('rewind')).resolves.toBe(false);
  });

  it('4. an invalid ValueSet is refused at the sender, naming the path; nothing is sent', async () => {
    system = createMediaSystem();
    const app = system.launchApp({ id: 'a', task: taskUrl('probe'), host });
    const bmp = app.backgroundMediaPlayer;
    bmp.current;
    expect(() => bmp.sendMessageToBackground({ type: 'seq', n: Number.NaN })).toThrow(
      ValueSetError,
    );
    expect(() =>
      bmp.sendMessageToBackground({ type: 'seq', deep: { f: () => 1 } } as never),
    ).toThrow(/deep\.f/);
    expect(() => bmp.sendMessageToBackground(JSON.parse('{"__proto__": {"x": 1}}'))).toThrow(
      ValueSetError,
    );
    bmp.sendMessageToBackground({ type: 'seq', n: 1 });
    bmp.sendMessageToBackground({ type: 'report' });
    const report = await nextMessage(bmp, (d) => d.type === 'report');
    expect(report.received).toBe(2);
    expect(report.order).toEqual([1]);
  });

  it('4. messages arrive in order, exactly once, both ways', async () => {
    system = createMediaSystem();
    const app = system.launchApp({ id: 'a', task: taskUrl('probe'), host });
    const bmp = app.backgroundMediaPlayer;
    const sent = Array.from({ length: 300 }, (_, i) => i);
    for (const n of sent)
      bmp.sendMessageToBackground({ type: 'seq', n, at: new Date(1_700_000_000_000 + n) });
    bmp.sendMessageToBackground({ type: 'report' });
    const report = await nextMessage(bmp, (d) => d.type === 'report');
    expect(report.order).toEqual(sent);

    const got: number[] = [];
    const all = new Promise<void>((resolve) => {
      bmp.on('messageReceivedFromBackground', ({ data }) => {
        if (data.type !== 'many') return;
        got.push(data.i as number);
        if (got.length === 200) resolve();
      });
    });
    bmp.sendMessageToBackground({ type: 'sendMany', n: 200 });
    await all;
    expect(got).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('4. messages sent before the other side has a handler wait for it, in order', async () => {
    system = createMediaSystem();
    const app = system.launchApp({ id: 'a', task: taskUrl('lateHandler'), host });
    const bmp = app.backgroundMediaPlayer;
    for (let n = 0; n < 20; n++) bmp.sendMessageToBackground({ type: 'n', n });
    bmp.sendMessageToBackground({ type: 'report' });
    const report = nextMessage(bmp, (d) => d.type === 'report');
    // The task registers its handler only when the volume changes: after these messages arrived.
    await bmp.current.setVolume(0.5);
    expect((await report).got).toEqual(Array.from({ length: 20 }, (_, n) => n));

    // Background -> foreground: the task talks before the foreground listens.
    const app2 = system.launchApp({ id: 'b', task: taskUrl('probe'), host });
    const bmp2 = app2.backgroundMediaPlayer;
    const player2 = bmp2.current;
    let opened = false;
    player2.on('mediaOpened', () => {
      opened = true;
    });
    bmp2.sendMessageToBackground({ type: 'sendMany', n: 5 });
    // The task takes its messages in order: once the source set after `sendMany` has opened,
    // the five messages have been sent, with no one listening for them yet.
    bmp2.sendMessageToBackground({ type: 'source', uri: 'virtual:one?duration=60000' });
    await waitFor(() => opened, { what: 'the source set after sendMany to open' });
    const got: number[] = [];
    bmp2.on('messageReceivedFromBackground', ({ data }) => {
      if (data.type === 'many') got.push(data.i as number);
    });
    await waitFor(() => got.length >= 5, { what: 'the five buffered messages' });
    expect(got).toEqual([0, 1, 2, 3, 4]);
  });

  it('4. a full buffer is reported as an error event, never dropped silently', async () => {
    system = createMediaSystem({ messageBufferLimit: 3 });
    const app = system.launchApp({ id: 'a', task: taskUrl('probe'), host });
    const bmp = app.backgroundMediaPlayer;
    const errors: Error[] = [];
    bmp.on('error', (e) => errors.push(e));
    bmp.current;
    app.suspend();
    bmp.sendMessageToBackground({ type: 'sendMany', n: 5 });
    // `ready` and the first two fit; each later message is refused with its own error.
    await waitFor(() => errors.length >= 3, {
      what: 'an overflow error for each message that did not fit',
      seen: () => errors.map((e) => e.name).join(', ') || 'no error',
    });
    for (const error of errors) {
      expect(error).toBeInstanceOf(MessageBufferOverflowError);
      expect((error as MessageBufferOverflowError).limit).toBe(3);
    }
    // What fitted is delivered, in order, once someone listens and the app is back.
    const got: string[] = [];
    bmp.on('messageReceivedFromBackground', ({ data }) =>
      got.push(data.type === 'many' ? `many:${data.i}` : String(data.type)),
    );
    app.resume();
    await waitFor(() => got.length >= 3, { what: 'the three buffered messages' });
    expect(got.slice(0, 3)).toEqual(['ready', 'many:0', 'many:1']);
  });

  it('5. run starts on the first current read, handler registration or message — not before', async () => {
    system = createMediaSystem();
    const a = system.launchApp({ id: 'a', task: taskUrl('probe'), host });
    const b = system.launchApp({ id: 'b', task: taskUrl('probe'), host });
    const c = system.launchApp({ id: 'c', task: taskUrl('probe'), host });
    const d = system.launchApp({ id: 'd', task: taskUrl('probe'), host });
    a.backgroundMediaPlayer.on('taskStateChanged', () => {});
    expect(system.backgroundTasks()).toEqual([]);
    a.backgroundMediaPlayer.current;
    b.backgroundMediaPlayer.on('messageReceivedFromBackground', () => {});
    c.backgroundMediaPlayer.sendMessageToBackground({ type: 'report' });
    expect(
      system
        .backgroundTasks()
        .map((t) => t.appId)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
    expect(d.instanceId).toBeNull();
    await Promise.all([a, b, c].map((x) => taskState(x.backgroundMediaPlayer, 'alive')));
  });

  it('6. run returning without a deferral completes the task', async () => {
    system = createMediaSystem();
    const app = system.launchApp({ id: 'a', task: taskUrl('noDeferral'), host });
    const bmp = app.backgroundMediaPlayer;
    const states = recordStates(bmp);
    const player = bmp.current;
    await taskState(bmp, 'completed');
    expect(states).toEqual(['starting', 'running', 'completed']);
    await expect(player.play()).rejects.toBeInstanceOf(TaskUnavailableError);
  });

  it('6. canceled may arrive while run executes and is followed by completed', async () => {
    system = createMediaSystem();
    const app = system.launchApp({ id: 'a', task: taskUrl('slowRun'), host });
    const bmp = app.backgroundMediaPlayer;
    const states = recordStates(bmp);
    const canceled = nextMessage(bmp, (d) => d.type === 'canceled');
    await taskState(bmp, 'running');
    const done = bmp.shutdown();
    expect(await canceled).toEqual({ type: 'canceled', reason: 'abort' });
    await done;
    // Worker and process: the cancel arrives while run still executes, so the task goes from
    // running straight to canceling. Inline: run blocks the only thread, so it has returned.
    expect(states.slice(-2)).toEqual(['canceling:abort', 'completed']);
    if (host !== 'inline') expect(states).not.toContain('alive');
  });

  it('6. a cancelled task that does not complete its deferral is terminated after the grace period', async () => {
    const clock = new VirtualClock();
    system = createMediaSystem({ clock, cancellationGraceMs: 5_000 });
    const app = system.launchApp({ id: 'a', task: taskUrl('stubborn'), host });
    const bmp = app.backgroundMediaPlayer;
    const states = recordStates(bmp);
    const player = bmp.current;
    await taskState(bmp, 'alive');
    const canceled = nextMessage(bmp, (d) => d.type === 'canceled');
    const done = bmp.shutdown();
    await canceled;
    // Until the grace period is over the task still runs, and answers.
    await expect(player.setVolume(0.5)).resolves.toBeUndefined();
    expect(player.snapshot.volume).toBe(0.5);
    await clock.advanceAsync(4_999);
    expect(app.instanceId).not.toBeNull();
    await clock.advanceAsync(1);
    await done;
    expect(states).toEqual([
      'starting',
      'running',
      'alive',
      'canceling:abort',
      'terminated:graceExpired',
    ]);
    await expect(player.setVolume(0.1)).rejects.toBeInstanceOf(TaskUnavailableError);
  });

  it('reading current as soon as the task completed starts a fresh instance', async () => {
    system = createMediaSystem();
    const app = system.launchApp({ id: 'a', task: taskUrl('noDeferral'), host });
    const bmp = app.backgroundMediaPlayer;
    const instances: string[] = [];
    const completed: string[] = [];
    bmp.on('taskStateChanged', ({ state, instanceId }) => {
      if (state === 'starting') instances.push(instanceId);
      if (state !== 'completed') return;
      completed.push(instanceId);
      if (instances.length === 1) bmp.current;
    });
    bmp.current;
    await waitFor(() => completed.length >= 2, { what: 'two instances to complete' });
    expect(instances).toHaveLength(2);
    expect(instances[1]).not.toBe(instances[0]);
    expect(completed).toEqual(instances);
  });

  it('9. reading current after the task ended starts a fresh instance', async () => {
    system = createMediaSystem();
    const app = system.launchApp({ id: 'a', task: taskUrl('probe'), host });
    const bmp = app.backgroundMediaPlayer;
    bmp.current;
    const first = (await nextMessage(bmp, (d) => d.type === 'ready')).instanceId;
    await bmp.shutdown();
    expect(app.instanceId).toBeNull();
    const ready = nextMessage(bmp, (d) => d.type === 'ready');
    const player = bmp.current;
    const second = (await ready).instanceId;
    expect(second).not.toBe(first);
    await player.setVolume(0.3);
    expect(player.snapshot.volume).toBe(0.3);
  });

  it('a task module that is not a defineBackgroundTask export fails with a clear error', async () => {
    system = createMediaSystem();
    const app = system.launchApp({ id: 'a', task: taskUrl('notATask'), host });
    const bmp = app.backgroundMediaPlayer;
    const error = new Promise<Error>((r) => bmp.on('error', r));
    const terminated = taskState(bmp, 'terminated');
    bmp.current;
    expect((await error).message).toMatch(/defineBackgroundTask/);
    expect((await terminated).reason).toBe('crashed');
  });

  it('a run that throws ends the task as crashed and reports the error', async () => {
    system = createMediaSystem();
    const app = system.launchApp({ id: 'a', task: taskUrl('throwsInRun'), host });
    const bmp = app.backgroundMediaPlayer;
    const error = new Promise<Error>((r) => bmp.on('error', r));
    const terminated = taskState(bmp, 'terminated');
    bmp.current;
    const e = await error;
    expect(e.name).toBe('RangeError');
    expect(e.message).toBe('run failed on purpose');
    expect((await terminated).reason).toBe('crashed');
  });
});

describe('messages to a terminated foreground', () => {
  it('raise ForegroundUnavailableError in the task (inline host, where the test can look)', async () => {
    system = createMediaSystem({ policies: { sharedLifetime: false } });
    const app = system.launchApp({ id: 'a', task: taskUrl('probe'), host: 'inline' });
    const bmp = app.backgroundMediaPlayer;
    bmp.current;
    await nextMessage(bmp, (d) => d.type === 'ready');
    const armed = nextMessage(bmp, (d) => d.type === 'armed');
    bmp.sendMessageToBackground({ type: 'tryForeground' });
    await armed;
    const trySend = (globalThis as { __backbeatProbeTry?: () => Record<string, unknown> })
      .__backbeatProbeTry;
    expect(trySend).toBeTypeOf('function');
    // While the foreground is there, the same send from the task arrives.
    const hello = nextMessage(bmp, (d) => d.type === 'hello');
    expect(trySend!()).toEqual({ sent: true, foregroundState: 'visible' });
    await hello;
    await app.terminate();
    expect(() => bmp.sendMessageToBackground({ type: 'late' })).toThrow(/terminated/);
    const seen = trySend!();
    expect(seen).toMatchObject({
      name: 'ForegroundUnavailableError',
      code: 'FOREGROUND_UNAVAILABLE',
      // The advice can be followed: the task can read the state it is told to check.
      foregroundState: 'terminated',
    });
    expect(seen.message).toMatch(/backgroundMediaPlayer\.foregroundState/);
    delete (globalThis as { __backbeatProbeTry?: unknown }).__backbeatProbeTry;
  });
});
