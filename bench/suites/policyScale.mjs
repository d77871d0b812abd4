// policy.scale: cost of one policy decision in a MediaSystem of 1000 apps against one of 10
// apps (mobile policies: exclusivity and inactivity on; inline host; virtual clock).
//
// One step of the script, on app k of the system:
//   1. read `bmp.current`: a new task starts, and exclusivity cancels the previous holder;
//      timed until the task reports `running` (or its `ready` message arrives);
//   2. `app.suspend()`: the policies react to the foreground leaving (inactivity timer start or
//      cancellation of a task that is not playing);
//   3. `app.resume()`.
// Each step is three decisions; the row's value is the mean time per decision. Every step uses
// an app whose task never ran, so a size-10 round builds several systems (setup is not timed).
import {
  disposeQuietly,
  launchApp,
  loadBackbeat,
  loadTesting,
  messageInbox,
  method,
  stateReached,
} from '../backbeat.mjs';
import {
  collectGarbage,
  makeRow,
  measureRounds,
  median,
  NotAvailable,
  now,
  reasonOf,
} from '../harness.mjs';

async function createVirtualSystem(backbeat, testing) {
  if (typeof testing?.createTestSystem === 'function') {
    const system = await testing.createTestSystem({ deviceFamily: 'mobile' });
    return { system, clock: system.clock, via: "createTestSystem from 'backbeat/testing'" };
  }
  const VirtualClock = backbeat.VirtualClock ?? testing?.VirtualClock;
  if (typeof VirtualClock !== 'function') {
    throw new NotAvailable("no createTestSystem in 'backbeat/testing' and no VirtualClock export");
  }
  const clock = new VirtualClock();
  const system = backbeat.createMediaSystem({ clock, deviceFamily: 'mobile' });
  return { system, clock, via: 'createMediaSystem with a VirtualClock' };
}

/**
 * Waits for `promise` while letting the virtual clock run timers that are already due (a zero
 * delay); policy timeouts, being in the virtual future, never fire.
 */
async function settle(promise, clock, timeoutMs, label) {
  let done = false;
  let failure = null;
  promise.then(
    () => {
      done = true;
    },
    (error) => {
      done = true;
      failure = error;
    },
  );
  for (let i = 0; i < 20 && !done; i++) await null;
  const deadline = now() + timeoutMs;
  while (!done) {
    if (now() > deadline) throw new NotAvailable(`timed out after ${timeoutMs} ms: ${label}`);
    clock?.advance?.(0);
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (failure) throw failure;
}

/**
 * Runs `steps` steps in systems of `size` apps: each system serves at most `size` steps (one
 * fresh app each), so the small size builds several systems and the large one a single system.
 * Building and disposing systems is not timed. Returns microseconds per decision: the median
 * step divided by its three decisions (the median keeps a preempted step from counting).
 */
async function decisionCost(backbeat, testing, size, steps, config, parts) {
  const starts = [];
  const suspends = [];
  while (starts.length < steps) {
    const inSystem = Math.min(size, steps - starts.length);
    await stepsInOneSystem(backbeat, testing, size, inSystem, config, starts, suspends);
  }
  parts.start.push(median(starts) * 1000);
  parts.suspendResume.push((median(suspends) * 1000) / 2);
  return (median(starts.map((t, i) => t + suspends[i])) * 1000) / 3;
}

async function stepsInOneSystem(backbeat, testing, size, steps, config, starts, suspends) {
  const { system, clock } = await createVirtualSystem(backbeat, testing);
  try {
    const apps = [];
    for (let i = 0; i < size; i++) {
      apps.push(launchApp(backbeat, { id: `app-${i}`, host: 'inline', system }));
    }
    collectGarbage();
    for (let k = 0; k < steps; k++) {
      const { app, bmp } = apps[Math.floor((k * size) / steps)];
      const suspendApp = method(app, 'suspend', 'app');
      const resumeApp = method(app, 'resume', 'app');
      const running = runningOrNever(bmp);
      let t = now();
      if (!bmp.current) throw new NotAvailable('bmp.current returned nothing');
      const ready = messageInbox(bmp).next('ready');
      await settle(Promise.race([running, ready]), clock, config.timeoutMs, `task start ${k}`);
      starts.push(now() - t);
      t = now();
      suspendApp();
      resumeApp();
      suspends.push(now() - t);
      await settle(Promise.resolve(), clock, config.timeoutMs, 'settling');
    }
  } finally {
    await disposeQuietly(system, config.timeoutMs);
  }
}

/** `running` from taskStateChanged, or a promise that never settles if the event is not offered. */
function runningOrNever(bmp) {
  try {
    return stateReached(bmp, 'running', now);
  } catch {
    return new Promise(() => {});
  }
}

const us = (xs) => (xs.length ? Math.round(median(xs) * 1000) / 1000 : null);

/** Measures policy.scale: per-decision time with many apps against few. */
export async function runPolicyScale(config) {
  const small = config.policySmall;
  const large = config.policyLarge;
  const steps = config.policySteps;
  const parts = {
    small: { start: [], suspendResume: [] },
    large: { start: [], suspendResume: [] },
  };
  let backbeat = null;
  let testing = null;
  let reason = null;
  let via = null;
  try {
    backbeat = await loadBackbeat();
    testing = await loadTesting();
    const probe = await createVirtualSystem(backbeat, testing);
    via = probe.via;
    await disposeQuietly(probe.system, config.timeoutMs);
    const scratch = { start: [], suspendResume: [] };
    await decisionCost(backbeat, testing, small, Math.min(2, steps), config, scratch);
  } catch (error) {
    backbeat = null;
    reason = reasonOf(error);
  }
  const cost = (size, into) => () => decisionCost(backbeat, testing, size, steps, config, into);
  const r = await measureRounds(
    config.rounds,
    backbeat
      ? { small: cost(small, parts.small), large: cost(large, parts.large) }
      : { small: null, large: null },
    config.timeoutMs * 4,
  );
  let value = r.large;
  if (reason !== null) value = { samples: [], reason };
  else if (r.small.reason !== null)
    value = { samples: [], reason: `${small} apps: ${r.small.reason}` };
  const baseline = { samples: r.small.samples, reason: null };
  const note = `${steps} steps (${3 * steps} decisions) per round, apps ${large} vs ${small}`;
  const extra = { stepsPerRound: steps, apps: { value: large, baseline: small } };
  if (via) extra.system = via;
  if (r.large.reason === null && r.small.reason === null) {
    extra.parts = {
      taskStartUs: { value: us(parts.large.start), baseline: us(parts.small.start) },
      suspendOrResumeUs: {
        value: us(parts.large.suspendResume),
        baseline: us(parts.small.suspendResume),
      },
    };
  }
  const row = makeRow({
    id: 'policy.scale',
    unit: 'us/decision',
    better: 'lower',
    target: 1.2,
    value,
    baseline,
    extra,
  });
  return [{ ...row, note: `${row.note}; ${note}` }];
}
