import { deviceFamilies, type MediaSystem } from 'backbeat';
import { afterEach, describe, expect, it } from 'vitest';
import { createPolicySystem, families, saved, startApp } from './helpers.ts';

/*
 * DESIGN 8 and 10, exclusivity: at most one background audio task on the device; a new one
 * cancels the old (`systemPolicy`). Desktop does not enforce it; mobile and other do.
 */

let system: MediaSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

describe.each(families)('exclusivity on %s (worker host)', (deviceFamily) => {
  const enforced = deviceFamilies[deviceFamily].exclusivity;

  it(
    enforced
      ? "a second app's task cancels the first's (systemPolicy); the newcomer keeps audio"
      : 'two apps keep their background tasks side by side',
    async () => {
      ({ system } = createPolicySystem(deviceFamily));
      const first = await startApp(system, 'first');
      const second = await startApp(system, 'second');
      if (enforced) {
        expect(first.trail).toContain('canceling:systemPolicy');
        expect(await saved(first)).toEqual({ type: 'saved', reason: 'systemPolicy' });
        await first.untilState('completed');
        expect(second.trail).not.toContain('canceling:systemPolicy');
        expect(system.backgroundTasks()).toEqual([
          { appId: 'second', instanceId: second.app.instanceId, state: 'alive' },
        ]);
        // The holder moves on: a third app's task cancels the second's, not the newcomer's.
        const third = await startApp(system, 'third');
        await second.untilState('completed');
        expect(second.trail).toContain('canceling:systemPolicy');
        expect(third.trail).not.toContain('canceling:systemPolicy');
      } else {
        expect(system.backgroundTasks().map((t) => [t.appId, t.state])).toEqual([
          ['first', 'alive'],
          ['second', 'alive'],
        ]);
        expect(first.trail).toEqual(['starting', 'running', 'alive']);
      }
    },
  );
});

describe('exclusivity overrides (worker host)', () => {
  it('desktop with exclusivity turned on cancels the first task', async () => {
    ({ system } = createPolicySystem('desktop', { policies: { exclusivity: true } }));
    const first = await startApp(system, 'first');
    await startApp(system, 'second');
    await first.untilState('completed');
    expect(first.trail).toEqual([
      'starting',
      'running',
      'alive',
      'canceling:systemPolicy',
      'completed',
    ]);
  });

  it('mobile with exclusivity turned off lets both tasks live', async () => {
    ({ system } = createPolicySystem('mobile', { policies: { exclusivity: false } }));
    const first = await startApp(system, 'first');
    await startApp(system, 'second');
    expect(system.backgroundTasks().map((t) => t.state)).toEqual(['alive', 'alive']);
    expect(first.trail).not.toContain('canceling:systemPolicy');
  });
});
