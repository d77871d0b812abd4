import {
  type ActorRefFrom,
  assign,
  cancel,
  emit,
  enqueueActions,
  type SnapshotFrom,
  setup,
} from 'xstate';
import type { CancellationReason, TerminationReason } from './cancellationReasons.js';

/**
 * The lifecycle of one background task instance, from the host loading its module to its end.
 *
 * The task's `run` is entered at most once: `RUN_ENTERED` is accepted only in `starting`, and no
 * transition leads back to `notStarted` or `starting`. A fresh run needs a fresh instance.
 *
 * Cancellation: the first `CANCEL` wins, later ones are ignored. A `CANCEL` while the module is
 * still loading is recorded and delivered (`canceled` emitted, grace started) when `run` is
 * entered, since the task cannot observe it earlier. A `CANCEL` while `run` executes is delivered
 * at once, and the grace period runs from that moment, not from when `run` returns. The grace
 * timer is a delayed event scheduled on the actor's clock (the same mechanism xstate uses for
 * `after`), because it has to outlive the move from `running` to `canceling`.
 *
 * `TERMINATE` ends the task without notice from any state that is not final.
 */

/** Every state name of {@link backgroundTaskMachine}, in lifecycle order. */
export const taskStates = [
  'notStarted',
  'starting',
  'running',
  'alive',
  'canceling',
  'completed',
  'terminated',
] as const;

/** A state of {@link backgroundTaskMachine}; also what `taskStateChanged` reports to the UI. */
export type TaskState = (typeof taskStates)[number];

/** Input of {@link backgroundTaskMachine}. */
export interface BackgroundTaskInput {
  /** Identifies this instance (a new one for every fresh start of the task). */
  instanceId: string;
  /** Time a cancelled task has to complete its deferral. Default 5 000 ms. */
  cancellationGraceMs?: number;
  /** Time `run` may execute before it is terminated. Default 2 000 ms. */
  runBudgetMs?: number;
  /** Time the host may take to load the module and enter `run`. Default 10 000 ms. */
  startTimeoutMs?: number;
}

/** Defaults of the optional {@link BackgroundTaskInput} durations. */
export const backgroundTaskDefaults = {
  cancellationGraceMs: 5_000,
  runBudgetMs: 2_000,
  startTimeoutMs: 10_000,
} as const;

/** Context of {@link backgroundTaskMachine}. */
export interface BackgroundTaskContext {
  instanceId: string;
  cancellationGraceMs: number;
  runBudgetMs: number;
  startTimeoutMs: number;
  /** The task took its deferral. */
  deferralHeld: boolean;
  /** The task completed its deferral. */
  deferralCompleted: boolean;
  /** Reason of the first `CANCEL`, or null when never cancelled. */
  cancelReason: CancellationReason | null;
  /** Why the task was terminated, or null unless it was. */
  terminationReason: TerminationReason | null;
  /** `run` has been entered (it never is twice). */
  runEntered: boolean;
}

/** Events a runtime sends to {@link backgroundTaskMachine}. */
export type BackgroundTaskEvent =
  | { type: 'START' }
  | { type: 'RUN_ENTERED' }
  | { type: 'RUN_RETURNED' }
  | { type: 'DEFERRAL_TAKEN' }
  | { type: 'DEFERRAL_COMPLETED' }
  | { type: 'CANCEL'; reason: CancellationReason }
  | { type: 'TERMINATE'; reason: TerminationReason };

/**
 * Type of the event the machine schedules for itself when a cancellation is delivered; it fires
 * `cancellationGraceMs` later unless the task ended first. Not meant to be sent from outside
 * (model-based tests send it to take the transition without waiting).
 */
export const GRACE_EXPIRED = 'backgroundTask.graceExpired';

/** The machine's own grace event, see {@link GRACE_EXPIRED}. */
export interface GraceExpiredEvent {
  type: typeof GRACE_EXPIRED;
}

/** Events {@link backgroundTaskMachine} emits (`actor.on(type, handler)`). */
export type BackgroundTaskEmitted =
  | { type: 'runEntered' }
  | { type: 'canceled'; reason: CancellationReason }
  | { type: 'completed' }
  | { type: 'terminated'; reason: TerminationReason }
  | { type: 'stateChanged'; state: TaskState; reason?: CancellationReason | TerminationReason };

