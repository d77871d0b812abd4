import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { VirtualClock } from '../../src/clock.js';
import {
  type BackgroundTaskEmitted,
  type BackgroundTaskEvent,
  type BackgroundTaskInput,
  backgroundTaskDefaults,
  backgroundTaskMachine,
  GRACE_EXPIRED,
  type TaskState,
  taskStateOf,
} from '../../src/machines/backgroundTask.js';
import {
  type CancellationReason,
  cancellationReasons,
  isCancellationReason,
  isTerminationReason,
  type TerminationReason,
  terminationReasons,
} from '../../src/machines/cancellationReasons.js';

const emittedTypes = ['runEntered', 'canceled', 'completed', 'terminated', 'stateChanged'] as const;

/** A started task actor on a virtual clock, recording every emitted event with its time. */
function startTask(input: Partial<BackgroundTaskInput> = {}) {
  const clock = new VirtualClock();
  const actor = createActor(backgroundTaskMachine, {
    clock,
    input: { instanceId: 'task-1', ...input },
  });
  const log: Array<{ at: number; event: BackgroundTaskEmitted }> = [];
  for (const type of emittedTypes) {
    actor.on(type, (event) => log.push({ at: clock.now(), event }));
  }
  actor.start();
  const send = (...events: BackgroundTaskEvent[]) => {
    for (const event of events) actor.send(event);
  };
  const state = () => taskStateOf(actor.getSnapshot());
  const context = () => actor.getSnapshot().context;
  const emitted = (type: BackgroundTaskEmitted['type']) =>
    log.filter((entry) => entry.event.type === type);
  const states = () =>
    log.flatMap((entry) => (entry.event.type === 'stateChanged' ? [entry.event.state] : []));
  return { clock, actor, send, state, context, log, emitted, states };
}

const START = { type: 'START' } as const;
const RUN_ENTERED = { type: 'RUN_ENTERED' } as const;
const RUN_RETURNED = { type: 'RUN_RETURNED' } as const;
const DEFERRAL_TAKEN = { type: 'DEFERRAL_TAKEN' } as const;
const DEFERRAL_COMPLETED = { type: 'DEFERRAL_COMPLETED' } as const;
const cancel = (reason: CancellationReason) => ({ type: 'CANCEL', reason }) as const;
const terminate = (reason: TerminationReason) => ({ type: 'TERMINATE', reason }) as const;

describe('cancellationReasons', () => {
  it('lists the eleven WinRT cancellation reasons and the termination reasons', () => {
    expect(cancellationReasons).toHaveLength(11);
    expect(new Set(cancellationReasons).size).toBe(11);
    expect(terminationReasons).toContain('graceExpired');
    expect(terminationReasons).toContain('shutdown');
  });

  it('tells reasons apart', () => {
    expect(isCancellationReason('idleTask')).toBe(true);
    expect(isCancellationReason('graceExpired')).toBe(false);
    expect(isCancellationReason(3)).toBe(false);
    expect(isTerminationReason('runBudgetExceeded')).toBe(true);
    expect(isTerminationReason('abort')).toBe(false);
  });
});

describe('backgroundTaskMachine: input', () => {
  it('fills the default durations', () => {
    const task = startTask();
    expect(task.context()).toMatchObject({
      instanceId: 'task-1',
      ...backgroundTaskDefaults,
      deferralHeld: false,
      deferralCompleted: false,
      cancelReason: null,
      terminationReason: null,
      runEntered: false,
    });
    expect(backgroundTaskDefaults).toEqual({
      cancellationGraceMs: 5_000,
      runBudgetMs: 2_000,
      startTimeoutMs: 10_000,
    });
  });

  it('rejects a bad duration or instance id, quoting the value', () => {
    const errorOf = (input: BackgroundTaskInput) => {
      const actor = createActor(backgroundTaskMachine, { input });
      let error: unknown;
      actor.subscribe({ error: (e) => (error = e) });
      actor.start();
      return error as Error;
    };
    expect(errorOf({ instanceId: 't', cancellationGraceMs: -1 }).message).toContain('`-1`');
    expect(errorOf({ instanceId: 't', runBudgetMs: Number.NaN }).message).toContain('`NaN`');
    expect(errorOf({ instanceId: '' }).message).toContain('instanceId');
  });
});

