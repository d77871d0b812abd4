import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { VirtualClock } from '../../src/clock.ts';
import type { DeviceFamily, PolicyOverrides } from '../../src/machines/deviceFamilies.ts';
import {
  foregroundStateOf,
  isAnyPlaying,
  liveTasks,
  type MediaSystemEmitted,
  type MediaSystemInput,
  mediaSystemMachine,
} from '../../src/machines/mediaSystem.ts';

function boot(input: MediaSystemInput) {
  const clock = new VirtualClock();
  const actor = createActor(mediaSystemMachine, { input, clock });
  const commands: MediaSystemEmitted[] = [];
  const stateChanges: MediaSystemEmitted[] = [];
  actor.on('cancelTask', (c) => commands.push(c));
  actor.on('terminateTask', (c) => commands.push(c));
  actor.on('taskStateChanged', (c) => stateChanges.push(c));
  actor.start();
  const send = (event: Parameters<typeof actor.send>[0]) => actor.send(event);
  return {
    clock,
    actor,
    commands,
    stateChanges,
    send,
    launch: (appId: string) => send({ type: 'APP_LAUNCHED', appId }),
    /** Starts a task whose run took a deferral and returned: it is `alive`. */
    startAlive(appId: string, instanceId = `${appId}1`) {
      send({ type: 'TASK_STARTING', appId, instanceId });
      send({ type: 'TASK_RUN_ENTERED', appId });
      send({ type: 'TASK_DEFERRAL_TAKEN', appId });
      send({ type: 'TASK_RUN_RETURNED', appId });
    },
    live: () => liveTasks(actor.getSnapshot()),
    stateOf: (appId: string) =>
      liveTasks(actor.getSnapshot()).find((t) => t.appId === appId)?.state,
  };
}

describe('mediaSystem: exclusivity', () => {
  it('cancels the older task when another app starts one, then terminates it after the grace', () => {
    const s = boot({ deviceFamily: 'mobile' });
    s.launch('music');
    s.startAlive('music', 'm1');
    s.launch('podcasts');
    s.send({ type: 'TASK_STARTING', appId: 'podcasts', instanceId: 'p1' });
    expect(s.commands).toEqual([
      { type: 'cancelTask', appId: 'music', instanceId: 'm1', reason: 'systemPolicy' },
    ]);
    expect(s.stateOf('music')).toBe('canceling');
    s.clock.advance(4_999);
    expect(s.commands).toHaveLength(1);
    s.clock.advance(1);
    expect(s.commands[1]).toEqual({
      type: 'terminateTask',
      appId: 'music',
      instanceId: 'm1',
      reason: 'graceExpired',
    });
    expect(s.live()).toEqual([{ appId: 'podcasts', instanceId: 'p1', state: 'starting' }]);
  });

  it('audio taken elsewhere (another tab) cancels the holder with systemPolicy; a task started after it holds again', () => {
    const s = boot({ deviceFamily: 'mobile' });
    s.launch('music');
    s.startAlive('music', 'm1');
    s.send({ type: 'AUDIO_TAKEN_ELSEWHERE' });
    expect(s.commands).toEqual([
      { type: 'cancelTask', appId: 'music', instanceId: 'm1', reason: 'systemPolicy' },
    ]);
    expect(s.stateOf('music')).toBe('canceling');
    // Nobody here holds audio now: taken again, nothing more is cancelled.
    s.send({ type: 'AUDIO_TAKEN_ELSEWHERE' });
    expect(s.commands).toHaveLength(1);
    s.send({ type: 'TASK_DEFERRAL_COMPLETED', appId: 'music' });
    expect(s.live()).toEqual([]);
    s.startAlive('music', 'm2');
    s.send({ type: 'AUDIO_TAKEN_ELSEWHERE' });
    expect(s.commands.at(-1)).toEqual({
      type: 'cancelTask',
      appId: 'music',
      instanceId: 'm2',
      reason: 'systemPolicy',
    });
  });

  it('audio taken elsewhere cancels nothing where exclusivity is not enforced', () => {
    const s = boot({ deviceFamily: 'desktop' });
    s.launch('music');
    s.startAlive('music', 'm1');
    s.send({ type: 'AUDIO_TAKEN_ELSEWHERE' });
    expect(s.commands).toEqual([]);
    expect(s.stateOf('music')).toBe('alive');
  });

  it('lets a cancelled task complete within the grace, without a terminate command', () => {
    const s = boot({ deviceFamily: 'other' });
    s.launch('a');
    s.startAlive('a');
    s.launch('b');
    s.startAlive('b');
    s.send({ type: 'TASK_DEFERRAL_COMPLETED', appId: 'a' });
    s.clock.advance(10_000);
    expect(s.commands.map((c) => c.type)).toEqual(['cancelTask']);
    expect(s.live()).toEqual([{ appId: 'b', instanceId: 'b1', state: 'alive' }]);
  });

  it('uses the configured grace period', () => {
    const s = boot({ deviceFamily: 'mobile', cancellationGraceMs: 100 });
    s.launch('a');
    s.startAlive('a');
    s.launch('b');
    s.startAlive('b');
    s.clock.advance(100);
    expect(s.commands.at(-1)).toMatchObject({ type: 'terminateTask', reason: 'graceExpired' });
  });
});

