// Sharing tasks across tabs (an internal, so this page imports src/), joined to a small system
// that has the media system's tab hook: its tasks start, live and end when the test says so,
// and audio taken elsewhere cancels its uncancelled tasks with `systemPolicy`, as the
// exclusivity policy does. The Web Locks and the BroadcastChannel are the browser's own.
import { shareTasksAcrossTabs } from '../../../../src/actors/foreground/tabs.ts';

const params = new URLSearchParams(location.search);
const tasks = new Map();
const taskListeners = new Set();
const disposeListeners = new Set();
const trail = [];
let others = [];
let instances = 0;

const show = () => {
  document.getElementById('out').textContent = [
    `exclusivity: ${hook.exclusivity}`,
    `backgroundTasks(): ${JSON.stringify(backgroundTasks(), null, 2)}`,
    `trail: ${trail.join(' ')}`,
  ].join('\n');
};
const change = (task, state) => {
  task.state = state;
  if (state === 'completed' || state === 'terminated') tasks.delete(task.appId);
  trail.push(`${task.appId}:${state}`);
  for (const listener of [...taskListeners]) {
    listener({ appId: task.appId, instanceId: task.instanceId, state });
  }
  show();
};

const hook = {
  exclusivity: params.get('exclusivity') !== 'off',
  localTasks: () =>
    [...tasks.values()].map(({ appId, instanceId, state }) => ({ appId, instanceId, state })),
  onTaskChange(listener) {
    taskListeners.add(listener);
    return () => taskListeners.delete(listener);
  },
  onDispose(listener) {
    disposeListeners.add(listener);
    return () => disposeListeners.delete(listener);
  },
  audioTakenElsewhere() {
    trail.push('audioTakenElsewhere');
    for (const task of tasks.values()) {
      if (task.state !== 'canceling') change(task, 'canceling');
    }
  },
  setOtherTabs(list) {
    others = list.map((task) => ({ ...task, tab: 'other' }));
    show();
  },
};
const backgroundTasks = () => [...hook.localTasks(), ...others];

const outcome = (work) => {
  try {
    work();
    return { ok: true };
  } catch (error) {
    return { ok: false, name: error.name, message: error.message };
  }
};

let shared = null;
window.tabs = {
  trail,
  share: () => {
    shared = shareTasksAcrossTabs({ _tabs: hook });
    document.getElementById('tab').textContent = shared.tabId;
  },
  stop: () => shared?.stop(),
  start(appId) {
    const task = { appId, instanceId: `${appId}#${++instances}`, state: 'notStarted' };
    tasks.set(appId, task);
    change(task, 'starting');
    change(task, 'alive');
    return task.instanceId;
  },
  complete(appId) {
    change(tasks.get(appId), 'completed');
  },
  dispose() {
    for (const task of [...tasks.values()]) change(task, 'completed');
    for (const listener of [...disposeListeners]) listener();
  },
  backgroundTasks,
  held: async () => (await navigator.locks.query()).held.map((lock) => lock.name),
  badInputs: () => ({
    noSystem: outcome(() => shareTasksAcrossTabs({})),
    badName: outcome(() => shareTasksAcrossTabs({ _tabs: hook }, { name: '' })),
    noLocks: outcome(() => shareTasksAcrossTabs({ _tabs: hook }, { locks: {} })),
  }),
};
if (!params.has('manual')) window.tabs.share();
show();