describe('backgroundTaskMachine: normal lifecycle', () => {
  it('starts in notStarted and announces it', () => {
    const task = startTask();
    expect(task.state()).toBe('notStarted');
    expect(task.states()).toEqual(['notStarted']);
    expect(task.actor.getSnapshot().hasTag('alive')).toBe(false);
  });

  it('completes when run returns without a deferral', () => {
    const task = startTask();
    task.send(START, RUN_ENTERED);
    expect(task.state()).toBe('running');
    expect(task.context().runEntered).toBe(true);
    task.send(RUN_RETURNED);
    expect(task.state()).toBe('completed');
    expect(task.actor.getSnapshot().status).toBe('done');
    expect(task.actor.getSnapshot().hasTag('ended')).toBe(true);
    expect(task.states()).toEqual(['notStarted', 'starting', 'running', 'completed']);
    expect(task.emitted('runEntered')).toHaveLength(1);
    expect(task.emitted('completed')).toHaveLength(1);
    expect(task.emitted('canceled')).toHaveLength(0);
    expect(task.actor.getSnapshot().output).toEqual({
      instanceId: 'task-1',
      outcome: 'completed',
      cancelReason: null,
      terminationReason: null,
    });
    expect(task.clock.pending).toBe(0);
  });

  it('stays alive while the deferral is held, long after every budget', () => {
    const task = startTask();
    task.send(START, RUN_ENTERED, DEFERRAL_TAKEN, RUN_RETURNED);
    expect(task.state()).toBe('alive');
    expect(task.context().deferralHeld).toBe(true);
    task.clock.advance(24 * 60 * 60 * 1000);
    expect(task.state()).toBe('alive');
    expect(task.actor.getSnapshot().hasTag('alive')).toBe(true);
    task.send(DEFERRAL_COMPLETED);
    expect(task.state()).toBe('completed');
    expect(task.context().deferralCompleted).toBe(true);
  });

  it('completes at once when the deferral was completed before run returned', () => {
    const task = startTask();
    task.send(START, RUN_ENTERED, DEFERRAL_TAKEN, DEFERRAL_COMPLETED);
    expect(task.state()).toBe('running');
    task.send(RUN_RETURNED);
    expect(task.state()).toBe('completed');
  });

  it('ignores a deferral completion when no deferral was taken', () => {
    const task = startTask();
    task.send(START, RUN_ENTERED, DEFERRAL_COMPLETED);
    expect(task.context().deferralCompleted).toBe(false);
    task.send(DEFERRAL_TAKEN, RUN_RETURNED);
    expect(task.state()).toBe('alive');
  });
});

