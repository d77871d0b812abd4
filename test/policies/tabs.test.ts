import type { MediaSystem } from 'backbeat';
import { afterEach, describe, expect, it } from 'vitest';
// Types only: the hook is internal (not in the package's .d.ts), the system is the built one.
import type { TabsHook, TaskChange } from '../../src/actors/foreground/tabs.ts';
import { createPolicySystem, saved, startApp } from './helpers.ts';

/*
 * The hook a media system offers the sharing of tasks across browser tabs (the browser glue,
 * with real Web Locks and BroadcastChannel, is tested in Chromium in test/browser/tabs.test.ts).
 * Here: the real system and a real worker task, driven through the hook.
 */

let system: MediaSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

const hookOf = (s: MediaSystem) => (s as unknown as { _tabs: TabsHook })._tabs;

describe('the media system tab hook', () => {
  it('on mobile, audio taken by another tab cancels the live task with systemPolicy', async () => {
    ({ system } = createPolicySystem('mobile'));
    const hook = hookOf(system);
    expect(hook.exclusivity).toBe(true);
    const music = await startApp(system, 'music');
    hook.audioTakenElsewhere();
    expect(await saved(music)).toEqual({ type: 'saved', reason: 'systemPolicy' });
    await music.untilState('completed');
    expect(music.trail).toContain('canceling:systemPolicy');
    expect(system.backgroundTasks()).toEqual([]);
  });

  it('on desktop (no exclusivity), audio taken elsewhere cancels nothing', async () => {
    ({ system } = createPolicySystem('desktop'));
    const hook = hookOf(system);
    expect(hook.exclusivity).toBe(false);
    const music = await startApp(system, 'music');
    hook.audioTakenElsewhere();
    // A call's round trip later the task still answers, uncancelled.
    expect(await music.app.backgroundMediaPlayer.isMediaPlaying()).toBe(false);
    expect(music.trail).toEqual(['starting', 'running', 'alive']);
    expect(system.backgroundTasks()).toEqual([
      { appId: 'music', instanceId: music.app.instanceId, state: 'alive' },
    ]);
  });

  it("reports every task change, and lists the other tabs' tasks after its own, marked", async () => {
    ({ system } = createPolicySystem('other'));
    const hook = hookOf(system);
    const changes: TaskChange[] = [];
    const off = hook.onTaskChange((change) => changes.push(change));
    const music = await startApp(system, 'music');
    const instanceId = music.app.instanceId!;
    expect(changes).toEqual([
      { type: 'taskStateChanged', appId: 'music', instanceId, state: 'starting' },
      { type: 'taskStateChanged', appId: 'music', instanceId, state: 'running' },
      { type: 'taskStateChanged', appId: 'music', instanceId, state: 'alive' },
    ]);
    expect(hook.localTasks()).toEqual([{ appId: 'music', instanceId, state: 'alive' }]);
    hook.setOtherTabs([{ appId: 'podcasts', instanceId: 'podcasts#1.1', state: 'alive' }]);
    expect(system.backgroundTasks()).toEqual([
      { appId: 'music', instanceId, state: 'alive' },
      { appId: 'podcasts', instanceId: 'podcasts#1.1', state: 'alive', tab: 'other' },
    ]);
    expect(hook.localTasks()).toHaveLength(1);
    off();
    let disposedHeard = 0;
    hook.onDispose(() => disposedHeard++);
    await system.dispose();
    expect(disposedHeard).toBe(1);
    expect(changes).toHaveLength(3);
    expect(system.backgroundTasks()).toEqual([]);
  });
});
