// The quickstart's background task, run through every lifecycle path the system can take on
// each device family, on a virtual clock: whenever the system cancels the task, its playback is
// checkpointed and it completes its deferral in time; after a kill without notice the next
// instance carries on from the last checkpoint.
import { createTestSystem, type LifecyclePath, lifecyclePaths, recordApp } from 'backbeat/testing';
import { afterEach, describe, expect, it } from 'vitest';

const task = new URL('./task.mjs', import.meta.url);
// The quickstart's tracks are 1.5 s each: let the inactivity timeout elapse well within them.
const inactivityTimeoutMs = 1_000;

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});

async function run(path: LifecyclePath) {
  const system = createTestSystem({ deviceFamily: path.deviceFamily, inactivityTimeoutMs });
  dispose = () => system.dispose();
  const app = system.launchApp({ id: 'quickstart', task });
  const result = await path.run(system, app);
  return { ...result, checkpoint: await system.stateStore.load('quickstart') };
}

describe.each(['desktop', 'mobile', 'other'] as const)('quickstart on %s', (deviceFamily) => {
  const paths = lifecyclePaths({ deviceFamily });

  it.each(paths.map((path) => [path.description, path] as const))('%s', async (_, path) => {
    const run_ = await run(path);
    // The system did what the model says it does on this device family.
    expect(run_.ending).toEqual(path.expected);

    switch (path.expected.task) {
      case 'canceled': {
        // On every path that cancels the task, it completes its deferral within the grace period…
        expect(run_.outcome).toBe('completed');
        expect(run_.trail.slice(-2)).toEqual([`canceling:${path.expected.reason}`, 'completed']);
        // …after saving its state, which reaches the foreground unless the foreground is gone.
        const saved = run_.messages.filter((m) => m.type === 'saved');
        // The playback checkpoint of the cancellation carries what the handler added.
        expect(run_.checkpoint).toMatchObject({
          reason: 'canceled',
          instanceId: run_.instanceId,
          appState: { canceledBy: path.expected.reason },
        });
        if (run_.foreground === 'terminated') {
          expect(saved).toEqual([]);
        } else {
          expect(saved).toEqual([
            expect.objectContaining({ type: 'saved', reason: path.expected.reason }),
          ]);
        }
        break;
      }
      case 'terminated':
        // Terminated without notice: no `canceled`, so nothing could be saved.
        expect(run_.outcome).toBe('terminated');
        expect(run_.terminatedWith).toBe(path.expected.reason);
        expect(run_.trail).not.toContain('canceling');
        expect(run_.messages.filter((m) => m.type === 'saved')).toEqual([]);
        break;
      case 'alive':
        expect(run_.outcome).toBe('alive');
        expect(run_.errors).toEqual([]);
        break;
    }
  });
});

describe('quickstart resume', () => {
  it.each(['inline', 'worker'] as const)(
    'on the %s host, a kill without notice loses at most the checkpoint interval',
    async (host) => {
      const system = createTestSystem({ deviceFamily: 'mobile' });
      dispose = () => system.dispose();
      const app = system.launchApp({ id: 'quickstart', task, host });
      const recording = recordApp(app);
      // Inline media runs on the virtual clock: move it while waiting; worker media plays itself.
      const until = async (condition: () => boolean) => {
        if (host === 'worker') return system.waitFor(condition);
        for (let t = 0; !condition() && t < 5_000; t += 50) await system.advance(50);
        expect(condition()).toBe(true);
      };
      // Loading the task module takes real time: wait for the task before moving the clock.
      await system.waitFor(() => recording.taskState === 'alive');
      app.backgroundMediaPlayer.sendMessageToBackground({ type: 'start' });
      await until(() => recording.playing);
      app.backgroundMediaPlayer.sendMessageToBackground({ type: 'skipNext' });
      await until(() => recording.messages.some((m) => m.type === 'trackChanged' && m.index === 1));
      if (host === 'inline') {
        // 1.2 s into "Noon": the checkpoint taken at 1 s of it survives the kill.
        for (let t = 0; t < 1_200; t += 100) await system.advance(100);
      }
      system.interrupt('voipCall', { lowMemory: true });
      await system.waitFor(() => recording.taskState === 'terminated');
      const saved = await system.stateStore.load('quickstart');
      expect(saved?.currentItemIndex).toBe(1);
      void app.backgroundMediaPlayer.current;
      await system.waitFor(() => recording.messages.some((m) => m.type === 'resumed'));
      const resumed = recording.messages.find((m) => m.type === 'resumed');
      expect(resumed).toMatchObject({ index: 1, position: saved?.position });
      if (host === 'inline') expect(resumed?.position).toBeGreaterThanOrEqual(1_000);
      await until(() =>
        recording.messages.some(
          (m) => m.type === 'trackChanged' && m.reason === 'initialItem' && m.index === 1,
        ),
      );
      recording.stop();
    },
  );
});
