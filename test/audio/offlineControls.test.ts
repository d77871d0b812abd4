import { InvalidOperationError } from 'backbeat';
import {
  createWebAudio,
  encodeWav,
  type WebAudio,
  type WebAudioTrack,
} from 'backbeat/audio/webAudio';
import { waitFor } from 'backbeat/testing';
import { describe, expect, it } from 'vitest';
import { concat, countDifferences, noise } from './support/signals.ts';

// Track controls, checked on rendered samples. The test acts "while playing" on the context's
// own schedule: before the render, each action runs with the context's clock set to the render
// quantum it belongs to, and every node call it makes is timed there (a source stopped "now"
// stops at that frame, a gain set or disconnected "now" changes at that frame). The render then plays the plan
// exactly as if the actions had come during it, with no race against the render thread.
// (OfflineAudioContext.suspend() is not used: in node-web-audio-api 1.0.9 it is registered on a
// background runtime and can lose the race against startRendering(), upstream report
// ircam-ismm/node-web-audio-api#62.)
const RATE = 44_100;
const QUANTUM = 128;
const a = noise(8_820, 1); // 200 ms
const b = noise(4_410, 2); // 100 ms
const sources = { 'memory:a': encodeWav([a], RATE), 'memory:b': encodeWav([b], RATE) };
const TOLERANCE = 1e-6;

/** Sets the clock the tracks read, in seconds of context time (only before the render). */
const clocks = new WeakMap<WebAudio, (seconds: number) => void>();

async function offline(frames: number): Promise<WebAudio> {
  const audio = createWebAudio({
    mode: 'offline',
    sampleRate: RATE,
    length: frames,
    numberOfChannels: 1,
    sources,
  });
  // The first open creates the output; this one is closed before anything plays.
  (await audio.open('memory:b')).close();
  const context = audio.context as OfflineAudioContext;
  let now = 0;
  Object.defineProperty(context, 'currentTime', { configurable: true, get: () => now });
  const createBufferSource = context.createBufferSource.bind(context);
  context.createBufferSource = () => {
    const source = createBufferSource();
    const stop = source.stop.bind(source);
    source.stop = (when?: number) => stop(when ?? now);
    // Silent from its stop on: dropping the connection "now" changes nothing more.
    source.disconnect = () => {};
    return source;
  };
  const createGain = context.createGain.bind(context);
  context.createGain = () => {
    const node = createGain();
    const param = node.gain;
    let value = param.value;
    Object.defineProperty(param, 'value', {
      configurable: true,
      get: () => value,
      set: (v: number) => {
        value = v;
        param.setValueAtTime(v, now);
      },
    });
    // A track's gain is disconnected when it closes: silent from that frame on.
    node.disconnect = () => param.setValueAtTime(0, now);
    return node;
  };
  clocks.set(audio, (seconds) => {
    now = seconds;
  });
  return audio;
}

/** Runs `act` as if the render had reached `frame` (a multiple of the render quantum). */
function at(audio: WebAudio, frame: number, act: () => void): void {
  if (frame % QUANTUM !== 0) throw new Error(`frame ${frame} is not on a render quantum`);
  clocks.get(audio)?.(frame / RATE);
  act();
}

async function render(audio: WebAudio): Promise<Float32Array> {
  try {
    return (await audio.render()).channels[0] as Float32Array;
  } finally {
    audio.dispose();
  }
}

const silence = (n: number) => new Float32Array(n);
const scaled = (x: Float32Array, k: number) => x.map((v) => v * k);

function expectSignal(actual: Float32Array, expected: Float32Array) {
  expect(actual.length).toBe(expected.length);
  expect(countDifferences(actual, expected, TOLERANCE)).toBe(0);
}

