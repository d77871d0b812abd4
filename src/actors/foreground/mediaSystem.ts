import { createActor, type InspectionEvent, type Observer, toObserver } from 'xstate';
import { defaultStateStore, followPlatform, joinPlatform } from '#platform/system';
import { PLATFORM_HOST_KINDS } from '#platform/taskHosts';
import type { AudioAdapter, AudioEngine } from '../../adapters/audio/types.js';
import type { ControlsAdapter } from '../../adapters/controls/types.js';
import { createVirtualControls, type VirtualControls } from '../../adapters/controls/virtual.js';
import { checkStateStore, type PlaybackStateStore } from '../../adapters/store/types.js';
import type { HostKind } from '../../adapters/transport/types.js';
import { type Clock, systemClock } from '../../clock.js';
import { InvalidOperationError, SystemDisposedError } from '../../errors.js';
import { sessionIds } from '../../machines/appSession.js';
import type { DeviceFamily } from '../../machines/deviceFamilies.js';
import {
  foregroundStateOf,
  isAnyPlaying,
  type LiveTask,
  liveTaskOf,
  liveTasks,
  type MediaSystemInput,
  mediaSystemMachine,
} from '../../machines/mediaSystem.js';
import type { TaskAudio } from '../../protocol.js';
import { App, type AppHost, type LaunchAppOptions } from './app.js';
import type { TabsHook, TaskChange } from './tabs.js';

/** Options of {@link createMediaSystem}. */
export interface MediaSystemOptions {
  /** Which row of the policy table applies: 'desktop' (default), 'mobile' or 'other'. */
  deviceFamily?: DeviceFamily;
  /** Turn single sub-policies on or off, overriding the device family's table. */
  policies?: MediaSystemInput['policies'];
  /** Inactivity timeout in ms (default 300 000). */
  inactivityTimeoutMs?: number;
  /** Time a cancelled task has to complete its deferral (default 5 000 ms). */
  cancellationGraceMs?: number;
  /** Time a task may take from activation to entering `run` (default 10 000 ms). */
  startTimeoutMs?: number;
  /** Time `run` may execute before the task is terminated (default 2 000 ms). */
  runBudgetMs?: number;
  /** Memory limit of each task (worker `resourceLimits`, child `--max-old-space-size`). */
  memoryLimitMb?: number;
  /** Heartbeat watchdog for worker and process hosts; `false` turns it off. */
  heartbeat?: { intervalMs: number; timeoutMs: number } | false;
  /**
   * The clock of the heartbeat watchdog. Responsiveness is a real-time matter, so it defaults to
   * the system clock even when `clock` is virtual; tests of the watchdog pass a VirtualClock.
   */
  watchdogClock?: Clock;
  /** Most messages held for a side that has no handler yet (default 1 024). */
  messageBufferLimit?: number;
  /** The clock every policy timer runs on (default: the system clock). */
  clock?: Clock;
  /**
   * Receives xstate inspection events of the system's statecharts and of the actors every
   * background task runs (relayed across the boundary; see docs/inspection.md).
   */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Default host of launched apps. */
  defaultHost?: HostKind;
  /**
   * How tasks make sound: `{ kind: 'virtual' }` (default; media described by `virtual:` URIs,
   * no device needed) or `{ kind: 'webAudio', sink }` for real files through Web Audio.
   */
  audio?: TaskAudio;
  /**
   * More system media controls to connect to the app holding the controls, besides the virtual
   * `system.controls` (for example MPRIS on Linux, from `backbeat/controls/mpris`).
   */
  controlsAdapters?: ControlsAdapter[];
  /** Inline host only: the audio adapter a task gets (tests use virtual audio on the clock). */
  inlineAudio?: (clock: Clock) => AudioAdapter;
  /**
   * In a browser: the engine on the page that tasks make their sound with (`createWebAudio()`
   * or `createHtmlMediaAudio()`), so the page can watch its `state` (autoplay). By default the
   * page gets one engine per kind of `audio`, shared by every task. Node ignores it.
   */
  audioEngine?: AudioEngine;
  /**
   * In a browser: whether this system shares the device with the systems of the origin's other
   * tabs (default `true`, where the page has Web Locks): a task that starts under exclusivity
   * cancels the other tabs' holder with `systemPolicy`, and `backgroundTasks()` lists their tasks
   * (marked `tab: 'other'`). Node ignores it.
   */
  tabs?: boolean;
  /**
   * Where the apps' playback checkpoints are kept, by app id, for tasks that opt in with
   * `defineBackgroundTask({ resume: true })` (default: in memory, for the system's lifetime;
   * in a browser, IndexedDB, so a reload resumes). `backbeat/store/jsonFile` keeps them in a
   * file across runs.
   */
  stateStore?: PlaybackStateStore;
}