describe('backgroundTaskMachine: cancellation', () => {
  it('delivers canceled while run executes, then completes when run returns', () => {
    const task = startTask();
    task.send(START, RUN_ENTERED, cancel('systemPolicy'));
    expect(task.state()).toBe('running');
    expect(task.emitted('canceled').map((e) => e.event)).toEqual([
      { type: 'canceled', reason: 'systemPolicy' },
    ]);
    task.send(RUN_RETURNED);
    expect(task.state()).toBe('completed');
    expect(task.emitted('completed')).toHaveLength(1);
    expect(task.actor.getSnapshot().output).toMatchObject({
      outcome: 'completed',
      cancelReason: 'systemPolicy',
    });
    expect(task.clock.pending).toBe(0);
  });

  it('completes when the deferral is completed during run after the cancel', () => {
    const task = startTask();
    task.send(START, RUN_ENTERED, DEFERRAL_TAKEN, cancel('abort'), DEFERRAL_COMPLETED);
    task.send(RUN_RETURNED);
    expect(task.state()).toBe('completed');
  });

  it('terminates graceExpired exactly cancellationGraceMs after the CANCEL, not after run returned', () => {
    const task = startTask({ cancellationGraceMs: 5_000, runBudgetMs: 2_000 });
    task.send(START, RUN_ENTERED, DEFERRAL_TAKEN);
    task.clock.advance(300);
    task.send(cancel('resourceRevocation')); // at t = 300
    task.clock.advance(1_500);
    task.send(RUN_RETURNED); // at t = 1800
    expect(task.state()).toBe('canceling');
    expect(task.log.at(-1)?.event).toEqual({
      type: 'stateChanged',
      state: 'canceling',
      reason: 'resourceRevocation',
    });
    task.clock.advance(5_000 - 1_500 - 1); // t = 5299
    expect(task.state()).toBe('canceling');
    task.clock.advance(1); // t = 5300 = CANCEL + grace
    expect(task.state()).toBe('terminated');
    expect(task.context().terminationReason).toBe('graceExpired');
    expect(task.emitted('terminated')).toEqual([
      { at: 5_300, event: { type: 'terminated', reason: 'graceExpired' } },
    ]);
    expect(task.emitted('completed')).toHaveLength(0);
    expect(task.clock.pending).toBe(0);
  });

  it('completes when the deferral is completed within the grace period', () => {
    const task = startTask();
    task.send(START, RUN_ENTERED, DEFERRAL_TAKEN, RUN_RETURNED, cancel('idleTask'));
    expect(task.state()).toBe('canceling');
    task.clock.advance(4_999);
    task.send(DEFERRAL_COMPLETED);
    expect(task.state()).toBe('completed');
    task.clock.advance(10_000);
    expect(task.state()).toBe('completed');
    expect(task.emitted('terminated')).toHaveLength(0);
  });

  it('cancels an alive task: canceled, then graceExpired after the grace', () => {
    const task = startTask({ cancellationGraceMs: 750 });
    task.send(START, RUN_ENTERED, DEFERRAL_TAKEN, RUN_RETURNED);
    task.clock.advance(10_000);
    task.send(cancel('energySaver'));
    expect(task.emitted('canceled').map((e) => e.at)).toEqual([10_000]);
    task.clock.advance(749);
    expect(task.state()).toBe('canceling');
    task.clock.advance(1);
    expect(task.actor.getSnapshot().output).toEqual({
      instanceId: 'task-1',
      outcome: 'terminated',
      cancelReason: 'energySaver',
      terminationReason: 'graceExpired',
    });
  });

  it('terminates graceExpired while run still executes when the grace is shorter than the budget', () => {
    const task = startTask({ cancellationGraceMs: 100, runBudgetMs: 2_000 });
    task.send(START, RUN_ENTERED, cancel('abort'));
    task.clock.advance(100);
    expect(task.context().terminationReason).toBe('graceExpired');
  });

  it('keeps the first reason and ignores a second CANCEL', () => {
    const task = startTask();
    task.send(START, RUN_ENTERED, DEFERRAL_TAKEN, cancel('abort'));
    task.clock.advance(1_000);
    task.send(cancel('uninstall'), RUN_RETURNED, cancel('loggingOff'));
    expect(task.context().cancelReason).toBe('abort');
    expect(task.emitted('canceled')).toHaveLength(1);
    // The second CANCEL did not restart the grace: it still ends at 5000.
    task.clock.advance(3_999);
    expect(task.state()).toBe('canceling');
    task.clock.advance(1);
    expect(task.state()).toBe('terminated');
  });

  it('records a cancel while starting and delivers it when run is entered', () => {
    const task = startTask({ cancellationGraceMs: 1_000 });
    task.send(START);
    task.clock.advance(2_000);
    task.send(cancel('conditionLoss'));
    expect(task.state()).toBe('starting');
    expect(task.context().cancelReason).toBe('conditionLoss');
    expect(task.emitted('canceled')).toHaveLength(0);
    task.clock.advance(3_000);
    task.send(cancel('abort'), RUN_ENTERED); // t = 5000
    expect(task.emitted('canceled')).toEqual([
      { at: 5_000, event: { type: 'canceled', reason: 'conditionLoss' } },
    ]);
    expect(task.log.map((e) => e.event.type).slice(-3)).toEqual([
      'runEntered',
      'stateChanged',
      'canceled',
    ]);
    task.send(DEFERRAL_TAKEN, RUN_RETURNED);
    expect(task.state()).toBe('canceling');
    task.clock.advance(999);
    expect(task.state()).toBe('canceling');
    task.clock.advance(1);
    expect(task.context().terminationReason).toBe('graceExpired');
  });

  it('ignores CANCEL before START', () => {
    const task = startTask();
    task.send(cancel('abort'));
    expect(task.state()).toBe('notStarted');
    expect(task.context().cancelReason).toBeNull();
  });

  it('does not react to the grace event before a cancel', () => {
    const task = startTask();
    task.send(START, RUN_ENTERED);
    expect(task.actor.getSnapshot().can({ type: GRACE_EXPIRED })).toBe(false);
    task.actor.send({ type: GRACE_EXPIRED });
    expect(task.state()).toBe('running');
  });
});

