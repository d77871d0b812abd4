import {
  type ActorRefFrom,
  type AnyActorRef,
  type EventObject,
  enqueueActions,
  fromCallback,
  type SnapshotFrom,
  setup,
} from 'xstate';
import {
  type BackgroundTaskActor,
  backgroundTaskMachine,
  type TaskState,
  taskStateOf,
} from './backgroundTask.js';
import type { CancellationReason, TerminationReason } from './cancellationReasons.js';
import {
  type DeviceFamily,
  type PolicyOverrides,
  resolvePolicies,
  type SystemPolicies,
} from './deviceFamilies.js';
import { type ForegroundAppActor, foregroundAppMachine } from './foregroundApp.js';
import { exclusivityMachine } from './policies/exclusivity.js';
import {
  DEFAULT_INACTIVITY_TIMEOUT_MS,
  inactivityTimeoutMachine,
} from './policies/inactivityTimeout.js';
import { sharedLifetimeMachine } from './policies/sharedLifetime.js';

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

/** What the system knows about one live background task instance. */
export interface MediaSystemTask {
  instanceId: string;
  ref: BackgroundTaskActor;
  /** The player is playing now. */
  playing: boolean;
  /** The player has played at least once since this instance started. */
  everPlayed: boolean;
  /** The runtime reported the termination itself, so no `terminateTask` command is due. */
  terminationReported: boolean;
  inactivity: ActorRefFrom<typeof inactivityTimeoutMachine> | null;
  sharedLifetime: ActorRefFrom<typeof sharedLifetimeMachine> | null;
  relay: AnyActorRef;
}

/** What the system knows about one app. */
export interface MediaSystemApp {
  /** The foreground statechart; its last one when the foreground has terminated. */
  foreground: ForegroundAppActor;
  /** The foreground is launched and not terminated. */
  running: boolean;
  /** The foreground is on screen (launched and not suspended). */
  visible: boolean;
  /** The live background task instance, if any. */
  task: MediaSystemTask | null;
}

/** Context of {@link mediaSystemMachine}. */
export interface MediaSystemContext {
  deviceFamily: DeviceFamily;
  policies: SystemPolicies;
  inactivityTimeoutMs: number;
  taskTimings: Pick<MediaSystemInput, 'cancellationGraceMs' | 'runBudgetMs' | 'startTimeoutMs'>;
  apps: Record<string, MediaSystemApp>;
  exclusivity: ActorRefFrom<typeof exclusivityMachine> | null;
}

/** Facts the runtime feeds to {@link mediaSystemMachine}. */
export type MediaSystemEvent =
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
  | { type: 'TASK_SHUTDOWN'; appId: string }
  | { type: 'INTERRUPT'; kind: 'phoneCall' | 'voipCall'; lowMemory?: boolean };

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

type RelaySource = 'exclusivity' | 'task' | 'inactivityTimeout' | 'sharedLifetime';

/** An event a child emitted, carried to the system by a relay. */
interface RelayedEvent {
  type: 'relay.emitted';
  from: RelaySource;
  appId: string | null;
  instanceId: string | null;
  event: EventObject & Record<string, any>;
}

interface ChildDoneEvent {
  type: `xstate.done.actor.${string}`;
  output?: unknown;
}

interface RelayInput {
  appId: string | null;
  instanceId: string | null;
  sources: ReadonlyArray<{ systemId: string; from: RelaySource }>;
}

/**
 * Passes what sibling actors emit up to the system as `relay.emitted` events: emitted events
 * go to listeners, not to the parent, and the system must hear its policies and tasks.
 */
const relayLogic = fromCallback<EventObject, RelayInput>(({ input, system, sendBack }) => {
  const subscriptions = input.sources.map(({ systemId, from }) => {
    const ref = system.get(systemId) as AnyActorRef | undefined;
    return ref?.on('*', (event: EventObject) => {
      sendBack({
        type: 'relay.emitted',
        from,
        appId: input.appId,
        instanceId: input.instanceId,
        event,
      });
    });
  });
  return () => {
    for (const subscription of subscriptions) subscription?.unsubscribe();
  };
});

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

