import { describe, expect, it } from 'vitest';
import { type AnyEventObject, createActor, initialTransition, transition } from 'xstate';
import { VirtualClock } from '../../src/clock.js';
import {
  type BackgroundTaskEmitted,
  type BackgroundTaskEvent,
  type BackgroundTaskInput,
  type BackgroundTaskSnapshot,
  backgroundTaskMachine,
  GRACE_EXPIRED,
  type TaskState,
  taskStateOf,
} from '../../src/machines/backgroundTask.js';
import { createWalkModel, formatCoverage, graphCoverage } from '../support/graphCoverage.js';

const walkEvents: BackgroundTaskEvent[] = [
  { type: 'START' },
  { type: 'RUN_ENTERED' },
  { type: 'RUN_RETURNED' },
  { type: 'DEFERRAL_TAKEN' },
  { type: 'DEFERRAL_COMPLETED' },
  { type: 'CANCEL', reason: 'abort' },
  { type: 'CANCEL', reason: 'energySaver' },
  { type: 'TERMINATE', reason: 'crashed' },
];
// The grace timer is a delayed event the machine raises itself; the walk fires it explicitly,
// as it does with every `after` transition.
const graceEvent = { type: GRACE_EXPIRED } as const;

// Durations picked so that any timer left running into `canceling` (start 3 000, run 2 000)
// would fire before the grace (5 000) and be seen by the replay.
const input: BackgroundTaskInput = {
  instanceId: 'walk',
  cancellationGraceMs: 5_000,
  runBudgetMs: 2_000,
  startTimeoutMs: 3_000,
};
const STEP_MS = 100;

// What tells two walk states apart besides the state value. The cancel reason itself is left out
// (paths stay few); the walk's snapshots are representatives of their class, so checks that
// need the exact context recompute it along the path.
const project = (c: BackgroundTaskSnapshot['context']) => ({
  held: c.deferralHeld,
  completed: c.deferralCompleted,
  canceled: c.cancelReason !== null,
});
const model = createWalkModel(backgroundTaskMachine, {
  events: [...walkEvents, graceEvent],
  context: project,
});
const traversal = { input } as Parameters<typeof model.getShortestPaths>[0];
const paths = [...model.getShortestPaths(traversal), ...model.getSimplePaths(traversal)];

type Step = { event: AnyEventObject; state: BackgroundTaskSnapshot };
const stepsOf = (path: (typeof paths)[number]) => path.steps as unknown as Step[];

const aliveStates: readonly TaskState[] = ['starting', 'running', 'alive', 'canceling'];
const finalStates: readonly TaskState[] = ['completed', 'terminated'];
const afterCancelStates: readonly TaskState[] = ['running', 'canceling', ...finalStates];

/** An action as the pure transition returns it; built-in ones carry resolved params. */
type Action = { type: string; params?: unknown };
const emittedBy = (actions: readonly Action[]) =>
  actions.flatMap((a) =>
    a.type === 'xstate.emit' ? [(a.params as { event: BackgroundTaskEmitted }).event] : [],
  );

/** The timer an event stands for, or undefined for an event the runtime sends. */
function timerIdOf(event: AnyEventObject): string | undefined {
  if (event.type === GRACE_EXPIRED) return 'cancellationGrace';
  if (event.type.startsWith('xstate.after.')) return event.type;
  return undefined;
}

