import {
  type ActorRefFrom,
  type AnyActorRef,
  assign,
  enqueueActions,
  or,
  type SnapshotFrom,
  sendParent,
  sendTo,
  setup,
  stateIn,
} from 'xstate';
import {
  type BackgroundTaskActor,
  type BackgroundTaskEvent,
  backgroundTaskMachine,
  type TaskState,
} from './backgroundTask.js';
import type { CancellationReason, TerminationReason } from './cancellationReasons.js';
import type { SystemPolicies } from './deviceFamilies.js';
import { emittedRelay } from './emittedRelay.js';
import { foregroundRegion } from './foregroundApp.js';
import {
  type InactivityTimeoutEvent,
  inactivityTimeoutMachine,
} from './policies/inactivityTimeout.js';
import { sharedLifetimeMachine } from './policies/sharedLifetime.js';

/** Durations a task instance is started with; a missing one keeps the task machine's default. */
export interface TaskTimings {
  cancellationGraceMs?: number;
  runBudgetMs?: number;
  startTimeoutMs?: number;
}

/** Input of {@link appSessionMachine}: the app's id and the system's table, shared, not copied. */
export interface AppSessionInput {
  appId: string;
  policies: Readonly<SystemPolicies>;
  inactivityTimeoutMs: number;
  taskTimings: Readonly<TaskTimings>;
}

/** The actors of the app's live background task instance. */
export interface AppTask {
  instanceId: string;
  ref: BackgroundTaskActor;
  inactivity: ActorRefFrom<typeof inactivityTimeoutMachine> | null;
  sharedLifetime: ActorRefFrom<typeof sharedLifetimeMachine> | null;
  relay: AnyActorRef;
}

/** Context of {@link appSessionMachine}. */
export interface AppSessionContext extends AppSessionInput {
  /** The live task instance; set exactly while the `task` region is in `live`. */
  task: AppTask | null;
}

/** Facts the runtime reports about one app (the system routes them by `appId`). */
export type AppFact =
  | { type: 'APP_LAUNCHED'; appId: string }
  | { type: 'APP_SUSPENDED'; appId: string }
  | { type: 'APP_RESUMED'; appId: string }
  | { type: 'APP_TERMINATED'; appId: string }
  | { type: 'TASK_STARTING'; appId: string; instanceId: string }
  | { type: 'TASK_RUN_ENTERED'; appId: string }
  | { type: 'TASK_RUN_RETURNED'; appId: string }
  | { type: 'TASK_DEFERRAL_TAKEN'; appId: string }
  | { type: 'TASK_DEFERRAL_COMPLETED'; appId: string }
  | { type: 'TASK_PLAYING'; appId: string; playing: boolean }
  | { type: 'TASK_TERMINATED'; appId: string; reason: TerminationReason }
  | { type: 'TASK_SHUTDOWN'; appId: string };

/** What the system decides for one app: a system-wide policy or interruption acting on it. */
export type AppDecision =
  | { type: 'system.cancelTask'; reason: CancellationReason }
  | { type: 'system.terminateTask'; reason: TerminationReason };

/** What the session's own children emit, as its relay hands it over (`task.*`, `policy.*`). */
type ChildReport =
  | { type: 'task.stateChanged'; state: TaskState; reason?: CancellationReason | TerminationReason }
  | { type: 'task.canceled'; reason: CancellationReason }
  | { type: 'task.terminated'; reason: TerminationReason }
  | { type: 'task.runEntered' }
  | { type: 'task.completed' }
  | { type: 'policy.cancelTask'; reason: CancellationReason };

/** How the session reports to the system: one `app.*` family, each naming the app. */
export type AppReport =
  | { type: 'app.taskStarted'; appId: string }
  | { type: 'app.taskEnded'; appId: string }
  | { type: 'app.playing'; appId: string; playing: boolean }
  | {
      type: 'app.taskStateChanged';
      appId: string;
      instanceId: string;
      state: TaskState;
      reason?: CancellationReason | TerminationReason;
    }
  | { type: 'app.cancelTask'; appId: string; instanceId: string; reason: CancellationReason }
  | { type: 'app.terminateTask'; appId: string; instanceId: string; reason: TerminationReason };

/** The done event of a child actor (xstate names it by the child's id). */
export interface ChildDoneEvent {
  type: `xstate.done.actor.${string}`;
  output?: unknown;
}