/** Child ids, also used as system ids so an inspector shows the tree by name. */
const ids = {
  app: (appId: string) => `app:${appId}`,
  task: (appId: string) => `task:${appId}`,
  inactivity: (appId: string) => `inactivityTimeout:${appId}`,
  sharedLifetime: (appId: string) => `sharedLifetime:${appId}`,
  relay: (appId: string) => `relay:${appId}`,
};

/** The live task of an app, if the app is known and has one. */
function taskOf(context: MediaSystemContext, appId: string): MediaSystemTask | null {
  return context.apps[appId]?.task ?? null;
}

/**
 * The composed system: per-app foreground and background task statecharts plus the policies
 * the device family enforces, as spawned children (`app:ID`, `task:ID`,
 * `inactivityTimeout:ID`, `sharedLifetime:ID`, one device-wide `exclusivity`) that an
 * inspector shows as a tree; `relay:ID` children carry what those emit back to the system.
 * The machine is pure: the runtime feeds it facts
 * ({@link MediaSystemEvent}) and carries out the commands it emits
 * ({@link MediaSystemEmitted}); every timer is an xstate delay on the actor's clock.
 *
 * Rules:
 * - exclusivity: a task starting while another app's task holds background audio cancels
 *   that task (`systemPolicy`);
 * - a task that has not played yet when its foreground suspends is cancelled (`conditionLoss`);
 * - a phone or VoIP call cancels every live task (`resourceRevocation`); a VoIP call on a
 *   low-memory device terminates them without notice (`lowMemory`);
 * - `TASK_SHUTDOWN` (the foreground called shutdown) cancels with `abort`;
 * - shared lifetime: the foreground terminating cancels its task (`terminating`);
 * - inactivity: the inactivity policy running out cancels the task (`idleTask`);
 * - a cancelled task that does not complete within its grace period, or whose `run` or start
 *   overruns its budget, is terminated (`terminateTask` with the task machine's reason).
 *
 * `cancelTask` is emitted when the task machine delivers `canceled` (a cancel during start-up
 * is delivered once `run` is entered; a second cancel is not delivered). A task is started
 * only for an app whose foreground is running and which has no live task; facts about unknown
 * apps are ignored. Terminations the runtime reported itself (`TASK_TERMINATED`) produce no
 * `terminateTask` command.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { VirtualClock } from 'backbeat/testing';
 * const clock = new VirtualClock();
 * const system = createActor(mediaSystemMachine, { input: { deviceFamily: 'mobile' }, clock });
 * system.on('cancelTask', ({ appId, reason }) => console.log('cancel', appId, reason));
 * system.start();
 * system.send({ type: 'APP_LAUNCHED', appId: 'music' });
 * system.send({ type: 'TASK_STARTING', appId: 'music', instanceId: 'm1' });
 * system.send({ type: 'TASK_RUN_ENTERED', appId: 'music' });
 * system.send({ type: 'TASK_DEFERRAL_TAKEN', appId: 'music' });
 * system.send({ type: 'TASK_RUN_RETURNED', appId: 'music' });
 * system.send({ type: 'TASK_PLAYING', appId: 'music', playing: true });
 * system.send({ type: 'APP_SUSPENDED', appId: 'music' });
 * system.send({ type: 'TASK_PLAYING', appId: 'music', playing: false });
 * clock.advance(300_000); // prints "cancel music idleTask"
 * ```
 */
