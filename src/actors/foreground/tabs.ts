/**
 * The tabs of one origin as one device (browsers). Every tab runs its own media system; this
 * joins them:
 * - exclusivity: where the system enforces it, a tab whose task starts takes the origin's audio
 *   Web Lock with `steal: true`. The tab it was stolen from hears it (its request rejects with
 *   an `AbortError`) and its system cancels its holder's task with `systemPolicy`. The lock is
 *   let go once the tab has no live task.
 * - the task list: each tab posts its live tasks on a BroadcastChannel whenever one changes, so
 *   every tab's `backgroundTasks()` lists the other tabs' tasks too, marked `tab: 'other'`.
 *   Each tab holds a presence lock for its lifetime; the others wait on it, so the tasks of a
 *   tab that closed or crashed leave the list when its lock is released.
 *
 * @packageDocumentation
 */
import type { TaskState } from '../../machines/backgroundTask.js';
import type { LiveTask } from '../../machines/mediaSystem.js';

/** A task's state change, as the system reports it. */
export interface TaskChange {
  appId: string;
  instanceId: string;
  state: TaskState;
}

/** What a media system offers the sharing of tasks across tabs. */
export interface TabsHook {
  /** Whether the system enforces the exclusivity sub-policy. */
  readonly exclusivity: boolean;
  /** The system's own live tasks. */
  localTasks(): LiveTask[];
  /** Calls `listener` after each task state change; returns a function that stops it. */
  onTaskChange(listener: (change: TaskChange) => void): () => void;
  /** Calls `listener` once the system is disposed; returns a function that stops it. */
  onDispose(listener: () => void): () => void;
  /** Another tab took background audio: the holder here is cancelled (`systemPolicy`). */
  audioTakenElsewhere(): void;
  /** The other tabs' live tasks, listed after the system's own by `backgroundTasks()`. */
  setOtherTabs(tasks: readonly LiveTask[]): void;
}

/** Options of {@link shareTasksAcrossTabs}. */
export interface ShareTasksOptions {
  /** Prefix of the lock and channel names (default `'backbeat'`); both are per origin. */
  name?: string;
  /** The Web Locks to use (default `navigator.locks`). */
  locks?: LockManager;
  /** The BroadcastChannel class to use (default the global one). */
  BroadcastChannel?: typeof BroadcastChannel;
}

/** A running share; `stop` leaves the origin's tabs (it can be called more than once). */
export interface SharedTabs {
  /** This tab's id among the origin's tabs. */
  readonly tabId: string;
  stop(): void;
}

type TabMessage =
  | { kind: 'hello'; tab: string }
  | { kind: 'tasks'; tab: string; tasks: LiveTask[] }
  | { kind: 'bye'; tab: string };

const TASK_STATES: readonly string[] = [
  'notStarted',
  'starting',
  'running',
  'alive',
  'canceling',
  'completed',
  'terminated',
];

const isTask = (value: unknown): value is LiveTask => {
  const task = value as Partial<LiveTask> | null;
  return (
    typeof task === 'object' &&
    task !== null &&
    typeof task.appId === 'string' &&
    typeof task.instanceId === 'string' &&
    typeof task.state === 'string' &&
    TASK_STATES.includes(task.state)
  );
};

/** A message from another tab, or null for anything else (another package version, say). */
function readMessage(data: unknown): TabMessage | null {
  const message = data as { kind?: unknown; tab?: unknown; tasks?: unknown } | null;
  if (typeof message !== 'object' || message === null) return null;
  if (typeof message.tab !== 'string' || message.tab.length === 0) return null;
  if (message.kind === 'hello' || message.kind === 'bye') {
    return { kind: message.kind, tab: message.tab };
  }
  if (message.kind === 'tasks' && Array.isArray(message.tasks) && message.tasks.every(isTask)) {
    const tasks = message.tasks.map(({ appId, instanceId, state }) => ({
      appId,
      instanceId,
      state,
    }));
    return { kind: 'tasks', tab: message.tab, tasks };
  }
  return null;
}

const describe = (value: unknown): string => {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
};

// Raised on its own task, as xstate does with listener errors: a lock callback has no caller.
const report = (error: unknown): void => {
  setTimeout(() => {
    throw error;
  });
};

const ENDED: readonly TaskState[] = ['completed', 'terminated'];

/**
 * Joins `system` to the media systems of the origin's other tabs (see the module's description)
 * until `stop()` or the system's disposal. Throws a TypeError naming what is missing when the
 * system cannot share or the platform has no Web Locks or BroadcastChannel.
 */
