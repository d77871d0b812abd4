// Scenarios the host test runs in the page, one per call of window.scenario(name, host); each
// resolves to plain data the test asserts on. The task URLs are written as the README writes
// them, so the `backbeat/vite` plugin bundles them.
import {
  BackgroundOnlyError,
  createMediaSystem,
  TaskUnavailableError,
  ValueSetError,
  VirtualClock,
} from 'backbeat';

const tasks = {
  player: new URL('./tasks/player.mjs', import.meta.url),
  noDeferral: new URL('./tasks/noDeferral.mjs', import.meta.url),
  notATask: new URL('./tasks/notATask.mjs', import.meta.url),
};

const log = (text) => {
  const item = document.createElement('li');
  item.textContent = text;
  document.getElementById('log').append(item);
};

/** Resolves once `predicate` holds, polling on animation-free timers; rejects after `ms`. */
function until(predicate, what, ms = 5000) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const check = () => {
      const value = predicate();
      if (value) resolve(value);
      else if (performance.now() - started > ms) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(check, 5);
    };
    check();
  });
}

function launch(host, task, options = {}) {
  const system = createMediaSystem({
    deviceFamily: options.deviceFamily ?? 'desktop',
    ...options.system,
  });
  const app = system.launchApp({ id: 'page', task: tasks[task], host });
  const bmp = app.backgroundMediaPlayer;
  const states = [];
  const messages = [];
  bmp.on('taskStateChanged', ({ state, reason }) => {
    states.push(reason ? `${state}:${reason}` : state);
    document.getElementById('task-state').textContent = state;
    log(`task ${state}${reason ? ` (${reason})` : ''}`);
  });
  const errors = [];
  bmp.on('error', (e) =>
    errors.push(`${e.error?.name ?? e.name}: ${e.error?.message ?? e.message}`),
  );
  document.getElementById('host').textContent = host;
  return { system, app, bmp, states, messages, errors };
}