export const mediaSystemMachine = setup({
  types: {
    input: {} as MediaSystemInput,
    context: {} as MediaSystemContext,
    events: {} as MediaSystemEvent | RelayedEvent | ChildDoneEvent,
    emitted: {} as MediaSystemEmitted,
  },
  actors: {
    foregroundApp: foregroundAppMachine,
    backgroundTask: backgroundTaskMachine,
    exclusivity: exclusivityMachine,
    inactivityTimeout: inactivityTimeoutMachine,
    sharedLifetime: sharedLifetimeMachine,
    relay: relayLogic,
  },
  actions: {
    launchApp: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'APP_LAUNCHED') return;
      const { appId } = event;
      const app = context.apps[appId];
      if (app?.running) return;
      if (app) enqueue.stopChild(app.foreground);
      enqueue.assign({
        apps: ({ context, spawn }) => ({
          ...context.apps,
          [appId]: {
            foreground: spawn('foregroundApp', { id: ids.app(appId), systemId: ids.app(appId) }),
            running: true,
            visible: true,
            task: context.apps[appId]?.task ?? null,
          },
        }),
      });
      enqueue.sendTo(({ context }) => context.apps[appId]!.foreground, { type: 'LAUNCH' });
      const inactivity = app?.task?.inactivity;
      if (inactivity) enqueue.sendTo(inactivity, { type: 'FOREGROUND_VISIBLE', visible: true });
    }),

    suspendApp: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'APP_SUSPENDED') return;
      const app = context.apps[event.appId];
      if (!app?.running || !app.visible) return;
      enqueue.assign({ apps: { ...context.apps, [event.appId]: { ...app, visible: false } } });
      enqueue.sendTo(app.foreground, { type: 'SUSPEND' });
      const task = app.task;
      if (!task) return;
      if (task.inactivity) {
        enqueue.sendTo(task.inactivity, { type: 'FOREGROUND_VISIBLE', visible: false });
      }
      if (!task.everPlayed) {
        enqueue.sendTo(task.ref, { type: 'CANCEL', reason: 'conditionLoss' });
      }
    }),

    resumeApp: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'APP_RESUMED') return;
      const app = context.apps[event.appId];
      if (!app?.running || app.visible) return;
      enqueue.assign({ apps: { ...context.apps, [event.appId]: { ...app, visible: true } } });
      enqueue.sendTo(app.foreground, { type: 'RESUME' });
      const inactivity = app.task?.inactivity;
      if (inactivity) enqueue.sendTo(inactivity, { type: 'FOREGROUND_VISIBLE', visible: true });
    }),

    terminateApp: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'APP_TERMINATED') return;
      const app = context.apps[event.appId];
      if (!app?.running) return;
      enqueue.assign({
        apps: { ...context.apps, [event.appId]: { ...app, running: false, visible: false } },
      });
      enqueue.sendTo(app.foreground, { type: 'TERMINATE' });
      const task = app.task;
      if (task?.inactivity) {
        enqueue.sendTo(task.inactivity, { type: 'FOREGROUND_VISIBLE', visible: false });
      }
      if (task?.sharedLifetime) {
        enqueue.sendTo(task.sharedLifetime, { type: 'FOREGROUND_TERMINATED' });
      }
    }),

    startTask: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'TASK_STARTING') return;
      const { appId, instanceId } = event;
      const app = context.apps[appId];
      if (!app?.running || app.task) return;
      const { policies } = context;
      enqueue.assign({
        apps: ({ context, spawn }) => {
          const ref = spawn('backgroundTask', {
            id: ids.task(appId),
            systemId: ids.task(appId),
            input: { instanceId, ...context.taskTimings },
          });
          const inactivity = policies.inactivityTimeout
            ? spawn('inactivityTimeout', {
                id: ids.inactivity(appId),
                systemId: ids.inactivity(appId),
                input: {
                  enabled: true,
                  appId,
                  timeoutMs: context.inactivityTimeoutMs,
                  foregroundVisible: app.visible,
                  playing: false,
                },
              })
            : null;
          const sharedLifetime = policies.sharedLifetime
            ? spawn('sharedLifetime', {
                id: ids.sharedLifetime(appId),
                systemId: ids.sharedLifetime(appId),
                input: { enabled: true, appId },
              })
            : null;
          const sources: RelayInput['sources'] = [
            { systemId: ids.task(appId), from: 'task' },
            ...(inactivity
              ? [{ systemId: ids.inactivity(appId), from: 'inactivityTimeout' as const }]
              : []),
            ...(sharedLifetime
              ? [{ systemId: ids.sharedLifetime(appId), from: 'sharedLifetime' as const }]
              : []),
          ];
          const relay = spawn('relay', {
            id: ids.relay(appId),
            input: { appId, instanceId, sources },
          });
          const task: MediaSystemTask = {
            instanceId,
            ref,
            playing: false,
            everPlayed: false,
            terminationReported: false,
            inactivity,
            sharedLifetime,
            relay,
          };
          return { ...context.apps, [appId]: { ...app, task } };
        },
      });
      enqueue.sendTo(({ context }) => context.apps[appId]!.task!.ref, { type: 'START' });
      if (context.exclusivity) {
        enqueue.sendTo(context.exclusivity, { type: 'TASK_STARTED', appId });
      }
    }),

    forwardToTask: enqueueActions(({ context, event, enqueue }) => {
      const forwarded = {
        TASK_RUN_ENTERED: 'RUN_ENTERED',
        TASK_RUN_RETURNED: 'RUN_RETURNED',
        TASK_DEFERRAL_TAKEN: 'DEFERRAL_TAKEN',
        TASK_DEFERRAL_COMPLETED: 'DEFERRAL_COMPLETED',
      } as const;
      if (!(event.type in forwarded) || !('appId' in event)) return;
      const task = taskOf(context, event.appId as string);
      if (!task) return;
      enqueue.sendTo(task.ref, { type: forwarded[event.type as keyof typeof forwarded] });
    }),

    recordPlaying: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'TASK_PLAYING') return;
      const app = context.apps[event.appId];
      const task = app?.task;
      if (!app || !task) return;
      const playing = event.playing === true;
      enqueue.assign({
        apps: {
          ...context.apps,
          [event.appId]: {
            ...app,
            task: { ...task, playing, everPlayed: task.everPlayed || playing },
          },
        },
      });
      if (task.inactivity) enqueue.sendTo(task.inactivity, { type: 'PLAYING', playing });
    }),

    recordTermination: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'TASK_TERMINATED') return;
      const app = context.apps[event.appId];
      const task = app?.task;
      if (!app || !task) return;
      enqueue.assign({
        apps: {
          ...context.apps,
          [event.appId]: { ...app, task: { ...task, terminationReported: true } },
        },
      });
      enqueue.sendTo(task.ref, { type: 'TERMINATE', reason: event.reason });
    }),

    shutdownTask: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'TASK_SHUTDOWN') return;
      const task = taskOf(context, event.appId);
      if (task) enqueue.sendTo(task.ref, { type: 'CANCEL', reason: 'abort' });
    }),

    interrupt: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'INTERRUPT') return;
      const kill = event.kind === 'voipCall' && event.lowMemory === true;
      for (const app of Object.values(context.apps)) {
        if (!app.task) continue;
        enqueue.sendTo(
          app.task.ref,
          kill
            ? { type: 'TERMINATE', reason: 'lowMemory' }
            : { type: 'CANCEL', reason: 'resourceRevocation' },
        );
      }
    }),

    handleRelayed: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'relay.emitted') return;
      const emitted = event.event;
      if (event.from === 'exclusivity') {
        const task = emitted.type === 'cancelTask' ? taskOf(context, emitted.appId) : null;
        if (task) enqueue.sendTo(task.ref, { type: 'CANCEL', reason: 'systemPolicy' });
        return;
      }
      const appId = event.appId ?? '';
      const task = taskOf(context, appId);
      if (!task || task.instanceId !== event.instanceId) return;
      const { instanceId } = task;
      if (event.from !== 'task') {
        if (emitted.type === 'cancelTask') {
          enqueue.sendTo(task.ref, { type: 'CANCEL', reason: emitted.reason });
        }
        return;
      }
      switch (emitted.type) {
        case 'stateChanged':
          enqueue.emit({
            type: 'taskStateChanged',
            appId,
            instanceId,
            state: emitted.state,
            ...(emitted.reason === undefined ? {} : { reason: emitted.reason }),
          });
          break;
        case 'canceled':
          enqueue.emit({ type: 'cancelTask', appId, instanceId, reason: emitted.reason });
          break;
        case 'terminated':
          if (!task.terminationReported) {
            enqueue.emit({ type: 'terminateTask', appId, instanceId, reason: emitted.reason });
          }
          break;
      }
    }),

    endTask: enqueueActions(({ context, event, enqueue }) => {
      const prefix = 'xstate.done.actor.task:';
      if (!event.type.startsWith(prefix)) return;
      const appId = event.type.slice(prefix.length);
      const app = context.apps[appId];
      const task = app?.task;
      if (!app || !task || task.ref.getSnapshot().status === 'active') return;
      if (context.exclusivity) {
        enqueue.sendTo(context.exclusivity, { type: 'TASK_ENDED', appId });
      }
      for (const policy of [task.inactivity, task.sharedLifetime]) {
        if (!policy) continue;
        enqueue.sendTo(policy, { type: 'TASK_ENDED' });
        enqueue.stopChild(policy);
      }
      enqueue.stopChild(task.relay);
      enqueue.stopChild(task.ref);
      enqueue.assign({ apps: { ...context.apps, [appId]: { ...app, task: null } } });
    }),
  },
}).createMachine({
  id: 'mediaSystem',
  context: ({ input, spawn }) => {
    const deviceFamily = input?.deviceFamily ?? 'desktop';
    const policies = resolvePolicies(deviceFamily, input?.policies);
    const inactivityTimeoutMs =
      duration('inactivityTimeoutMs', input?.inactivityTimeoutMs) ?? DEFAULT_INACTIVITY_TIMEOUT_MS;
    const taskTimings: MediaSystemContext['taskTimings'] = {};
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
        id: ids.relay(EXCLUSIVITY_ID),
        input: {
          appId: null,
          instanceId: null,
          sources: [{ systemId: EXCLUSIVITY_ID, from: 'exclusivity' }],
        },
      });
    }
    return { deviceFamily, policies, inactivityTimeoutMs, taskTimings, apps: {}, exclusivity };
  },
  initial: 'running',
  states: {
    running: {
      description: 'The device runs apps and their background tasks under its policies.',
      on: {
        APP_LAUNCHED: { actions: 'launchApp' },
        APP_SUSPENDED: { actions: 'suspendApp' },
        APP_RESUMED: { actions: 'resumeApp' },
        APP_TERMINATED: { actions: 'terminateApp' },
        TASK_STARTING: { actions: 'startTask' },
        TASK_RUN_ENTERED: { actions: 'forwardToTask' },
        TASK_RUN_RETURNED: { actions: 'forwardToTask' },
        TASK_DEFERRAL_TAKEN: { actions: 'forwardToTask' },
        TASK_DEFERRAL_COMPLETED: { actions: 'forwardToTask' },
        TASK_PLAYING: { actions: 'recordPlaying' },
        TASK_TERMINATED: { actions: 'recordTermination' },
        TASK_SHUTDOWN: { actions: 'shutdownTask' },
        INTERRUPT: { actions: 'interrupt' },
        'relay.emitted': { actions: 'handleRelayed' },
        'xstate.done.actor.*': { actions: 'endTask' },
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
}

/**
 * The background task instances of a system snapshot that have not ended, with their
 * lifecycle state.
 *
 * @example
 * ```ts
 * const system = createActor(mediaSystemMachine, { input: { deviceFamily: 'mobile' } }).start();
 * system.send({ type: 'APP_LAUNCHED', appId: 'music' });
 * system.send({ type: 'TASK_STARTING', appId: 'music', instanceId: 'm1' });
 * liveTasks(system.getSnapshot()); // [{ appId: 'music', instanceId: 'm1', state: 'starting' }]
 * ```
 */
export function liveTasks(snapshot: MediaSystemSnapshot): LiveTask[] {
  const out: LiveTask[] = [];
  for (const [appId, app] of Object.entries(snapshot.context.apps)) {
    const task = app.task;
    if (!task) continue;
    const taskSnapshot = task.ref.getSnapshot();
    if (taskSnapshot.status !== 'active') continue;
    out.push({ appId, instanceId: task.instanceId, state: taskStateOf(taskSnapshot) });
  }
  return out;
}
