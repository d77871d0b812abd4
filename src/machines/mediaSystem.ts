import {
  type ActorRefFrom,
  assign,
  emit,
  enqueueActions,
  type SnapshotFrom,
  sendTo,
  setup,
} from 'xstate';
import {
  type AppDecision,
  type AppFact,
  type AppReport,
  type AppSessionActor,
  type AppSessionSnapshot,
  appSessionMachine,
  sessionIds,
  type TaskTimings,
} from './appSession.js';
import { type TaskState, taskStateOf } from './backgroundTask.js';
import type { CancellationReason, TerminationReason } from './cancellationReasons.js';
import {
  type DeviceFamily,
  type PolicyOverrides,
  resolvePolicies,
  type SystemPolicies,
} from './deviceFamilies.js';
import { emittedRelay } from './emittedRelay.js';
import type { ForegroundAppState } from './foregroundApp.js';
import { type ExclusivityCancel, exclusivityMachine } from './policies/exclusivity.js';
import { DEFAULT_INACTIVITY_TIMEOUT_MS } from './policies/inactivityTimeout.js';

/** Input of {@link mediaSystemMachine}. */
export interface MediaSystemInput {
  /** Which row of the policy table applies; default `'desktop'`. */
  deviceFamily?: DeviceFamily;
  /** Per-policy overrides of the table. */
  policies?: PolicyOverrides;
  /** Inactivity timeout; default 300 000 ms. */
  inactivityTimeoutMs?: number;
  /** Grace period of a cancelled task; default from the backgroundTask machine (5 000 ms). */
  cancellationGraceMs?: number;
  /** Time `run` may execute; default from the backgroundTask machine. */
  runBudgetMs?: number;
  /** Time a task may take to enter `run`; default from the backgroundTask machine. */
  startTimeoutMs?: number;
}

/** Context of {@link mediaSystemMachine}: only what is system-wide. */
export interface MediaSystemContext {
  deviceFamily: DeviceFamily;
  /** The table in force; every app session reads this one object. */
  policies: Readonly<SystemPolicies>;
  inactivityTimeoutMs: number;
  taskTimings: Readonly<TaskTimings>;
  /** The app registry: one session per app id ever launched; it changes only on a new id. */
  apps: Readonly<Record<string, AppSessionActor>>;
  /** The exclusivity policy (it knows the holder), where the table enforces it. */
  exclusivity: ActorRefFrom<typeof exclusivityMachine> | null;
  /** How many apps' players are playing now. */
  playing: number;
}

/** Facts the runtime feeds to {@link mediaSystemMachine}. */
export type MediaSystemEvent =
  | AppFact
  | { type: 'INTERRUPT'; kind: 'phoneCall' | 'voipCall'; lowMemory?: boolean }
  /** Background audio was taken outside this system (another browser tab of the origin). */
  | { type: 'AUDIO_TAKEN_ELSEWHERE' };

/** Commands {@link mediaSystemMachine} emits for the runtime to carry out (`actor.on`). */
export type MediaSystemEmitted =
  | { type: 'cancelTask'; appId: string; instanceId: string; reason: CancellationReason }
  | { type: 'terminateTask'; appId: string; instanceId: string; reason: TerminationReason }
  | {
      type: 'taskStateChanged';
      appId: string;
      instanceId: string;
      state: TaskState;
      reason?: CancellationReason | TerminationReason;
    };

/** The exclusivity policy's command, as the system's relay hands it over. */
type ExclusivityReport = Omit<ExclusivityCancel, 'type'> & { type: 'exclusivity.cancelTask' };

function duration(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `mediaSystem input ${name} must be a finite number >= 0, got \`${String(value)}\``,
    );
  }
  return value;
}

const EXCLUSIVITY_ID = 'exclusivity';

type Routed = Extract<MediaSystemEvent | AppReport | ExclusivityReport, { appId: string }>;

/**
 * The composed system: a thin machine over one {@link appSessionMachine} per app (`app:ID`, each
 * with its foreground region, its task instance and the per-app policies as children
 * `task:ID`, `inactivityTimeout:ID`, `sharedLifetime:ID`, `relay:ID`), plus what is device-wide:
 * the policy table, the `exclusivity` policy (which knows the holder), interruptions and the app
 * registry. The machine is pure: the runtime feeds it facts ({@link MediaSystemEvent}), which it
 * routes to the app they name in constant time, and it emits the commands
 * ({@link MediaSystemEmitted}) the sessions report with `app.*` events. Every timer is an xstate
 * delay on the actor's clock.
 *
 * System-wide rules:
 * - exclusivity: a task starting while another app's task holds background audio cancels
 *   that task (`systemPolicy`), and so does audio taken elsewhere (`AUDIO_TAKEN_ELSEWHERE`);
 * - a phone or VoIP call cancels every live task (`resourceRevocation`); a VoIP call on a
 *   low-memory device terminates them without notice (`lowMemory`).
 * The per-app rules (conditionLoss, abort, terminating, idleTask, the task's own timers) are the
 * session's. Facts about apps never launched are ignored.
 */