describe('mediaSystem: other cancellation causes', () => {
  it('cancels a task that has not played yet when its foreground suspends (conditionLoss)', () => {
    const s = boot({ deviceFamily: 'desktop' });
    s.launch('a');
    s.startAlive('a');
    s.send({ type: 'APP_SUSPENDED', appId: 'a' });
    expect(s.commands).toEqual([
      { type: 'cancelTask', appId: 'a', instanceId: 'a1', reason: 'conditionLoss' },
    ]);
  });

  it('does not cancel a task that has played when its foreground suspends', () => {
    const s = boot({ deviceFamily: 'desktop' });
    s.launch('a');
    s.startAlive('a');
    s.send({ type: 'TASK_PLAYING', appId: 'a', playing: true });
    s.send({ type: 'TASK_PLAYING', appId: 'a', playing: false });
    s.send({ type: 'APP_SUSPENDED', appId: 'a' });
    expect(s.commands).toEqual([]);
    expect(s.stateOf('a')).toBe('alive');
  });

  it('delivers a cancel made while the task loads once run is entered', () => {
    const s = boot({ deviceFamily: 'desktop' });
    s.launch('a');
    s.send({ type: 'TASK_STARTING', appId: 'a', instanceId: 'a1' });
    s.send({ type: 'APP_SUSPENDED', appId: 'a' });
    expect(s.commands).toEqual([]);
    s.send({ type: 'TASK_RUN_ENTERED', appId: 'a' });
    expect(s.commands).toEqual([
      { type: 'cancelTask', appId: 'a', instanceId: 'a1', reason: 'conditionLoss' },
    ]);
  });

  it('cancels every live task on a phone call (resourceRevocation)', () => {
    const s = boot({ deviceFamily: 'desktop' });
    s.launch('a');
    s.startAlive('a');
    s.launch('b');
    s.startAlive('b');
    s.send({ type: 'INTERRUPT', kind: 'phoneCall' });
    expect(s.commands).toEqual([
      { type: 'cancelTask', appId: 'a', instanceId: 'a1', reason: 'resourceRevocation' },
      { type: 'cancelTask', appId: 'b', instanceId: 'b1', reason: 'resourceRevocation' },
    ]);
    s.send({ type: 'INTERRUPT', kind: 'voipCall' });
    expect(s.commands).toHaveLength(2);
  });

  it('terminates tasks without notice on a VoIP call with low memory', () => {
    const s = boot({ deviceFamily: 'desktop' });
    s.launch('a');
    s.startAlive('a');
    s.send({ type: 'INTERRUPT', kind: 'voipCall', lowMemory: true });
    expect(s.commands).toEqual([
      { type: 'terminateTask', appId: 'a', instanceId: 'a1', reason: 'lowMemory' },
    ]);
    expect(s.live()).toEqual([]);
  });

  it('cancels with abort when the foreground calls shutdown', () => {
    const s = boot({ deviceFamily: 'mobile' });
    s.launch('a');
    s.startAlive('a');
    s.send({ type: 'TASK_SHUTDOWN', appId: 'a' });
    expect(s.commands).toEqual([
      { type: 'cancelTask', appId: 'a', instanceId: 'a1', reason: 'abort' },
    ]);
  });

  it('terminates a task whose run overruns its budget', () => {
    const s = boot({ deviceFamily: 'desktop', runBudgetMs: 300 });
    s.launch('a');
    s.send({ type: 'TASK_STARTING', appId: 'a', instanceId: 'a1' });
    s.send({ type: 'TASK_RUN_ENTERED', appId: 'a' });
    s.clock.advance(300);
    expect(s.commands).toEqual([
      { type: 'terminateTask', appId: 'a', instanceId: 'a1', reason: 'runBudgetExceeded' },
    ]);
  });

  it('does not command a termination the runtime reported, and allows a fresh instance', () => {
    const s = boot({ deviceFamily: 'mobile' });
    s.launch('a');
    s.startAlive('a', 'a1');
    s.send({ type: 'TASK_TERMINATED', appId: 'a', reason: 'crashed' });
    expect(s.commands).toEqual([]);
    expect(s.stateChanges.at(-1)).toEqual({
      type: 'taskStateChanged',
      appId: 'a',
      instanceId: 'a1',
      state: 'terminated',
      reason: 'crashed',
    });
    s.startAlive('a', 'a2');
    expect(s.live()).toEqual([{ appId: 'a', instanceId: 'a2', state: 'alive' }]);
  });

  it('reports each task state change with its reason', () => {
    const s = boot({ deviceFamily: 'mobile', cancellationGraceMs: 10 });
    s.launch('a');
    s.startAlive('a');
    s.send({ type: 'TASK_SHUTDOWN', appId: 'a' });
    s.clock.advance(10);
    expect(s.stateChanges.map((c) => ('state' in c ? [c.state, c.reason] : []))).toEqual([
      ['starting', undefined],
      ['running', undefined],
      ['alive', undefined],
      ['canceling', 'abort'],
      ['terminated', 'graceExpired'],
    ]);
  });
});