const scenarios = {
  // 1, 2, 4, 5: the proxy, background-only members, ordered and held messages, events.
  async player(host) {
    const { system, bmp, states, messages } = launch(host, 'player');
    bmp.on('messageReceivedFromBackground', (e) => messages.push(e.data));
    const player = bmp.current;
    let sourceError = null;
    try {
      void player.source;
    } catch (error) {
      sourceError = { name: error.name, isBackgroundOnly: error instanceof BackgroundOnlyError };
    }
    const opened = new Promise((resolve) => player.on('mediaOpened', () => resolve(true)));
    await player.setVolume(0.25);
    await opened;
    await player.play();
    await until(() => player.snapshot.currentState === 'playing', 'playing');
    for (let n = 0; n < 50; n += 1) bmp.sendMessageToBackground({ type: 'echo', n });
    let valueSetError = null;
    try {
      bmp.sendMessageToBackground({ type: 'echo', n: Symbol('no') });
    } catch (error) {
      valueSetError = { isValueSetError: error instanceof ValueSetError, message: error.message };
    }
    bmp.sendMessageToBackground({ type: 'bad' });
    await until(() => messages.some((m) => m.type === 'refused'), 'the refusal');
    const result = {
      states: [...states],
      volume: player.snapshot.volume,
      currentState: player.snapshot.currentState,
      item: player.snapshot.currentItem?.uri ?? null,
      sourceError,
      valueSetError,
      early: messages.filter((m) => m.type === 'early').map((m) => m.i),
      echoes: messages.filter((m) => m.type === 'echo').map((m) => m.n),
      refused: messages.find((m) => m.type === 'refused'),
    };
    await system.dispose();
    result.afterDispose = [...states];
    return result;
  },

  // 6: without a deferral run's return completes the task.
  async noDeferral(host) {
    const { system, bmp, states, messages } = launch(host, 'noDeferral');
    bmp.on('messageReceivedFromBackground', (e) => messages.push(e.data));
    await until(() => states.includes('completed'), 'completed');
    const result = { states: [...states], messages: [...messages] };
    await system.dispose();
    return result;
  },

  // 6, 8: a deferral keeps the task until complete(); suspending a task that never played on
  // mobile cancels it with conditionLoss.
  async deferral(host) {
    const { system, app, bmp, states, messages } = launch(host, 'player', {
      deviceFamily: 'mobile',
    });
    bmp.on('messageReceivedFromBackground', (e) => messages.push(e.data));
    await until(() => states.includes('alive'), 'alive');
    app.suspend();
    await until(() => states.includes('completed'), 'completed after cancel');
    // The task's message was held while the foreground was suspended; it arrives on resume.
    const heldWhileSuspended = messages.some((m) => m.type === 'canceled');
    app.resume();
    await until(() => messages.some((m) => m.type === 'canceled'), 'the held message');
    const result = {
      states: [...states],
      heldWhileSuspended,
      canceled: messages.find((m) => m.type === 'canceled'),
    };
    await system.dispose();
    return result;
  },

  // 9: a crash rejects the pending call with TaskUnavailableError; reading current restarts.
  async crash(host) {
    const { system, bmp, states, errors } = launch(host, 'player');
    const player = bmp.current;
    await player.setVolume(0.5);
    const first = player.snapshot;
    bmp.sendMessageToBackground({ type: 'crash', why: 'test' });
    // The call goes in a later turn than the message, so the task has crashed when it arrives.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const pending = player.play().then(
      () => ({ settled: 'resolved' }),
      (error) => ({
        settled: 'rejected',
        isTaskUnavailable: error instanceof TaskUnavailableError,
        name: error.name,
      }),
    );
    const call = await pending;
    await until(() => states.some((s) => s.startsWith('terminated')), 'terminated');
    const oldProxyState = player.snapshot.currentState;
    const again = bmp.current;
    await again.setVolume(0.75);
    const result = {
      call,
      states: [...states],
      errors: [...errors],
      firstVolume: first.volume,
      restartedVolume: again.snapshot.volume,
      oldProxyState,
    };
    await system.dispose();
    return result;
  },

  // An unhandled rejection in a worker task ends it as crashed. (A page cannot tell which code
  // an unhandled rejection came from, so on the inline host it stays the page's.)
  async rejection(host) {
    const { system, bmp, states } = launch(host, 'player');
    await bmp.current.setVolume(0.5);
    bmp.sendMessageToBackground({ type: 'reject' });
    await until(() => states.some((s) => s.startsWith('terminated')), 'terminated');
    const result = { states: [...states] };
    await system.dispose();
    return result;
  },

  // A module that is not a task: the inline host says so; the worker never starts it and the
  // start timeout (virtual time) ends it.
  async notATask(host) {
    const clock = new VirtualClock();
    const { system, bmp, states, errors } = launch(host, 'notATask', {
      system: { clock, startTimeoutMs: 10_000 },
    });
    const call = bmp.current.play().then(
      () => 'resolved',
      (error) => error.name,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    clock.advance(10_000);
    const result = { call: await call, errors: [...errors] };
    await until(() => states.some((s) => s.startsWith('terminated')), 'terminated');
    result.states = [...states];
    await system.dispose();
    return result;
  },

  // 3: a press on the system media controls (here the virtual ones) reaches the task.
  async controls(host) {
    const { system, bmp } = launch(host, 'player');
    const player = bmp.current;
    await player.setVolume(0.5);
    await until(() => player.snapshot.currentItem, 'the first item');
    const first = player.snapshot.currentItem.uri;
    const delivered = await system.controls.press('next');
    await until(() => player.snapshot.currentItem?.index === 1, 'the next item');
    const result = { first, delivered, second: player.snapshot.currentItem.uri };
    await system.dispose();
    return result;
  },

  // 7: a task whose event loop stops answering is terminated (the heartbeat, on virtual time).
  async busy(host) {
    const watchdogClock = new VirtualClock();
    const { system, bmp, states } = launch(host, 'player', {
      system: { watchdogClock, heartbeat: { intervalMs: 1_000, timeoutMs: 3_000 } },
    });
    const player = bmp.current;
    await player.setVolume(0.5);
    bmp.sendMessageToBackground({ type: 'spin' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const pending = player.play().then(
      () => 'resolved',
      (error) => error.name,
    );
    for (let i = 0; i < 4; i += 1) watchdogClock.advance(1_000);
    const result = { call: await pending };
    await until(() => states.some((s) => s.startsWith('terminated')), 'terminated');
    result.states = [...states];
    await system.dispose();
    return result;
  },

  // There is no process host in a browser.
  async processHost() {
    const system = createMediaSystem();
    try {
      system.launchApp({ id: 'p', task: tasks.player, host: 'process' });
      return { threw: null };
    } catch (error) {
      return { threw: { name: error.name, message: error.message } };
    } finally {
      await system.dispose();
    }
  },
};

window.scenario = async (name, host) => {
  log(`${name} on ${host}`);
  return scenarios[name](host);
};
window.ready = true;