/** Child ids, also used as system ids so an inspector shows the tree by name. */
export const sessionIds = {
  app: (appId: string) => `app:${appId}`,
  task: (appId: string) => `task:${appId}`,
  inactivity: (appId: string) => `inactivityTimeout:${appId}`,
  sharedLifetime: (appId: string) => `sharedLifetime:${appId}`,
  relay: (appId: string) => `relay:${appId}`,
};

/** The live task; only called where the `task` region is in `live`, so it is set. */
function liveTask(context: AppSessionContext): AppTask {
  if (!context.task) throw new Error(`appSession '${context.appId}' has no live task`);
  return context.task;
}

type InactivityFact = 'FOREGROUND_VISIBLE' | 'PLAYING';

/** Gives the inactivity policy of the live task, if the table enforces it, one fact. */
function tellInactivity(
  context: AppSessionContext,
  enqueue: { sendTo: (to: AnyActorRef, event: InactivityTimeoutEvent) => void },
  fact: InactivityFact,
  is: boolean,
): void {
  const policy = context.task?.inactivity;
  if (!policy) return;
  enqueue.sendTo(
    policy,
    fact === 'PLAYING'
      ? { type: 'PLAYING', playing: is }
      : { type: 'FOREGROUND_VISIBLE', visible: is },
  );
}

type TaskCommand = Extract<
  BackgroundTaskEvent['type'],
  'RUN_ENTERED' | 'RUN_RETURNED' | 'DEFERRAL_TAKEN' | 'DEFERRAL_COMPLETED'
>;

/**
 * One app on the device: its foreground region (`notRunning`, `visible`, `suspended`,
 * `terminated`; a relaunch makes a terminated foreground visible again) and its task region
 * (`none`, or `live` with the player facts `fresh` → `playing` ⇄ `paused`, and `reported` once
 * the runtime said the instance is gone). A live instance has its `backgroundTask` statechart and
 * the per-app policies the table enforces (`inactivityTimeout`, `sharedLifetime`) as children,
 * and a relay that hands what they emit back as `task.*` / `policy.*` events.
 *
 * The rules that concern one app live here, as guarded transitions:
 * - the foreground suspending while the task has never played cancels it (`conditionLoss`);
 * - `TASK_SHUTDOWN` cancels with `abort`; a policy's `cancelTask` cancels with its reason;
 * - the foreground's visibility and the player's playing go to the inactivity policy on entry
 *   and exit of `visible` and `playing`; the foreground terminating goes to shared lifetime;
 * - a termination the runtime reported (`TASK_TERMINATED`) produces no `terminateTask` report.
 *
 * It reports to its parent with `app.*` events: `taskStarted`, `taskEnded`, `playing`, and the
 * commands `taskStateChanged`, `cancelTask`, `terminateTask` for the runtime.
 */
