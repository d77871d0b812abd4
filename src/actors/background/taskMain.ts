import type { AudioAdapter } from '../../adapters/audio/types.js';
import { createVirtualAudio } from '../../adapters/audio/virtual.js';
import type { TaskContext, TransportEndpoint } from '../../adapters/transport/types.js';
import { type Clock, systemClock } from '../../clock.js';
import type { CancellationReason } from '../../machines/cancellationReasons.js';
import { type PlaybackCheckpoint, serializeError } from '../../protocol.js';
import type { ValueSet } from '../../valueSet.js';
import { openTaskChannel } from '../channel.js';
import { createTaskInspection } from '../inspection/taskInspection.js';
import { playerEventNames } from '../playerEvents.js';
import { PlaybackCheckpointer } from '../task/checkpoint.js';
import { MediaPlayer, type MediaPlayerEventMap } from '../task/mediaPlayer.js';
import { type PlayerSnapshot, sameSnapshotIgnoringPosition } from '../task/playerSnapshot.js';
import { SystemMediaTransportControls } from '../task/systemMediaTransportControls.js';
import { provideTaskEnvironment, type TaskEnvironment } from '../task/taskEnvironment.js';
import { BackgroundMediaPlayerTaskView } from './backgroundMediaPlayer.js';
import { isDefinedBackgroundTask } from './defineBackgroundTask.js';
import { createTaskClock } from './taskClock.js';
import { BackgroundTaskInstance } from './taskInstance.js';

/** What the foreground tells a new task instance (structured-cloneable). */
export interface TaskInit {
  appId: string;
  instanceId: string;
  /** URL of the user's task module (its default export comes from defineBackgroundTask). */
  taskUrl: string;
  /** Most messages held on the task side while no handler is registered. */
  messageBufferLimit: number;
  /** Foreground state when the task starts. */
  foregroundState: 'visible' | 'suspended' | 'terminated' | 'notRunning';
  /** How the task makes sound. */
  audio: TaskAudio;
  /** Relay the inspection events of the task's actors to the foreground. */
  inspect?: boolean;
  /**
   * The app's last playback checkpoint as the foreground's store holds it (null: none), or
   * `'pending'` while the store is still loading: a `restoredState` command follows then.
   */
  restoredState?: PlaybackCheckpoint | null | 'pending';
}

/**
 * How a task makes sound: `virtual` media on the task's clock (no sound device needed), or real
 * sound through the Web Audio adapter (`sink: 'none'` plays to a silent null sink).
 */
export type TaskAudio =
  | { kind: 'virtual' }
  | { kind: 'webAudio'; sink?: 'auto' | 'device' | 'none'; sampleRate?: number };

async function createAudio(audio: TaskAudio, clock: Clock): Promise<AudioAdapter> {
  if (audio.kind === 'webAudio') {
    const { createWebAudio } = await import('../../adapters/audio/webAudio/index.js');
    return createWebAudio({
      mode: 'realtime',
      sink: audio.sink ?? 'auto',
      ...(audio.sampleRate === undefined ? {} : { sampleRate: audio.sampleRate }),
    });
  }
  return createVirtualAudio({ clock });
}

/** Things only the inline host can hand over (same thread, not cloned). */
export interface TaskLocals {
  clock?: Clock;
  /** An audio adapter, or a factory given the task's own view of the clock. */
  audio?: AudioAdapter | ((clock: Clock) => AudioAdapter);
}

/** The player events forwarded to the foreground, in the order the player raised them. */
const forwardedEvents = playerEventNames satisfies ReadonlyArray<keyof MediaPlayerEventMap>;

/** The object the foreground's MediaPlayer proxy calls (through Comlink). */
export interface PlayerStub {
  play(): void;
  pause(): void;
  seek(ms: number): void;
  setVolume(volume: number): void;
  setMuted(muted: boolean): void;
  setPlaybackRate(rate: number): void;
  setAutoPlay(enabled: boolean): void;
  setLoopingEnabled(enabled: boolean): void;
  getSnapshot(): PlayerSnapshot;
  isPlaying(): boolean;
  controlsState(): unknown;
  deliverControls(request: unknown): string;
}

/**
 * The background side of one task instance: builds the real MediaPlayer, its controls and the
 * background view, exposes the player stub, relays events and lifecycle notices, then imports
 * the user's task module and calls its `run` once. Resolves to the cleanup the inline host runs
 * when the task ends, however it ends: the player, its timers and the channel stop.
 */
