import { deviceFamilies, type MediaSystem, type VirtualClock } from 'backbeat';
import { afterEach, describe, expect, it } from 'vitest';
import { createPolicySystem, families, IDLE_MS, play, released, startApp } from './helpers.ts';

/*
 * DESIGN 8 and 10, shared lifetime: the foreground shutting down shuts the task down
 * (`terminating`); the task ending never ends the foreground. Desktop enforces it; mobile and
 * other let the task outlive its foreground.
 */

let system: MediaSystem | undefined;
let clock: VirtualClock;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

describe.each(families)('shared lifetime on %s (worker host)', (deviceFamily) => {
  const shared = deviceFamilies[deviceFamily].sharedLifetime;

  it(
    shared
      ? 'app.terminate() ends the task with terminating; it completes its deferral'
      : 'app.terminate() leaves the task playing',
    async () => {
      ({ system, clock } = createPolicySystem(deviceFamily));
      const w = await startApp(system, 'music');
      await play(w);
      await w.app.terminate();
      expect(w.app.state).toBe('terminated');
      if (shared) {
        expect(w.trail.at(-1)).toBe('canceling:terminating');
        await w.untilState('completed');
        expect(system.backgroundTasks()).toEqual([]);
        // The task's `saved` could not reach a foreground that is gone.
        expect(w.messages.filter((m) => m.type === 'saved')).toEqual([]);
      } else {
        await clock.advanceAsync(IDLE_MS * 10);
        expect(system.backgroundTasks()).toEqual([
          { appId: 'music', instanceId: expect.any(String), state: 'alive' },
        ]);
        expect(w.trail).toEqual(['starting', 'running', 'alive']);
        expect(await w.app.backgroundMediaPlayer.isMediaPlaying()).toBe(true);
      }
    },
  );

  it('the task ending never ends the foreground', async () => {
    ({ system, clock } = createPolicySystem(deviceFamily));
    const w = await startApp(system, 'music');
    // Shut down by the app: cancelled, completes; the foreground stays.
    await w.app.backgroundMediaPlayer.shutdown();
    expect(w.trail.slice(-2)).toEqual(['canceling:abort', 'completed']);
    expect(w.app.state).toBe('visible');
    // Completed on its own: the foreground stays.
    const first = w.app.instanceId;
    void w.app.backgroundMediaPlayer.current;
    await w.until(() => w.trail.filter((s) => s === 'alive').length === 2, 'a second instance');
    expect(w.app.instanceId).not.toBe(first);
    w.app.backgroundMediaPlayer.sendMessageToBackground({ type: 'complete' });
    await w.until(() => w.trail.filter((s) => s === 'completed').length === 2, 'completion');
    expect(w.app.state).toBe('visible');
    await released(w);
    // Terminated without notice: the foreground stays, and can start a fresh task.
    void w.app.backgroundMediaPlayer.current;
    await w.until(() => w.trail.filter((s) => s === 'alive').length === 3, 'a third instance');
    system.interrupt('voipCall', { lowMemory: true });
    await w.untilState('terminated');
    expect(w.app.state).toBe('visible');
    w.app.suspend();
    w.app.resume();
    expect(w.app.state).toBe('visible');
  });
});

describe('shared lifetime overrides (worker host)', () => {
  it('mobile with shared lifetime turned on ends the task with the foreground', async () => {
    ({ system } = createPolicySystem('mobile', { policies: { sharedLifetime: true } }));
    const w = await startApp(system, 'music');
    await play(w);
    await w.app.terminate();
    await w.untilState('completed');
    expect(w.trail).toEqual(['starting', 'running', 'alive', 'canceling:terminating', 'completed']);
  });

  it('desktop with shared lifetime turned off lets the task outlive the foreground', async () => {
    ({ system } = createPolicySystem('desktop', { policies: { sharedLifetime: false } }));
    const w = await startApp(system, 'music');
    await play(w);
    await w.app.terminate();
    expect(system.backgroundTasks().map((t) => t.state)).toEqual(['alive']);
    expect(w.trail).toEqual(['starting', 'running', 'alive']);
  });
});
