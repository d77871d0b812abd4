import { describe, expect, it } from 'vitest';
import {
  type AnyStateMachine,
  and,
  createActor,
  type EventObject,
  type InspectionEvent,
  not,
  or,
  setup,
  stateIn,
} from 'xstate';
import { VirtualClock } from '../../src/clock.ts';
import { type DeviceFamily, resolvePolicies } from '../../src/machines/deviceFamilies.ts';
import {
  appSessionOf,
  isAnyPlaying,
  liveTasks,
  type MediaSystemEmitted,
  type MediaSystemSnapshot,
  mediaSystemMachine,
} from '../../src/machines/mediaSystem.ts';
import { createWalkModel, formatCoverage, graphCoverage } from '../support/graphCoverage.ts';

/*
 * An abstract model of two apps on one device, A and B, walked for every device family.
 * App A's task plays and is cooperative: when cancelled it completes its deferral 1 s later.
 * App B's task never plays and ignores cancellation, so its grace period always runs out.
 * The model predicts each app's foreground and task state from the policy table; every step
 * is executed against a real mediaSystem actor on a virtual clock and checked against the
 * prediction and against the system-wide invariants.
 */

const GRACE_MS = 5_000;
const IDLE_MS = 60_000;
const COOPERATIVE_COMPLETION_MS = 1_000;

const modelEvents = [
  'LAUNCH_A',
  'SUSPEND_A',
  'RESUME_A',
  'TERMINATE_A',
  'LAUNCH_B',
  'SUSPEND_B',
  'RESUME_B',
  'TERMINATE_B',
  'START_A',
  'START_B',
  'PLAY_A',
  'PAUSE_A',
  'SHUTDOWN_A',
  'CRASH_B',
  'PHONE_CALL',
  'VOIP_CALL_LOW_MEMORY',
  'TAKEN_ELSEWHERE',
  'ADVANCE_GRACE',
  'ADVANCE_IDLE',
] as const;
type ModelEvent = { type: (typeof modelEvents)[number] };

const inA = (s: string) => stateIn(`#model.appA.${s}`);
const inB = (s: string) => stateIn(`#model.appB.${s}`);
const taskA = (s: string) => stateIn(`#model.taskA.${s}`);
const taskB = (s: string) => stateIn(`#model.taskB.${s}`);
const running = (app: typeof inA) => or([app('visible'), app('suspended')]);

