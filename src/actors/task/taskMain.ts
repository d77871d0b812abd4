import { createTaskAudio } from '#platform/taskAudio';
import type { AudioAdapter } from '../../adapters/audio/types.js';
import type { TaskContext, TransportEndpoint } from '../../adapters/transport/types.js';
import { type Clock, systemClock } from '../../clock.js';
import {
  type DraftOf,
  type PlaybackCheckpoint,
  serializeError,
  TaskInitSchema,
} from '../../protocol.js';
import type { ValueSet } from '../../valueSet.js';
import { openTaskChannel } from '../channel.js';
import { BackgroundMediaPlayerTaskView } from './backgroundMediaPlayerTaskView.js';
import { PlaybackCheckpointer } from './checkpoint.js';
import { isDefinedBackgroundTask } from './defineBackgroundTask.js';
import { MediaPlayer } from './mediaPlayer.js';
import { relayPlayer } from './playerRelay.js';
import { SystemMediaTransportControls } from './systemMediaTransportControls.js';
import { createTaskClock } from './taskClock.js';
import { provideTaskEnvironment, type TaskEnvironment } from './taskEnvironment.js';
import { createTaskInspection } from './taskInspection.js';
import { BackgroundTaskInstance } from './taskInstance.js';

/** Things only the inline host can hand over (same thread, not cloned). */
export interface TaskLocals {
  clock?: Clock;
  /** An audio adapter, or a factory given the task's own view of the clock. */
  audio?: AudioAdapter | ((clock: Clock) => AudioAdapter);
}

/**
 * The background side of one task instance: builds the real MediaPlayer, its controls and the
 * background view, serves the foreground's calls and relays the player (`playerRelay.ts`),
 * sends lifecycle notices, then imports the user's task module and calls its `run` once. Resolves to the cleanup the inline host runs
 * when the task ends, however it ends: the player, its timers and the channel stop.
 */
export default async function taskMain(
  endpoint: TransportEndpoint,
  rawInit: unknown,
  context: TaskContext,
): Promise<() => void> {
  const init = TaskInitSchema.parse(rawInit);
  const locals = ((context as { locals?: TaskLocals }).locals ?? {}) as TaskLocals;
  // Every timer of the task (player, statecharts, virtual media) goes through this clock.
  const clock = createTaskClock(locals.clock ?? systemClock, context.bind);
  // Everything that awaits happens before the channel opens: the endpoint holds what arrives
  // until then, while an open channel delivers at once to whoever listens.
  const given = typeof locals.audio === 'function' ? locals.audio(clock) : locals.audio;
  const audio = given ?? (await createTaskAudio(init.audio, clock, context));
  const inspection = createTaskInspection({ enabled: init.inspect });
  // What the task's player classes run with, found by those the task's own code builds.
  const environment: TaskEnvironment = { clock, audio, inspect: inspection.inspect };
  provideTaskEnvironment(environment, context);
  const channel = openTaskChannel(endpoint, {
    onListenerError: (error) => context.fail(error),
  });
  context.onExiting?.(() => channel.flush());
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

  let foregroundState = init.foregroundState;
  let otherMediaPlaying = false;

  // A notice marks a moment of the task's lifecycle (run entered, a deferral taken): it goes at
  // once, with what was queued before it, not at the end of the turn.
  const notice = (n: DraftOf<'lifecycle'>) => {
    channel.send(n);
    channel.flush();
  };
  const relay = relayPlayer(channel, player, controls);

  const view = new BackgroundMediaPlayerTaskView({
    player,
    bufferLimit: init.messageBufferLimit,
    postToForeground: (data: ValueSet) => {
      channel.send({ kind: 'message', data });
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
        instance._cancel(command.reason);
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

  // Calls that arrive while the module loads and `run` executes are served once `run` has
  // returned; if it never does (the module fails, `run` throws), they are never answered and the
  // foreground, which ends a failed task, rejects them as unavailable.
  let runReturned = false;
  let markRunReturned: () => void = () => {};
  const afterRun = new Promise<void>((resolve) => {
    markRunReturned = resolve;
  });
  channel.serve(relay.handlers, { now: () => runReturned, when: afterRun });

  let definition: unknown;
  try {
    const mod = (await import(/* @vite-ignore */ init.taskUrl)) as { default?: unknown };
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
  relay.sendSnapshot(true);
  return cleanup;
}