describe('backgroundTaskMachine: timeouts', () => {
  it('terminates runBudgetExceeded when run does not return within its budget', () => {
    const task = startTask({ runBudgetMs: 2_000 });
    task.send(START);
    task.clock.advance(700);
    task.send(RUN_ENTERED, DEFERRAL_TAKEN);
    task.clock.advance(1_999);
    expect(task.state()).toBe('running');
    task.clock.advance(1);
    expect(task.state()).toBe('terminated');
    expect(task.emitted('terminated')).toEqual([
      { at: 2_700, event: { type: 'terminated', reason: 'runBudgetExceeded' } },
    ]);
    expect(task.emitted('canceled')).toHaveLength(0);
  });

  it('stops the run budget once run returns', () => {
    const task = startTask({ runBudgetMs: 2_000 });
    task.send(START, RUN_ENTERED, DEFERRAL_TAKEN);
    task.clock.advance(1_999);
    task.send(RUN_RETURNED);
    task.clock.advance(60_000);
    expect(task.state()).toBe('alive');
  });

  it('terminates startTimeout when run is not entered in time', () => {
    const task = startTask({ startTimeoutMs: 10_000 });
    task.send(START);
    task.clock.advance(9_999);
    expect(task.state()).toBe('starting');
    task.clock.advance(1);
    expect(task.state()).toBe('terminated');
    expect(task.context().terminationReason).toBe('startTimeout');
    expect(task.context().runEntered).toBe(false);
    expect(task.emitted('terminated').map((e) => e.event)).toEqual([
      { type: 'terminated', reason: 'startTimeout' },
    ]);
  });

  it('stops the start timeout once run is entered', () => {
    const task = startTask({ startTimeoutMs: 1_000, runBudgetMs: 5_000 });
    task.send(START, RUN_ENTERED, DEFERRAL_TAKEN);
    task.clock.advance(4_000);
    expect(task.state()).toBe('running');
  });
});

