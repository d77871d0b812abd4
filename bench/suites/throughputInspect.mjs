// throughput.inspect: throughput.message's burst (10-key ValueSets per second, foreground -> task,
// counted by the task) with inspection on (every actor of both sides reports to the inspector's
// recorder) against the same burst on a system without `inspect`, in one run.
import { inspectHalfSystem, loadBackbeat } from '../backbeat.mjs';
import { tenKeyMessage } from '../fixtures/message.mjs';
import { makeRow, measureHalves, startHalf } from '../harness.mjs';
import { startBackbeat as startCounter } from './throughput.mjs';

async function startBackbeat(config, inspected) {
  const { system, check } = await inspectHalfSystem(await loadBackbeat(), inspected);
  const id = inspected ? 'bench-throughput-inspect' : 'bench-throughput-plain';
  return startCounter(config, { id, system, ready: check });
}

/** Measures throughput.inspect: foreground-to-task messages with `inspect` set, against without. */
export async function runThroughputInspect(config) {
  const warmCount = Math.min(config.messages, 2000);
  const warm = (half) => half.burst(warmCount, tenKeyMessage);
  const started = {
    baseline: await startHalf(() => startBackbeat(config, false), warm, config.timeoutMs),
    inspected: await startHalf(() => startBackbeat(config, true), warm, config.timeoutMs),
  };
  const r = await measureHalves(config, started, (half) =>
    half.burst(config.messages, tenKeyMessage),
  );
  return [
    makeRow({
      id: 'throughput.inspect',
      unit: 'msg/s',
      better: 'higher',
      target: 0.77,
      value: r.inspected,
      baseline: r.baseline,
      extra: { messagesPerRound: config.messages },
    }),
  ];
}
