import {
  BackbeatError,
  createMediaSystem,
  type MediaPlayerProxy,
  type MediaSystem,
  SystemDisposedError,
  TaskCrashedError,
  TaskUnavailableError,
  VirtualClock,
} from 'backbeat';
import { waitFor } from 'backbeat/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { hosts, nextMessage, recordStates, taskState, taskUrl } from './helpers.ts';

const policyTask = (name: string) => new URL(`../fixtures/policy/${name}.mjs`, import.meta.url);

/** Resolves once the player's replica says it is playing (the state arrives as an event). */
async function playing(player: MediaPlayerProxy): Promise<void> {
  await waitFor(() => player.snapshot.currentState === 'playing', {
    what: 'the player to play',
    seen: () => player.snapshot.currentState,
  });
}

let system: MediaSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

describe.each(hosts)('the foreground lifecycle on the %s host', (host) => {
  describe('after system.dispose()', () => {
    it('current, messages, handlers, shutdown and player calls fail as disposed and start nothing', async () => {
      const s = createMediaSystem();
      const app = s.launchApp({ id: 'a', task: taskUrl('probe'), host });
      const fresh = s.launchApp({ id: 'b', task: taskUrl('probe'), host });
      const bmp = app.backgroundMediaPlayer;
      const player = bmp.current;
      await nextMessage(bmp, (d) => d.type === 'ready', 20_000);
      await s.dispose();

      for (const target of [app, fresh]) {
        const view = target.backgroundMediaPlayer;
        expect(() => view.current).toThrow(SystemDisposedError);
        expect(() => view.current).toThrow(/disposed/);
        expect(() => view.sendMessageToBackground({ type: 'x' })).toThrow(SystemDisposedError);
        expect(() => view.on('messageReceivedFromBackground', () => {})).toThrow(
          SystemDisposedError,
        );
        const shutdown = view.shutdown();
        await expect(shutdown).rejects.toBeInstanceOf(SystemDisposedError);
        await expect(shutdown).rejects.toBeInstanceOf(BackbeatError);
        expect(target.instanceId).toBeNull();
      }
      await expect(player.play()).rejects.toThrow(/disposed/);
      expect(() => s.launchApp({ id: 'c', task: taskUrl('probe'), host })).toThrow(
        SystemDisposedError,
      );
      expect(s.backgroundTasks()).toEqual([]);
    });

    it('dispose() twice (at once and after) is fine', async () => {
      const s = createMediaSystem();
      const app = s.launchApp({ id: 'a', task: taskUrl('probe'), host });
      const bmp = app.backgroundMediaPlayer;
      bmp.current;
      await nextMessage(bmp, (d) => d.type === 'ready', 20_000);
      const first = s.dispose();
      const second = s.dispose();
      await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined]);
      await expect(s.dispose()).resolves.toBeUndefined();
      expect(app.instanceId).toBeNull();
    });
  });

  describe('dispose() and shutdown() raise canceled first', () => {
    it('dispose(): a save-on-cancel task saves and completes', async () => {
      system = createMediaSystem();
      const app = system.launchApp({ id: 'a', task: policyTask('player'), host });
      const bmp = app.backgroundMediaPlayer;
      const states = recordStates(bmp);
      const saved = nextMessage(bmp, (d) => d.type === 'saved', 20_000);
      bmp.current;
      await taskState(bmp, 'alive', 20_000);
      const disposing = system.dispose();
      system = undefined;
      expect(await saved).toEqual({ type: 'saved', reason: 'abort' });
      await disposing;
      expect(states.slice(-2)).toEqual(['canceling:abort', 'completed']);
      expect(app.instanceId).toBeNull();
    });

    it('shutdown(): a save-on-cancel task saves and completes', async () => {
      system = createMediaSystem();
      const app = system.launchApp({ id: 'a', task: policyTask('player'), host });
      const bmp = app.backgroundMediaPlayer;
      const states = recordStates(bmp);
      const saved = nextMessage(bmp, (d) => d.type === 'saved', 20_000);
      bmp.current;
      await taskState(bmp, 'alive', 20_000);
      const done = bmp.shutdown();
      expect(await saved).toEqual({ type: 'saved', reason: 'abort' });
      await done;
      expect(states.slice(-2)).toEqual(['canceling:abort', 'completed']);
    });

    it('dispose(): a task that does not complete its deferral is terminated when the grace runs out', async () => {
      const clock = new VirtualClock();
      const s = createMediaSystem({ clock, cancellationGraceMs: 5_000 });
      const app = s.launchApp({ id: 'a', task: taskUrl('stubborn'), host });
      const bmp = app.backgroundMediaPlayer;
      const states = recordStates(bmp);
      const canceled = nextMessage(bmp, (d) => d.type === 'canceled', 20_000);
      bmp.current;
      await taskState(bmp, 'alive', 20_000);
      let disposed = false;
      const disposing = s.dispose().then(() => {
        disposed = true;
      });
      expect(await canceled).toEqual({ type: 'canceled', reason: 'abort' });
      // While the task has its grace, nothing new starts.
      expect(() => bmp.current).toThrow(SystemDisposedError);
      expect(() => s.launchApp({ id: 'b', task: taskUrl('probe'), host })).toThrow(/disposed/);
      await clock.advanceAsync(4_999);
      expect(disposed).toBe(false);
      expect(app.instanceId).not.toBeNull();
      await clock.advanceAsync(1);
      await disposing;
      expect(states.slice(-2)).toEqual(['canceling:abort', 'terminated:graceExpired']);
      expect(app.instanceId).toBeNull();
    });
  });

  describe('relaunching an app id whose task outlived its foreground', () => {
    it('adopts the task: one live task, same instance, exclusivity does not cancel it', async () => {
      system = createMediaSystem({ deviceFamily: 'mobile' }); // exclusivity on, shared lifetime off
      const first = system.launchApp({ id: 'music', task: policyTask('player'), host });
      const ready = nextMessage(first.backgroundMediaPlayer, (d) => d.type === 'ready', 20_000);
      const firstPlayer = first.backgroundMediaPlayer.current;
      const { instanceId } = await ready;
      await firstPlayer.play();
      await playing(firstPlayer);
      await first.terminate();
      expect(first.instanceId).toBe(instanceId);

      const again = system.launchApp({ id: 'music', task: policyTask('player'), host });
      const bmp = again.backgroundMediaPlayer;
      const states = recordStates(bmp);
      expect(again.instanceId).toBe(instanceId);
      const player = bmp.current;
      await player.setVolume(0.4);
      expect(player.snapshot.volume).toBe(0.4);
      expect(player.snapshot.currentState).toBe('playing');
      expect(again.instanceId).toBe(instanceId);
      expect(system.backgroundTasks()).toEqual([{ appId: 'music', instanceId, state: 'alive' }]);
      // The adopted task talks to the new foreground (it knows the foreground is visible again).
      const saved = nextMessage(bmp, (d) => d.type === 'saved', 20_000);
      await bmp.shutdown();
      expect(await saved).toEqual({ type: 'saved', reason: 'abort' });
      expect(states).toEqual(['canceling:abort', 'completed']);
      expect(system.backgroundTasks()).toEqual([]);
    });
  });

  describe('a task that ended', () => {
    it('leaves the old proxy reading closed, its position no longer moving', async () => {
      const clock = new VirtualClock();
      system = createMediaSystem({ clock, cancellationGraceMs: 5_000 });
      const app = system.launchApp({ id: 'a', task: policyTask('stubborn'), host });
      const bmp = app.backgroundMediaPlayer;
      const player = bmp.current;
      await taskState(bmp, 'alive', 20_000);
      await player.play();
      await playing(player);
      // While the task plays, the proxy's position moves on with the clock.
      const moving = player.position;
      clock.advance(1_000);
      expect(player.position).toBeGreaterThan(moving);
      const terminated = taskState(bmp, 'terminated', 20_000);
      const done = bmp.shutdown();
      await clock.advanceAsync(5_000);
      expect((await terminated).reason).toBe('graceExpired');
      await done;
      expect(player.snapshot.currentState).toBe('closed');
      const position = player.position;
      clock.advance(60_000);
      expect(player.position).toBe(position);
      expect(player.snapshot.currentState).toBe('closed');
    });

    it('once taskStateChanged said terminated, a call through current reaches a fresh instance', async () => {
      const clock = new VirtualClock();
      system = createMediaSystem({ clock, cancellationGraceMs: 5_000 });
      const app = system.launchApp({ id: 'a', task: taskUrl('stubborn'), host });
      const bmp = app.backgroundMediaPlayer;
      const starts: string[] = [];
      let inListener: Promise<void> | undefined;
      bmp.on('taskStateChanged', ({ state, instanceId }) => {
        if (state === 'starting') starts.push(instanceId);
        // Right inside the notice, before the old host is gone.
        if (state === 'terminated' && !inListener) inListener = bmp.current.setVolume(0.3);
      });
      bmp.current;
      await taskState(bmp, 'alive', 20_000);
      const terminated = taskState(bmp, 'terminated', 20_000);
      const secondAlive = new Promise<void>((resolve) => {
        bmp.on('taskStateChanged', ({ state, instanceId }) => {
          if (state === 'alive' && instanceId !== starts[0]) resolve();
        });
      });
      void bmp.shutdown();
      await clock.advanceAsync(5_000);
      expect((await terminated).reason).toBe('graceExpired');
      await expect(inListener).resolves.toBeUndefined();
      await bmp.current.setMuted(true);
      expect(bmp.current.snapshot).toMatchObject({ volume: 0.3, isMuted: true });
      expect(starts).toHaveLength(2);
      expect(app.instanceId).toBe(starts[1]);
      // The fresh (stubborn) instance also gets its grace when the system is disposed.
      await secondAlive;
      const disposing = system.dispose();
      system = undefined;
      await clock.advanceAsync(5_000);
      await disposing;
    });
  });

  describe('a task that crashes with no call pending', () => {
    it('by throwing: error carries the task error, taskStateChanged says terminated (crashed)', async () => {
      system = createMediaSystem();
      const app = system.launchApp({ id: 'a', task: taskUrl('probe'), host });
      const bmp = app.backgroundMediaPlayer;
      const errors: Error[] = [];
      bmp.on('error', (e) => errors.push(e));
      bmp.current;
      await nextMessage(bmp, (d) => d.type === 'ready', 20_000);
      const terminated = taskState(bmp, 'terminated', 20_000);
      bmp.sendMessageToBackground({ type: 'throw' });
      expect((await terminated).reason).toBe('crashed');
      expect(errors).toHaveLength(1);
      expect(errors[0]!.name).toBe('SyntaxError');
      expect(errors[0]!.message).toBe('the task threw on purpose');
      expect(errors[0]!.stack).toMatch(/probe\.mjs/);
      expect(app.instanceId).toBeNull();
    });
  });

  it('by throwing in its canceled handler: the task error, terminated (crashed); shutdown resolves', async () => {
    system = createMediaSystem();
    const app = system.launchApp({ id: 'a', task: taskUrl('throwsOnCancel'), host });
    const bmp = app.backgroundMediaPlayer;
    const errors: Error[] = [];
    bmp.on('error', (e) => errors.push(e));
    bmp.current;
    await taskState(bmp, 'alive', 20_000);
    const terminated = taskState(bmp, 'terminated', 20_000);
    await bmp.shutdown();
    expect((await terminated).reason).toBe('crashed');
    expect(errors.map((e) => `${e.name}: ${e.message}`)).toEqual([
      'TypeError: cannot save on abort',
    ]);
    expect(errors[0]!.stack).toMatch(/throwsOnCancel\.mjs/);
  });

  describe('MediaPlayer proxy arguments', () => {
    it('wrong types reject the promise (never a sync throw), naming the value', async () => {
      system = createMediaSystem();
      const app = system.launchApp({ id: 'a', task: taskUrl('probe'), host });
      const player = app.backgroundMediaPlayer.current;
      const bad = (call: () => Promise<void>) => {
        let promise: Promise<void> | undefined;
        expect(() => {
          promise = call();
        }).not.toThrow();
        return promise!;
      };
      await expect(bad(() => player.setVolume('loud' as never))).rejects.toThrow(TypeError);
      await expect(bad(() => player.setVolume('loud' as never))).rejects.toThrow(/'loud'/);
      await expect(bad(() => player.setMuted('yes' as never))).rejects.toThrow(/'yes'/);
      await expect(bad(() => player.setPlaybackRate(null as never))).rejects.toThrow(/null/);
      await expect(bad(() => player.setAutoPlay(1 as never))).rejects.toThrow(/`1`/);
      await expect(bad(() => player.setLoopingEnabled({} as never))).rejects.toThrow(TypeError);
      await expect(bad(() => player.seek('10' as never))).rejects.toThrow(/'10'/);
      await expect(bad(() => player.seek(Number.NaN))).rejects.toThrow(RangeError);
      await expect(bad(() => player.seek(Number.NaN))).rejects.toThrow(/NaN/);
      // Nothing bad reached the task: it still answers.
      await player.setVolume(0.5);
      expect(player.snapshot.volume).toBe(0.5);
    });

    it('out-of-range volume and rate are ignored, as in WinRT', async () => {
      system = createMediaSystem();
      const app = system.launchApp({ id: 'a', task: taskUrl('probe'), host });
      const player = app.backgroundMediaPlayer.current;
      await player.setVolume(0.25);
      await player.setPlaybackRate(1.5);
      for (const volume of [1.5, -0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expect(player.setVolume(volume)).resolves.toBeUndefined();
      }
      for (const rate of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expect(player.setPlaybackRate(rate)).resolves.toBeUndefined();
      }
      const snapshot = app.backgroundMediaPlayer.current.snapshot;
      expect(snapshot.volume).toBe(0.25);
      expect(snapshot.playbackRate).toBe(1.5);
    });
  });

  it('the task can read the foreground state it is told to track', async () => {
    system = createMediaSystem();
    const app = system.launchApp({ id: 'a', task: taskUrl('probe'), host });
    const bmp = app.backgroundMediaPlayer;
    bmp.current;
    await nextMessage(bmp, (d) => d.type === 'ready', 20_000);
    const visible = nextMessage(bmp, (d) => d.type === 'foregroundState');
    bmp.sendMessageToBackground({ type: 'foregroundState' });
    expect(await visible).toEqual({ type: 'foregroundState', state: 'visible' });
    // Playing first, so suspending does not cancel the task (conditionLoss).
    bmp.sendMessageToBackground({ type: 'play', uris: ['virtual:long?duration=3600000'] });
    await playing(bmp.current);
    app.suspend();
    const suspended = nextMessage(bmp, (d) => d.type === 'foregroundState');
    bmp.sendMessageToBackground({ type: 'foregroundState' });
    app.resume();
    expect(await suspended).toEqual({ type: 'foregroundState', state: 'suspended' });
  });
});