describe('backgroundTaskMachine: TERMINATE (termination without notice)', () => {
  const reach: Record<Exclude<TaskState, 'completed' | 'terminated'>, BackgroundTaskEvent[]> = {
    notStarted: [],
    starting: [START],
    running: [START, RUN_ENTERED],
    alive: [START, RUN_ENTERED, DEFERRAL_TAKEN, RUN_RETURNED],
    canceling: [START, RUN_ENTERED, DEFERRAL_TAKEN, RUN_RETURNED, cancel('abort')],
  };

  for (const [from, path] of Object.entries(reach)) {
    it(`terminates from ${from}, carrying the reason`, () => {
      const task = startTask();
      task.send(...path);
      expect(task.state()).toBe(from);
      const canceledBefore = task.emitted('canceled').length;
      task.send(terminate('memoryLimit'));
      expect(task.state()).toBe('terminated');
      expect(task.context().terminationReason).toBe('memoryLimit');
      expect(task.log.slice(-2).map((e) => e.event)).toEqual([
        { type: 'stateChanged', state: 'terminated', reason: 'memoryLimit' },
        { type: 'terminated', reason: 'memoryLimit' },
      ]);
      expect(task.emitted('canceled')).toHaveLength(canceledBefore);
      expect(task.clock.pending).toBe(0);
    });
  }

  it('carries every termination reason through', () => {
    for (const reason of terminationReasons) {
      const task = startTask();
      task.send(START, RUN_ENTERED, terminate(reason));
      expect(task.emitted('terminated').map((e) => e.event)).toEqual([
        { type: 'terminated', reason },
      ]);
      expect(task.actor.getSnapshot().output?.terminationReason).toBe(reason);
    }
  });

  it('carries every cancellation reason through', () => {
    for (const reason of cancellationReasons) {
      const task = startTask();
      task.send(START, RUN_ENTERED, DEFERRAL_TAKEN, RUN_RETURNED, cancel(reason));
      expect(task.emitted('canceled').map((e) => e.event)).toEqual([{ type: 'canceled', reason }]);
      expect(task.context().cancelReason).toBe(reason);
    }
  });

  it('accepts nothing once final', () => {
    for (const end of [[RUN_RETURNED], [terminate('crashed')]] as BackgroundTaskEvent[][]) {
      const task = startTask();
      task.send(START, RUN_ENTERED, ...end);
      const snapshot = task.actor.getSnapshot();
      expect(snapshot.status).toBe('done');
      const later: BackgroundTaskEvent[] = [
        terminate('exited'),
        cancel('abort'),
        DEFERRAL_COMPLETED,
        START,
        RUN_ENTERED,
      ];
      for (const event of later) expect(snapshot.can(event)).toBe(false);
      expect(snapshot.can({ type: GRACE_EXPIRED })).toBe(false);
    }
  });
});

describe('backgroundTaskMachine: run is entered at most once', () => {
  it('never accepts RUN_ENTERED or START after run was entered', () => {
    const task = startTask();
    task.send(START, RUN_ENTERED);
    const rounds: BackgroundTaskEvent[] = [
      DEFERRAL_TAKEN,
      RUN_RETURNED,
      cancel('abort'),
      DEFERRAL_COMPLETED,
    ];
    for (const event of rounds) {
      const snapshot = task.actor.getSnapshot();
      expect(snapshot.can(RUN_ENTERED)).toBe(false);
      expect(snapshot.can(START)).toBe(false);
      task.send(RUN_ENTERED, START, event);
    }
    expect(task.emitted('runEntered')).toHaveLength(1);
    expect(task.states().filter((s) => s === 'running')).toHaveLength(1);
  });

  it('has no transition back to notStarted or starting, and RUN_ENTERED only in starting', () => {
    const targetsOf = (stateName: string) =>
      [...backgroundTaskMachine.states[stateName]!.transitions.values()]
        .flat()
        .flatMap((t) => (t.target ?? []).map((n) => n.key));
    const sources = Object.keys(backgroundTaskMachine.states).filter((s) =>
      targetsOf(s).some((k) => k === 'starting' || k === 'notStarted'),
    );
    expect(sources).toEqual(['notStarted']);
    const acceptsRunEntered = Object.entries(backgroundTaskMachine.states)
      .filter(([, node]) => node.transitions.has('RUN_ENTERED'))
      .map(([key]) => key);
    expect(acceptsRunEntered).toEqual(['starting']);
  });
});

describe('taskStateOf', () => {
  it('names the state and rejects anything else, quoting it', () => {
    expect(taskStateOf({ value: 'alive' })).toBe('alive');
    expect(() => taskStateOf({ value: 'sleeping' } as never)).toThrow('`"sleeping"`');
  });
});
