// The quickstart's background task, run through every lifecycle path the system can take on
// each device family, on a virtual clock: whenever the system cancels the task, it saves its
// state and completes its deferral in time.
import { createTestSystem, type LifecyclePath, lifecyclePaths } from 'backbeat/testing';
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
  return path.run(system, app);
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
