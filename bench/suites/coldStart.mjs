// coldStart: first `bmp.current` read until the task's `run` has been entered (its `ready`
// message reaches the foreground), against a bare `new Worker` until its first message.
import { launchApp, loadBackbeat, messageInbox, stateReached } from '../backbeat.mjs';
import { bareWorkerColdStart } from '../baselines/coldStart.mjs';
import {
  makeRow,
  measureRounds,
  median,
  NotAvailable,
  now,
  reasonOf,
  withTimeout,
} from '../harness.mjs';

async function backbeatColdStart(backbeat, config, toRunning) {
  const h = launchApp(backbeat, { id: 'bench-cold', host: 'worker' });
  try {
    let running = null;
    try {
      running = stateReached(h.bmp, 'running', now);
    } catch {
      // taskStateChanged is not offered: only the message is timed.
    }
    const start = now();
    const player = h.bmp.current;
    if (!player) throw new NotAvailable('bmp.current returned nothing');
    const inbox = messageInbox(h.bmp);
    await withTimeout(inbox.next('ready'), config.timeoutMs, "the task's `ready` message");
    const elapsed = now() - start;
    const runningAt = running && (await Promise.race([running, Promise.resolve(null)]));
    if (runningAt !== null) toRunning.push(runningAt - start);
    return elapsed;
  } finally {
    await h.close(config.timeoutMs);
  }
}

async function meanOf(samples, measure) {
  let total = 0;
  for (let i = 0; i < samples; i++) total += await measure();
  return total / samples;
}

/** Measures coldStart: Backbeat worker task start against a bare worker's first message. */
export async function runColdStart(config) {
  let backbeat = null;
  let reason = null;
  const toRunning = [];
  await bareWorkerColdStart();
  try {
    backbeat = await loadBackbeat();
    await backbeatColdStart(backbeat, config, []);
  } catch (error) {
    backbeat = null;
    reason = reasonOf(error);
  }
  const n = config.coldSamples;
  const r = await measureRounds(
    config.rounds,
    {
      baseline: () => meanOf(n, bareWorkerColdStart),
      backbeat: backbeat && (() => meanOf(n, () => backbeatColdStart(backbeat, config, toRunning))),
    },
    config.timeoutMs * (n + 1),
  );
  if (reason !== null) r.backbeat.reason = reason;
  const extra = { samplesPerRound: n };
  if (r.backbeat.reason === null && toRunning.length) {
    extra.toRunningStateMs = Math.round(median(toRunning) * 1000) / 1000;
  }
  return [
    makeRow({
      id: 'coldStart',
      unit: 'ms',
      better: 'lower',
      target: 1.3,
      value: r.backbeat,
      baseline: r.baseline,
      extra,
    }),
  ];
}
