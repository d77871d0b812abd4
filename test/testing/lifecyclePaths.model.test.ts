import { describe, expect, it } from 'vitest';
import { type AnyStateMachine, createActor, initialTransition, transition } from 'xstate';
import { VirtualClock } from '../../src/clock.ts';
import type { DeviceFamily, PolicyOverrides } from '../../src/machines/deviceFamilies.ts';
import {
  appSessionOf,
  liveTasks,
  type MediaSystemEmitted,
  mediaSystemMachine,
} from '../../src/machines/mediaSystem.ts';
import {
  type LifecycleModelEvent,
  lifecycleModelMachine,
} from '../../src/testing/lifecycleModel.ts';
import {
  type LifecycleEventType,
  type LifecyclePath,
  lifecycleEventTypes,
  lifecyclePaths,
} from '../../src/testing/lifecyclePaths.ts';
import { formatCoverage, graphCoverage } from '../support/graphCoverage.ts';

/*
 * The lifecycle model against the real mediaSystem statechart: every generated path is played
 * as facts into a mediaSystem actor on a virtual clock, and after every step the system's view
 * of the app's task (alive, cancelled with which reason, terminated) and of its player must be
 * the model's.
 */

const IDLE_MS = 60_000;
const GRACE_MS = 5_000;

const toModelEvent: Record<LifecycleEventType, LifecycleModelEvent['type']> = {
  play: 'PLAY',
  pause: 'PAUSE',
  suspend: 'SUSPEND',
  resume: 'RESUME',
  terminateForeground: 'TERMINATE_FOREGROUND',
  shutdown: 'SHUTDOWN',
  phoneCall: 'PHONE_CALL',
  voipCallLowMemory: 'VOIP_CALL_LOW_MEMORY',
  otherAppTakesAudio: 'OTHER_APP_TAKES_AUDIO',
  inactivityTimeoutElapses: 'INACTIVITY_TIMEOUT_ELAPSES',
};

interface Setup {
  name: string;
  deviceFamily: DeviceFamily;
  policies?: PolicyOverrides;
  /** Model states no path can reach under these policies. */
  unreachable: string[];
}

const setups: Setup[] = [
  {
    name: 'desktop',
    deviceFamily: 'desktop',
    unreachable: ['canceled.systemPolicy', 'canceled.idleTask'],
  },
  { name: 'mobile', deviceFamily: 'mobile', unreachable: ['canceled.terminating'] },
  {
    name: 'other',
    deviceFamily: 'other',
    unreachable: ['canceled.terminating', 'canceled.idleTask'],
  },
  {
    name: 'mobile + sharedLifetime',
    deviceFamily: 'mobile',
    policies: { sharedLifetime: true },
    unreachable: [],
  },
  {
    name: 'desktop, every policy off',
    deviceFamily: 'desktop',
    policies: { sharedLifetime: false },
    unreachable: ['canceled.systemPolicy', 'canceled.idleTask', 'canceled.terminating'],
  },
];

/** Plays a path into a real mediaSystem actor and checks it against the model at every step. */
function checkAgainstSystem(path: LifecyclePath): void {
  const clock = new VirtualClock();
  const system = createActor(mediaSystemMachine, {
    input: {
      deviceFamily: path.deviceFamily,
      policies: { ...path.policies },
      inactivityTimeoutMs: IDLE_MS,
      cancellationGraceMs: GRACE_MS,
    },
    clock,
  });
  const commands: MediaSystemEmitted[] = [];
  system.on('*', (command) => {
    if ((command as MediaSystemEmitted).appId === 'A') commands.push(command as MediaSystemEmitted);
  });
  system.start();
  const start = (appId: string, instanceId: string) => {
    system.send({ type: 'TASK_STARTING', appId, instanceId });
    system.send({ type: 'TASK_RUN_ENTERED', appId });
    system.send({ type: 'TASK_DEFERRAL_TAKEN', appId });
    system.send({ type: 'TASK_RUN_RETURNED', appId });
  };
  system.send({ type: 'APP_LAUNCHED', appId: 'A' });
  start('A', 'a1');
  const facts: Record<LifecycleEventType, () => void> = {
    play: () => system.send({ type: 'TASK_PLAYING', appId: 'A', playing: true }),
    pause: () => system.send({ type: 'TASK_PLAYING', appId: 'A', playing: false }),
    suspend: () => system.send({ type: 'APP_SUSPENDED', appId: 'A' }),
    resume: () => system.send({ type: 'APP_RESUMED', appId: 'A' }),
    terminateForeground: () => system.send({ type: 'APP_TERMINATED', appId: 'A' }),
    shutdown: () => system.send({ type: 'TASK_SHUTDOWN', appId: 'A' }),
    phoneCall: () => system.send({ type: 'INTERRUPT', kind: 'phoneCall' }),
    voipCallLowMemory: () => system.send({ type: 'INTERRUPT', kind: 'voipCall', lowMemory: true }),
    otherAppTakesAudio: () => {
      system.send({ type: 'APP_LAUNCHED', appId: 'B' });
      start('B', 'b1');
    },
    inactivityTimeoutElapses: () => clock.advance(IDLE_MS),
  };

  for (const [index, step] of path.steps.entries()) {
    facts[step.event]();
    const where = `${path.description}, step ${index + 1} (${step.event})`;
    const task = liveTasks(system.getSnapshot()).find((t) => t.appId === 'A');
    const cancels = commands.filter((c) => c.type === 'cancelTask');
    const kills = commands.filter((c) => c.type === 'terminateTask');
    const { ending, player } = step.expected;
    if (ending.task === 'alive') {
      expect(task?.state, where).toBe('alive');
      expect(cancels, where).toEqual([]);
      const playing = appSessionOf(system.getSnapshot(), 'A')?.matches({
        task: { live: 'playing' },
      });
      expect(playing, where).toBe(player === 'playing');
    } else if (ending.task === 'canceled') {
      expect(task?.state, where).toBe('canceling');
      expect(cancels, where).toEqual([expect.objectContaining({ reason: ending.reason })]);
    } else {
      expect(task, where).toBeUndefined();
      expect(cancels, where).toEqual([]);
      expect(kills, where).toEqual([expect.objectContaining({ reason: ending.reason })]);
    }
  }
  // The path ends when the task ends: nothing was left out of the expectation.
  expect(path.expected).toEqual(path.steps.at(-1)!.expected.ending);
  system.stop();
}