describe('mediaSystem: shared lifetime', () => {
  it('cancels the task when the foreground terminates (desktop)', () => {
    const s = boot({ deviceFamily: 'desktop' });
    s.launch('a');
    s.startAlive('a');
    s.send({ type: 'TASK_PLAYING', appId: 'a', playing: true });
    s.send({ type: 'APP_TERMINATED', appId: 'a' });
    expect(s.commands).toEqual([
      { type: 'cancelTask', appId: 'a', instanceId: 'a1', reason: 'terminating' },
    ]);
  });

  it('never ends the foreground when the task ends', () => {
    const s = boot({ deviceFamily: 'desktop' });
    s.launch('a');
    s.startAlive('a');
    s.send({ type: 'TASK_DEFERRAL_COMPLETED', appId: 'a' });
    expect(s.live()).toEqual([]);
    expect(foregroundStateOf(s.actor.getSnapshot(), 'a')).toBe('visible');
  });

  it('lets the task outlive its foreground where shared lifetime is off (mobile)', () => {
    const s = boot({ deviceFamily: 'mobile' });
    s.launch('a');
    s.startAlive('a');
    s.send({ type: 'TASK_PLAYING', appId: 'a', playing: true });
    s.send({ type: 'APP_TERMINATED', appId: 'a' });
    s.clock.advance(3_600_000);
    expect(s.commands).toEqual([]);
    expect(s.stateOf('a')).toBe('alive');
    // The app comes back to the same task.
    s.launch('a');
    expect(foregroundStateOf(s.actor.getSnapshot(), 'a')).toBe('visible');
    expect(s.stateOf('a')).toBe('alive');
  });
});

