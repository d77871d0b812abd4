import type { MediaSystem } from 'backbeat';
import { afterEach, describe, expect, it } from 'vitest';
import { createPolicySystem, families, released, startApp, watch } from './helpers.ts';

/* `system.backgroundTasks()`: every live task instance with its app id, instance id and state. */

let system: MediaSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

describe.each(families)('system.backgroundTasks() on %s (worker host)', (deviceFamily) => {
  it('lists app id, instance id and state of each live task, as the lifecycle moves', async () => {
    ({ system } = createPolicySystem(deviceFamily, { policies: { exclusivity: false } }));
    const first = system.launchApp({
      id: 'first',
      task: new URL('../fixtures/policy/player.mjs', import.meta.url),
    });
    expect(system.backgroundTasks()).toEqual([]);
    const w = watch(first);
    expect(system.backgroundTasks()).toEqual([
      { appId: 'first', instanceId: first.instanceId, state: 'starting' },
    ]);
    await w.untilState('alive');
    const second = await startApp(system, 'second');
    expect(system.backgroundTasks()).toEqual([
      { appId: 'first', instanceId: first.instanceId, state: 'alive' },
      { appId: 'second', instanceId: second.app.instanceId, state: 'alive' },
    ]);
    expect(first.instanceId).toMatch(/^first#/);
    expect(second.app.instanceId).toMatch(/^second#/);

    // Cancelled (never played, suspended): canceling until the task completes, then gone.
    first.suspend();
    expect(system.backgroundTasks()[0]).toEqual({
      appId: 'first',
      instanceId: first.instanceId,
      state: 'canceling',
    });
    await w.untilState('completed');
    expect(system.backgroundTasks().map((t) => t.appId)).toEqual(['second']);

    // A fresh instance gets a new id.
    await released(w);
    const before = w.trail.length;
    first.resume();
    void first.backgroundMediaPlayer.current;
    await w.until(() => w.trail.slice(before).includes('alive'), 'a new instance');
    const ids = system.backgroundTasks().map((t) => t.instanceId);
    expect(new Set(ids).size).toBe(2);
    expect(ids).toContain(first.instanceId);
  });
});