export const appSessionMachine = setup({
  types: {
    input: {} as AppSessionInput,
    context: {} as AppSessionContext,
    events: {} as AppFact | AppDecision | ChildReport | ChildDoneEvent,
    tags: {} as 'visible',
  },
  actors: {
    backgroundTask: backgroundTaskMachine,
    inactivityTimeout: inactivityTimeoutMachine,
    sharedLifetime: sharedLifetimeMachine,
    relay: emittedRelay,
  },
  guards: {
    foregroundVisible: stateIn('#appSession.foreground.visible'),
    foregroundRunning: or([
      stateIn('#appSession.foreground.visible'),
      stateIn('#appSession.foreground.suspended'),
    ]),
    foregroundTerminated: stateIn('#appSession.foreground.terminated'),
    startsPlaying: ({ event }) => event.type === 'TASK_PLAYING' && event.playing === true,
    stopsPlaying: ({ event }) => event.type === 'TASK_PLAYING' && event.playing !== true,
    isOwnTaskDone: ({ context, event }) =>
      event.type === `xstate.done.actor.${sessionIds.task(context.appId)}`,
  },
  actions: {
    tellInactivity: enqueueActions(
      ({ context, enqueue }, params: { fact: InactivityFact; is: boolean }) => {
        tellInactivity(context, enqueue, params.fact, params.is);
      },
    ),
    shown: enqueueActions(({ context, enqueue }) => {
      tellInactivity(context, enqueue, 'FOREGROUND_VISIBLE', true);
    }),
    hidden: enqueueActions(({ context, enqueue }) => {
      tellInactivity(context, enqueue, 'FOREGROUND_VISIBLE', false);
    }),
    tellSharedLifetime: enqueueActions(({ context, enqueue }) => {
      const policy = context.task?.sharedLifetime;
      if (policy) enqueue.sendTo(policy, { type: 'FOREGROUND_TERMINATED' });
    }),
    spawnTask: assign({
      task: ({ context, event, spawn }, params: { foregroundVisible: boolean }) => {
        const { appId, policies } = context;
        const instanceId = event.type === 'TASK_STARTING' ? event.instanceId : '';
        const ref = spawn('backgroundTask', {
          id: sessionIds.task(appId),
          systemId: sessionIds.task(appId),
          input: { instanceId, ...context.taskTimings },
        });
        const sources = [{ systemId: sessionIds.task(appId), prefix: 'task' }];
        const inactivity = policies.inactivityTimeout
          ? spawn('inactivityTimeout', {
              id: sessionIds.inactivity(appId),
              systemId: sessionIds.inactivity(appId),
              input: {
                enabled: true,
                appId,
                timeoutMs: context.inactivityTimeoutMs,
                foregroundVisible: params.foregroundVisible,
                playing: false,
              },
            })
          : null;
        if (inactivity) sources.push({ systemId: sessionIds.inactivity(appId), prefix: 'policy' });
        const sharedLifetime = policies.sharedLifetime
          ? spawn('sharedLifetime', {
              id: sessionIds.sharedLifetime(appId),
              systemId: sessionIds.sharedLifetime(appId),
              input: { enabled: true, appId },
            })
          : null;
        if (sharedLifetime) {
          sources.push({ systemId: sessionIds.sharedLifetime(appId), prefix: 'policy' });
        }
        const relay = spawn('relay', { id: sessionIds.relay(appId), input: { sources } });
        return { instanceId, ref, inactivity, sharedLifetime, relay };
      },
    }),
    startTask: sendTo(({ context }) => liveTask(context).ref, { type: 'START' }),
    toTask: sendTo(
      ({ context }) => liveTask(context).ref,
      (_, params: { type: TaskCommand }) => ({ type: params.type }),
    ),
    cancelTask: sendTo(
      ({ context }) => liveTask(context).ref,
      (_, params: { reason: CancellationReason }) => ({
        type: 'CANCEL' as const,
        reason: params.reason,
      }),
    ),
    terminateTask: sendTo(
      ({ context }) => liveTask(context).ref,
      (_, params: { reason: TerminationReason }) => ({
        type: 'TERMINATE' as const,
        reason: params.reason,
      }),
    ),
    endTask: enqueueActions(({ context, enqueue }) => {
      const task = liveTask(context);
      for (const policy of [task.inactivity, task.sharedLifetime]) {
        if (!policy) continue;
        enqueue.sendTo(policy, { type: 'TASK_ENDED' });
        enqueue.stopChild(policy);
      }
      enqueue.stopChild(task.relay);
      enqueue.stopChild(task.ref);
      enqueue.assign({ task: null });
    }),
    reportTaskStarted: sendParent(({ context }) => ({
      type: 'app.taskStarted',
      appId: context.appId,
    })),
    reportTaskEnded: sendParent(({ context }) => ({ type: 'app.taskEnded', appId: context.appId })),
    reportPlaying: sendParent(({ context }, params: { playing: boolean }) => ({
      type: 'app.playing',
      appId: context.appId,
      playing: params.playing,
    })),
    reportStateChanged: sendParent(({ context, event }) => {
      const changed = event as Extract<ChildReport, { type: 'task.stateChanged' }>;
      return {
        type: 'app.taskStateChanged',
        appId: context.appId,
        instanceId: liveTask(context).instanceId,
        state: changed.state,
        ...(changed.reason === undefined ? {} : { reason: changed.reason }),
      };
    }),
    reportCanceled: sendParent(({ context, event }) => ({
      type: 'app.cancelTask',
      appId: context.appId,
      instanceId: liveTask(context).instanceId,
      reason: (event as Extract<ChildReport, { type: 'task.canceled' }>).reason,
    })),
    reportTerminated: sendParent(({ context, event }) => ({
      type: 'app.terminateTask',
      appId: context.appId,
      instanceId: liveTask(context).instanceId,
      reason: (event as Extract<ChildReport, { type: 'task.terminated' }>).reason,
    })),
  },
}).createMachine({
  id: 'appSession',
  context: ({ input }) => ({ ...input, task: null }),
  type: 'parallel',
  states: {
    foreground: {
      description: "The app's UI: launched, on screen or not, closed.",
      ...foregroundRegion,
      on: {
        APP_LAUNCHED: { guard: 'foregroundTerminated', target: '.visible' },
      },
    },
    task: {
      description: "The app's background task instance, if one is live.",
      initial: 'none',
      states: {
        none: {
          on: {
            TASK_STARTING: [
              {
                guard: 'foregroundVisible',
                target: 'live',
                actions: { type: 'spawnTask', params: { foregroundVisible: true } },
              },
              {
                guard: 'foregroundRunning',
                target: 'live',
                actions: { type: 'spawnTask', params: { foregroundVisible: false } },
              },
            ],
          },
        },
        live: {
          entry: ['startTask', 'reportTaskStarted'],
          exit: ['endTask', 'reportTaskEnded'],
          initial: 'fresh',
          states: {
            fresh: {
              description: 'The player has not played since this instance started.',
              on: {
                TASK_PLAYING: { guard: 'startsPlaying', target: 'playing' },
                APP_SUSPENDED: {
                  guard: 'foregroundVisible',
                  actions: { type: 'cancelTask', params: { reason: 'conditionLoss' } },
                },
              },
            },
            playing: {
              entry: [
                { type: 'tellInactivity', params: { fact: 'PLAYING', is: true } },
                { type: 'reportPlaying', params: { playing: true } },
              ],
              exit: [
                { type: 'tellInactivity', params: { fact: 'PLAYING', is: false } },
                { type: 'reportPlaying', params: { playing: false } },
              ],
              on: { TASK_PLAYING: { guard: 'stopsPlaying', target: 'paused' } },
            },
            paused: {
              description: 'The player has played and is not playing now.',
              on: { TASK_PLAYING: { guard: 'startsPlaying', target: 'playing' } },
            },
            reported: {
              description: 'The runtime reported the instance gone; its statechart is ending.',
              on: { 'task.terminated': {} },
            },
          },
          on: {
            TASK_RUN_ENTERED: { actions: { type: 'toTask', params: { type: 'RUN_ENTERED' } } },
            TASK_RUN_RETURNED: { actions: { type: 'toTask', params: { type: 'RUN_RETURNED' } } },
            TASK_DEFERRAL_TAKEN: {
              actions: { type: 'toTask', params: { type: 'DEFERRAL_TAKEN' } },
            },
            TASK_DEFERRAL_COMPLETED: {
              actions: { type: 'toTask', params: { type: 'DEFERRAL_COMPLETED' } },
            },
            TASK_SHUTDOWN: { actions: { type: 'cancelTask', params: { reason: 'abort' } } },
            TASK_TERMINATED: {
              target: '.reported',
              actions: {
                type: 'terminateTask',
                params: ({ event }) => ({ reason: event.reason }),
              },
            },
            APP_TERMINATED: { guard: 'foregroundRunning', actions: 'tellSharedLifetime' },
            'system.cancelTask': {
              actions: { type: 'cancelTask', params: ({ event }) => ({ reason: event.reason }) },
            },
            'system.terminateTask': {
              actions: {
                type: 'terminateTask',
                params: ({ event }) => ({ reason: event.reason }),
              },
            },
            'policy.cancelTask': {
              actions: { type: 'cancelTask', params: ({ event }) => ({ reason: event.reason }) },
            },
            'task.stateChanged': { actions: 'reportStateChanged' },
            'task.canceled': { actions: 'reportCanceled' },
            'task.terminated': { actions: 'reportTerminated' },
            'xstate.done.actor.*': { guard: 'isOwnTaskDone', target: 'none' },
          },
        },
      },
    },
  },
});

/** A snapshot of {@link appSessionMachine}. */
export type AppSessionSnapshot = SnapshotFrom<typeof appSessionMachine>;

/** A running {@link appSessionMachine} actor. */
export type AppSessionActor = ActorRefFrom<typeof appSessionMachine>;
