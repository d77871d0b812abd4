import {
  type App,
  createMediaSystem,
  type DeviceFamily,
  type MediaSystem,
  type MediaSystemOptions,
  type ValueSet,
  VirtualClock,
} from 'backbeat';

/*
 * Policy tests run real worker-hosted tasks while every policy timer runs on a VirtualClock.
 * The only real waiting is for messages to and from the worker: `until` resolves when an event
 * the app receives makes its condition true, and fails after a generous real-time limit.
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
  /** Resolves once `condition` holds (checked on every event of the app); rejects after 15 s. */
  until(condition: () => boolean, what: string): Promise<void>;
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
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const w of [...waiters]) w();
  };
  const watched: Watched = {
    app,
    trail: [],
    messages: [],
    playing: false,
    get taskState() {
      return watched.trail.at(-1)?.split(':')[0];
    },
    until(condition, what) {
      if (condition()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `app '${app.id}': no ${what} within ${HOP_LIMIT_MS} ms (trail: ${watched.trail.join(', ')})`,
            ),
          );
        }, HOP_LIMIT_MS);
        const check = () => {
          if (!condition()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    untilState(state) {
      return watched.until(() => watched.trail.some((s) => s.split(':')[0] === state), state);
    },
  };
  const bmp = app.backgroundMediaPlayer;
  bmp.on('taskStateChanged', ({ state, reason }) => {
    if (state === 'starting') watched.playing = false;
    watched.trail.push(reason ? `${state}:${reason}` : state);
    changed();
  });
  bmp.on('messageReceivedFromBackground', ({ data }) => {
    watched.messages.push(data);
    changed();
  });
  bmp.current.on('currentStateChanged', ({ state }) => {
    watched.playing = state === 'playing';
    changed();
  });
  return watched;
}

/**
 * Resolves once the app's task host has exited (its instance id is gone): a completed task
 * says `completed` before the host is released, and `current` starts a fresh instance only
 * after that.
 */
export async function released(w: Watched): Promise<void> {
  const started = Date.now();
  while (w.app.instanceId !== null) {
    if (Date.now() - started > HOP_LIMIT_MS) {
      throw new Error(`app '${w.app.id}': task ${w.app.instanceId} not released`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
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
  await w.until(() => w.messages.some((m) => m.type === 'saved'), '`saved` message');
  return w.messages.find((m) => m.type === 'saved')!;
}
