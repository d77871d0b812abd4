import {
  createMediaSystem,
  type MediaSystem,
  SystemDisposedError,
  TaskUnavailableError,
  VirtualClock,
} from 'backbeat';
import { afterEach, describe, expect, it } from 'vitest';
import { nextMessage, taskState, taskUrl } from './helpers.ts';

let system: MediaSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

type Way = 'throw' | 'exit' | 'oom' | 'loop';

const expectedReason: Record<Way, string> = {
  throw: 'crashed',
  exit: 'exited',
  oom: 'memoryLimit',
  loop: 'unresponsive',
};

/** A settled call as `answered` or the name of the error it was rejected with. */
function outcomeOf(result: PromiseSettledResult<unknown>): string {
  if (result.status === 'fulfilled') return 'answered';
  return result.reason instanceof TaskUnavailableError ? result.reason.name : String(result.reason);
}

/**
 * Starts a probe task, makes it busy so calls queue up, then lets it die in `way`. Returns the
 * settled calls and the terminated event.
 */
async function killMidCall(host: 'worker' | 'process', way: Way) {
  const watchdogClock = new VirtualClock();
  system = createMediaSystem({
    memoryLimitMb: 48,
    watchdogClock,
    heartbeat: { intervalMs: 1_000, timeoutMs: 3_000 },
  });
  const app = system.launchApp({ id: 'a', task: taskUrl('probe'), host });
  const bmp = app.backgroundMediaPlayer;
  const player = bmp.current;
  const first = (await nextMessage(bmp, (d) => d.type === 'ready', 20_000)).instanceId;
  const terminated = taskState(bmp, 'terminated', 30_000);
  bmp.sendMessageToBackground({ type: 'busy', ms: 300, andThen: way });
  // What one turn sends goes as one post: let the message go first, so the calls arrive while
  // the task is busy (sent in the same post, they would be answered before it dies).
  await Promise.resolve();
  const calls = [player.setVolume(0.1), player.play(), player.seek(10), player.setMuted(true)];
  if (way === 'loop') {
    // Pings travel on the channel behind `busy`: the task takes `busy` first and never returns
    // from it, so the ping sent now is never answered, whenever the task gets to it.
    await watchdogClock.advanceAsync(1_000);
    await watchdogClock.advanceAsync(3_000);
  }
  const settled = await Promise.allSettled(calls);
  const ended = await terminated;
  return { app, bmp, player, settled, ended, first };
}

describe.each(['worker', 'process'] as const)('a %s task that dies mid-call', (host) => {
  it.each(['throw', 'exit', 'oom', 'loop'] as const)(
    'by %s: every pending call rejects with TaskUnavailableError, and current starts a fresh instance',
    async (way) => {
      const { bmp, player, settled, ended, first } = await killMidCall(host, way);
      expect(ended.reason).toBe(expectedReason[way]);
      // A throw deferred to a later tick may let the task apply calls that arrived meanwhile:
      // their answers were posted before it died and are kept. Every other call rejects.
      const applied: PromiseSettledResult<void>[] =
        way === 'throw' ? settled.filter((r) => r.status === 'fulfilled') : [];
      for (const result of settled) {
        if (applied.includes(result)) continue;
        expect(result.status).toBe('rejected');
        expect((result as PromiseRejectedResult).reason).toBeInstanceOf(TaskUnavailableError);
      }
      // Later calls on the dead instance reject at once.
      await expect(player.pause()).rejects.toBeInstanceOf(TaskUnavailableError);
      // Reading current again starts a new instance that works.
      const ready = nextMessage(bmp, (d) => d.type === 'ready', 20_000);
      const again = bmp.current;
      const second = (await ready).instanceId;
      expect(second).not.toBe(first);
      await again.setVolume(0.3);
      expect(again.snapshot.volume).toBe(0.3);
    },
    60_000,
  );
});

describe.each(['worker', 'process', 'inline'] as const)(
  'the system ends a %s task while calls are pending',
  (host) => {
    it('VoIP call with low memory: terminated without notice, calls reject', async () => {
      system = createMediaSystem({ deviceFamily: 'mobile' });
      const app = system.launchApp({ id: 'a', task: taskUrl('probe'), host });
      const bmp = app.backgroundMediaPlayer;
      const player = bmp.current;
      await nextMessage(bmp, (d) => d.type === 'ready', 20_000);
      const canceled: unknown[] = [];
      bmp.on('messageReceivedFromBackground', ({ data }) => {
        if (data.type === 'canceled') canceled.push(data);
      });
      const terminated = taskState(bmp, 'terminated');
      if (host !== 'inline') bmp.sendMessageToBackground({ type: 'busy', ms: 200 });
      const calls = [player.setVolume(0.2), player.play()];
      system.interrupt('voipCall', { lowMemory: true });
      expect((await terminated).reason).toBe('lowMemory');
      const outcomes = (await Promise.allSettled(calls)).map(outcomeOf);
      // A busy worker or process answers neither; an inline task may have answered already.
      if (host === 'inline') {
        expect(outcomes).toHaveLength(2);
        for (const outcome of outcomes)
          expect(['answered', 'TaskUnavailableError']).toContain(outcome);
      } else {
        expect(outcomes).toEqual(['TaskUnavailableError', 'TaskUnavailableError']);
      }
      expect(canceled).toEqual([]);
      await expect(player.play()).rejects.toBeInstanceOf(TaskUnavailableError);
    });

    it('system dispose: no pending call hangs, later calls say the system is disposed', async () => {
      system = createMediaSystem();
      const app = system.launchApp({ id: 'a', task: taskUrl('probe'), host });
      const bmp = app.backgroundMediaPlayer;
      const player = bmp.current;
      await nextMessage(bmp, (d) => d.type === 'ready', 20_000);
      if (host !== 'inline') bmp.sendMessageToBackground({ type: 'busy', ms: 300 });
      const calls = Promise.allSettled([player.setVolume(0.2), player.play()]);
      const disposing = system.dispose();
      system = undefined;
      await disposing;
      // The task was cancelled first, so it may have answered the calls before it ended.
      const outcomes = (await calls).map(outcomeOf);
      expect(outcomes).toHaveLength(2);
      for (const outcome of outcomes)
        expect(['answered', 'TaskUnavailableError']).toContain(outcome);
      await expect(player.play()).rejects.toBeInstanceOf(SystemDisposedError);
    });
  },
);

describe.each(['worker', 'process'] as const)('resource policy on the %s host', (host) => {
  it('a run that does not return within its budget is terminated without notice', async () => {
    const clock = new VirtualClock();
    system = createMediaSystem({ clock, runBudgetMs: 2_000, heartbeat: false });
    const app = system.launchApp({ id: 'a', task: taskUrl('loopInRun'), host });
    const bmp = app.backgroundMediaPlayer;
    const player = bmp.current;
    await taskState(bmp, 'running', 20_000);
    const terminated = taskState(bmp, 'terminated');
    const call = player.setVolume(0.5);
    await clock.advanceAsync(2_000);
    expect((await terminated).reason).toBe('runBudgetExceeded');
    await expect(call).rejects.toBeInstanceOf(TaskUnavailableError);
  });
});
