import { describe, expect, it } from 'vitest';
import { type AnyStateMachine, createActor, type EventObject } from 'xstate';
import { VirtualClock } from '../../src/clock.ts';
import { exclusivityMachine } from '../../src/machines/policies/exclusivity.ts';
import { inactivityTimeoutMachine } from '../../src/machines/policies/inactivityTimeout.ts';
import { sharedLifetimeMachine } from '../../src/machines/policies/sharedLifetime.ts';
import { createWalkModel, formatCoverage, graphCoverage } from '../support/graphCoverage.ts';

type Path = ReturnType<ReturnType<typeof createWalkModel>['getShortestPaths']>[number];

/** Shortest and simple paths of a walk model, for each of the given inputs. */
function walk(
  machine: AnyStateMachine,
  events: readonly EventObject[],
  inputs: readonly unknown[],
  context?: (c: any) => unknown,
  simpleFilter?: (snapshot: any, event: any) => boolean,
): Path[] {
  const model = createWalkModel(machine, { events, ...(context ? { context } : {}) });
  return inputs.flatMap((input) => [
    ...model.getShortestPaths({ input }),
    ...model.getSimplePaths({ input, ...(simpleFilter ? { filterEvents: simpleFilter } : {}) }),
  ]);
}

/** Logs the coverage line and fails on any state or event the paths did not reach. */
function assertCoverage(name: string, machine: AnyStateMachine, paths: Path[]): void {
  const coverage = graphCoverage(name, machine, paths as never);
  console.log(formatCoverage(coverage));
  expect(coverage.states.missing).toEqual([]);
  expect(coverage.events.missing).toEqual([]);
  expect(coverage.transitions.missing).toEqual([]);
}

function inputOf(path: Path): any {
  return (path.steps[0]?.state as any)?.context;
}

describe('exclusivity policy model', () => {
  const apps = ['a', 'b', 'c'];
  const events = [
    ...apps.flatMap((appId) => [
      { type: 'TASK_STARTED', appId },
      { type: 'TASK_ENDED', appId },
    ]),
    { type: 'TAKEN_ELSEWHERE' },
  ];
  // Audio taken elsewhere is left to the shortest paths (which take it from every state): on
  // the simple paths it would multiply their number.
  const paths = walk(
    exclusivityMachine,
    events,
    [{ enabled: true }, { enabled: false }],
    (c) => c.holder,
    (_, event) => event.type !== 'TAKEN_ELSEWHERE',
  );

  it('reaches every state, event and transition', () => {
    assertCoverage('exclusivity', exclusivityMachine, paths);
  });

  it('keeps at most one uncancelled task on every path when enabled, none cancelled when not', async () => {
    expect(paths.length).toBeGreaterThan(1);
    for (const path of paths) {
      const enabled = inputOf(path).enabled as boolean;
      const actor = createActor(exclusivityMachine, { input: { enabled } }).start();
      // Oracle: apps whose task is alive and was never told to cancel.
      const uncancelled = new Set<string>();
      let cancels = 0;
      actor.on('cancelTask', ({ appId, reason }) => {
        expect(reason).toBe('systemPolicy');
        expect(uncancelled.has(appId)).toBe(true);
        uncancelled.delete(appId);
        cancels++;
      });
      const exec = ({ event }: { event: any }) => {
        if (event.type === 'TASK_STARTED') uncancelled.add(event.appId);
        actor.send(event);
        if (event.type === 'TASK_ENDED') uncancelled.delete(event.appId);
      };
      await path.test({
        events: { TASK_STARTED: exec, TASK_ENDED: exec, TAKEN_ELSEWHERE: exec },
        states: {
          '*': (state: any) => {
            const real = actor.getSnapshot();
            expect(real.value).toEqual(state.value);
            expect(real.context.holder).toEqual(state.context.holder);
            if (enabled) {
              expect(uncancelled.size).toBeLessThanOrEqual(1);
              expect(real.context.holder).toBe([...uncancelled][0] ?? null);
            } else {
              expect(cancels).toBe(0);
            }
          },
        },
      });
      actor.stop();
    }
  });
});