const model = setup({
  types: {
    input: {} as { deviceFamily: DeviceFamily },
    context: {} as {
      deviceFamily: DeviceFamily;
      exclusivity: boolean;
      inactivity: boolean;
      shared: boolean;
    },
    events: {} as ModelEvent,
  },
  guards: {
    exclusivity: ({ context }) => context.exclusivity,
    inactivity: ({ context }) => context.inactivity,
    shared: ({ context }) => context.shared,
  },
}).createMachine({
  id: 'model',
  context: ({ input }) => {
    const p = resolvePolicies(input.deviceFamily);
    return {
      deviceFamily: input.deviceFamily,
      exclusivity: p.exclusivity,
      inactivity: p.inactivityTimeout,
      shared: p.sharedLifetime,
    };
  },
  type: 'parallel',
  states: {
    appA: {
      initial: 'notRunning',
      states: {
        notRunning: { on: { LAUNCH_A: 'visible' } },
        visible: { on: { SUSPEND_A: 'suspended', TERMINATE_A: 'notRunning' } },
        suspended: { on: { RESUME_A: 'visible', TERMINATE_A: 'notRunning' } },
      },
    },
    appB: {
      initial: 'notRunning',
      states: {
        notRunning: { on: { LAUNCH_B: 'visible' } },
        visible: { on: { SUSPEND_B: 'suspended', TERMINATE_B: 'notRunning' } },
        suspended: { on: { RESUME_B: 'visible', TERMINATE_B: 'notRunning' } },
      },
    },
    // A's task: fresh (never played), playing, paused (played before), canceling.
    taskA: {
      initial: 'none',
      states: {
        none: { on: { START_A: { guard: inA('visible'), target: 'fresh' } } },
        fresh: {
          on: {
            PLAY_A: 'playing',
            SUSPEND_A: { guard: inA('visible'), target: 'canceling' }, // conditionLoss
          },
        },
        playing: { on: { PAUSE_A: 'paused' } },
        paused: { on: { PLAY_A: 'playing' } },
        canceling: {
          on: { ADVANCE_GRACE: 'none', ADVANCE_IDLE: 'none' },
        },
      },
      on: {
        START_B: {
          guard: and(['exclusivity', inB('visible'), taskB('none'), not(taskA('none'))]),
          target: '.canceling',
        },
        TERMINATE_A: {
          guard: and(['shared', running(inA), not(taskA('none'))]),
          target: '.canceling',
        },
        PHONE_CALL: { guard: not(taskA('none')), target: '.canceling' },
        SHUTDOWN_A: {
          guard: and([inA('visible'), not(taskA('none')), not(taskA('canceling'))]),
          target: '.canceling',
        },
        VOIP_CALL_LOW_MEMORY: { guard: not(taskA('none')), target: '.none' },
        // Another tab took audio: the holder here (the one task not being cancelled) loses it.
        TAKEN_ELSEWHERE: {
          guard: and(['exclusivity', or([taskA('fresh'), taskA('playing'), taskA('paused')])]),
          target: '.canceling',
        },
        ADVANCE_IDLE: {
          guard: and(['inactivity', or([taskA('fresh'), taskA('paused')]), not(inA('visible'))]),
          target: '.none',
        },
      },
    },
    // B's task never plays: alive or canceling.
    taskB: {
      initial: 'none',
      states: {
        none: { on: { START_B: { guard: inB('visible'), target: 'alive' } } },
        alive: {
          on: {
            SUSPEND_B: { guard: inB('visible'), target: 'canceling' }, // conditionLoss
            START_A: {
              guard: and(['exclusivity', inA('visible'), taskA('none')]),
              target: 'canceling',
            },
            TERMINATE_B: { guard: and(['shared', running(inB)]), target: 'canceling' },
            TAKEN_ELSEWHERE: { guard: 'exclusivity', target: 'canceling' },
            ADVANCE_IDLE: { guard: and(['inactivity', not(inB('visible'))]), target: 'none' },
          },
        },
        canceling: { on: { ADVANCE_GRACE: 'none', ADVANCE_IDLE: 'none' } },
      },
      on: {
        PHONE_CALL: { guard: taskB('alive'), target: '.canceling' },
        VOIP_CALL_LOW_MEMORY: { guard: not(taskB('none')), target: '.none' },
        CRASH_B: { guard: not(taskB('none')), target: '.none' },
      },
    },
  },
});