/** Walks one path through the pure transition function, checking every invariant at every step. */
function checkPath(path: (typeof paths)[number]): void {
  const steps = stepsOf(path);
  const where = () => path.description;
  let [snapshot, actions]: [BackgroundTaskSnapshot, readonly Action[]] = initialTransition(
    backgroundTaskMachine,
    input,
  );
  const pending = new Set<string>();
  let runEnteredEvents = 0;
  let runEnteredEmits = 0;
  let firstCancel: string | null = null;
  let canceledAt = -1;
  let prevState: TaskState | undefined;

  steps.forEach((step, i) => {
    if (i > 0) {
      const before = snapshot;
      const timer = timerIdOf(step.event);
      if (timer) {
        // The walk may only fire a timer that the machine actually has running.
        expect(pending.has(timer), `${where()}: ${timer} fired but not pending`).toBe(true);
        pending.delete(timer);
      }
      [snapshot, actions] = transition(
        backgroundTaskMachine,
        before,
        step.event as BackgroundTaskEvent,
      );
      if (step.event.type === 'RUN_ENTERED') runEnteredEvents++;
      if (step.event.type === 'CANCEL' && firstCancel === null) firstCancel = step.event.reason;
    }
    // The pure transition agrees with the model's step.
    expect(snapshot.value).toEqual(step.state.value);
    expect(project(snapshot.context)).toEqual(project(step.state.context));

    for (const a of actions) {
      if (a.type === 'xstate.raise' && typeof (a.params as any).delay === 'number') {
        pending.add((a.params as { id: string }).id);
      }
      if (a.type === 'xstate.cancel') pending.delete((a.params as { sendId: string }).sendId);
    }
    const emitted = emittedBy(actions);
    const state = taskStateOf(snapshot);
    const ctx = snapshot.context;

    // `run` is entered at most once, and the flag says whether it was.
    runEnteredEmits += emitted.filter((e) => e.type === 'runEntered').length;
    expect(runEnteredEvents, where()).toBeLessThanOrEqual(1);
    expect(runEnteredEmits).toBe(runEnteredEvents);
    expect(ctx.runEntered).toBe(runEnteredEvents === 1);

    // stateChanged is emitted exactly on a change of state, naming the new state.
    const changes = emitted.filter((e) => e.type === 'stateChanged');
    expect(changes.map((e) => e.state)).toEqual(state === prevState ? [] : [state]);
    prevState = state;

    // The first CANCEL's reason wins; `canceled` is emitted once, when run can observe it.
    expect(ctx.cancelReason).toBe(firstCancel);
    const canceledNow = emitted.filter((e) => e.type === 'canceled');
    if (canceledNow.length > 0) {
      expect(canceledAt, `${where()}: canceled twice`).toBe(-1);
      expect(canceledNow).toEqual([{ type: 'canceled', reason: firstCancel }]);
      expect(ctx.runEntered).toBe(true);
      canceledAt = i;
    }
    if (ctx.cancelReason !== null && ctx.runEntered) expect(canceledAt).toBeGreaterThanOrEqual(0);

    // After `canceled` the only ways forward are completed or terminated (possibly through
    // run returning into canceling); no return to alive.
    if (canceledAt >= 0) {
      expect(afterCancelStates, where()).toContain(state);
      expect(pending.has('cancellationGrace') || finalStates.includes(state)).toBe(true);
    }

    // The grace timer is the only timer that can fire in canceling.
    if (state === 'canceling') {
      expect([...pending], where()).toEqual(['cancellationGrace']);
      for (const event of [...walkEvents, graceEvent]) {
        if (!snapshot.can(event)) continue;
        const [next] = transition(backgroundTaskMachine, snapshot, event);
        expect(finalStates, `${where()} then ${event.type}`).toContain(taskStateOf(next));
      }
    }
    if (state === 'running' && pending.has('cancellationGrace')) {
      expect(ctx.cancelReason).not.toBeNull();
    }

    // Context shape per state.
    if (ctx.deferralCompleted) expect(ctx.deferralHeld).toBe(true);
    if (state === 'alive') {
      expect(ctx).toMatchObject({
        deferralHeld: true,
        deferralCompleted: false,
        cancelReason: null,
      });
    }
    if (state === 'canceling') {
      expect(ctx).toMatchObject({ deferralHeld: true, deferralCompleted: false });
      expect(ctx.cancelReason).not.toBeNull();
    }

    // Termination carries the reason that caused it, and only termination does.
    expect(ctx.terminationReason === null).toBe(state !== 'terminated');
    if (state === 'terminated' && i > 0) {
      const cause = step.event;
      const expected =
        cause.type === 'TERMINATE'
          ? cause.reason
          : cause.type === GRACE_EXPIRED
            ? 'graceExpired'
            : cause.type.includes('runBudget')
              ? 'runBudgetExceeded'
              : 'startTimeout';
      expect(ctx.terminationReason).toBe(expected);
      expect(emitted.filter((e) => e.type === 'terminated')).toEqual([
        { type: 'terminated', reason: expected },
      ]);
    }

    // Tags and status follow the state; finals are absorbing and leave no timer behind.
    expect(snapshot.hasTag('alive')).toBe(aliveStates.includes(state));
    expect(snapshot.hasTag('ended')).toBe(finalStates.includes(state));
    expect(snapshot.status).toBe(finalStates.includes(state) ? 'done' : 'active');
    if (finalStates.includes(state)) {
      expect(pending.size).toBe(0);
      for (const event of [...walkEvents, graceEvent]) expect(snapshot.can(event)).toBe(false);
      expect(i, `${where()}: continues after a final state`).toBe(steps.length - 1);
    }
  });
}