/** Output of {@link backgroundTaskMachine} once it is final. */
export interface BackgroundTaskOutput {
  instanceId: string;
  outcome: 'completed' | 'terminated';
  cancelReason: CancellationReason | null;
  terminationReason: TerminationReason | null;
}

const GRACE_TIMER_ID = 'cancellationGrace';

function duration(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `backgroundTask input ${name} must be a finite number >= 0, got \`${String(value)}\``,
    );
  }
  return value;
}

function initialContext(input: BackgroundTaskInput): BackgroundTaskContext {
  if (typeof input?.instanceId !== 'string' || input.instanceId === '') {
    throw new TypeError(
      `backgroundTask input instanceId must be a non-empty string, got \`${String(input?.instanceId)}\``,
    );
  }
  return {
    instanceId: input.instanceId,
    cancellationGraceMs: duration(
      'cancellationGraceMs',
      input.cancellationGraceMs,
      backgroundTaskDefaults.cancellationGraceMs,
    ),
    runBudgetMs: duration('runBudgetMs', input.runBudgetMs, backgroundTaskDefaults.runBudgetMs),
    startTimeoutMs: duration(
      'startTimeoutMs',
      input.startTimeoutMs,
      backgroundTaskDefaults.startTimeoutMs,
    ),
    deferralHeld: false,
    deferralCompleted: false,
    cancelReason: null,
    terminationReason: null,
    runEntered: false,
  };
}

const terminate = {
  target: '#backgroundTask.terminated',
  actions: 'recordTermination',
} as const;

/**
 * Statechart of one background task instance. States: `notStarted` → `starting` (module loading)
 * → `running` (inside `run`) → `alive` (deferral held) / `canceling` (grace period) → `completed`
 * or `terminated`. Tags: `alive` while the task holds resources, `ended` on the final states.
 */