/** A real mediaSystem actor driven by model events, with the bookkeeping the checks need. */
function createHarness(deviceFamily: DeviceFamily) {
  const clock = new VirtualClock();
  const policies = resolvePolicies(deviceFamily);
  const inspected: Array<{ actor: unknown; event: EventObject; snapshot: any }> = [];
  const actor = createActor(mediaSystemMachine, {
    input: { deviceFamily, inactivityTimeoutMs: IDLE_MS, cancellationGraceMs: GRACE_MS },
    clock,
    inspect: (e: InspectionEvent) => {
      if (e.type === '@xstate.snapshot') {
        inspected.push({ actor: e.actorRef, event: e.event, snapshot: e.snapshot });
      }
    },
  });
  /** Time each instance was cancelled at. */
  const canceledAt = new Map<string, number>();
  /** How each instance ended. */
  const endedAs = new Map<string, string>();
  const commands: MediaSystemEmitted[] = [];
  /** Problems seen inside listeners (an assertion there would be reported out of band). */
  const violations: string[] = [];
  let started = 0;
  actor.on('cancelTask', (command) => {
    commands.push(command);
    if (canceledAt.has(command.instanceId)) {
      violations.push(`${command.instanceId} cancelled twice`);
    }
    canceledAt.set(command.instanceId, clock.now());
    if (command.appId === 'A') {
      // A's task saves its state and completes its deferral a little later.
      clock.setTimeout(() => {
        const live = liveTasks(actor.getSnapshot()).find((t) => t.appId === 'A');
        if (live?.instanceId === command.instanceId) {
          actor.send({ type: 'TASK_DEFERRAL_COMPLETED', appId: 'A' });
        }
      }, COOPERATIVE_COMPLETION_MS);
    }
  });
  actor.on('terminateTask', (command) => {
    commands.push(command);
    const since = clock.now() - (canceledAt.get(command.instanceId) ?? Number.NaN);
    if (command.reason === 'graceExpired' && since !== GRACE_MS) {
      violations.push(`${command.instanceId} terminated ${since} ms after its cancellation`);
    }
  });
  actor.on('taskStateChanged', ({ instanceId, state }) => {
    if (state === 'completed' || state === 'terminated') endedAs.set(instanceId, state);
  });
  actor.start();

  const send = (event: Parameters<typeof actor.send>[0]) => actor.send(event);
  const startTask = (appId: string) => {
    send({ type: 'TASK_STARTING', appId, instanceId: `${appId}${++started}` });
    send({ type: 'TASK_RUN_ENTERED', appId });
    send({ type: 'TASK_DEFERRAL_TAKEN', appId });
    send({ type: 'TASK_RUN_RETURNED', appId });
  };
  const exec: Record<ModelEvent['type'], () => void> = {
    LAUNCH_A: () => send({ type: 'APP_LAUNCHED', appId: 'A' }),
    SUSPEND_A: () => send({ type: 'APP_SUSPENDED', appId: 'A' }),
    RESUME_A: () => send({ type: 'APP_RESUMED', appId: 'A' }),
    TERMINATE_A: () => send({ type: 'APP_TERMINATED', appId: 'A' }),
    LAUNCH_B: () => send({ type: 'APP_LAUNCHED', appId: 'B' }),
    SUSPEND_B: () => send({ type: 'APP_SUSPENDED', appId: 'B' }),
    RESUME_B: () => send({ type: 'APP_RESUMED', appId: 'B' }),
    TERMINATE_B: () => send({ type: 'APP_TERMINATED', appId: 'B' }),
    START_A: () => startTask('A'),
    START_B: () => startTask('B'),
    PLAY_A: () => send({ type: 'TASK_PLAYING', appId: 'A', playing: true }),
    PAUSE_A: () => send({ type: 'TASK_PLAYING', appId: 'A', playing: false }),
    SHUTDOWN_A: () => send({ type: 'TASK_SHUTDOWN', appId: 'A' }),
    CRASH_B: () => send({ type: 'TASK_TERMINATED', appId: 'B', reason: 'crashed' }),
    PHONE_CALL: () => send({ type: 'INTERRUPT', kind: 'phoneCall' }),
    VOIP_CALL_LOW_MEMORY: () => send({ type: 'INTERRUPT', kind: 'voipCall', lowMemory: true }),
    TAKEN_ELSEWHERE: () => send({ type: 'AUDIO_TAKEN_ELSEWHERE' }),
    ADVANCE_GRACE: () => clock.advance(GRACE_MS),
    ADVANCE_IDLE: () => clock.advance(IDLE_MS + GRACE_MS),
  };
  return { clock, policies, actor, exec, canceledAt, endedAs, commands, violations, inspected };
}

type Harness = ReturnType<typeof createHarness>;

/** The model's prediction of one app's task, as the system reports it. */
function predictedTask(state: any, app: 'A' | 'B'): string | undefined {
  const value = state.value[`task${app}`] as string;
  if (value === 'none') return undefined;
  return value === 'canceling' ? 'canceling' : 'alive';
}

