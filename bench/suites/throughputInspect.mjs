// throughput.inspect: throughput.message's burst (10-key ValueSets per second, foreground -> task,
// counted by the task) with inspection on (every actor of both sides reports to the inspector's
// recorder) against the same burst on a system without `inspect`, in one run.
import {
  launchApp,
  loadBackbeat,
  messageInbox,
  method,
  recorderObserver,
  sendToBackground,
} from '../backbeat.mjs';
import { flushMessage, tenKeyMessage } from '../fixtures/message.mjs';
import { makeRow, measureHalves, now, startHalf, withTimeout } from '../harness.mjs';

async function startBackbeat(config, inspected) {
  const backbeat = await loadBackbeat();
  const watching = inspected ? await recorderObserver() : null;
  const system = backbeat.createMediaSystem({
    deviceFamily: 'desktop',
    ...(watching ? { inspect: watching.inspect } : {}),
  });
  const id = inspected ? 'bench-throughput-inspect' : 'bench-throughput-plain';
  const h = launchApp(backbeat, { id, host: 'worker', system });
  try {
    method(h.bmp, 'sendMessageToBackground', 'backgroundMediaPlayer');
    const inbox = messageInbox(h.bmp);
    await withTimeout(inbox.next('ready'), config.timeoutMs, "the task's `ready` message");
    if (watching && watching.seen() === 0) throw new Error('the inspect observer saw no event');
    const burst = async (n, message) => {
      const start = now();
      for (let i = 0; i < n; i++) sendToBackground(h.bmp, message);
      sendToBackground(h.bmp, flushMessage);
      const reply = await inbox.next('count');
      const elapsed = now() - start;
      if (reply.n !== n) throw new Error(`the task counted ${reply.n} messages, expected ${n}`);
      return (n * 1000) / elapsed;
    };
    return { burst, close: () => h.close(config.timeoutMs) };
  } catch (error) {
    await h.close(config.timeoutMs);
    throw error;
  }
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
