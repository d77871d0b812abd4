// rtt.inspect: rtt.call's awaited call with inspection on (every actor of both sides reports to
// the inspector's recorder), against the very same call with inspection off, measured in one run.
import { inspectHalfSystem, launchApp, loadBackbeat, method } from '../backbeat.mjs';
import { makeRow, measureHalves, microsPerCall, startHalf, withTimeout } from '../harness.mjs';

const volumeFor = (i) => (i % 2 ? 0.25 : 0.75);

async function startBackbeat(config, inspected) {
  const backbeat = await loadBackbeat();
  const { system, check } = await inspectHalfSystem(backbeat, inspected);
  const h = launchApp(backbeat, { id: inspected ? 'bench-inspect' : 'bench-plain', system });
  try {
    const call = method(h.bmp.current, 'setVolume', 'bmp.current');
    await withTimeout(call(0.5), config.timeoutMs, 'first player.setVolume (starts the task)');
    check();
    return { call, close: () => h.close(config.timeoutMs) };
  } catch (error) {
    await h.close(config.timeoutMs);
    throw error;
  }
}

/** Measures rtt.inspect: a worker call with `inspect` set, against the same call without. */
export async function runRttInspect(config) {
  const calls = (n, offset) => (half) => microsPerCall((i) => half.call(volumeFor(i + offset)), n);
  const warm = calls(config.rttWarmup, 0);
  const started = {
    baseline: await startHalf(() => startBackbeat(config, false), warm, config.timeoutMs),
    inspected: await startHalf(() => startBackbeat(config, true), warm, config.timeoutMs),
  };
  const r = await measureHalves(config, started, (half, round) =>
    calls(config.rttIterations, round)(half),
  );
  return [
    makeRow({
      id: 'rtt.inspect',
      target: 1.3,
      unit: 'us/call',
      better: 'lower',
      value: r.inspected,
      baseline: r.baseline,
    }),
  ];
}