/** Every check made after every step. */
function checkStep(h: Harness, state: any): void {
  const snapshot: MediaSystemSnapshot = h.actor.getSnapshot();
  expect(snapshot.status).toBe('active');
  expect(h.violations).toEqual([]);
  const live = liveTasks(snapshot);

  for (const app of ['A', 'B'] as const) {
    // The system agrees with the model: the app's session holds its foreground and its task.
    const fg = state.value[`app${app}`] as string;
    const session = appSessionOf(snapshot, app);
    const foreground = session?.value.foreground;
    const running = foreground === 'visible' || foreground === 'suspended';
    const visible = session?.hasTag('visible') ?? false;
    expect(running).toBe(fg !== 'notRunning');
    expect(visible).toBe(fg === 'visible');
    if (running) expect(foreground).toBe(fg);
    expect(live.find((t) => t.appId === app)?.state).toBe(predictedTask(state, app));
    const task = session?.context.task;
    const playing = session?.matches({ task: { live: 'playing' } }) ?? false;
    if (app === 'A' && task && state.value.taskA !== 'canceling') {
      expect(playing).toBe(state.value.taskA === 'playing');
    }
    // "Playing" is held once, by the session; the system only counts the apps that play.
    expect(session?.matches({ task: 'live' }) ?? false).toBe(task != null);

    // Inactivity: the timer runs only while the foreground is hidden and the player is quiet,
    // and it does run for every such task that is not cancelled yet.
    const counting = task?.inactivity?.getSnapshot().matches('counting');
    const quietAndHidden = !!task && !visible && !playing;
    if (counting) expect(quietAndHidden).toBe(true);
    const aliveTask = live.find((t) => t.appId === app && t.state === 'alive');
    if (aliveTask && quietAndHidden) expect(counting ?? false).toBe(h.policies.inactivityTimeout);
    if (!h.policies.inactivityTimeout) expect(counting).toBeUndefined();

    // Shared lifetime: no task outlives its foreground.
    if (h.policies.sharedLifetime && task && !running) {
      expect(live.find((t) => t.appId === app)?.state).toBe('canceling');
    }
  }
  const playingApps = (['A', 'B'] as const).filter((app) =>
    appSessionOf(snapshot, app)?.matches({ task: { live: 'playing' } }),
  );
  expect(isAnyPlaying(snapshot)).toBe(playingApps.length > 0);
  expect(snapshot.context.playing).toBe(playingApps.length);

  // Exclusivity: at most one task that is not being cancelled.
  if (h.policies.exclusivity) {
    expect(live.filter((t) => t.state !== 'canceling').length).toBeLessThanOrEqual(1);
  }

  // A cancelled task ends (completed or terminated) within its grace period.
  const now = h.clock.now();
  for (const [instanceId, at] of h.canceledAt) {
    const stillLive = live.some((t) => t.instanceId === instanceId);
    if (stillLive) expect(now - at).toBeLessThan(GRACE_MS);
    else expect(['completed', 'terminated']).toContain(h.endedAs.get(instanceId));
  }
  // Terminations the system commands: B's grace running out (exactly one grace period after
  // its cancellation) or a low-memory VoIP call; never one the runtime reported (a crash).
  for (const command of h.commands) {
    if (command.type !== 'terminateTask') continue;
    expect(['graceExpired', 'lowMemory']).toContain(command.reason);
    if (command.reason === 'graceExpired') expect(command.appId).toBe('B');
  }
}

const families: DeviceFamily[] = ['desktop', 'mobile', 'other'];
const walkModel = createWalkModel(model as AnyStateMachine, {
  events: modelEvents.map((type) => ({ type })),
});
/*
 * Shortest paths reach every model state by every transition into it. Simple paths over the
 * whole two-app model are far too many, so they are taken for each app on its own (the other
 * app's events filtered out), with states told apart by value only. Audio taken by another tab
 * is left to the shortest paths, which take it from every state.
 */
const onlyA = (_: unknown, e: EventObject) =>
  !e.type.endsWith('_B') && e.type !== 'TAKEN_ELSEWHERE';
const onlyB = (_: unknown, e: EventObject) =>
  !e.type.endsWith('_A') && e.type !== 'TAKEN_ELSEWHERE';
const byValue = (state: any) => JSON.stringify(state.value);