export const mediaSystemMachine = setup({
  types: {
    input: {} as MediaSystemInput,
    context: {} as MediaSystemContext,
    events: {} as MediaSystemEvent | AppReport | ExclusivityReport,
    emitted: {} as MediaSystemEmitted,
  },
  actors: {
    appSession: appSessionMachine,
    exclusivity: exclusivityMachine,
    relay: emittedRelay,
  },
  guards: {
    isKnownApp: ({ context, event }) => Object.hasOwn(context.apps, (event as Routed).appId),
    enforcesExclusivity: ({ context }) => context.exclusivity !== null,
    isLowMemoryVoipCall: ({ event }) =>
      event.type === 'INTERRUPT' && event.kind === 'voipCall' && event.lowMemory === true,
    startsPlaying: ({ event }) => event.type === 'app.playing' && event.playing,
  },
  actions: {
    registerApp: assign({
      apps: ({ context, event, spawn }) => {
        const { appId } = event as Routed;
        const session = spawn('appSession', {
          id: sessionIds.app(appId),
          systemId: sessionIds.app(appId),
          input: {
            appId,
            policies: context.policies,
            inactivityTimeoutMs: context.inactivityTimeoutMs,
            taskTimings: context.taskTimings,
          },
        });
        return { ...context.apps, [appId]: session };
      },
    }),
    route: sendTo(
      ({ context, event }) => context.apps[(event as Routed).appId]!,
      ({ event }) => event as AppFact,
    ),
    decide: sendTo(
      ({ context, event }) => context.apps[(event as Routed).appId]!,
      (_, params: AppDecision) => params,
    ),
    decideForEveryApp: enqueueActions(({ context, enqueue }, params: AppDecision) => {
      for (const session of Object.values(context.apps)) enqueue.sendTo(session, params);
    }),
    tellExclusivity: sendTo(
      ({ context }) => context.exclusivity!,
      ({ event }, params: { type: 'TASK_STARTED' | 'TASK_ENDED' }) => ({
        type: params.type,
        appId: (event as Routed).appId,
      }),
    ),
    tellTakenElsewhere: sendTo(({ context }) => context.exclusivity!, {
      type: 'TAKEN_ELSEWHERE' as const,
    }),
    countPlaying: assign({
      playing: ({ context }, params: { by: 1 | -1 }) => context.playing + params.by,
    }),
    command: emit(({ event }) => {
      const { type, ...command } = event as Extract<
        AppReport,
        { type: 'app.taskStateChanged' | 'app.cancelTask' | 'app.terminateTask' }
      >;
      return { ...command, type: type.slice('app.'.length) } as MediaSystemEmitted;
    }),
  },
}).createMachine({
  id: 'mediaSystem',
  context: ({ input, spawn }) => {
    const deviceFamily = input?.deviceFamily ?? 'desktop';
    const policies = Object.freeze(resolvePolicies(deviceFamily, input?.policies));
    const inactivityTimeoutMs =
      duration('inactivityTimeoutMs', input?.inactivityTimeoutMs) ?? DEFAULT_INACTIVITY_TIMEOUT_MS;
    const taskTimings: TaskTimings = {};
    for (const name of ['cancellationGraceMs', 'runBudgetMs', 'startTimeoutMs'] as const) {
      const value = duration(name, input?.[name]);
      if (value !== undefined) taskTimings[name] = value;
    }
    let exclusivity: MediaSystemContext['exclusivity'] = null;
    if (policies.exclusivity) {
      exclusivity = spawn('exclusivity', {
        id: EXCLUSIVITY_ID,
        systemId: EXCLUSIVITY_ID,
        input: { enabled: true },
      });
      spawn('relay', {
        id: sessionIds.relay(EXCLUSIVITY_ID),
        input: { sources: [{ systemId: EXCLUSIVITY_ID, prefix: 'exclusivity' }] },
      });
    }
    return {
      deviceFamily,
      policies,
      inactivityTimeoutMs,
      taskTimings: Object.freeze(taskTimings),
      apps: {},
      exclusivity,
      playing: 0,
    };
  },
  initial: 'running',
  states: {
    running: {
      description: 'The device runs apps and their background tasks under its policies.',
      on: {
        APP_LAUNCHED: [
          { guard: 'isKnownApp', actions: 'route' },
          { actions: ['registerApp', 'route'] },
        ],
        APP_SUSPENDED: { guard: 'isKnownApp', actions: 'route' },
        APP_RESUMED: { guard: 'isKnownApp', actions: 'route' },
        APP_TERMINATED: { guard: 'isKnownApp', actions: 'route' },
        TASK_STARTING: { guard: 'isKnownApp', actions: 'route' },
        TASK_RUN_ENTERED: { guard: 'isKnownApp', actions: 'route' },
        TASK_RUN_RETURNED: { guard: 'isKnownApp', actions: 'route' },
        TASK_DEFERRAL_TAKEN: { guard: 'isKnownApp', actions: 'route' },
        TASK_DEFERRAL_COMPLETED: { guard: 'isKnownApp', actions: 'route' },
        TASK_PLAYING: { guard: 'isKnownApp', actions: 'route' },
        TASK_TERMINATED: { guard: 'isKnownApp', actions: 'route' },
        TASK_SHUTDOWN: { guard: 'isKnownApp', actions: 'route' },
        INTERRUPT: [
          {
            guard: 'isLowMemoryVoipCall',
            actions: {
              type: 'decideForEveryApp',
              params: { type: 'system.terminateTask', reason: 'lowMemory' },
            },
          },
          {
            actions: {
              type: 'decideForEveryApp',
              params: { type: 'system.cancelTask', reason: 'resourceRevocation' },
            },
          },
        ],
        'exclusivity.cancelTask': {
          guard: 'isKnownApp',
          actions: {
            type: 'decide',
            params: { type: 'system.cancelTask', reason: 'systemPolicy' },
          },
        },
        AUDIO_TAKEN_ELSEWHERE: { guard: 'enforcesExclusivity', actions: 'tellTakenElsewhere' },
        'app.taskStarted': {
          guard: 'enforcesExclusivity',
          actions: { type: 'tellExclusivity', params: { type: 'TASK_STARTED' } },
        },
        'app.taskEnded': {
          guard: 'enforcesExclusivity',
          actions: { type: 'tellExclusivity', params: { type: 'TASK_ENDED' } },
        },
        'app.playing': [
          { guard: 'startsPlaying', actions: { type: 'countPlaying', params: { by: 1 } } },
          { actions: { type: 'countPlaying', params: { by: -1 } } },
        ],
        'app.taskStateChanged': { actions: 'command' },
        'app.cancelTask': { actions: 'command' },
        'app.terminateTask': { actions: 'command' },
      },
    },
  },
});

