// rtt.call and rtt.comlink: one awaited call round trip over a worker, against raw ping-pong;
// rtt.call.process: the same call over the process host, against a raw child-process IPC ping-pong.
import { launchApp, loadBackbeat, method } from '../backbeat.mjs';
import { startComlink } from '../baselines/comlink.mjs';
import { startIpcEcho } from '../baselines/ipcPingPong.mjs';
import { startRawEcho } from '../baselines/pingPong.mjs';
import {
  makeRow,
  measureHalves,
  microsPerCall,
  selected,
  startHalf,
  withTimeout,
} from '../harness.mjs';

const volumeFor = (i) => (i % 2 ? 0.25 : 0.75);

async function startBackbeat(config, host = 'worker') {
  const backbeat = await loadBackbeat();
  const h = launchApp(backbeat, { id: `bench-rtt-${host}`, host });
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

/** Times `n` awaited calls of a half, with volumes that alternate from `offset` on. */
const calls = (n, offset) => (half) => microsPerCall((i) => half.call(volumeFor(i + offset)), n);

/** rtt.call (Backbeat) and rtt.comlink (plain Comlink) over a worker, against the raw ping-pong. */
async function runWorkerRtt(config) {
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

/** rtt.call.process: the Backbeat call over the process host, against a raw IPC ping-pong. */
async function runProcessRtt(config) {
  const warm = calls(config.rttWarmup, 0);
  const started = {
    baseline: await startHalf(startIpcEcho, warm, config.timeoutMs),
    backbeat: await startHalf(() => startBackbeat(config, 'process'), warm, config.timeoutMs),
  };
  const r = await measureHalves(config, started, (half, round) =>
    calls(config.rttIterations, round)(half),
  );
  return [
    makeRow({
      id: 'rtt.call.process',
      unit: 'us/call',
      better: 'lower',
      target: 1.5,
      value: r.backbeat,
      baseline: r.baseline,
    }),
  ];
}

/** Measures the rtt rows that `config` selects. */
export async function runRtt(config) {
  const rows = [];
  if (selected(config, 'rtt.call') || selected(config, 'rtt.comlink')) {
    rows.push(...(await runWorkerRtt(config)));
  }
  if (selected(config, 'rtt.call.process')) rows.push(...(await runProcessRtt(config)));
  return rows;
}
