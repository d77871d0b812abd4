// throughput.message: validated 10-key ValueSets per second, foreground -> task, against raw
// postMessage of the same object to a bare counting worker.
import { launchApp, loadBackbeat, messageInbox, method, sendToBackground } from '../backbeat.mjs';
import { startRawCounter } from '../baselines/throughput.mjs';
import { flushMessage, tenKeyMessage } from '../fixtures/message.mjs';
import { makeRow, measureHalves, now, startHalf, withTimeout } from '../harness.mjs';

/**
 * Starts a worker task that counts the `data` messages the foreground sends and returns
 * `burst(n, message)`: messages per second for `n` of them, counted by the task. `system` is the
 * media system to launch it in (default: a fresh one), `ready` runs once the task has said so.
 */
export async function startBackbeat(config, { id = 'bench-throughput', system, ready } = {}) {
  const backbeat = await loadBackbeat();
  const h = launchApp(backbeat, { id, host: 'worker', system });
  try {
    method(h.bmp, 'sendMessageToBackground', 'backgroundMediaPlayer');
    const inbox = messageInbox(h.bmp);
    await withTimeout(inbox.next('ready'), config.timeoutMs, "the task's `ready` message");
    ready?.();
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

/** Measures throughput.message: Backbeat's validated messages against raw postMessage. */
export async function runThroughput(config) {
  const warmCount = Math.min(config.messages, 2000);
  const warm = (half) => half.burst(warmCount, tenKeyMessage);
  const started = {
    baseline: await startHalf(startRawCounter, warm, config.timeoutMs),
    backbeat: await startHalf(() => startBackbeat(config), warm, config.timeoutMs),
  };
  const r = await measureHalves(config, started, (half) =>
    half.burst(config.messages, tenKeyMessage),
  );
  return [
    makeRow({
      id: 'throughput.message',
      unit: 'msg/s',
      better: 'higher',
      target: 0.8,
      value: r.backbeat,
      baseline: r.baseline,
      extra: { messagesPerRound: config.messages },
    }),
  ];
}