/** A snapshot of {@link mediaSystemMachine}. */
export type MediaSystemSnapshot = SnapshotFrom<typeof mediaSystemMachine>;

/** One live task as reported by {@link liveTasks}. */
export interface LiveTask {
  appId: string;
  instanceId: string;
  state: TaskState;
  /** Set on a task of another browser tab of the origin, when the tabs share their tasks. */
  tab?: 'other';
}

/** The live task of one app session's snapshot, if its instance has not ended. */
function liveTaskIn(appId: string, session: AppSessionSnapshot): LiveTask | undefined {
  const task = session.context.task;
  if (!task) return undefined;
  const taskSnapshot = task.ref.getSnapshot();
  if (taskSnapshot.status !== 'active') return undefined;
  return { appId, instanceId: task.instanceId, state: taskStateOf(taskSnapshot) };
}

/** The snapshot of an app's session, if the app was ever launched. */
export function appSessionOf(
  snapshot: MediaSystemSnapshot,
  appId: string,
): AppSessionSnapshot | undefined {
  return Object.hasOwn(snapshot.context.apps, appId)
    ? snapshot.context.apps[appId]!.getSnapshot()
    : undefined;
}

/** The live task of one app, looked up by id (no scan of the other apps). */
export function liveTaskOf(snapshot: MediaSystemSnapshot, appId: string): LiveTask | undefined {
  const session = appSessionOf(snapshot, appId);
  return session ? liveTaskIn(appId, session) : undefined;
}

/** The state of an app's foreground region, if the app was ever launched. */
export function foregroundStateOf(
  snapshot: MediaSystemSnapshot,
  appId: string,
): ForegroundAppState | undefined {
  return appSessionOf(snapshot, appId)?.value.foreground as ForegroundAppState | undefined;
}

/** Whether any app's player is playing now. */
export function isAnyPlaying(snapshot: MediaSystemSnapshot): boolean {
  return snapshot.context.playing > 0;
}

/**
 * The background task instances of a system snapshot that have not ended, with their
 * lifecycle state, in the order the apps were first launched.
 */
export function liveTasks(snapshot: MediaSystemSnapshot): LiveTask[] {
  const out: LiveTask[] = [];
  for (const [appId, session] of Object.entries(snapshot.context.apps)) {
    const task = liveTaskIn(appId, session.getSnapshot());
    if (task) out.push(task);
  }
  return out;
}
