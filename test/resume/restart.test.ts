import type { TaskStateChangedEventArgs } from 'backbeat';
import { createTestSystem, type TestSystem } from 'backbeat/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { follow, hosts, resumableTask } from './support.ts';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

describe.each(hosts)('restarting a %s task from its terminated notice', (host) => {
  it('reading current in the taskStateChanged(terminated) handler starts a fresh instance, which restores', async () => {
    system = createTestSystem();
    const app = system.launchApp({ id: 'music', task: resumableTask, host });
    const { message } = follow(system, app);
    const first = await message('ready');
    const states: TaskStateChangedEventArgs[] = [];
    app.backgroundMediaPlayer.on('taskStateChanged', (e) => {
      states.push(e);
      if (e.state === 'terminated') void app.backgroundMediaPlayer.current;
    });
    system.interrupt('voipCall', { lowMemory: true });
    await system.waitFor(() =>
      states.some((s) => s.state === 'alive' && s.instanceId !== first.instanceId),
    );
    const fresh = states.find((s) => s.state === 'alive')!.instanceId;
    expect(await message('ready', fresh)).toMatchObject({ restored: true });
  });
});