describe('mediaSystem: inactivity timeout', () => {
  function idleMobile() {
    const s = boot({ deviceFamily: 'mobile', inactivityTimeoutMs: 10_000 });
    s.launch('a');
    s.startAlive('a');
    s.send({ type: 'TASK_PLAYING', appId: 'a', playing: true });
    return s;
  }

  it('cancels an idle task exactly at inactivityTimeoutMs (idleTask)', () => {
    const s = idleMobile();
    s.send({ type: 'APP_SUSPENDED', appId: 'a' });
    s.clock.advance(60_000);
    expect(s.commands).toEqual([]);
    s.send({ type: 'TASK_PLAYING', appId: 'a', playing: false });
    s.clock.advance(9_999);
    expect(s.commands).toEqual([]);
    s.clock.advance(1);
    expect(s.commands).toEqual([
      { type: 'cancelTask', appId: 'a', instanceId: 'a1', reason: 'idleTask' },
    ]);
  });

  it('is reset by the foreground resuming', () => {
    const s = idleMobile();
    s.send({ type: 'TASK_PLAYING', appId: 'a', playing: false });
    s.send({ type: 'APP_SUSPENDED', appId: 'a' });
    s.clock.advance(9_000);
    s.send({ type: 'APP_RESUMED', appId: 'a' });
    s.clock.advance(60_000);
    expect(s.commands).toEqual([]);
    s.send({ type: 'APP_SUSPENDED', appId: 'a' });
    s.clock.advance(10_000);
    expect(s.commands).toHaveLength(1);
  });

  it('is reset by playback starting', () => {
    const s = idleMobile();
    s.send({ type: 'TASK_PLAYING', appId: 'a', playing: false });
    s.send({ type: 'APP_SUSPENDED', appId: 'a' });
    s.clock.advance(9_000);
    s.send({ type: 'TASK_PLAYING', appId: 'a', playing: true });
    s.clock.advance(9_000);
    s.send({ type: 'TASK_PLAYING', appId: 'a', playing: false });
    s.clock.advance(9_999);
    expect(s.commands).toEqual([]);
    s.clock.advance(1);
    expect(s.commands).toHaveLength(1);
  });

  it('counts for a task that outlives its foreground', () => {
    const s = idleMobile();
    s.send({ type: 'TASK_PLAYING', appId: 'a', playing: false });
    s.send({ type: 'APP_TERMINATED', appId: 'a' });
    s.clock.advance(10_000);
    expect(s.commands).toEqual([
      { type: 'cancelTask', appId: 'a', instanceId: 'a1', reason: 'idleTask' },
    ]);
  });
});

describe('mediaSystem: device families', () => {
  /** Runs the three policy scenarios and reports which policies acted. */
  function enforced(deviceFamily: DeviceFamily, policies?: PolicyOverrides) {
    const input: MediaSystemInput = { deviceFamily, inactivityTimeoutMs: 1_000 };
    if (policies) input.policies = policies;
    // Exclusivity: two apps start tasks.
    const ex = boot(input);
    ex.launch('a');
    ex.startAlive('a');
    ex.send({ type: 'TASK_PLAYING', appId: 'a', playing: true });
    ex.launch('b');
    ex.startAlive('b');
    const exclusivity = ex.commands.some((c) => c.type === 'cancelTask');
    // Inactivity: the foreground hides while the player is paused.
    const idle = boot(input);
    idle.launch('a');
    idle.startAlive('a');
    idle.send({ type: 'TASK_PLAYING', appId: 'a', playing: true });
    idle.send({ type: 'TASK_PLAYING', appId: 'a', playing: false });
    idle.send({ type: 'APP_SUSPENDED', appId: 'a' });
    idle.clock.advance(1_000);
    const inactivityTimeout = idle.commands.some(
      (c) => c.type === 'cancelTask' && c.reason === 'idleTask',
    );
    // Shared lifetime: the foreground terminates while playing.
    const shared = boot(input);
    shared.launch('a');
    shared.startAlive('a');
    shared.send({ type: 'TASK_PLAYING', appId: 'a', playing: true });
    shared.send({ type: 'APP_TERMINATED', appId: 'a' });
    const sharedLifetime = shared.commands.some(
      (c) => c.type === 'cancelTask' && c.reason === 'terminating',
    );
    const children = ['exclusivity', 'inactivityTimeout:b', 'sharedLifetime:b'].filter(
      (id) => ex.actor.system.get(id) !== undefined,
    );
    return { exclusivity, inactivityTimeout, sharedLifetime, children };
  }

  it.each([
    ['desktop', { exclusivity: false, inactivityTimeout: false, sharedLifetime: true }],
    ['mobile', { exclusivity: true, inactivityTimeout: true, sharedLifetime: false }],
    ['other', { exclusivity: true, inactivityTimeout: false, sharedLifetime: false }],
  ] as const)('%s enforces its row of the table', (family, row) => {
    const { children, ...acted } = enforced(family);
    expect(acted).toEqual(row);
    expect(children.includes('exclusivity')).toBe(row.exclusivity);
    expect(children.includes('inactivityTimeout:b')).toBe(row.inactivityTimeout);
    expect(children.includes('sharedLifetime:b')).toBe(row.sharedLifetime);
  });

  it('defaults to desktop', () => {
    const s = boot({});
    expect(s.actor.getSnapshot().context.deviceFamily).toBe('desktop');
    expect(s.actor.getSnapshot().context.policies.sharedLifetime).toBe(true);
  });

  it('applies overrides on top of the table', () => {
    const { children: _d, ...desktop } = enforced('desktop', {
      exclusivity: true,
      inactivityTimeout: true,
      sharedLifetime: false,
    });
    expect(desktop).toEqual({ exclusivity: true, inactivityTimeout: true, sharedLifetime: false });
    const { children: _m, ...mobile } = enforced('mobile', {
      inactivityTimeout: false,
      sharedLifetime: true,
    });
    expect(mobile).toEqual({ exclusivity: true, inactivityTimeout: false, sharedLifetime: true });
  });

  it('fails to start on an unknown family or a bad duration, quoting the value', () => {
    for (const [input, message] of [
      [{ deviceFamily: 'tablet' as DeviceFamily }, 'got `tablet`'],
      [{ inactivityTimeoutMs: -1 }, 'got `-1`'],
      [{ cancellationGraceMs: Number.NaN }, 'got `NaN`'],
    ] as const) {
      const actor = createActor(mediaSystemMachine, { input });
      const errors: unknown[] = [];
      actor.subscribe({ error: (e) => errors.push(e) });
      actor.start();
      expect(String(errors[0])).toContain(message);
    }
  });
});