export const backgroundTaskMachine = setup({
  types: {
    input: {} as BackgroundTaskInput,
    context: {} as BackgroundTaskContext,
    events: {} as BackgroundTaskEvent | GraceExpiredEvent,
    emitted: {} as BackgroundTaskEmitted,
    output: {} as BackgroundTaskOutput,
    tags: {} as 'alive' | 'ended',
  },
  delays: {
    startTimeout: ({ context }) => context.startTimeoutMs,
    runBudget: ({ context }) => context.runBudgetMs,
    cancellationGrace: ({ context }) => context.cancellationGraceMs,
  },
  guards: {
    notCanceled: ({ context }) => context.cancelReason === null,
    canceled: ({ context }) => context.cancelReason !== null,
    deferralFree: ({ context }) => !context.deferralHeld,
    deferralPending: ({ context }) => context.deferralHeld && !context.deferralCompleted,
    deferralPendingAndCanceled: ({ context }) =>
      context.deferralHeld && !context.deferralCompleted && context.cancelReason !== null,
  },
  actions: {
    announce: emit(({ context }, params: { state: TaskState }) => {
      const reason =
        params.state === 'terminated'
          ? context.terminationReason
          : params.state === 'canceling'
            ? context.cancelReason
            : null;
      return reason === null
        ? { type: 'stateChanged' as const, state: params.state }
        : { type: 'stateChanged' as const, state: params.state, reason };
    }),
    recordCancel: assign({
      cancelReason: ({ context, event }) =>
        context.cancelReason ?? (event.type === 'CANCEL' ? event.reason : null),
    }),
    deliverCancel: enqueueActions(({ context, enqueue }) => {
      if (context.cancelReason === null) return;
      enqueue.emit({ type: 'canceled', reason: context.cancelReason });
      enqueue.raise({ type: GRACE_EXPIRED }, { delay: 'cancellationGrace', id: GRACE_TIMER_ID });
    }),
    recordTermination: assign({
      terminationReason: ({ event }) => (event.type === 'TERMINATE' ? event.reason : null),
    }),
    takeDeferral: assign({ deferralHeld: true }),
    completeDeferral: assign({ deferralCompleted: true }),
  },
}).createMachine({
  id: 'backgroundTask',
  context: ({ input }) => initialContext(input),
  initial: 'notStarted',
  output: ({ context }) => ({
    instanceId: context.instanceId,
    outcome: context.terminationReason === null ? 'completed' : 'terminated',
    cancelReason: context.cancelReason,
    terminationReason: context.terminationReason,
  }),
  states: {
    notStarted: {
      entry: { type: 'announce', params: { state: 'notStarted' } },
      on: {
        START: 'starting',
        TERMINATE: terminate,
      },
    },
    starting: {
      tags: ['alive'],
      entry: { type: 'announce', params: { state: 'starting' } },
      after: {
        startTimeout: {
          target: 'terminated',
          actions: assign({ terminationReason: 'startTimeout' }),
        },
      },
      on: {
        RUN_ENTERED: {
          target: 'running',
          actions: [assign({ runEntered: true }), emit({ type: 'runEntered' })],
        },
        CANCEL: { guard: 'notCanceled', actions: 'recordCancel' },
        TERMINATE: terminate,
      },
    },
    running: {
      tags: ['alive'],
      // A cancel recorded while starting is delivered now, when the task can first observe it.
      entry: [{ type: 'announce', params: { state: 'running' } }, 'deliverCancel'],
      after: {
        runBudget: {
          target: 'terminated',
          actions: assign({ terminationReason: 'runBudgetExceeded' }),
        },
      },
      on: {
        DEFERRAL_TAKEN: { guard: 'deferralFree', actions: 'takeDeferral' },
        DEFERRAL_COMPLETED: { guard: 'deferralPending', actions: 'completeDeferral' },
        CANCEL: { guard: 'notCanceled', actions: ['recordCancel', 'deliverCancel'] },
        RUN_RETURNED: [
          { guard: 'deferralPendingAndCanceled', target: 'canceling' },
          { guard: 'deferralPending', target: 'alive' },
          { target: 'completed' },
        ],
        [GRACE_EXPIRED]: {
          guard: 'canceled',
          target: 'terminated',
          actions: assign({ terminationReason: 'graceExpired' }),
        },
        TERMINATE: terminate,
      },
    },
    alive: {
      tags: ['alive'],
      entry: { type: 'announce', params: { state: 'alive' } },
      on: {
        CANCEL: { target: 'canceling', actions: ['recordCancel', 'deliverCancel'] },
        DEFERRAL_COMPLETED: { target: 'completed', actions: 'completeDeferral' },
        TERMINATE: terminate,
      },
    },
    canceling: {
      tags: ['alive'],
      entry: { type: 'announce', params: { state: 'canceling' } },
      on: {
        DEFERRAL_COMPLETED: { target: 'completed', actions: 'completeDeferral' },
        [GRACE_EXPIRED]: {
          target: 'terminated',
          actions: assign({ terminationReason: 'graceExpired' }),
        },
        TERMINATE: terminate,
      },
    },
    completed: {
      type: 'final',
      tags: ['ended'],
      entry: [
        cancel(GRACE_TIMER_ID),
        { type: 'announce', params: { state: 'completed' } },
        emit({ type: 'completed' }),
      ],
    },
    terminated: {
      type: 'final',
      tags: ['ended'],
      entry: [
        cancel(GRACE_TIMER_ID),
        { type: 'announce', params: { state: 'terminated' } },
        // Every way into `terminated` records its reason first.
        emit(({ context }) => ({
          type: 'terminated' as const,
          reason: context.terminationReason!,
        })),
      ],
    },
  },
});

/** A snapshot of {@link backgroundTaskMachine}. */
export type BackgroundTaskSnapshot = SnapshotFrom<typeof backgroundTaskMachine>;

/** A running {@link backgroundTaskMachine} actor. */
export type BackgroundTaskActor = ActorRefFrom<typeof backgroundTaskMachine>;

/**
 * The lifecycle state name of a task snapshot.
 */
export function taskStateOf(snapshot: Pick<BackgroundTaskSnapshot, 'value'>): TaskState {
  const value: unknown = snapshot.value;
  if (typeof value !== 'string' || !(taskStates as readonly string[]).includes(value)) {
    throw new TypeError(`Not a backgroundTask snapshot: value is \`${JSON.stringify(value)}\``);
  }
  return value as TaskState;
}
