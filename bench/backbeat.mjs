// Guarded access to the Backbeat runtime: every missing export or method becomes NotAvailable
// with a reason, so a benchmark row reads `n/a (reason)` instead of stopping the run.
import { deferred, NotAvailable, reasonOf, warn, withTimeout } from './harness.mjs';

/** The task module every Backbeat benchmark launches. */
export const taskUrl = new URL('./fixtures/task.mjs', import.meta.url);

/**
 * Imports the foreground entry ('backbeat', the package's own built dist/) and checks it exports
 * `createMediaSystem`.
 *
 * @example
 * const backbeat = await loadBackbeat();
 * const system = backbeat.createMediaSystem({ deviceFamily: 'desktop' });
 */
export async function loadBackbeat() {
  let mod;
  try {
    mod = await import('backbeat');
  } catch (error) {
    throw new NotAvailable(`import 'backbeat' failed: ${reasonOf(error).replace(/^error: /, '')}`);
  }
  if (typeof mod.createMediaSystem !== 'function') {
    throw new NotAvailable("'backbeat' does not export createMediaSystem");
  }
  return mod;
}

/**
 * The media system of one half of an inspect row: watched by the inspector's own recorder
 * (`backbeat/inspector`'s `createRecorder`, as `startInspector` and `openInspector` use it), or
 * not watched at all. `check()` throws when a watched system's recorder has seen nothing.
 *
 * @example
 * const { system, check } = await inspectHalfSystem(backbeat, true);
 * // ... start the task, then:
 * check();
 */
export async function inspectHalfSystem(backbeat, inspected) {
  let recorder = null;
  if (inspected) {
    try {
      recorder = (await import('backbeat/inspector')).createRecorder();
    } catch (error) {
      throw new NotAvailable(`import 'backbeat/inspector' failed: ${reasonOf(error)}`);
    }
  }
  const system = backbeat.createMediaSystem({
    deviceFamily: 'desktop',
    ...(recorder ? { inspect: recorder.inspect } : {}),
  });
  const check = () => {
    if (recorder && recorder.recording().entries.length === 0) {
      throw new Error('the inspect observer saw no event');
    }
  };
  return { system, check };
}

/** Imports 'backbeat/testing', or returns null when it is not there. */
export async function loadTesting() {
  try {
    return await import('backbeat/testing');
  } catch {
    return null;
  }
}

/**
 * Returns a caller of `owner[name](...)` when it is a function, else throws NotAvailable. The
 * method is looked up on each call (no `bind`, which a remote proxy would forward as a call).
 */
export function method(owner, name, where) {
  if (typeof owner?.[name] !== 'function') {
    throw new NotAvailable(`${where}.${name} is not a function`);
  }
  return (...args) => owner[name](...args);
}

/** Disposes a system, turning a failure or a hang into a warning. */
export async function disposeQuietly(system, timeoutMs) {
  if (typeof system?.dispose !== 'function') return;
  try {
    await withTimeout(Promise.resolve(system.dispose()), timeoutMs, 'system.dispose()');
  } catch (error) {
    warn(`system.dispose(): ${reasonOf(error)}`);
  }
}

/**
 * Launches one app in a fresh MediaSystem and returns its foreground BackgroundMediaPlayer.
 * Nothing is started yet: the task starts on the first `bmp.current` read or message handler.
 *
 * @example
 * const h = launchApp(backbeat, { id: 'bench', host: 'worker' });
 * h.bmp.current; await h.close(5000);
 */
export function launchApp(mod, { id, host, system: given }) {
  const system = given ?? mod.createMediaSystem({ deviceFamily: 'desktop' });
  try {
    const app = method(system, 'launchApp', 'system')({ id, task: taskUrl, host });
    const bmp = app?.backgroundMediaPlayer;
    if (!bmp) throw new NotAvailable('app.backgroundMediaPlayer is missing');
    method(bmp, 'on', 'backgroundMediaPlayer');
    return { system, app, bmp, close: (timeoutMs) => disposeQuietly(system, timeoutMs) };
  } catch (error) {
    if (!given) disposeQuietly(system, 1000);
    throw error;
  }
}

/**
 * Registers `messageReceivedFromBackground` (which starts the task if nothing did yet) and
 * returns `next(type)`: the next message whose `data.type` is `type`, in arrival order.
 *
 * @example
 * const inbox = messageInbox(bmp);
 * await inbox.next('ready');
 */
export function messageInbox(bmp) {
  const queued = new Map();
  const waiting = new Map();
  bmp.on('messageReceivedFromBackground', (e) => {
    const type = e?.data?.type;
    const waiters = waiting.get(type);
    if (waiters?.length) waiters.shift().resolve(e.data);
    else queued.set(type, [...(queued.get(type) ?? []), e.data]);
  });
  return {
    next(type) {
      const q = queued.get(type);
      if (q?.length) return Promise.resolve(q.shift());
      const d = deferred();
      waiting.set(type, [...(waiting.get(type) ?? []), d]);
      return d.promise;
    },
  };
}

/**
 * Resolves the first time `taskStateChanged` reports `state`, with the time it happened.
 *
 * @example
 * const running = stateReached(bmp, 'running', performance.now);
 */
export function stateReached(bmp, state, clockNow) {
  const d = deferred();
  let done = false;
  bmp.on('taskStateChanged', (e) => {
    if (!done && e?.state === state) {
      done = true;
      d.resolve(clockNow());
    }
  });
  return d.promise;
}

/**
 * Sends a ValueSet to the task; a rejected promise (if the runtime returns one) becomes a
 * warning rather than an unhandled rejection. Synchronous errors are thrown.
 */
export function sendToBackground(bmp, data) {
  const result = bmp.sendMessageToBackground(data);
  if (result && typeof result.then === 'function') {
    result.then(undefined, (error) => warn(`sendMessageToBackground: ${reasonOf(error)}`));
  }
}