/** A device's background media system: its apps, their tasks and the policies over them. */
export interface MediaSystem {
  readonly clock: Clock;
  readonly deviceFamily: DeviceFamily;
  /** Scripted presses as a headset or remote sends them, to the app that holds the controls. */
  readonly controls: VirtualControls;
  /**
   * Launches an app's foreground (visible). Its task starts later, on the first read of
   * `backgroundMediaPlayer.current`, handler registration or message. Launching an id whose
   * foreground is still running throws `InvalidOperationError`; launching it again after its
   * foreground terminated returns a new {@link App} that adopts the task still running for that
   * id, if any (never a second task). Throws `TypeError` naming a bad id, host or task URL, and
   * `SystemDisposedError` after {@link MediaSystem.dispose}.
   *
   * @example
   * ```ts
   * const app = system.launchApp({ id: 'music', task: new URL('./task.mjs', import.meta.url), host: 'worker' });
   * await app.backgroundMediaPlayer.current.play();
   * ```
   */
  launchApp(options: LaunchAppOptions): App;
  /**
   * The app last launched with `id` (its foreground may have terminated), or `undefined`.
   *
   * @example
   * ```ts
   * system.app('music')?.state; // 'visible' | 'suspended' | 'terminated'
   * ```
   */
  app(id: string): App | undefined;
  /**
   * A media interruption: a phone or VoIP call cancels every live task
   * (`resourceRevocation`); a VoIP call with `lowMemory` terminates them without notice
   * (`lowMemory`). Throws `TypeError` naming any other kind.
   *
   * @example
   * ```ts
   * system.interrupt('phoneCall');
   * system.interrupt('voipCall', { lowMemory: true });
   * ```
   */
  interrupt(kind: 'phoneCall' | 'voipCall', options?: { lowMemory?: boolean }): void;
  /**
   * The background task instances alive now, one per app id at most, with their lifecycle
   * state (`starting`, `running`, `alive`, `canceling`).
   *
   * @example
   * ```ts
   * system.backgroundTasks(); // [{ appId: 'music', instanceId: 'music#1.1', state: 'alive' }]
   * ```
   */
  backgroundTasks(): LiveTask[];
  /**
   * Shuts the system down. Every live task is cancelled first (`canceled` with `abort`), so a
   * task that saves on cancel saves, and has the usual `cancellationGraceMs` (on the system's
   * clock) to complete its deferral before it is terminated. Resolves when every task host is
   * gone. Afterwards reading `current`, sending a message, `shutdown()`, a player call or
   * `launchApp` fails with `SystemDisposedError` and starts nothing; calling `dispose()` again
   * returns the same promise.
   *
   * @example
   * ```ts
   * await system.dispose();
   * ```
   */
  dispose(): Promise<void>;
  /** @internal What sharing tasks across browser tabs works through (`shareTasksAcrossTabs`). */
  readonly _tabs: TabsHook;
}

let systemCounter = 0;

/** The `inspect` option as one function (xstate accepts an observer or a function). */
function inspectFunction(inspect: NonNullable<MediaSystemOptions['inspect']>) {
  const observer = toObserver(inspect);
  return (event: InspectionEvent) => observer.next?.(event);
}