describe.each(['worker', 'process'] as const)('a %s task that dies on its own', (host) => {
  async function crash(how: 'exit' | 'oom' | 'signal') {
    system = createMediaSystem({ memoryLimitMb: 48, heartbeat: false });
    const app = system.launchApp({ id: 'a', task: taskUrl('probe'), host });
    const bmp = app.backgroundMediaPlayer;
    const errors: Error[] = [];
    bmp.on('error', (e) => errors.push(e));
    bmp.current;
    const { instanceId } = await nextMessage(bmp, (d) => d.type === 'ready', 20_000);
    const terminated = taskState(bmp, 'terminated', 30_000);
    if (how === 'signal') bmp.sendMessageToBackground({ type: 'signal' });
    else bmp.sendMessageToBackground({ type: 'busy', ms: 0, andThen: how });
    const ended = await terminated;
    return { ended, errors, instanceId };
  }

  it('by exiting: error is a TaskCrashedError with the exit code; terminated (exited)', async () => {
    const { ended, errors, instanceId } = await crash('exit');
    expect(ended.reason).toBe('exited');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TaskCrashedError);
    expect(errors[0]).toMatchObject({ code: 'TASK_CRASHED', reason: 'exited', exitCode: 3 });
    expect(errors[0]!.message).toContain(String(instanceId));
  });

  it('by running out of memory: TaskCrashedError (memoryLimit); terminated (memoryLimit)', async () => {
    const { ended, errors } = await crash('oom');
    expect(ended.reason).toBe('memoryLimit');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TaskCrashedError);
    expect(errors[0]).toMatchObject({ reason: 'memoryLimit' });
    expect(errors[0]!.message).toMatch(/out of memory/);
  });

  if (host === 'process') {
    it('by a signal: TaskCrashedError naming the signal; terminated (crashed)', async () => {
      const { ended, errors } = await crash('signal');
      expect(ended.reason).toBe('crashed');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(TaskCrashedError);
      expect(errors[0]).toMatchObject({ signal: 'SIGTERM' });
      expect(errors[0]!.message).toMatch(/SIGTERM/);
    });
  }

  it('by an uncaught throw outside any handler: the task error, with its stack', async () => {
    system = createMediaSystem({ heartbeat: false });
    const app = system.launchApp({ id: 'a', task: taskUrl('probe'), host });
    const bmp = app.backgroundMediaPlayer;
    const errors: Error[] = [];
    bmp.on('error', (e) => errors.push(e));
    bmp.current;
    await nextMessage(bmp, (d) => d.type === 'ready', 20_000);
    const terminated = taskState(bmp, 'terminated', 30_000);
    bmp.sendMessageToBackground({ type: 'busy', ms: 0, andThen: 'throw' });
    expect((await terminated).reason).toBe('crashed');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe('task blew up');
    expect(errors[0]!.stack).toMatch(/probe\.mjs/);
  });
});

describe('TaskUnavailableError advice', () => {
  it('is followable: it points to current, or says the system is disposed', () => {
    expect(new TaskUnavailableError('terminated: graceExpired').message).toMatch(/current again/);
    const disposed = new TaskUnavailableError('media system disposed');
    expect(disposed.message).toMatch(/disposed/);
    expect(disposed.message).not.toMatch(/current again/);
  });
});
