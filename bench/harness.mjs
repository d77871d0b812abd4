// Shared plumbing for the benchmarks: configuration, timing, statistics, guarded rows.
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const packageRootUrl = pathToFileURL(packageRoot).href;

/** A benchmark half that cannot run here (missing export, missing method, runtime error). */
export class NotAvailable extends Error {
  constructor(reason) {
    super(reason);
    this.name = 'NotAvailable';
  }
}

function findGc() {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc');
  } catch {
    return () => {};
  }
}

/** Runs a full garbage collection (when the engine allows it) so it lands outside timed code. */
export const collectGarbage = findGc();

/** Current time in milliseconds, sub-millisecond precision. */
export const now = () => performance.now();

function positiveInteger(env, name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`${name} must be a positive integer, got \`${String(raw)}\``);
  }
  return n;
}

/**
 * Reads the run's configuration from argv and the environment.
 *
 * @example
 * const config = readConfig(['--quick'], { BENCH_ROUNDS: '3' });
 * config.rounds; // 3
 */
export function readConfig(argv = process.argv.slice(2), env = process.env) {
  const quick = argv.includes('--quick') || env.BENCH_QUICK === '1';
  const pick = (name, full, smoke) => positiveInteger(env, name, quick ? smoke : full);
  const onlyArg = argv.find((a) => a.startsWith('--only='));
  const only = (onlyArg ? onlyArg.slice('--only='.length) : (env.BENCH_ONLY ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    quick,
    only,
    rounds: pick('BENCH_ROUNDS', 7, 2),
    rttIterations: pick('BENCH_RTT_ITERS', 2000, 200),
    rttWarmup: pick('BENCH_RTT_WARMUP', 500, 50),
    messages: pick('BENCH_MESSAGES', 20000, 2000),
    coldSamples: pick('BENCH_COLD_SAMPLES', 3, 1),
    policySteps: pick('BENCH_POLICY_STEPS', 100, 20),
    policySmall: pick('BENCH_POLICY_SMALL', 10, 10),
    policyLarge: pick('BENCH_POLICY_LARGE', 1000, 1000),
    timeoutMs: pick('BENCH_TIMEOUT_MS', 20000, 10000),
    out: env.BENCH_OUT || new URL('./results.json', import.meta.url),
  };
}

/** True when `id` is selected by the `only` filter (prefix match; empty filter selects all). */
export function selected(config, id) {
  return config.only.length === 0 || config.only.some((p) => id.startsWith(p));
}

/** Median of a non-empty list of numbers. */
export function median(values) {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Rejects with `label` when `promise` has not settled within `ms` real milliseconds. */
export function withTimeout(promise, ms, label) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new NotAvailable(`timed out after ${ms} ms: ${label}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A promise with its resolve and reject exposed. */
export function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Short text for why a half could not run. */
export function reasonOf(error) {
  const firstLine = (error?.message ?? String(error)).split('\n')[0];
  const text = firstLine.replaceAll(packageRootUrl, '').replaceAll(packageRoot, '');
  if (error instanceof NotAvailable) return text;
  const name = error?.name && error.name !== 'Error' ? `${error.name}: ` : '';
  return `error: ${name}${text}`;
}

/**
 * Runs `rounds` rounds; each round measures every half once, rotating the order from round to
 * round so slow drift on a shared machine hits all halves alike. A half that throws or times out
 * is dropped with its reason and the others keep running. A half given as `null` is skipped.
 *
 * @example
 * const r = await measureRounds(5, { baseline: () => rawCost(), value: () => ourCost() }, 20_000);
 * r.baseline.samples.length; // 5
 */
export async function measureRounds(rounds, halves, timeoutMs) {
  const names = Object.keys(halves);
  const out = {};
  for (const name of names) {
    out[name] = { samples: [], reason: halves[name] ? null : 'not measured' };
  }
  for (let round = 0; round < rounds; round++) {
    const shift = round % names.length;
    const order = [...names.slice(shift), ...names.slice(0, shift)];
    for (const name of order) {
      const result = out[name];
      if (result.reason !== null) continue;
      collectGarbage();
      try {
        const sample = await withTimeout(
          Promise.resolve().then(() => halves[name](round)),
          timeoutMs,
          `${name}, round ${round + 1}`,
        );
        result.samples.push(sample);
      } catch (error) {
        result.reason = reasonOf(error);
        result.samples = [];
      }
    }
  }
  return out;
}

/** Collected warnings (e.g. a dispose that failed), printed after the table. */
export const warnings = [];

/** Records a warning to print after the table. */
export function warn(message) {
  warnings.push(message);
}

/**
 * Builds one results row from two halves (`{ samples, reason }`, as measureRounds returns).
 * `better` is 'lower' or 'higher'; `target` is the ratio to meet. The ratio is always
 * value / baseline of the medians.
 *
 * @example
 * makeRow({ id: 'rtt.call', unit: 'us/call', better: 'lower', target: 1.5,
 *   value: { samples: [30, 31], reason: null }, baseline: { samples: [20, 21], reason: null } });
 */
export function makeRow({ id, unit, better, target, value: v, baseline: b, extra }) {
  const values = v.samples;
  const baselines = b.samples;
  const reason = b.reason !== null ? `baseline: ${b.reason}` : v.reason;
  const baseline = baselines.length ? round3(median(baselines)) : null;
  const value = v.reason === null && values.length ? round3(median(values)) : null;
  const ratio = value !== null && baseline ? round3(value / baseline) : null;
  const goal =
    target === undefined
      ? `${better} is better; no target`
      : `${better} is better; target ratio ${better === 'lower' ? '<=' : '>='} ${target}`;
  const note = reason === null ? goal : `n/a (${reason}); ${goal}`;
  const row = { id, value, baseline, ratio, unit, note, rounds: baselines.length };
  if (target !== undefined) row.target = target;
  if (ratio !== null && target !== undefined) {
    row.met = better === 'lower' ? ratio <= target : ratio >= target;
  }
  if (values.length && baselines.length === values.length) {
    row.roundRatios = values.map((x, i) => round3(x / baselines[i]));
  }
  return extra ? { ...row, ...extra } : row;
}

function round3(x) {
  return Math.round(x * 1000) / 1000;
}

/**
 * Awaits `call(i)` `iterations` times in sequence; returns microseconds per call.
 *
 * @example
 * const us = await microsPerCall((i) => echo.call(i), 1000);
 */
export async function microsPerCall(call, iterations) {
  const start = now();
  for (let i = 0; i < iterations; i++) await call(i);
  return ((now() - start) * 1000) / iterations;
}

/**
 * Starts one half (`factory()` -> `{ close(), ... }`) and warms it up. A failure is returned as
 * the half's reason instead of thrown, and whatever was started is closed.
 *
 * @example
 * const started = await startHalf(() => startRawEcho(), (h) => h.call(1), 10_000);
 */
export async function startHalf(factory, warm, timeoutMs) {
  let half = null;
  try {
    // Twice the budget: the factory's own, more precise timeouts should fire first.
    half = await withTimeout(Promise.resolve().then(factory), 2 * timeoutMs, 'start');
    await withTimeout(
      Promise.resolve().then(() => warm(half)),
      timeoutMs,
      'warm-up',
    );
    return { half, reason: null };
  } catch (error) {
    await closeQuietly(half, timeoutMs);
    return { half: null, reason: reasonOf(error) };
  }
}

async function closeQuietly(half, timeoutMs) {
  if (!half) return;
  try {
    await withTimeout(
      Promise.resolve().then(() => half.close()),
      timeoutMs,
      'close',
    );
  } catch (error) {
    warn(`close: ${reasonOf(error)}`);
  }
}

/**
 * Measures started halves for `config.rounds` rounds with `measure(half, round)`, keeps each
 * start failure as that half's reason, and closes every half afterwards.
 *
 * @example
 * const r = await measureHalves(config, { baseline, value }, (h) => h.burst(1000));
 * makeRow({ id: 'x', unit: 'msg/s', better: 'higher', value: r.value, baseline: r.baseline });
 */
export async function measureHalves(config, started, measure) {
  const halves = {};
  for (const [name, { half }] of Object.entries(started)) {
    halves[name] = half && ((round) => measure(half, round));
  }
  try {
    const r = await measureRounds(config.rounds, halves, config.timeoutMs);
    for (const [name, { reason }] of Object.entries(started)) {
      if (reason !== null) r[name].reason = reason;
    }
    return r;
  } finally {
    for (const { half } of Object.values(started)) await closeQuietly(half, config.timeoutMs);
  }
}
