// throughput.inspect: 10-key ValueSets per second, task -> foreground, with inspection on (every
// actor of both sides reports to the inspector's recorder) against the same burst with inspection off, in
// one run. The task sends the burst when asked; the foreground counts what arrives.
import {
  launchApp,
  loadBackbeat,
  method,
  recorderObserver,
  sendToBackground,
} from '../backbeat.mjs';
import { tenKeyMessage } from '../fixtures/message.mjs';
import { deferred, makeRow, measureHalves, now, startHalf, withTimeout } from '../harness.mjs';

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
    // Counted here rather than through `messageInbox`, which would queue every `data` message.
    let count = 0;
    let ready = deferred();
    let done = deferred();
    h.bmp.on('messageReceivedFromBackground', (e) => {
      const type = e?.data?.type;
      if (type === 'data') count++;
      else if (type === 'ready') ready?.resolve();
      else if (type === 'burstDone') done.resolve(e.data);
    });
    await withTimeout(ready.promise, config.timeoutMs, "the task's `ready` message");
    ready = null;
    if (watching && watching.seen() === 0) throw new Error('the inspect observer saw no event');
    const burst = async (n, message) => {
      count = 0;
      const start = now();
      done = deferred();
      sendToBackground(h.bmp, { type: 'burst', n, message });
      const reply = await withTimeout(done.promise, config.timeoutMs, 'a burst');
      const elapsed = now() - start;
      if (reply.n !== n || count !== n) {
        throw new Error(`the foreground counted ${count} of the task's ${n} messages`);
      }
      return (n * 1000) / elapsed;
    };
    return { burst, close: () => h.close(config.timeoutMs) };
  } catch (error) {
    await h.close(config.timeoutMs);
    throw error;
  }
}

/** Measures throughput.inspect: task-to-foreground messages with `inspect` set, against without. */
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