describe('mediaSystem: actor tree and facts', () => {
  it('registers its children by system id so an inspector sees the tree', () => {
    const s = boot({ deviceFamily: 'mobile' });
    s.launch('music');
    s.send({ type: 'TASK_STARTING', appId: 'music', instanceId: 'm1' });
    const system = s.actor.system;
    expect(system.get('exclusivity')).toBeDefined();
    expect(system.get('app:music')?.getSnapshot().value).toEqual({
      foreground: 'visible',
      task: { live: 'fresh' },
    });
    // One session per app under the system; the task and its policies under the session.
    expect(Object.keys(s.actor.getSnapshot().children).sort()).toEqual([
      'app:music',
      'exclusivity',
      'relay:exclusivity',
    ]);
    expect(Object.keys(system.get('app:music')!.getSnapshot().children).sort()).toEqual([
      'inactivityTimeout:music',
      'relay:music',
      'task:music',
    ]);
    expect(system.get('task:music')?.getSnapshot().value).toBe('starting');
    expect(system.get('inactivityTimeout:music')?.getSnapshot().value).toBe('watching');
  });

  it('removes the per-task children when the task ends', () => {
    const s = boot({ deviceFamily: 'mobile' });
    s.launch('a');
    s.startAlive('a');
    s.send({ type: 'TASK_DEFERRAL_COMPLETED', appId: 'a' });
    expect(Object.keys(s.actor.getSnapshot().children).sort()).toEqual([
      'app:a',
      'exclusivity',
      'relay:exclusivity',
    ]);
    expect(s.actor.system.get('task:a')).toBeUndefined();
    expect(Object.keys(s.actor.getSnapshot().context.apps.a!.getSnapshot().children)).toEqual([]);
    expect(s.actor.getSnapshot().context.exclusivity?.getSnapshot().value).toBe('free');
  });

  it('ignores facts about unknown apps and tasks started without a running foreground', () => {
    const s = boot({ deviceFamily: 'mobile' });
    s.send({ type: 'APP_SUSPENDED', appId: 'ghost' });
    s.send({ type: 'TASK_RUN_ENTERED', appId: 'ghost' });
    s.send({ type: 'TASK_STARTING', appId: 'ghost', instanceId: 'g1' });
    s.launch('a');
    s.send({ type: 'APP_TERMINATED', appId: 'a' });
    s.send({ type: 'TASK_STARTING', appId: 'a', instanceId: 'a1' });
    expect(s.live()).toEqual([]);
    expect(s.actor.getSnapshot().status).toBe('active');
  });

  it('starts no second instance while one is live', () => {
    const s = boot({ deviceFamily: 'desktop' });
    s.launch('a');
    s.startAlive('a', 'a1');
    s.send({ type: 'TASK_STARTING', appId: 'a', instanceId: 'a2' });
    expect(s.live()).toEqual([{ appId: 'a', instanceId: 'a1', state: 'alive' }]);
  });
});