describe('track controls on the rendered output', () => {
  it('plays a track from its first sample, then silence; ended follows the render', async () => {
    const audio = await offline(10_000);
    const track = await audio.open('memory:a');
    let ended = 0;
    track.on('ended', () => ended++);
    const failures: unknown[] = [];
    track.on('failed', (f) => failures.push(f));
    track.play();
    expect(track.duration).toBeCloseTo(200, 9);
    // The render reports the end itself: the native `ended` of an offline source may come
    // late or never (node-web-audio-api 1.0.9), and a late one is not counted twice.
    const out = (await audio.render()).channels[0] as Float32Array;
    try {
      expectSignal(out, concat([a, silence(10_000 - a.length)]));
      expect(ended).toBe(1);
      // The context reads `closed` after its render: no failure for the tracks.
      expect(failures).toEqual([]);
      expect(track.playing).toBe(false);
      expect(track.position).toBe(track.duration);
      expect(ended).toBe(1);
    } finally {
      audio.dispose();
    }
  });

  it('volume and mute act through the gain on the exact quantum they are set', async () => {
    const audio = await offline(a.length);
    const track = await audio.open('memory:a');
    track.play();
    at(audio, 1280, () => track.setVolume(0.5));
    at(audio, 2560, () => track.setMuted(true));
    at(audio, 3840, () => track.setVolume(2)); // out of range: ignored
    at(audio, 5120, () => track.setMuted(false));
    const out = await render(audio);
    expectSignal(
      out,
      concat([
        a.subarray(0, 1280),
        scaled(a.subarray(1280, 2560), 0.5),
        silence(5120 - 2560),
        scaled(a.subarray(5120), 0.5),
      ]),
    );
  });

  it('seek before play starts at the new offset', async () => {
    const audio = await offline(a.length);
    const track = await audio.open('memory:a');
    track.seek(50); // 2205 frames
    expect(track.position).toBe(50);
    track.play();
    const out = await render(audio);
    expectSignal(out, concat([a.subarray(2205), silence(2205)]));
  });

  it('seek while playing hands over on the same sample, and the position follows', async () => {
    const audio = await offline(a.length);
    const track = await audio.open('memory:a');
    track.play();
    let position = Number.NaN;
    at(audio, 1280, () => {
      track.seek(150); // 6615 frames
      position = track.position;
    });
    const out = await render(audio);
    expect(position).toBeCloseTo(150, 9);
    expectSignal(
      out,
      concat([a.subarray(0, 1280), a.subarray(6615), silence(a.length - 1280 - 2205)]),
    );
  });

  it('pause keeps the position; play resumes from it', async () => {
    const audio = await offline(a.length + 1280);
    const track = await audio.open('memory:a');
    track.play();
    const positions: number[] = [];
    at(audio, 1280, () => {
      track.pause();
      positions.push(track.position);
    });
    at(audio, 2560, () => {
      positions.push(track.position);
      track.play();
    });
    const out = await render(audio);
    expect(positions[0]).toBeCloseTo((1280 / RATE) * 1000, 9);
    expect(positions[1]).toBe(positions[0]);
    expectSignal(out, concat([a.subarray(0, 1280), silence(1280), a.subarray(1280)]));
  });

  it('rate 2 plays twice as fast and the position counts media time', async () => {
    const audio = await offline(a.length);
    const track = await audio.open('memory:a');
    track.setRate(2);
    track.play();
    let position = Number.NaN;
    at(audio, 1280, () => {
      position = track.position;
    });
    const out = await render(audio);
    expect(position).toBeCloseTo(((2 * 1280) / RATE) * 1000, 9);
    const doubled = new Float32Array(a.length / 2).map((_, i) => a[2 * i] as number);
    expectSignal(out, concat([doubled, silence(a.length / 2)]));
  });

  it('a rate change while playing takes over from the current sample', async () => {
    const audio = await offline(a.length);
    const track = await audio.open('memory:a');
    track.play();
    at(audio, 1280, () => track.setRate(2));
    const out = await render(audio);
    const rest = new Float32Array((a.length - 1280) / 2).map((_, i) => a[1280 + 2 * i] as number);
    expectSignal(out, concat([a.subarray(0, 1280), rest, silence(a.length - 1280 - rest.length)]));
  });
});