/** The model's own steps (snapshots) for a path, for graph coverage. */
function modelSteps(path: LifecyclePath) {
  let [snapshot] = initialTransition(lifecycleModelMachine, { policies: { ...path.policies } });
  const steps: Array<{ event: { type: string }; state: any }> = [
    { event: { type: 'xstate.init' }, state: snapshot },
  ];
  for (const step of path.steps) {
    const event = { type: toModelEvent[step.event] } as LifecycleModelEvent;
    [snapshot] = transition(lifecycleModelMachine, snapshot, event);
    steps.push({ event, state: snapshot });
  }
  return { state: snapshot, steps };
}

describe.each(setups)('lifecycle paths: $name', ({ deviceFamily, policies, unreachable }) => {
  const paths = lifecyclePaths({ deviceFamily, ...(policies ? { policies } : {}) });

  it('take every model state the policies allow, every event and every possible transition', () => {
    const coverage = graphCoverage(
      `lifecycleModel (${deviceFamily}${policies ? ` ${JSON.stringify(policies)}` : ''})`,
      lifecycleModelMachine as AnyStateMachine,
      paths.map(modelSteps) as never,
    );
    console.log(formatCoverage(coverage));
    expect(coverage.states.missing.sort()).toEqual(
      unreachable.map((s) => `lifecycleModel.task.${s}`).sort(),
    );
    expect(coverage.events.missing).toEqual([]);
    // Only transitions guarded by a policy this device does not enforce are never taken.
    for (const missing of coverage.transitions.missing) {
      expect(missing).toMatch(
        /^lifecycleModel\.task --(OTHER_APP_TAKES_AUDIO|TERMINATE_FOREGROUND|INACTIVITY_TIMEOUT_ELAPSES)#0$/,
      );
    }
    console.log(`[paths] ${deviceFamily}: ${paths.length} lifecycle paths`);
  });

  it('every path is what the mediaSystem statechart does, step by step', () => {
    expect(paths.length).toBeGreaterThan(1);
    for (const path of paths) checkAgainstSystem(path);
  });

  it('every kind of step appears, and every ending the policies allow', () => {
    const kinds = new Set(paths.flatMap((p) => p.steps.map((s) => s.event)));
    expect([...kinds].sort()).toEqual([...lifecycleEventTypes].sort());
    const endings = new Set(
      paths.map((p) => (p.expected.task === 'alive' ? 'alive' : p.expected.reason)),
    );
    const all = [
      'alive',
      'abort',
      'terminating',
      'conditionLoss',
      'systemPolicy',
      'resourceRevocation',
      'idleTask',
      'lowMemory',
    ];
    expect([...endings].sort()).toEqual(
      all.filter((e) => !unreachable.includes(`canceled.${e}`)).sort(),
    );
    // Descriptions name the path uniquely (they are test names).
    expect(new Set(paths.map((p) => p.description)).size).toBe(paths.length);
  });
});

describe('lifecyclePaths options', () => {
  it('keeps to the kinds of step asked for', () => {
    const paths = lifecyclePaths({ deviceFamily: 'mobile', events: ['play', 'pause', 'suspend'] });
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) {
      for (const step of path.steps) expect(['play', 'pause', 'suspend']).toContain(step.event);
    }
    expect(paths.map((p) => p.description)).toContain('suspend ⇒ canceled (conditionLoss)');
  });

  it('refuses unknown kinds of step and device families, quoting them', () => {
    expect(() => lifecyclePaths({ events: ['nap' as LifecycleEventType] })).toThrow(/`nap`/);
    expect(() => lifecyclePaths({ deviceFamily: 'tablet' as DeviceFamily })).toThrow(/`tablet`/);
  });

  it('describes each step with what the model expects of it', () => {
    const [path] = lifecyclePaths({ deviceFamily: 'mobile', events: ['suspend'] });
    expect(path?.steps).toEqual([
      expect.objectContaining({
        event: 'suspend',
        description: expect.stringMatching(/app\.suspend\(\).*cancels the task: conditionLoss/),
      }),
    ]);
  });
});