describe('mediaSystem: one session per app, one source for each fact', () => {
  it("holds an app's foreground once, in its session, across a relaunch", () => {
    const s = boot({ deviceFamily: 'mobile' });
    const fg = () => foregroundStateOf(s.actor.getSnapshot(), 'a');
    expect(fg()).toBeUndefined();
    s.launch('a');
    expect(fg()).toBe('visible');
    s.send({ type: 'APP_SUSPENDED', appId: 'a' });
    expect(fg()).toBe('suspended');
    s.send({ type: 'APP_RESUMED', appId: 'a' });
    expect(fg()).toBe('visible');
    s.send({ type: 'APP_TERMINATED', appId: 'a' });
    expect(fg()).toBe('terminated');
    s.launch('a');
    expect(fg()).toBe('visible');
  });

  it('counts the apps that play, once each, and forgets a task that ends while playing', () => {
    const s = boot({ deviceFamily: 'desktop' });
    const count = () => s.actor.getSnapshot().context.playing;
    s.launch('a');
    s.launch('b');
    s.startAlive('a');
    s.startAlive('b');
    expect(isAnyPlaying(s.actor.getSnapshot())).toBe(false);
    s.send({ type: 'TASK_PLAYING', appId: 'a', playing: true });
    s.send({ type: 'TASK_PLAYING', appId: 'a', playing: true });
    expect(count()).toBe(1);
    s.send({ type: 'TASK_PLAYING', appId: 'b', playing: true });
    expect(count()).toBe(2);
    s.send({ type: 'TASK_PLAYING', appId: 'a', playing: false });
    expect(count()).toBe(1);
    s.send({ type: 'TASK_DEFERRAL_COMPLETED', appId: 'b' });
    expect(count()).toBe(0);
    expect(isAnyPlaying(s.actor.getSnapshot())).toBe(false);
  });

  it('starts the inactivity timer at once for a task started while its foreground is hidden', () => {
    const s = boot({ deviceFamily: 'mobile', inactivityTimeoutMs: 1_000 });
    s.launch('a');
    s.send({ type: 'APP_SUSPENDED', appId: 'a' });
    s.startAlive('a');
    // Not cancelled for conditionLoss: the foreground was already hidden when the task started.
    s.send({ type: 'APP_SUSPENDED', appId: 'a' });
    expect(s.commands).toEqual([]);
    s.clock.advance(999);
    expect(s.commands).toEqual([]);
    s.clock.advance(1);
    expect(s.commands).toEqual([
      { type: 'cancelTask', appId: 'a', instanceId: 'a1', reason: 'idleTask' },
    ]);
  });

  it('decides without copying the app registry: only a new app id changes it', () => {
    const s = boot({ deviceFamily: 'mobile' });
    for (let i = 0; i < 50; i++) s.launch(`app${i}`);
    const registry = s.actor.getSnapshot().context.apps;
    const children = s.actor.getSnapshot().children;
    s.startAlive('app7');
    s.send({ type: 'TASK_PLAYING', appId: 'app7', playing: true });
    s.send({ type: 'APP_SUSPENDED', appId: 'app7' });
    s.send({ type: 'APP_RESUMED', appId: 'app7' });
    s.startAlive('app8');
    s.send({ type: 'TASK_DEFERRAL_COMPLETED', appId: 'app7' });
    s.send({ type: 'INTERRUPT', kind: 'phoneCall' });
    s.launch('app8');
    expect(s.commands.map((c) => [c.appId, c.type, 'reason' in c ? c.reason : null])).toEqual([
      ['app7', 'cancelTask', 'systemPolicy'],
      ['app8', 'cancelTask', 'resourceRevocation'],
    ]);
    expect(s.actor.getSnapshot().context.apps).toBe(registry);
    expect(s.actor.getSnapshot().children).toBe(children);
    s.launch('newcomer');
    expect(s.actor.getSnapshot().context.apps).not.toBe(registry);
    expect(Object.keys(s.actor.getSnapshot().context.apps)).toHaveLength(51);
  });
});