/**
 * Creates a background media system: the device on which apps run their foreground and their
 * background playback task, under the policies of a device family.
 *
 * @example
 * ```ts
 * import { createMediaSystem } from 'backbeat';
 *
 * const system = createMediaSystem({ deviceFamily: 'mobile' });
 * const app = system.launchApp({ id: 'music', task: new URL('./task.mjs', import.meta.url) });
 * await app.backgroundMediaPlayer.current.play();
 * await system.dispose();
 * ```
 */
export function createMediaSystem(options: MediaSystemOptions = {}): MediaSystem {
  const clock = options.clock ?? systemClock;
  const deviceFamily = options.deviceFamily ?? 'desktop';
  const systemId = ++systemCounter;
  let instanceCounter = 0;
  let disposed = false;
  /** Set by the first dispose(): the system then starts nothing and ends what runs. */
  let disposing: Promise<void> | null = null;
  const apps = new Map<string, App>();
  const controls = createVirtualControls();
  const adapters: ControlsAdapter[] = [controls, ...(options.controlsAdapters ?? [])];
  const detachAll = () => {
    for (const adapter of adapters) if (adapter.attached) adapter.detach();
  };
  let controlsHolder: App | null = null;

  const input: MediaSystemInput = { deviceFamily };
  if (options.policies) input.policies = options.policies;
  if (options.inactivityTimeoutMs !== undefined)
    input.inactivityTimeoutMs = options.inactivityTimeoutMs;
  if (options.cancellationGraceMs !== undefined)
    input.cancellationGraceMs = options.cancellationGraceMs;
  if (options.startTimeoutMs !== undefined) input.startTimeoutMs = options.startTimeoutMs;
  if (options.runBudgetMs !== undefined) input.runBudgetMs = options.runBudgetMs;

  const actor = createActor(mediaSystemMachine, {
    input,
    clock,
    ...(options.inspect ? { inspect: options.inspect } : {}),
  });
  // Sharing tasks across browser tabs: who hears of task changes, and the other tabs' tasks.
  const taskListeners = new Set<(change: TaskChange) => void>();
  const disposeListeners = new Set<() => void>();
  let otherTabs: readonly LiveTask[] = [];
  actor.on('*', (command) => {
    const app = apps.get((command as { appId: string }).appId);
    app?._command(command as never);
    if (command.type === 'taskStateChanged') {
      for (const listener of [...taskListeners]) listener(command);
    }
  });
  actor.start();

  const send: AppHost['send'] = (event) => {
    if (!disposed) actor.send(event);
  };

  const appHost: AppHost = {
    clock,
    send,
    isAnyPlaying: () => isAnyPlaying(actor.getSnapshot()),
    foregroundState: (appId) => foregroundStateOf(actor.getSnapshot(), appId),
    memoryLimitMb: options.memoryLimitMb,
    heartbeat: options.heartbeat ?? { intervalMs: 1_000, timeoutMs: 3_000 },
    watchdogClock: options.watchdogClock ?? systemClock,
    messageBufferLimit: options.messageBufferLimit ?? 1_024,
    completionAckMs: 1_000,
    audio: options.audio ?? { kind: 'virtual' },
    stateStore:
      options.stateStore === undefined ? defaultStateStore() : checkStateStore(options.stateStore),
    ...(options.inlineAudio ? { inlineAudio: options.inlineAudio } : {}),
    ...(options.audioEngine ? { audioEngine: options.audioEngine } : {}),
    ...(options.inspect ? { inspect: inspectFunction(options.inspect) } : {}),
    newInstanceId: (appId) => `${appId}#${systemId}.${++instanceCounter}`,
    taskStarting: (app) => {
      detachAll();
      controlsHolder = app;
    },
    controlsReady: (app) => {
      if (controlsHolder !== app) return;
      for (const adapter of adapters) {
        if (!adapter.attached) adapter.attach(app._controlsTarget);
      }
    },
    taskAdopted: (from, to) => {
      if (controlsHolder !== from) return;
      detachAll();
      controlsHolder = to;
      appHost.controlsReady(to);
    },
    sessionActor: (appId) => actor.system.get(sessionIds.app(appId)),
    tracksTask: (appId, instanceId) =>
      liveTaskOf(actor.getSnapshot(), appId)?.instanceId === instanceId,
    taskEnded: (app) => {
      if (controlsHolder === app) {
        detachAll();
        controlsHolder = null;
      }
    },
  };

  const system: MediaSystem = {
    clock,
    deviceFamily,
    controls,
    launchApp(launch) {
      if (disposing) throw new SystemDisposedError('launchApp');
      if (!launch || typeof launch.id !== 'string' || launch.id.length === 0) {
        throw new TypeError(
          `launchApp expects { id: non-empty string }, got \`${String(launch?.id)}\``,
        );
      }
      if (apps.has(launch.id) && apps.get(launch.id)!.state !== 'terminated') {
        throw new InvalidOperationError(`An app with id '${launch.id}' is already running`);
      }
      const host = launch.host ?? options.defaultHost ?? 'worker';
      if (!PLATFORM_HOST_KINDS.includes(host)) {
        throw new TypeError(
          `host must be ${PLATFORM_HOST_KINDS.map((kind) => `'${kind}'`).join(' or ')} here, got \`${String(host)}\``,
        );
      }
      const url = launch.task instanceof URL ? launch.task.href : launch.task;
      try {
        new URL(url);
      } catch {
        throw new TypeError(
          `task must be an absolute URL of the task module, got \`${String(url)}\``,
        );
      }
      const previous = apps.get(launch.id);
      if (launch.stateStore !== undefined)
        checkStateStore(launch.stateStore, 'launchApp stateStore');
      if (launch.pageLifecycle !== undefined && typeof launch.pageLifecycle !== 'boolean') {
        throw new TypeError(
          `launchApp pageLifecycle must be a boolean, got \`${String(launch.pageLifecycle)}\``,
        );
      }
      const app = new App({ ...launch, host }, appHost);
      apps.set(launch.id, app);
      send({ type: 'APP_LAUNCHED', appId: launch.id });
      // The task that outlived the previous foreground belongs to this one now.
      if (previous) app._adopt(previous);
      followPlatform(app, launch);
      return app;
    },
    app: (id) => apps.get(id),
    interrupt(kind, interruptOptions = {}) {
      if (kind !== 'phoneCall' && kind !== 'voipCall') {
        throw new TypeError(
          `interrupt kind must be 'phoneCall' or 'voipCall', got \`${String(kind)}\``,
        );
      }
      send({ type: 'INTERRUPT', kind, lowMemory: interruptOptions.lowMemory ?? false });
    },
    backgroundTasks: () => [...liveTasks(actor.getSnapshot()), ...otherTabs],
    _tabs: {
      exclusivity: actor.getSnapshot().context.policies.exclusivity,
      localTasks: () => liveTasks(actor.getSnapshot()),
      onTaskChange(listener) {
        taskListeners.add(listener);
        return () => taskListeners.delete(listener);
      },
      onDispose(listener) {
        disposeListeners.add(listener);
        return () => disposeListeners.delete(listener);
      },
      audioTakenElsewhere: () => send({ type: 'AUDIO_TAKEN_ELSEWHERE' }),
      setOtherTabs(tasks) {
        otherTabs = tasks.map((task) => ({ ...task, tab: 'other' as const }));
      },
    },
    dispose() {
      disposing ??= (async () => {
        try {
          await Promise.all([...apps.values()].map((a) => a._dispose()));
        } finally {
          disposed = true;
          detachAll();
          actor.stop();
          otherTabs = [];
          for (const listener of [...disposeListeners]) listener();
        }
      })();
      return disposing;
    },
  };
  joinPlatform(system, options);
  return system;
}
