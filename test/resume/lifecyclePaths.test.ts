import type { App } from 'backbeat';
import { createTestSystem, type LifecyclePath, lifecyclePaths } from 'backbeat/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { follow, resumableTask, spyStore, tell } from './support.ts';

/*
 * The resumable task walked through every lifecycle path: the system's cancellation always
 * finds it saving (a `canceled` checkpoint that carries what its handler set), and after every
 * kind of end (cancellation, termination without notice) a fresh instance — of the same app, or
 * of the app launched again when its foreground was closed — comes back where the last
 * checkpoint left it.
 */

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});

async function walkAndRestore(path: LifecyclePath, host: 'inline' | 'worker') {
  const spy = spyStore();
  const system = createTestSystem({
    deviceFamily: path.deviceFamily,
    inactivityTimeoutMs: 1_000,
    stateStore: spy.store,
  });
  dispose = () => system.dispose();
  const app = system.launchApp({ id: 'music', task: resumableTask, host });
  const run = await path.run(system, app);
  expect(run.ending, path.description).toEqual(path.expected);
  const own = spy.saved.filter((c) => c.instanceId === run.instanceId);
  // Even a task killed at once has checkpointed its first item.
  expect(own.length, path.description).toBeGreaterThan(0);

  if (path.expected.task === 'canceled') {
    expect(run.outcome, path.description).toBe('completed');
    expect(own.filter((c) => c.reason === 'canceled').at(-1), path.description).toMatchObject({
      appState: { canceledBy: path.expected.reason },
    });
  }
  if (path.expected.task === 'alive') return;

  const last = spy.saved.at(-1)!;
  let again: App = app;
  if (app.state === 'terminated') {
    again = system.launchApp({ id: 'music', task: resumableTask, host });
  } else if (app.state === 'suspended') {
    app.resume();
  }
  // The ended instance may still be on its way out (worker host): wait for it, then start anew.
  await system.waitFor(() => app.instanceId !== run.instanceId, {
    what: 'the old instance to end',
  });
  const followed = follow(system, again);
  void again.backgroundMediaPlayer.current;
  await system.waitFor(() => again.instanceId !== null && again.instanceId !== run.instanceId, {
    what: `a fresh instance after "${path.description}"`,
  });
  const instanceId = again.instanceId!;
  const ready = await followed.message('ready', instanceId);
  expect(ready, path.description).toMatchObject({
    restored: true,
    reason: last.reason,
    appState: last.appState,
  });
  await system.advance(0);
  const opened = await followed.message('opened', instanceId);
  expect(opened.index, path.description).toBe(last.currentItemIndex);
  tell(again, { type: 'state' });
  const state = await followed.message('state', instanceId);
  expect(state.position, path.description).toBe(last.position);
}

describe.each(['desktop', 'mobile', 'other'] as const)('resume on every path (%s)', (family) => {
  const paths = lifecyclePaths({ deviceFamily: family });
  it.each(paths.map((p) => [p.description, p] as const))('%s', async (_, path) => {
    await walkAndRestore(path, 'inline');
  });
});

describe('resume on the worker host', () => {
  it('mobile: one path per kind of end saves and restores', async () => {
    const paths = lifecyclePaths({ deviceFamily: 'mobile' });
    const kinds = new Map<string, LifecyclePath>();
    for (const path of paths) {
      const kind = `${path.expected.task}:${'reason' in path.expected ? path.expected.reason : ''}`;
      if (path.expected.task !== 'alive' && !kinds.has(kind)) kinds.set(kind, path);
    }
    expect([...kinds.keys()].sort()).toEqual([
      'canceled:abort',
      'canceled:conditionLoss',
      'canceled:idleTask',
      'canceled:resourceRevocation',
      'canceled:systemPolicy',
      'terminated:lowMemory',
    ]);
    for (const path of kinds.values()) {
      await walkAndRestore(path, 'worker');
      await dispose?.();
      dispose = undefined;
    }
  });
});