export function shareTasksAcrossTabs(
  system: { readonly _tabs?: TabsHook },
  options: ShareTasksOptions = {},
): SharedTabs {
  const hook = system?._tabs;
  if (typeof hook?.onTaskChange !== 'function') {
    throw new TypeError(
      `shareTasksAcrossTabs expects a media system from createMediaSystem(), got \`${describe(system)}\``,
    );
  }
  const name = options.name ?? 'backbeat';
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(
      `shareTasksAcrossTabs expects { name } as a non-empty string, got \`${describe(name)}\``,
    );
  }
  const locks = options.locks ?? (globalThis.navigator as Navigator | undefined)?.locks;
  if (typeof locks?.request !== 'function') {
    throw new TypeError(
      `shareTasksAcrossTabs needs Web Locks (navigator.locks), got \`${describe(locks)}\``,
    );
  }
  const Channel = options.BroadcastChannel ?? globalThis.BroadcastChannel;
  if (typeof Channel !== 'function') {
    throw new TypeError(
      `shareTasksAcrossTabs needs BroadcastChannel, got \`${describe(Channel)}\``,
    );
  }

  const tabId = globalThis.crypto.randomUUID();
  const audioLock = `${name}.audio`;
  const presenceLock = (tab: string) => `${name}.tab.${tab}`;
  const channel = new Channel(`${name}.tasks`);
  const stopped = new AbortController();
  let sharing = true;
  /** Whether this tab's presence lock is held: only then does it speak on the channel. */
  let present = false;
  let leave: (() => void) | null = null;

  // --- the other tabs' tasks -----------------------------------------------------------------
  const others = new Map<string, LiveTask[]>();
  const publishOthers = () => hook.setOtherTabs([...others.values()].flat());
  const watch = (tab: string) => {
    // Granted once the tab's own presence lock is released: the tab is gone.
    locks
      .request(presenceLock(tab), { signal: stopped.signal }, () => {
        if (others.delete(tab)) publishOthers();
      })
      .catch((error: unknown) => {
        if ((error as { name?: unknown })?.name !== 'AbortError') report(error);
      });
  };
  const post = (message: TabMessage) => {
    if (sharing && present) channel.postMessage(message);
  };
  const announce = () => post({ kind: 'tasks', tab: tabId, tasks: hook.localTasks() });

  channel.onmessage = (event: MessageEvent) => {
    const message = readMessage(event.data);
    if (!sharing || !message || message.tab === tabId) return;
    if (message.kind === 'bye') {
      if (others.delete(message.tab)) publishOthers();
      return;
    }
    if (!others.has(message.tab)) {
      others.set(message.tab, []);
      watch(message.tab);
    }
    if (message.kind === 'hello') {
      announce();
      return;
    }
    others.set(message.tab, message.tasks);
    publishOthers();
  };

  // --- this tab's presence -------------------------------------------------------------------
  locks
    .request(presenceLock(tabId), { signal: stopped.signal }, () => {
      if (!sharing) return undefined;
      present = true;
      post({ kind: 'hello', tab: tabId });
      announce();
      return new Promise<void>((resolve) => {
        leave = resolve;
      });
    })
    .catch((error: unknown) => {
      if ((error as { name?: unknown })?.name !== 'AbortError') report(error);
    });

  // --- background audio ----------------------------------------------------------------------
  /** The audio lock request in force (granted or not yet), or null when this tab has none. */
  let audio: { release?: () => void } | null = null;
  const takeAudio = () => {
    if (audio) return;
    const mine: { release?: () => void } = {};
    audio = mine;
    locks
      .request(audioLock, { steal: true }, () => {
        if (audio !== mine) return undefined;
        return new Promise<void>((resolve) => {
          mine.release = resolve;
        });
      })
      .then(
        () => {
          if (audio === mine) audio = null;
        },
        (error: unknown) => {
          if (audio !== mine) return;
          audio = null;
          if ((error as { name?: unknown })?.name === 'AbortError') {
            // Another tab's task started and stole the lock.
            if (sharing) hook.audioTakenElsewhere();
          } else {
            report(error);
          }
        },
      );
  };
  const releaseAudio = () => {
    const mine = audio;
    audio = null;
    mine?.release?.();
  };

  const offTasks = hook.onTaskChange((change) => {
    if (hook.exclusivity) {
      if (change.state === 'starting') takeAudio();
      else if (ENDED.includes(change.state) && hook.localTasks().length === 0) releaseAudio();
    }
    announce();
  });

  const stop = () => {
    if (!sharing) return;
    post({ kind: 'bye', tab: tabId });
    sharing = false;
    offTasks();
    offDispose();
    releaseAudio();
    stopped.abort();
    (leave as (() => void) | null)?.();
    channel.close();
    others.clear();
    hook.setOtherTabs([]);
  };
  const offDispose = hook.onDispose(stop);
  // A task that was live before sharing began holds audio like one that starts now.
  if (hook.exclusivity && hook.localTasks().length > 0) takeAudio();

  return { tabId, stop };
}
