// rtt.call and rtt.comlink: one awaited call round trip over a worker, against raw ping-pong.
import { launchApp, loadBackbeat, method } from '../backbeat.mjs';
import { startComlink } from '../baselines/comlink.mjs';
import { startRawEcho } from '../baselines/pingPong.mjs';
import { makeRow, measureHalves, microsPerCall, startHalf, withTimeout } from '../harness.mjs';

const volumeFor = (i) => (i % 2 ? 0.25 : 0.75);

async function startBackbeat(config) {
  const backbeat = await loadBackbeat();
  const h = launchApp(backbeat, { id: 'bench-rtt', host: 'worker' });
  try {
    const player = h.bmp.current;
    const call = method(player, 'setVolume', 'bmp.current');
    await withTimeout(call(0.5), config.timeoutMs, 'first player.setVolume (starts the task)');
    return { call, close: () => h.close(config.timeoutMs) };
  } catch (error) {
    await h.close(config.timeoutMs);
    throw error;
  }
}

/** Measures rtt.call (Backbeat) and rtt.comlink (plain Comlink) against the raw ping-pong. */
export async function runRtt(config) {
  const calls = (n, offset) => (half) => microsPerCall((i) => half.call(volumeFor(i + offset)), n);
  const warm = calls(config.rttWarmup, 0);
  const started = {
    baseline: await startHalf(startRawEcho, warm, config.timeoutMs),
    comlink: await startHalf(startComlink, warm, config.timeoutMs),
    backbeat: await startHalf(() => startBackbeat(config), warm, config.timeoutMs),
  };
  const r = await measureHalves(config, started, (half, round) =>
    calls(config.rttIterations, round)(half),
  );
  const common = { unit: 'us/call', better: 'lower', baseline: r.baseline };
  return [
    makeRow({ id: 'rtt.call', target: 1.5, value: r.backbeat, ...common }),
    makeRow({ id: 'rtt.comlink', value: r.comlink, ...common }),
  ];
}
