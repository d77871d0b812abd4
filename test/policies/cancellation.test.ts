import type { MediaSystem } from 'backbeat';
import { afterEach, describe, expect, it } from 'vitest';
import { createPolicySystem, families, pause, play, saved, startApp } from './helpers.ts';

/*
 * DESIGN 8 and 9, the cancellations every device family applies: a task started but not yet
 * playing when its foreground suspends (`conditionLoss`), phone and VoIP calls
 * (`resourceRevocation`), and a VoIP call on a low-memory device, which terminates the task
 * without notice.
 */

let system: MediaSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

describe.each(families)('cancellation causes on %s (worker host)', (deviceFamily) => {
  it('conditionLoss: started, not yet playing, app suspended', async () => {
    ({ system } = createPolicySystem(deviceFamily));
    const w = await startApp(system, 'music');
    w.app.suspend();
    expect(w.trail.at(-1)).toBe('canceling:conditionLoss');
    await w.untilState('completed');
    w.app.resume();
    expect(await saved(w)).toEqual({ type: 'saved', reason: 'conditionLoss' });
  });

  it('no conditionLoss once the player has played', async () => {
    ({ system } = createPolicySystem(deviceFamily));
    const w = await startApp(system, 'music');
    await play(w);
    await pause(w);
    w.app.suspend();
    expect(system.backgroundTasks().map((t) => t.state)).toEqual(['alive']);
    expect(w.trail).toEqual(['starting', 'running', 'alive']);
  });

  it('a phone call cancels every background task (resourceRevocation)', async () => {
    ({ system } = createPolicySystem(deviceFamily, { policies: { exclusivity: false } }));
    const a = await startApp(system, 'a');
    const b = await startApp(system, 'b');
    await play(a);
    system.interrupt('phoneCall');
    // The system cancels both at once; each then completes on its own time.
    expect([a.trail.at(-1), b.trail.at(-1)]).toEqual([
      'canceling:resourceRevocation',
      'canceling:resourceRevocation',
    ]);
    for (const w of [a, b]) {
      expect(await saved(w)).toEqual({ type: 'saved', reason: 'resourceRevocation' });
      await w.untilState('completed');
    }
    expect(system.backgroundTasks()).toEqual([]);
  });

  it('a VoIP call cancels the task (resourceRevocation)', async () => {
    ({ system } = createPolicySystem(deviceFamily));
    const w = await startApp(system, 'music');
    await play(w);
    system.interrupt('voipCall');
    expect(await saved(w)).toEqual({ type: 'saved', reason: 'resourceRevocation' });
    await w.untilState('completed');
  });

  it('a VoIP call with low memory terminates the task without notice', async () => {
    ({ system } = createPolicySystem(deviceFamily));
    const w = await startApp(system, 'music');
    await play(w);
    const pending = w.app.backgroundMediaPlayer.current.setVolume(0.5).catch((e: Error) => e);
    system.interrupt('voipCall', { lowMemory: true });
    await w.untilState('terminated');
    expect(w.trail).toEqual(['starting', 'running', 'alive', 'terminated:lowMemory']);
    const outcome = await pending;
    if (outcome instanceof Error) expect(outcome.name).toBe('TaskUnavailableError');
    // No `canceled` reached the task, so it never said `saved`.
    expect(w.messages.filter((m) => m.type === 'saved')).toEqual([]);
    expect(system.backgroundTasks()).toEqual([]);
  });
});