/**
 * Replays a path's runtime events on a real actor with a virtual clock, STEP_MS apart, up to the
 * first step in `canceling`; then lets the clock run and checks that the grace, counted from
 * the moment `canceled` was emitted, is the only thing that ends it.
 */
function replayIntoCanceling(events: AnyEventObject[]): void {
  const clock = new VirtualClock();
  const actor = createActor(backgroundTaskMachine, { clock, input });
  let canceledAt: number | undefined;
  const terminated: BackgroundTaskEmitted[] = [];
  actor.on('canceled', () => {
    canceledAt = clock.now();
  });
  actor.on('terminated', (e) => terminated.push(e));
  actor.start();
  for (const event of events) {
    expect(timerIdOf(event), 'a timer on the way to canceling').toBeUndefined();
    clock.advance(STEP_MS);
    actor.send(event as BackgroundTaskEvent);
  }
  expect(taskStateOf(actor.getSnapshot())).toBe('canceling');
  expect(canceledAt).toBeDefined();
  const remaining = input.cancellationGraceMs! - (clock.now() - canceledAt!);
  expect(remaining).toBeGreaterThan(0);

  clock.advance(remaining - 1);
  expect(taskStateOf(actor.getSnapshot())).toBe('canceling');
  clock.advance(1);
  const end = taskStateOf(actor.getSnapshot());
  expect(finalStates).toContain(end);
  expect(end).toBe('terminated');
  expect(terminated).toEqual([{ type: 'terminated', reason: 'graceExpired' }]);
  expect(clock.pending).toBe(0);
}

describe('backgroundTaskMachine (model-based)', () => {
  it('reaches every state, event and transition', () => {
    const coverage = graphCoverage('backgroundTask', backgroundTaskMachine, paths as never);
    console.log(formatCoverage(coverage));
    expect(coverage.states.missing).toEqual([]);
    expect(coverage.events.missing).toEqual([]);
    expect(coverage.transitions.missing).toEqual([]);
    const seen = new Set(paths.flatMap((p) => stepsOf(p).map((s) => taskStateOf(s.state))));
    expect([...seen].sort()).toEqual(
      [...aliveStates, ...finalStates, 'notStarted'].sort() as TaskState[],
    );
    const reasons = new Set(
      paths.flatMap((p) =>
        stepsOf(p).flatMap((s) => (s.event.type === 'CANCEL' ? [s.event.reason] : [])),
      ),
    );
    expect([...reasons].sort()).toEqual(['abort', 'energySaver']);
  });

  it('keeps every invariant at every step of every path', () => {
    expect(paths.length).toBeGreaterThan(50);
    for (const path of paths) checkPath(path);
  });

  it('agrees with a real actor on every path free of timers', () => {
    let replayed = 0;
    for (const path of paths) {
      const steps = stepsOf(path).slice(1);
      if (steps.some((s) => timerIdOf(s.event))) continue;
      const actor = createActor(backgroundTaskMachine, { clock: new VirtualClock(), input });
      actor.start();
      for (const step of steps) {
        actor.send(step.event as BackgroundTaskEvent);
        expect(actor.getSnapshot().value).toEqual(step.state.value);
        expect(project(actor.getSnapshot().context)).toEqual(project(step.state.context));
      }
      replayed++;
    }
    expect(replayed).toBeGreaterThan(20);
  });

  it('ends every path through canceling by the grace alone, counted from the cancel', () => {
    const prefixes = new Map<string, AnyEventObject[]>();
    for (const path of paths) {
      const steps = stepsOf(path);
      const at = steps.findIndex((s) => taskStateOf(s.state) === 'canceling');
      if (at < 0) continue;
      const events = steps.slice(1, at + 1).map((s) => s.event);
      prefixes.set(JSON.stringify(events), events);
    }
    // Cancel in starting, during run (before and after the deferral), and while alive.
    expect(prefixes.size).toBeGreaterThanOrEqual(4);
    for (const events of prefixes.values()) replayIntoCanceling(events);
  });
});
