import {
  createTestSystem,
  type LifecyclePath,
  lifecyclePaths,
  type TestSystem,
  type TestSystemOptions,
} from 'backbeat/testing';
import { afterEach, describe, expect, it } from 'vitest';

const fixture = (path: string) => new URL(`../fixtures/${path}.mjs`, import.meta.url);

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

function launch(path: LifecyclePath, task: string, options: TestSystemOptions = {}) {
  system = createTestSystem({
    deviceFamily: path.deviceFamily,
    inactivityTimeoutMs: 10_000,
    ...options,
  });
  return { system, app: system.launchApp({ id: 'app', task: fixture(task) }) };
}

const find = (paths: LifecyclePath[], description: string) => {
  const path = paths.find((p) => p.description === description);
  if (!path) throw new Error(`no path "${description}"`);
  return path;
};

describe('path.run on a well-behaved task', () => {
  it.each(['desktop', 'mobile', 'other'] as const)(
    '%s: the system ends the task as predicted on every path, and the task completes in time',
    async (deviceFamily) => {
      const paths = lifecyclePaths({ deviceFamily });
      expect(paths.length).toBeGreaterThan(1);
      for (const path of paths) {
        const { system: s, app } = launch(path, 'policy/player');
        const run = await path.run(s, app);
        expect(run.ending, path.description).toEqual(path.expected);
        expect(run.outcome, path.description).toBe(
          path.expected.task === 'alive'
            ? 'alive'
            : path.expected.task === 'canceled'
              ? 'completed'
              : 'terminated',
        );
        expect(run.path).toBe(path);
        expect(run.instanceId).toMatch(/^app#/);
        await s.dispose();
        system = undefined;
      }
    },
  );
});

describe('path.run reports what the task did', () => {
  it('a task that ignores cancellation is terminated when the grace period runs out', async () => {
    const paths = lifecyclePaths({ deviceFamily: 'mobile' });
    const canceling = paths.filter((p) => p.expected.task === 'canceled');
    expect(canceling.length).toBeGreaterThan(10);
    for (const path of canceling) {
      const { system: s, app } = launch(path, 'policy/stubborn', { cancellationGraceMs: 3_000 });
      const run = await path.run(s, app);
      expect(run.outcome, path.description).toBe('terminated');
      expect(run.terminatedWith, path.description).toBe('graceExpired');
      expect(run.trail.slice(-2)).toEqual([
        `canceling:${(path.expected as { reason: string }).reason}`,
        'terminated:graceExpired',
      ]);
      // The grace period is virtual time: it ran out on the clock, not in real time.
      expect(s.clock.now()).toBeGreaterThanOrEqual(3_000);
      if (run.foreground !== 'terminated') {
        expect(run.messages).toContainEqual(expect.objectContaining({ type: 'ignored' }));
      }
      await s.dispose();
      system = undefined;
    }
  });

  it('a path that terminates without notice says so: no canceled, no chance to save', async () => {
    const path = find(
      lifecyclePaths({ deviceFamily: 'desktop' }),
      'VoIP call (low memory) ⇒ terminated (lowMemory)',
    );
    const { system: s, app } = launch(path, 'policy/player');
    const run = await path.run(s, app);
    expect(run).toMatchObject({ outcome: 'terminated', terminatedWith: 'lowMemory' });
    expect(run.trail).toEqual(['starting', 'running', 'alive', 'terminated:lowMemory']);
    expect(run.messages.filter((m) => m.type === 'saved')).toEqual([]);
  });

  it('plays and pauses the way the options say (here: headset buttons)', async () => {
    const path = find(
      lifecyclePaths({ deviceFamily: 'mobile' }),
      'play → pause → suspend → inactivity timeout elapses ⇒ canceled (idleTask)',
    );
    const { system: s, app } = launch(path, 'policy/player');
    const pressed: string[] = [];
    const run = await path.run(s, app, {
      play: async () => {
        await s.waitFor(() => s.controls.attached);
        pressed.push('play');
        await s.controls.press('play');
      },
      pause: async () => {
        pressed.push('pause');
        await s.controls.press('pause');
      },
    });
    expect(pressed).toEqual(['play', 'pause']);
    expect(run.trail.slice(-2)).toEqual(['canceling:idleTask', 'completed']);
    // The held message was delivered after the path by resuming the (then idle) app.
    expect(run.foreground).toBe('suspended');
    expect(run.messages).toContainEqual({ type: 'saved', reason: 'idleTask' });
  });
});

describe('path.run refuses what it cannot follow', () => {
  const [path] = lifecyclePaths({ deviceFamily: 'mobile', events: ['suspend'] });

  it('a task that plays by itself', async () => {
    const { system: s, app } = launch(path!, 'policy/autoplay');
    await expect(path!.run(s, app)).rejects.toMatchObject({
      code: 'LIFECYCLE_PATH_DIVERGED',
      message: expect.stringMatching(/at its start.*player playing/),
    });
  });

  it('a task that takes no deferral', async () => {
    const { system: s, app } = launch(path!, 'tasks/noDeferral');
    await expect(path!.run(s, app)).rejects.toMatchObject({
      code: 'LIFECYCLE_PATH_DIVERGED',
      message: expect.stringMatching(/task completed/),
    });
  });

  it('a system with other policies than the path', async () => {
    const { app } = launch(path!, 'policy/player', { deviceFamily: 'desktop' });
    await expect(path!.run(system!, app)).rejects.toThrow(/generated for the policies/);
  });

  it('an app whose task already started', async () => {
    const { system: s, app } = launch(path!, 'policy/player');
    void app.backgroundMediaPlayer.current;
    await expect(path!.run(s, app)).rejects.toThrow(/freshly launched app/);
  });
});

describe('path.run on the worker host', () => {
  const paths = lifecyclePaths({ deviceFamily: 'mobile' });
  it.each([
    'play → pause → suspend → inactivity timeout elapses ⇒ canceled (idleTask)',
    'play → another app takes audio ⇒ canceled (systemPolicy)',
    'suspend ⇒ canceled (conditionLoss)',
    'play → VoIP call (low memory) ⇒ terminated (lowMemory)',
  ])('%s', async (description) => {
    const path = find(paths, description);
    const { system: s, app } = launch(path, 'policy/player', { defaultHost: 'worker' });
    expect(app.host).toBe('worker');
    const run = await path.run(s, app, { realTimeoutMs: 20_000 });
    expect(run.ending).toEqual(path.expected);
    expect(run.outcome).toBe(path.expected.task === 'canceled' ? 'completed' : 'terminated');
  });
});