describe('inactivity timeout policy model', () => {
  const timeoutMs = 60_000;
  const events = [
    { type: 'FOREGROUND_VISIBLE', visible: false },
    { type: 'FOREGROUND_VISIBLE', visible: true },
    { type: 'PLAYING', playing: true },
    { type: 'PLAYING', playing: false },
    { type: 'TASK_ENDED' },
  ];
  const paths = walk(
    inactivityTimeoutMachine,
    events,
    [
      { enabled: true, timeoutMs },
      { enabled: false, timeoutMs },
    ],
    (c) => [c.foregroundVisible, c.playing],
    // Simple paths only take facts that change something; facts that change nothing are
    // covered by the shortest paths (they would make the simple paths explode).
    (snapshot, event) =>
      event.type === 'FOREGROUND_VISIBLE'
        ? event.visible !== snapshot.context.foregroundVisible
        : event.type === 'PLAYING'
          ? event.playing !== snapshot.context.playing
          : true,
  );

  it('reaches every state, event and transition', () => {
    assertCoverage('inactivityTimeout', inactivityTimeoutMachine, paths);
  });

  it('counts only while hidden and not playing, and fires exactly at the timeout', async () => {
    expect(paths.length).toBeGreaterThan(1);
    for (const path of paths) {
      const enabled = inputOf(path).enabled as boolean;
      const clock = new VirtualClock();
      const actor = createActor(inactivityTimeoutMachine, {
        input: { enabled, timeoutMs },
        clock,
      }).start();
      let cancels = 0;
      let expired = false;
      actor.on('cancelTask', ({ reason }) => {
        expect(reason).toBe('idleTask');
        cancels++;
      });
      const send = ({ event }: { event: any }) => actor.send(event);
      await path.test({
        events: {
          FOREGROUND_VISIBLE: send,
          PLAYING: send,
          TASK_ENDED: send,
          'xstate.after.inactivityTimeout.inactivityTimeout.counting': () => {
            clock.advance(timeoutMs - 1);
            expect(cancels).toBe(0);
            clock.advance(1);
            expect(cancels).toBe(1);
            expired = true;
          },
        } as never,
        states: {
          '*': (state: any) => {
            const real = actor.getSnapshot();
            expect(real.value).toEqual(state.value);
            const { foregroundVisible, playing } = real.context;
            const idle = !foregroundVisible && !playing;
            const ended = real.status === 'done';
            expect(real.matches('counting')).toBe(enabled && idle && !expired && !ended);
            // A timer is pending exactly while counting.
            expect(clock.pending).toBe(real.matches('counting') ? 1 : 0);
            expect(cancels).toBe(expired ? 1 : 0);
          },
        },
      });
      actor.stop();
    }
  });
});

describe('shared lifetime policy model', () => {
  const events = [{ type: 'FOREGROUND_TERMINATED' }, { type: 'TASK_ENDED' }];
  const paths = walk(sharedLifetimeMachine, events, [{ enabled: true }, { enabled: false }]);

  it('reaches every state, event and transition', () => {
    assertCoverage('sharedLifetime', sharedLifetimeMachine, paths);
  });

  it('cancels on foreground shutdown only when enabled, and never the reverse', async () => {
    expect(paths.length).toBeGreaterThan(1);
    for (const path of paths) {
      const enabled = inputOf(path).enabled as boolean;
      const actor = createActor(sharedLifetimeMachine, { input: { enabled } }).start();
      const emitted: EventObject[] = [];
      actor.on('*', (e) => emitted.push(e));
      let foregroundGone = false;
      let taskEnded = false;
      await path.test({
        events: {
          FOREGROUND_TERMINATED: () => {
            actor.send({ type: 'FOREGROUND_TERMINATED' });
            foregroundGone = true;
          },
          TASK_ENDED: () => {
            actor.send({ type: 'TASK_ENDED' });
            taskEnded = true;
          },
        },
        states: {
          '*': (state: any) => {
            expect(actor.getSnapshot().value).toEqual(state.value);
            const expected = enabled && foregroundGone ? 1 : 0;
            expect(emitted).toHaveLength(expected);
            for (const e of emitted) expect(e).toMatchObject({ reason: 'terminating' });
            if (taskEnded && !foregroundGone) expect(emitted).toEqual([]);
          },
        },
      });
      actor.stop();
    }
  });
});
