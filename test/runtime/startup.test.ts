import {
  type BackgroundMediaPlayer,
  createMediaSystem,
  type MediaSystem,
  TaskUnavailableError,
  VirtualClock,
} from 'backbeat';
import { createVirtualControls } from 'backbeat/controls/virtual';
import { waitFor } from 'backbeat/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { hosts, nextMessage, recordStates, taskState, taskUrl } from './helpers.ts';

let system: MediaSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

/** Resolves with the state an instance ended in (`completed` or `terminated:reason`). */
async function settled(bmp: BackgroundMediaPlayer, ms: number): Promise<string> {
  const ends: string[] = [];
  const off = bmp.on('taskStateChanged', ({ state, reason }) => {
    if (state === 'completed' || state === 'terminated')
      ends.push(reason ? `${state}:${reason}` : state);
  });
  try {
    return await waitFor(() => ends[0], { timeoutMs: ms, what: 'the task to end' });
  } finally {
    off();
  }
}

/**
 * Controls that tell when a task announced its controls state: its runtime is up and its
 * channel open, whether or not its module has loaded.
 */
function announcedControls() {
  const controls = createVirtualControls();
  const attach = controls.attach.bind(controls);
  const announced = new Promise<void>((resolve) => {
    controls.attach = (target) => {
      attach(target);
      resolve();
    };
  });
  return Object.assign(controls, { announced });
}

describe.each(hosts)('start-up on the %s host', (host) => {
  it('a task whose module takes 4 s to load runs under startTimeoutMs 20 000', async () => {
    // The real watchdog clock and its default beat: the slow load must not look like a hang.
    system = createMediaSystem({ startTimeoutMs: 20_000 });
    const app = system.launchApp({ id: 'slow', task: taskUrl('slowLoad'), host });
    const bmp = app.backgroundMediaPlayer;
    const states = recordStates(bmp);
    const ready = nextMessage(bmp, (d) => d.type === 'ready', 25_000);
    const player = bmp.current;
    // Made while the module loads: answered once run has returned.
    await player.setVolume(0.4);
    await ready;
    expect(player.snapshot.volume).toBe(0.4);
    expect(states).toEqual(['starting', 'running', 'alive']);
    await expect(player.play()).resolves.toBeUndefined();
  }, 40_000);

  it('a module that never finishes loading is ended by startTimeoutMs; calls made meanwhile reject', async () => {
    const clock = new VirtualClock();
    const controls = announcedControls();
    system = createMediaSystem({ clock, startTimeoutMs: 20_000, controlsAdapters: [controls] });
    const app = system.launchApp({ id: 'a', task: taskUrl('neverLoads'), host });
    const bmp = app.backgroundMediaPlayer;
    const states = recordStates(bmp);
    const player = bmp.current;
    let answered = false;
    const call = player.setVolume(0.5).then(() => {
      answered = true;
    });
    // The task's runtime is up (it announced its controls) while its module is still loading.
    await controls.announced;
    const terminated = taskState(bmp, 'terminated', 20_000);
    await clock.advanceAsync(19_999);
    expect(answered).toBe(false);
    expect(states).toEqual(['starting']);
    await clock.advanceAsync(1);
    expect((await terminated).reason).toBe('startTimeout');
    await expect(call).rejects.toBeInstanceOf(TaskUnavailableError);
  });

  it('calls made while starting reject with TaskUnavailableError when run throws', async () => {
    system = createMediaSystem();
    const app = system.launchApp({ id: 'a', task: taskUrl('throwsInRun'), host });
    const bmp = app.backgroundMediaPlayer;
    const errors: Error[] = [];
    bmp.on('error', (e) => errors.push(e));
    const terminated = taskState(bmp, 'terminated', 20_000);
    const player = bmp.current;
    const calls = [player.play(), player.setVolume(0.2), player.seek(1_000), player.pause()];
    const results = await Promise.allSettled(calls);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(TaskUnavailableError);
    }
    expect((await terminated).reason).toBe('crashed');
    expect(errors.map((e) => e.message)).toEqual(['run failed on purpose']);
    await expect(bmp.isMediaPlaying()).resolves.toBe(false);
  });

  it.each([
    ['throws at its top level', 'throwsOnLoad', /failed to load on purpose/],
    ['does not export a defined task', 'notATask', /defineBackgroundTask/],
  ])(
    'calls made while starting reject with TaskUnavailableError when the module %s',
    async (_what, fixture, message) => {
      system = createMediaSystem();
      const app = system.launchApp({ id: 'a', task: taskUrl(fixture), host });
      const bmp = app.backgroundMediaPlayer;
      const error = new Promise<Error>((resolve) => bmp.on('error', resolve));
      const terminated = taskState(bmp, 'terminated', 20_000);
      const player = bmp.current;
      const calls = [player.play(), player.setMuted(true)];
      const results = await Promise.allSettled(calls);
      for (const result of results) {
        expect((result as PromiseRejectedResult).reason).toBeInstanceOf(TaskUnavailableError);
      }
      expect((await error).message).toMatch(message);
      expect((await terminated).reason).toBe('crashed');
      // A fresh instance of a good task works after the failed one.
      const good = system.launchApp({ id: 'b', task: taskUrl('probe'), host });
      await good.backgroundMediaPlayer.current.setVolume(0.6);
      expect(good.backgroundMediaPlayer.current.snapshot.volume).toBe(0.6);
    },
  );

  it('a call made while starting is answered after run, on the state run left', async () => {
    system = createMediaSystem();
    const app = system.launchApp({ id: 'a', task: taskUrl('probe'), host });
    const bmp = app.backgroundMediaPlayer;
    const states = recordStates(bmp);
    const player = bmp.current;
    const snapshot = await player.setVolume(0.25).then(() => states.slice());
    // run had returned (the task is alive, holding its deferral) when the call was served.
    expect(snapshot).toContain('alive');
    expect(player.snapshot.volume).toBe(0.25);
  });

  it('twenty apps launched at once on mobile end with the last alive, the others canceled systemPolicy', async () => {
    // Real time throughout, the watchdog on its default real clock and beat. The start timeout is
    // raised: twenty runtimes loading at once on a small machine is a slow start, not a hang.
    system = createMediaSystem({ deviceFamily: 'mobile', startTimeoutMs: 120_000 });
    const count = 20;
    const apps = Array.from({ length: count }, (_, i) =>
      system!.launchApp({ id: `app${i}`, task: taskUrl('completesOnCancel'), host }),
    );
    const states = apps.map((app) => recordStates(app.backgroundMediaPlayer));
    const ends = apps.slice(0, -1).map((app) => settled(app.backgroundMediaPlayer, 120_000));
    const last = apps.at(-1)!.backgroundMediaPlayer;
    const lastAlive = taskState(last, 'alive', 120_000);
    for (const app of apps) app.backgroundMediaPlayer.current;
    const outcomes = await Promise.all(ends);
    await lastAlive;
    expect(outcomes).toEqual(Array.from({ length: count - 1 }, () => 'completed'));
    for (const seen of states.slice(0, -1)) {
      expect(seen).toContain('canceling:systemPolicy');
      expect(seen.filter((s) => s.startsWith('terminated'))).toEqual([]);
    }
    expect(states.at(-1)).toEqual(['starting', 'running', 'alive']);
    expect(system.backgroundTasks().map((t) => t.appId)).toEqual([`app${count - 1}`]);
    await expect(last.current.setVolume(0.5)).resolves.toBeUndefined();
  }, 180_000);
});