describe('chaining a successor', () => {
  async function chained(frames: number): Promise<[WebAudio, WebAudioTrack, WebAudioTrack]> {
    const audio = await offline(frames);
    const first = await audio.open('memory:a');
    first.play();
    const next = await audio.chain(first, 'memory:b');
    return [audio, first, next];
  }

  it('the successor starts on the sample the first track ends', async () => {
    const [audio, first, next] = await chained(a.length + b.length);
    expect(next.startTime).toBe(first.endTime);
    expect(next.playing).toBe(true);
    expectSignal(await render(audio), concat([a, b]));
  });

  it('pausing the first track takes the successor off the schedule until play', async () => {
    const [audio, first, next] = await chained(a.length + 1280 + b.length);
    const states: boolean[] = [];
    at(audio, 1280, () => {
      first.pause();
      states.push(next.playing);
    });
    at(audio, 2560, () => first.play());
    const out = await render(audio);
    expect(states).toEqual([false]);
    expectSignal(out, concat([a.subarray(0, 1280), silence(1280), a.subarray(1280), b]));
  });

  it('seeking the first track moves the successor with it', async () => {
    const [audio, first] = await chained(1280 + 4410 + b.length);
    at(audio, 1280, () => first.seek(100)); // 4410 frames left
    expectSignal(await render(audio), concat([a.subarray(0, 1280), a.subarray(4410), b]));
  });

  it('a rate change on the first track re-plans the successor at the new end', async () => {
    const [audio, first] = await chained(1280 + 3770 + b.length / 2);
    at(audio, 1280, () => first.setRate(2));
    const out = await render(audio);
    const rest = new Float32Array((a.length - 1280) / 2).map((_, i) => a[1280 + 2 * i] as number);
    const fastB = new Float32Array(b.length / 2).map((_, i) => b[2 * i] as number);
    expectSignal(out, concat([a.subarray(0, 1280), rest, fastB]));
  });

  it('the unclaimed successor follows the volume and mute of the first track', async () => {
    const [audio, first] = await chained(a.length + b.length);
    first.setVolume(0.5);
    expectSignal(await render(audio), scaled(concat([a, b]), 0.5));
  });

  it('closing the first track cancels a successor that has not started', async () => {
    const [audio, first, next] = await chained(a.length + b.length);
    at(audio, 1280, () => first.close());
    const out = await render(audio);
    expect(next.playing).toBe(false);
    expectSignal(out, concat([a.subarray(0, 1280), silence(a.length - 1280 + b.length)]));
  });

  it('opening the successor before it started takes it off the schedule, paused at 0', async () => {
    const [audio, first, next] = await chained(a.length + b.length);
    const opened = await audio.open('memory:b');
    expect(opened).toBe(next);
    expect(opened.playing).toBe(false);
    expect(opened.position).toBe(0);
    expect(first.next).toBeNull();
    expectSignal(await render(audio), concat([a, silence(b.length)]));
  });

  it('preload chains after the last opened track; preloading another item replaces it', async () => {
    const audio = await offline(a.length * 2);
    const first = await audio.open('memory:a');
    first.play();
    audio.preload('memory:b');
    audio.preload('memory:b');
    const replaced = await waitFor(() => first.next, { what: 'the preloaded track' });
    expect(replaced.uri).toBe('memory:b');
    audio.preload('memory:a');
    await waitFor(() => first.next?.uri === 'memory:a', {
      what: 'the second preload to replace the first',
    });
    expect(replaced.closed).toBe(true);
    expect(first.next?.startTime).toBe(first.endTime);
    expectSignal(await render(audio), concat([a, a]));
  });

  it('chain refuses a track from another adapter', async () => {
    const audio = await offline(100);
    const other = await offline(100);
    const foreign = await other.open('memory:a');
    await expect(audio.chain(foreign, 'memory:b')).rejects.toThrow(/opened by this adapter/);
    audio.dispose();
    other.dispose();
  });
});

describe('createWebAudio options', () => {
  it('refuses bad options, quoting them', () => {
    expect(() => createWebAudio({ mode: 'offline' })).toThrow(
      /needs a sampleRate, got `undefined`/,
    );
    expect(() => createWebAudio({ mode: 'offline', sampleRate: RATE })).toThrow(
      /duration \(ms\) or length/,
    );
    expect(() => createWebAudio({ mode: 'live' as never })).toThrow(/got `live`/);
    expect(() => createWebAudio({ sink: 'speakers' as never })).toThrow(/got `speakers`/);
    expect(() => createWebAudio({ sampleRate: -1 })).toThrow(/got `-1`/);
  });

  it('an offline adapter sized by duration renders that many ms, once', async () => {
    const audio = createWebAudio({ mode: 'offline', sampleRate: RATE, duration: 250, sources });
    (await audio.open('memory:a')).play();
    const out = await audio.render();
    expect(out.length).toBe(Math.ceil(0.25 * RATE));
    expect(out.channels).toHaveLength(2);
    await expect(audio.render()).rejects.toThrow(InvalidOperationError);
    audio.dispose();
  });

  it('render() belongs to offline mode', async () => {
    const audio = createWebAudio({ sink: 'none' });
    await expect(audio.render()).rejects.toThrow(/mode `offline`/);
    audio.dispose();
  });
});
