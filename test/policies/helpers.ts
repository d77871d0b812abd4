import {
  type App,
  createMediaSystem,
  type DeviceFamily,
  type MediaSystem,
  type MediaSystemOptions,
  type ValueSet,
  VirtualClock,
} from 'backbeat';
import { type Truthy, waitFor } from 'backbeat/testing';

/*
 * Policy tests run real worker-hosted tasks while every policy timer runs on a VirtualClock.
 * The only real waiting is for messages to and from the worker: `until` (the test kit's
 * `waitFor`) resolves when what the app received makes its condition true, and fails after a
 * generous real-time limit.
 */

export const families: DeviceFamily[] = ['desktop', 'mobile', 'other'];
export const playerTask = new URL('../fixtures/policy/player.mjs', import.meta.url);
export const IDLE_MS = 60_000;
const HOP_LIMIT_MS = 15_000;

/** A system whose policy timers run on `clock`. */
export function createPolicySystem(
  deviceFamily: DeviceFamily,
  options: Omit<MediaSystemOptions, 'clock' | 'deviceFamily'> = {},
): { system: MediaSystem; clock: VirtualClock } {
  const clock = new VirtualClock();
  const system = createMediaSystem({
    deviceFamily,
    clock,
    inactivityTimeoutMs: IDLE_MS,
    defaultHost: 'worker',
    ...options,
  });
  return { system, clock };
}

/** What one app's task did, seen from the foreground, with a way to wait for it. */
export interface Watched {
  app: App;
  /** taskStateChanged as `state` / `state:reason`. */
  trail: string[];
  messages: ValueSet[];
  playing: boolean;
  readonly taskState: string | undefined;
  /**
   * Resolves with `condition()`'s first truthy value; rejects after 15 s of real time, quoting
   * the trail.
   */
  until<T>(condition: () => T, what: string): Promise<Truthy<T>>;
  untilState(state: string): Promise<void>;
}

/** Launches an app on a worker and starts its task; resolves when the task is alive. */
export async function startApp(system: MediaSystem, id: string, task = playerTask) {
  const app = system.launchApp({ id, task, host: 'worker' });
  const watched = watch(app);
  await watched.untilState('alive');
  return watched;
}

/** Watches an app (reading `current`, which starts its task). */
export function watch(app: App): Watched {
  const watched: Watched = {
    app,
    trail: [],
    messages: [],
    playing: false,
    get taskState() {
      return watched.trail.at(-1)?.split(':')[0];
    },
    until(condition, what) {
      return waitFor(condition, {
        timeoutMs: HOP_LIMIT_MS,
        what: `app '${app.id}': ${what}`,
        seen: () => `trail ${watched.trail.join(', ')}`,
      });
    },
    async untilState(state) {
      await watched.until(() => watched.trail.some((s) => s.split(':')[0] === state), state);
    },
  };
  const bmp = app.backgroundMediaPlayer;
  bmp.on('taskStateChanged', ({ state, reason }) => {
    if (state === 'starting') watched.playing = false;
    watched.trail.push(reason ? `${state}:${reason}` : state);
  });
  bmp.on('messageReceivedFromBackground', ({ data }) => {
    watched.messages.push(data);
  });
  bmp.current.on('currentStateChanged', ({ state }) => {
    watched.playing = state === 'playing';
  });
  return watched;
}

/**
 * Resolves once the app's task host has exited (its instance id is gone): a completed task
 * says `completed` before the host is released, and `current` starts a fresh instance only
 * after that.
 */
export async function released(w: Watched): Promise<void> {
  await w.until(() => w.app.instanceId === null, 'release of its task host');
}

/** Plays through the foreground's player and waits until the system has seen it play. */
export async function play(w: Watched): Promise<void> {
  await w.app.backgroundMediaPlayer.current.play();
  await w.until(() => w.playing, 'playing');
}

/** Pauses and waits until the system has seen it stop playing. */
export async function pause(w: Watched): Promise<void> {
  await w.app.backgroundMediaPlayer.current.pause();
  await w.until(() => !w.playing, 'pause');
}

/** Resolves with the `saved` message the task sent when cancelled. */
export async function saved(w: Watched): Promise<ValueSet> {
  return w.until(() => w.messages.find((m) => m.type === 'saved'), '`saved` message');
}