export default async function taskMain(
  endpoint: TransportEndpoint,
  rawInit: unknown,
  context: TaskContext,
): Promise<() => void> {
  const init = rawInit as TaskInit;
  const locals = ((context as { locals?: TaskLocals }).locals ?? {}) as TaskLocals;
  // Every timer of the task (player, statecharts, virtual media) goes through this clock.
  const clock = createTaskClock(locals.clock ?? systemClock, context.bind);
  // Everything that awaits happens before the channel opens: the endpoint holds what arrives
  // until then, while an open channel delivers at once to whoever listens.
  const given = typeof locals.audio === 'function' ? locals.audio(clock) : locals.audio;
  const audio = given ?? (await createAudio(init.audio ?? { kind: 'virtual' }, clock));
  const inspection = createTaskInspection({ enabled: init.inspect === true });
  // What the task's player classes run with, found by those the task's own code builds.
  const environment: TaskEnvironment = { clock, audio, inspect: inspection.inspect };
  provideTaskEnvironment(environment, context);
  const channel = openTaskChannel(endpoint, {
    onListenerError: (error) => context.fail(error),
  });
  inspection.connect((record) => channel.send({ kind: 'inspect', record }));
  const player = new MediaPlayer(environment);
  const controls = new SystemMediaTransportControls();
  player._attachControls(controls);
  const cleanup = () => {
    player.dispose();
    clock.dispose();
    channel.close();
    // An adapter handed over may outlive this instance; its timers on `clock` are cleared above.
    if (!given) audio.dispose?.();
  };

  let foregroundState: TaskInit['foregroundState'] = init.foregroundState;
  let otherMediaPlaying = false;
  let lastSnapshot: PlayerSnapshot | null = null;

  const notice = (n: Parameters<typeof channel.send>[0] & { kind: 'lifecycle' }) => channel.send(n);
  /** The snapshot if it changed since the last one sent (and remembers it), else undefined. */
  const changedSnapshot = (force: boolean): PlayerSnapshot | undefined => {
    const snapshot = player.getSnapshot();
    if (
      !force &&
      lastSnapshot &&
      lastSnapshot.position === snapshot.position &&
      sameSnapshotIgnoringPosition(lastSnapshot, snapshot)
    ) {
      return undefined;
    }
    lastSnapshot = snapshot;
    return snapshot;
  };
  const sendSnapshot = (force: boolean) => {
    const snapshot = changedSnapshot(force);
    if (snapshot)
      channel.send({ kind: 'snapshot', state: snapshot as unknown as Record<string, unknown> });
  };

  // Observed as raised (not as the task's listeners get them): the foreground hears of a
  // change before the call that caused it answers.
  player._observe((name, payload) => {
    if (name === 'snapshotChanged') {
      sendSnapshot(false);
      return;
    }
    if (!(forwardedEvents as readonly string[]).includes(name)) return;
    // One envelope: the event and, when it changed, the state it left the player in.
    const snapshot = changedSnapshot(false);
    channel.send({
      kind: 'event',
      name,
      payload: payload ?? {},
      ...(snapshot ? { snapshot: snapshot as unknown as Record<string, unknown> } : {}),
    });
  });
  controls.on('stateChanged', (state: unknown) => {
    channel.send({ kind: 'event', name: 'controls.stateChanged', payload: state });
  });

  const view = new BackgroundMediaPlayerTaskView({
    player,
    bufferLimit: init.messageBufferLimit,
    postToForeground: (data: ValueSet) => {
      channel.send({ kind: 'message', data: data as Record<string, unknown> });
    },
    foregroundState: () => foregroundState,
    isMediaPlaying: () => otherMediaPlaying || player.currentState === 'playing',
    reportError: (error) => {
      notice({ kind: 'lifecycle', notice: { type: 'taskWarning', error: serializeError(error) } });
    },
    shutdown: () => notice({ kind: 'lifecycle', notice: { type: 'shutdownRequested' } }),
    fail: (error) => context.fail(error),
  });

  const instance = new BackgroundTaskInstance({
    instanceId: init.instanceId,
    appId: init.appId,
    backgroundMediaPlayer: view,
    inspect: environment.inspect,
    sink: {
      deferralTaken: () => notice({ kind: 'lifecycle', notice: { type: 'deferralTaken' } }),
      deferralCompleted: () => notice({ kind: 'lifecycle', notice: { type: 'deferralCompleted' } }),
      listenerFailed: (error) => context.fail(error),
    },
  });

  // The app's last checkpoint: in the init, or in a command once the foreground's store loaded.
  let restoredState: PlaybackCheckpoint | null | undefined =
    init.restoredState === 'pending' ? undefined : (init.restoredState ?? null);
  let restoredArrived: (() => void) | null = null;
  let checkpointer: PlaybackCheckpointer | null = null;

  channel.on('message', (envelope) => view._deliver(envelope.data as ValueSet));
  channel.on('control', (envelope) => {
    const command = envelope.command;
    switch (command.type) {
      case 'cancel':
        instance._cancel(command.reason as CancellationReason);
        break;
      case 'restoredState':
        if (restoredState === undefined) {
          restoredState = command.state;
          restoredArrived?.();
        }
        break;
      case 'complete':
        checkpointer?.stop();
        instance._complete();
        player.dispose();
        notice({ kind: 'lifecycle', notice: { type: 'completed' } });
        break;
      case 'systemState':
        foregroundState = command.foreground;
        otherMediaPlaying = command.otherMediaPlaying;
        break;
      default:
        break;
    }
  });

  const stub: PlayerStub = {
    play: () => player.play(),
    pause: () => player.pause(),
    seek: (ms) => player.seek(ms),
    setVolume: (v) => player.setVolume(v),
    setMuted: (m) => player.setMuted(m),
    setPlaybackRate: (r) => player.setPlaybackRate(r),
    setAutoPlay: (b) => player.setAutoPlay(b),
    setLoopingEnabled: (b) => player.setLoopingEnabled(b),
    getSnapshot: () => player.getSnapshot(),
    isPlaying: () => player.currentState === 'playing',
    controlsState: () => controls.getState(),
    deliverControls: (request) => controls.deliver(request as never),
  };
  // Calls that arrive while the module loads and `run` executes are served once `run` has
  // returned; if it never does (the module fails, `run` throws), they are never answered and the
  // foreground, which ends a failed task, rejects them as unavailable.
  let runReturned = false;
  let markRunReturned: () => void = () => {};
  const afterRun = new Promise<void>((resolve) => {
    markRunReturned = resolve;
  });
  channel.expose(servedAfter(stub, () => runReturned, afterRun));
  channel.send({ kind: 'event', name: 'controls.stateChanged', payload: controls.getState() });

  let definition: unknown;
  try {
    const mod = (await import(init.taskUrl)) as { default?: unknown };
    definition = mod.default;
    if (!isDefinedBackgroundTask(definition)) {
      throw new TypeError(
        `Task module \`${init.taskUrl}\` must default-export defineBackgroundTask({ run }), got \`${typeof definition}\``,
      );
    }
  } catch (error) {
    notice({ kind: 'lifecycle', notice: { type: 'taskError', error: serializeError(error) } });
    return cleanup;
  }

  const resumeOptions = definition.resumeOptions ?? null;
  if (resumeOptions) {
    if (restoredState === undefined) {
      await new Promise<void>((resolve) => {
        restoredArrived = resolve;
      });
    }
    const active = new PlaybackCheckpointer({
      player,
      environment,
      instanceId: init.instanceId,
      intervalMs: resumeOptions.checkpointIntervalMs,
      send: (state) => channel.send({ kind: 'checkpoint', state }),
    });
    checkpointer = active;
    const saved = restoredState ?? null;
    instance._attachResume({
      restoredState: saved,
      restore: (checkpoint, setSource) => active.restore(checkpoint, setSource),
      setAppState: (values) => active.setAppState(values),
      checkpoint: () => active.take('requested'),
      canceled: () => active.take('canceled'),
    });
  }

  notice({ kind: 'lifecycle', notice: { type: 'runEntered' } });
  try {
    definition.run(instance);
  } catch (error) {
    notice({ kind: 'lifecycle', notice: { type: 'taskError', error: serializeError(error) } });
    return cleanup;
  }
  notice({ kind: 'lifecycle', notice: { type: 'runReturned' } });
  runReturned = true;
  markRunReturned();
  sendSnapshot(true);
  return cleanup;
}

/** `stub` with every method held until `ready()` is true, that is until `whenReady` settles. */
function servedAfter(stub: PlayerStub, ready: () => boolean, whenReady: Promise<void>) {
  const served: Record<string, (...args: unknown[]) => unknown> = {};
  for (const [name, method] of Object.entries(stub) as [string, (...a: unknown[]) => unknown][]) {
    served[name] = (...args) => (ready() ? method(...args) : whenReady.then(() => method(...args)));
  }
  return served as unknown as PlayerStub;
}
