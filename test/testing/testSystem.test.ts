import { createTestSystem, recordApp, type TestSystem, VirtualClock } from 'backbeat/testing';
import { afterEach, describe, expect, it } from 'vitest';

const fixture = (path: string) => new URL(`../fixtures/${path}.mjs`, import.meta.url);

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

describe('createTestSystem', () => {
  it('runs on a virtual clock that runs every due timer, in order, at once', () => {
    system = createTestSystem();
    expect(system.clock).toBeInstanceOf(VirtualClock);
    const fired: string[] = [];
    system.clock.setTimeout(() => fired.push('b@300000'), 300_000);
    system.clock.setTimeout(() => {
      fired.push('a@1000');
      system!.clock.setTimeout(() => fired.push('c@1500'), 500);
    }, 1_000);
    system.clock.advance(299_999);
    expect(fired).toEqual(['a@1000', 'c@1500']);
    system.clock.advance(1);
    expect(fired).toEqual(['a@1000', 'c@1500', 'b@300000']);
    expect(system.clock.now()).toBe(300_000);
  });

  it('resolves the policies and timings in force, defaults filled in', () => {
    system = createTestSystem({
      deviceFamily: 'mobile',
      policies: { sharedLifetime: true },
      inactivityTimeoutMs: 1_000,
    });
    expect(system.deviceFamily).toBe('mobile');
    expect(system.policies).toEqual({
      exclusivity: true,
      inactivityTimeout: true,
      sharedLifetime: true,
    });
    expect(system.timings).toEqual({
      inactivityTimeoutMs: 1_000,
      cancellationGraceMs: 5_000,
      runBudgetMs: 2_000,
      startTimeoutMs: 10_000,
    });
  });

  it('refuses a clock of its own and bad timings, quoting them', () => {
    expect(() => createTestSystem({ clock: new VirtualClock() } as never)).toThrow(/clock/);
    expect(() => createTestSystem({ inactivityTimeoutMs: -1 })).toThrow(/`-1`/);
    expect(() => createTestSystem({ deviceFamily: 'tablet' as never })).toThrow(/`tablet`/);
  });

  it('hosts tasks inline, with virtual audio on the system clock', async () => {
    system = createTestSystem();
    const app = system.launchApp({ id: 'a', task: fixture('tasks/probe') });
    expect(app.host).toBe('inline');
    const recording = recordApp(app);
    await system.waitFor(() => recording.messages.some((m) => m.type === 'ready'));
    const ended: string[] = [];
    app.backgroundMediaPlayer.current.on('mediaEnded', () => ended.push('ended'));
    app.backgroundMediaPlayer.sendMessageToBackground({
      type: 'source',
      uri: 'virtual:short?duration=20',
    });
    await system.waitFor(() => recording.playing, { what: 'playing' });
    // Media time is virtual: the 20 ms item does not end while more real time than that passes…
    const from = Date.now();
    await system.waitFor(() => Date.now() - from >= 60, { what: '60 ms of real time' });
    await system.settle();
    expect(ended).toEqual([]);
    expect(system.clock.now()).toBe(0);
    // …and the synchronous advance runs the task's timers, but the hop to the foreground has
    // not happened when it returns;
    system.clock.advance(20);
    expect(ended).toEqual([]);
    await system.settle();
    expect(ended).toEqual(['ended']);
    expect(recording.playing).toBe(false);
  });

  it('advance() lets the hops started by each timer settle before it returns', async () => {
    system = createTestSystem();
    const app = system.launchApp({ id: 'a', task: fixture('tasks/probe') });
    const recording = system.record(app);
    await system.waitFor(() => recording.taskState === 'alive');
    const states: string[] = [];
    app.backgroundMediaPlayer.current.on('currentStateChanged', ({ state }) => states.push(state));
    app.backgroundMediaPlayer.sendMessageToBackground({
      type: 'play',
      uris: ['virtual:one?duration=1000&buffering=200', 'virtual:two?duration=1000'],
    });
    await system.waitFor(() => states.length > 0);
    await system.advance(2_200);
    expect(states.filter((s) => s === 'playing').length).toBeGreaterThanOrEqual(1);
    expect(states.at(-1)).not.toBe('playing');
    expect(system.clock.now()).toBe(2_200);
  });

  it('presses virtual controls as a headset would; the press reaches the task', async () => {
    system = createTestSystem();
    const app = system.launchApp({ id: 'a', task: fixture('tasks/probe') });
    const recording = system.record(app);
    // The task enables its buttons in run; the controls attach as soon as the task has any.
    await system.waitFor(() => recording.taskState === 'alive' && system!.controls.attached, {
      what: 'the task to enable its controls',
    });
    await expect(system.controls.press('next')).resolves.toBe(true);
    await system.settle();
    expect(recording.messages).toContainEqual({ type: 'button', button: 'next' });
    await expect(system.controls.press('rewind')).resolves.toBe(false);
  });

  it('records the task lifecycle as a trail, policy timers on the virtual clock', async () => {
    system = createTestSystem({ deviceFamily: 'mobile', inactivityTimeoutMs: 60_000 });
    const app = system.launchApp({ id: 'a', task: fixture('policy/player') });
    const recording = system.record(app);
    await system.waitFor(() => recording.taskState === 'alive');
    await app.backgroundMediaPlayer.current.play();
    await system.waitFor(() => recording.playing);
    await system.controls.press('pause');
    await system.waitFor(() => !recording.playing);
    app.suspend();
    await system.advance(59_999);
    expect(recording.taskState).toBe('alive');
    await system.advance(1);
    expect(recording.trail).toEqual([
      'starting',
      'running',
      'alive',
      'canceling:idleTask',
      'completed',
    ]);
    app.resume();
    await system.settle();
    expect(recording.messages).toContainEqual({ type: 'saved', reason: 'idleTask' });
  });

  it('dispose() cancels first: a save-on-cancel task saves; the clock does not move for it', async () => {
    const s = createTestSystem();
    const app = s.launchApp({ id: 'a', task: fixture('policy/player') });
    const recording = s.record(app);
    await s.waitFor(() => recording.taskState === 'alive');
    await s.dispose();
    expect(recording.trail.slice(-2)).toEqual(['canceling:abort', 'completed']);
    expect(recording.messages).toContainEqual({ type: 'saved', reason: 'abort' });
    expect(s.clock.now()).toBe(0);
  });

  it('dispose() runs the virtual clock through the grace of a task that ignores canceled', async () => {
    const s = createTestSystem({ cancellationGraceMs: 3_000 });
    const app = s.launchApp({ id: 'a', task: fixture('policy/stubborn') });
    const recording = s.record(app);
    await s.waitFor(() => recording.taskState === 'alive');
    await Promise.all([s.dispose(), s.dispose()]);
    expect(recording.trail.slice(-2)).toEqual(['canceling:abort', 'terminated:graceExpired']);
    expect(recording.messages).toContainEqual({ type: 'ignored', reason: 'abort' });
    expect(s.clock.now()).toBe(3_000);
    expect(app.instanceId).toBeNull();
  });

  it('waitFor rejects after its real-time limit, naming what it waited for', async () => {
    system = createTestSystem();
    await expect(system.waitFor(() => false, { timeoutMs: 20, what: 'Godot' })).rejects.toThrow(
      /20 ms of real time waiting for Godot/,
    );
  });
});