describe.each(['worker', 'process'] as const)('the heartbeat on the %s host', (host) => {
  it('does not ping before run is entered, and guards the task once it runs', async () => {
    const watchdogClock = new VirtualClock();
    system = createMediaSystem({
      watchdogClock,
      heartbeat: { intervalMs: 1_000, timeoutMs: 3_000 },
    });
    const app = system.launchApp({ id: 'a', task: taskUrl('probe'), host });
    const bmp = app.backgroundMediaPlayer;
    const states = recordStates(bmp);
    const ready = nextMessage(bmp, (d) => d.type === 'ready', 20_000);
    const player = bmp.current;
    // Long past the heartbeat timeout while the runtime is still coming up: no ping is owed yet.
    await watchdogClock.advanceAsync(60_000);
    await ready;
    await player.setVolume(0.3);
    expect(states).toEqual(['starting', 'running', 'alive']);
    // Now it watches: a task that stops answering is terminated as unresponsive.
    const terminated = taskState(bmp, 'terminated', 20_000);
    bmp.sendMessageToBackground({ type: 'busy', ms: 0, andThen: 'loop' });
    const pending = player.play();
    // The next ping goes out behind the message that makes the task spin: it is never answered.
    await watchdogClock.advanceAsync(1_000);
    await watchdogClock.advanceAsync(3_000);
    expect((await terminated).reason).toBe('unresponsive');
    await expect(pending).rejects.toBeInstanceOf(TaskUnavailableError);
  }, 40_000);
});
