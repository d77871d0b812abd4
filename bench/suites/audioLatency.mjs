// latency.playToSound: from `player.play()` in the foreground to the moment the task's audio
// output has rendered the first non-silent sample (worker host, Web Audio on the null sink),
// against the round trip of a no-op call to a bare worker (raw postMessage ping-pong).
//
// Method: the task sees every buffer source the player starts (sources.mjs) and so knows the
// context time of the first non-silent sample; it then polls `context.currentTime` on every
// turn of its event loop and stamps the wall time at which the render clock has passed that
// sample. Wall times are `performance.timeOrigin + performance.now()`, comparable across
// threads. The null sink has no output latency (`outputLatency` 0), so "rendered" is as close
// to "heard" as this machine gets; on a device add its output latency.
import { startRawEcho } from '../baselines/pingPong.mjs';
import { loadWebAudio, startAudioApp } from '../fixtures/audio/app.mjs';
import { mediaDir, noise } from '../fixtures/audio/media.mjs';
import { wallNow } from '../fixtures/audio/sources.mjs';
import {
  makeRow,
  measureHalves,
  median,
  microsPerCall,
  startHalf,
  withTimeout,
} from '../harness.mjs';

const RATE = 48_000;
const MEDIA_SECONDS = 20;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function playsPerRound(config) {
  const raw = process.env.BENCH_AUDIO_PLAYS;
  const n = raw ? Number(raw) : config.quick ? 2 : 5;
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`BENCH_AUDIO_PLAYS must be a positive integer, got \`${String(raw)}\``);
  }
  return n;
}

async function startBackbeat(config, parts) {
  const webAudio = await loadWebAudio(['encodeWav']);
  const dir = mediaDir(webAudio.encodeWav);
  let h = null;
  try {
    const url = dir.writeWav('latency.wav', [noise(RATE * MEDIA_SECONDS, 5)], RATE);
    h = await startAudioApp({ id: 'bench-latency', sampleRate: RATE, timeoutMs: config.timeoutMs });
    h.send({ type: 'load', uris: [url], autoPlay: false, sound: true });
    await withTimeout(h.inbox.next('opened'), config.timeoutMs, 'the media opening');
    let plays = 0;
    /** One play from paused: microseconds from the call to the first rendered sound. */
    const once = async () => {
      await h.player.pause();
      await sleep(5 + ((plays++ * 7) % 11));
      const sound = h.inbox.next('sound');
      const calledAt = wallNow();
      const call = h.player.play();
      call.catch(() => {});
      const s = await withTimeout(sound, config.timeoutMs, 'the first sound after play()');
      await call;
      parts.push({
        dispatchMs: s.calledWall - calledAt,
        scheduledAheadMs: (s.when - s.calledAt) * 1000,
        estimateMinusHeardMs: s.estimateWall - s.heardWall,
      });
      return (s.heardWall - calledAt) * 1000;
    };
    const noop = () => h.player.setVolume(1);
    return {
      measure: async (n) => {
        let total = 0;
        for (let i = 0; i < n; i++) total += await once();
        return total / n;
      },
      noopCallUs: (n) => microsPerCall(noop, n),
      close: async () => {
        await h.close();
        dir.remove();
      },
    };
  } catch (error) {
    await h?.close();
    dir.remove();
    throw error;
  }
}

/** Measures latency.playToSound against a raw worker round trip. */
export async function runAudioLatency(config) {
  const plays = playsPerRound(config);
  const parts = [];
  const rttCalls = 200;
  const started = {
    baseline: await startHalf(
      startRawEcho,
      (half) => microsPerCall((i) => half.call(i), 50),
      config.timeoutMs,
    ),
    backbeat: await startHalf(
      () => startBackbeat(config, parts),
      (half) => half.measure(1),
      config.timeoutMs,
    ),
  };
  parts.length = 0;
  let noopCallUs = null;
  if (started.backbeat.half) {
    try {
      noopCallUs = await withTimeout(
        started.backbeat.half.noopCallUs(rttCalls),
        config.timeoutMs,
        'no-op calls',
      );
    } catch {
      // Only a detail: the row does not depend on it.
    }
  }
  const r = await measureHalves(config, started, (half) =>
    half === started.baseline.half
      ? microsPerCall((i) => half.call(i), rttCalls)
      : half.measure(plays),
  );
  const extra = { playsPerRound: plays, baselineCallsPerRound: rttCalls };
  if (parts.length) {
    const med = (key) => Math.round(median(parts.map((p) => p[key])) * 1000) / 1000;
    extra.dispatchMs = med('dispatchMs');
    extra.scheduledAheadMs = med('scheduledAheadMs');
    extra.estimateMinusHeardMs = med('estimateMinusHeardMs');
  }
  if (noopCallUs !== null) extra.backbeatNoopCallUs = Math.round(noopCallUs * 10) / 10;
  return [
    makeRow({
      id: 'latency.playToSound',
      unit: 'us',
      better: 'lower',
      value: r.backbeat,
      baseline: r.baseline,
      extra,
    }),
  ];
}
