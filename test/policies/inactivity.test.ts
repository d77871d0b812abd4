import { deviceFamilies, type MediaSystem, type VirtualClock } from 'backbeat';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createPolicySystem,
  families,
  IDLE_MS,
  pause,
  play,
  saved,
  startApp,
  type Watched,
} from './helpers.ts';

/*
 * DESIGN 10, inactivity timeout: while the foreground is not visible AND the player is not
 * playing, a timer runs (`inactivityTimeoutMs`); if neither changed when it fires, the task is
 * cancelled (`idleTask`). Only mobile enforces it. The timer runs on the system's VirtualClock;
 * the task itself runs in a worker.
 */

let system: MediaSystem | undefined;
let clock: VirtualClock;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

/** Starts an app whose player has played and is paused, foreground suspended: inactive. */
async function inactiveApp(): Promise<Watched> {
  const w = await startApp(system!, 'music');
  await play(w);
  await pause(w);
  w.app.suspend();
  return w;
}

const alive = (w: Watched) =>
  expect(system!.backgroundTasks()).toEqual([
    { appId: 'music', instanceId: w.app.instanceId, state: 'alive' },
  ]);

describe('inactivity timeout on mobile (worker host)', () => {
  it('cancels an inactive task after exactly inactivityTimeoutMs (idleTask)', async () => {
    ({ system, clock } = createPolicySystem('mobile'));
    const w = await inactiveApp();
    await clock.advanceAsync(IDLE_MS - 1);
    alive(w);
    await clock.advanceAsync(1);
    expect(w.trail.at(-1)).toBe('canceling:idleTask');
    await w.untilState('completed');
    expect(system.backgroundTasks()).toEqual([]);
    // What the task said while the app was suspended waits for it to come back.
    expect(w.messages.filter((m) => m.type === 'saved')).toEqual([]);
    w.app.resume();
    expect(await saved(w)).toEqual({ type: 'saved', reason: 'idleTask' });
  });

  it('is reset by resume: the timer starts again from the next suspend', async () => {
    ({ system, clock } = createPolicySystem('mobile'));
    const w = await inactiveApp();
    await clock.advanceAsync(IDLE_MS - 1);
    w.app.resume();
    await clock.advanceAsync(IDLE_MS * 3); // visible: never
    alive(w);
    w.app.suspend();
    await clock.advanceAsync(IDLE_MS - 1);
    alive(w);
    await clock.advanceAsync(1);
    expect(w.trail.at(-1)).toBe('canceling:idleTask');
    await w.untilState('completed');
  });

  it('is reset by play: never while playing, counting again from the next pause', async () => {
    ({ system, clock } = createPolicySystem('mobile'));
    const w = await inactiveApp();
    await clock.advanceAsync(IDLE_MS - 1);
    await play(w);
    await clock.advanceAsync(IDLE_MS * 3); // playing: never
    alive(w);
    await pause(w);
    await clock.advanceAsync(IDLE_MS - 1);
    alive(w);
    await clock.advanceAsync(1);
    expect(w.trail.at(-1)).toBe('canceling:idleTask');
    await w.untilState('completed');
  });

  it('never fires while the foreground is visible, however long the player is paused', async () => {
    ({ system, clock } = createPolicySystem('mobile'));
    const w = await startApp(system, 'music');
    await play(w);
    await pause(w);
    await clock.advanceAsync(IDLE_MS * 10);
    alive(w);
    expect(w.trail).toEqual(['starting', 'running', 'alive']);
  });

  it('never fires while the player plays, however long the app is suspended', async () => {
    ({ system, clock } = createPolicySystem('mobile'));
    const w = await startApp(system, 'music');
    await play(w);
    w.app.suspend();
    await clock.advanceAsync(IDLE_MS * 10);
    alive(w);
    expect(w.playing).toBe(true);
  });

  it('counts while the foreground has terminated (not visible) and the player is paused', async () => {
    ({ system, clock } = createPolicySystem('mobile'));
    const w = await startApp(system, 'music');
    await play(w);
    await pause(w);
    await w.app.terminate();
    alive(w);
    await clock.advanceAsync(IDLE_MS);
    expect(w.trail.at(-1)).toBe('canceling:idleTask');
    await w.untilState('completed');
  });
});

describe.each(families.filter((f) => !deviceFamilies[f].inactivityTimeout))(
  'no inactivity timeout on %s (worker host)',
  (deviceFamily) => {
    it('an inactive task is never cancelled for inactivity', async () => {
      ({ system, clock } = createPolicySystem(deviceFamily));
      const w = await inactiveApp();
      await clock.advanceAsync(IDLE_MS * 10);
      alive(w);
      expect(w.trail).toEqual(['starting', 'running', 'alive']);
    });
  },
);

describe('inactivity overrides (worker host)', () => {
  it('desktop with the inactivity timeout turned on cancels an inactive task', async () => {
    ({ system, clock } = createPolicySystem('desktop', { policies: { inactivityTimeout: true } }));
    const w = await inactiveApp();
    await clock.advanceAsync(IDLE_MS);
    expect(w.trail.at(-1)).toBe('canceling:idleTask');
    await w.untilState('completed');
  });

  it('mobile with the inactivity timeout turned off leaves an inactive task alone', async () => {
    ({ system, clock } = createPolicySystem('mobile', { policies: { inactivityTimeout: false } }));
    const w = await inactiveApp();
    await clock.advanceAsync(IDLE_MS * 10);
    alive(w);
  });
});