describe('mediaSystem model (two apps, every device family)', () => {
  const pathsByFamily = families.map((deviceFamily) => ({
    deviceFamily,
    paths: [
      ...walkModel.getShortestPaths({ input: { deviceFamily } }),
      ...[onlyA, onlyB].flatMap((filterEvents) =>
        walkModel.getSimplePaths({
          input: { deviceFamily },
          filterEvents,
          serializeState: byValue,
        } as never),
      ),
    ],
  }));
  const allPaths = pathsByFamily.flatMap((f) => f.paths);
  type Steps = Array<{ event: EventObject; state: any }>;
  /** What the real actors went through, one step list per actor, for coverage. */
  const systemRuns: Steps[] = [];
  const childRuns = new Map<AnyStateMachine, Steps[]>();

  it('reaches every state, event and transition of the model', () => {
    const coverage = graphCoverage(
      'mediaSystem model',
      model as AnyStateMachine,
      allPaths as never,
    );
    console.log(formatCoverage(coverage));
    expect(coverage.states.missing).toEqual([]);
    expect(coverage.events.missing).toEqual([]);
    expect(coverage.transitions.missing).toEqual([]);
  });

  for (const { deviceFamily, paths } of pathsByFamily) {
    it(`${deviceFamily}: the system follows the model and keeps every invariant`, async () => {
      for (const path of paths) {
        const h = createHarness(deviceFamily);
        const events = Object.fromEntries(
          modelEvents.map((type) => [type, () => h.exec[type]()]),
        ) as Record<ModelEvent['type'], () => void>;
        await path.test({ events, states: { '*': (state: any) => checkStep(h, state) } });
        const byActor = new Map<unknown, Steps>();
        for (const { actor, event, snapshot } of h.inspected) {
          if (!byActor.has(actor)) byActor.set(actor, []);
          byActor.get(actor)!.push({ event, state: snapshot });
        }
        for (const [actor, steps] of byActor) {
          if (actor === h.actor) systemRuns.push(steps);
          else if ('root' in (actor as any).logic) {
            const machine = (actor as any).logic as AnyStateMachine;
            if (!childRuns.has(machine)) childRuns.set(machine, []);
            childRuns.get(machine)!.push(steps);
          }
        }
        h.actor.stop();
      }
      console.log(`[walk] ${deviceFamily}: ${paths.length} paths`);
    });
  }

  it('exercised every fact and command path of the real mediaSystem machine', () => {
    const asPaths = (runs: Steps[]) => runs.map((steps) => ({ state: steps.at(-1)!.state, steps }));
    expect(systemRuns.length).toBeGreaterThan(0);
    const coverage = graphCoverage('mediaSystem', mediaSystemMachine, asPaths(systemRuns));
    console.log(formatCoverage(coverage));
    expect(coverage.states.missing).toEqual([]);
    expect(coverage.events.missing).toEqual([]);
    expect(coverage.transitions.missing).toEqual([]);
    // The children, as driven by the system (timers the model never lets run out, such as
    // the run budget, show up as missing here and are covered by their own tests).
    for (const [machine, runs] of childRuns) {
      const coverage = graphCoverage(`mediaSystem/${machine.id}`, machine, asPaths(runs));
      if (machine.id === 'appSession') {
        // The app sessions are the system's own rules: the walk takes every one of their states
        // and events, and every transition but two the model never offers (a foreground
        // terminated before it was launched; a task started while its foreground is hidden,
        // which mediaSystem.test.ts covers).
        console.log(formatCoverage(coverage));
        expect(coverage.states.missing).toEqual([]);
        expect(coverage.events.missing).toEqual([]);
        expect(coverage.transitions.missing.sort()).toEqual([
          'appSession.foreground.notRunning --APP_TERMINATED#0',
          'appSession.task.none --TASK_STARTING#1',
        ]);
        continue;
      }
      // Informational: each policy's and the task's full coverage is asserted by its own test.
      console.log(
        formatCoverage(coverage).replace(
          '[graph]',
          '[graph, informational: child as the system drives it]',
        ),
      );
    }
    expect([...childRuns.keys()].map((m) => m.id)).toContain('appSession');
  });
});
