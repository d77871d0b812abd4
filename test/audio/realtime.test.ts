import {
  createWebAudio,
  encodeWav,
  likelyHasAudioDevice,
  type WebAudio,
  type WebAudioTrack,
} from 'backbeat/audio/webAudio';
import { waitFor } from 'backbeat/testing';
import { AudioContext } from 'node-web-audio-api';
import { afterEach, describe, expect, it } from 'vitest';
import { noise } from './support/signals.ts';

// Realtime playback on the null sink: the audio clock runs in real time, nothing is heard.
// These tests wait for audio events (a few hundred ms of media), never for policy timeouts.
const RATE = 44_100;
const sources = {
  'memory:a': encodeWav([noise(RATE * 0.15, 1)], RATE), // 150 ms
  'memory:b': encodeWav([noise(RATE * 0.1, 2)], RATE), // 100 ms
  'memory:tiny': encodeWav([noise(RATE * 0.02, 3)], RATE), // 20 ms
};
const adapters: WebAudio[] = [];

function realtime(): WebAudio {
  const audio = createWebAudio({ sink: 'none', sources });
  adapters.push(audio);
  return audio;
}

afterEach(() => {
  for (const audio of adapters.splice(0)) audio.dispose();
});

/** Resolves when `track` says `ended` from now on. */
async function ended(track: WebAudioTrack): Promise<void> {
  let done = false;
  const off = track.on('ended', () => {
    done = true;
  });
  try {
    await waitFor(() => done, { what: `${track.uri} to end` });
  } finally {
    off();
  }
}

describe('the null sink', () => {
  it('new AudioContext({ sinkId: { type: "none" } }) opens here and its clock advances', async () => {
    const context = new AudioContext({ sinkId: { type: 'none' } } as AudioContextOptions);
    try {
      expect(context.state).toBe('running');
      const from = context.currentTime;
      await waitFor(() => context.currentTime - from >= 0.1, { what: '100 ms on the audio clock' });
      expect(context.currentTime).toBeGreaterThan(from);
    } finally {
      await context.close();
    }
  });

  it("'auto' output falls back to the null sink with exactly one notice when there is no device", async () => {
    const notices: string[] = [];
    const audio = createWebAudio({ sources, onNotice: (m) => notices.push(m) });
    adapters.push(audio);
    expect(audio.outputKind).toBeNull();
    (await audio.open('memory:tiny')).close();
    await audio.open('memory:tiny');
    if (likelyHasAudioDevice()) {
      expect(notices.length).toBe(audio.outputKind === 'null' ? 1 : 0);
    } else {
      expect(audio.outputKind).toBe('null');
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(/^backbeat: no audio output device found; .*null sink/);
      expect(notices[0]).not.toContain('\n');
    }
  });
});

describe('realtime playback', () => {
  it('position follows the audio clock, stands still while paused and counts media time at rate 2', async () => {
    const audio = realtime();
    const track = await audio.open('memory:a');
    const context = audio.context as BaseAudioContext;
    track.play();
    const start = track.startTime as number;
    await waitFor(() => context.currentTime > start + 0.03, { what: '30 ms of playback' });
    // node-web-audio-api moves currentTime from its render thread, a render quantum at a time,
    // even between two reads in one turn: the position is read between two readings of it.
    const t1 = context.currentTime;
    const p1 = track.position;
    const t1After = context.currentTime;
    expect(p1).toBeGreaterThanOrEqual((t1 - start) * 1000 - 1e-6);
    expect(p1).toBeLessThanOrEqual((t1After - start) * 1000 + 1e-6);
    track.pause();
    const paused = track.position;
    await waitFor(() => context.currentTime > t1 + 0.02, { what: '20 ms on the audio clock' });
    expect(track.position).toBe(paused);
    track.setRate(2);
    track.play();
    const resumeAt = track.startTime as number;
    await waitFor(() => context.currentTime > resumeAt + 0.02, { what: '20 ms after resuming' });
    const t2 = context.currentTime;
    const p2 = track.position;
    const t2After = context.currentTime;
    expect(p2).toBeGreaterThanOrEqual(paused + (t2 - resumeAt) * 2000 - 1e-6);
    expect(p2).toBeLessThanOrEqual(paused + (t2After - resumeAt) * 2000 + 1e-6);
    await ended(track);
    expect(track.position).toBe(track.duration);
    expect(track.playing).toBe(false);
  });

  it('a preloaded next item is scheduled on the end sample; open after ended returns it running', async () => {
    const audio = realtime();
    const first = await audio.open('memory:a');
    first.play();
    const end = first.endTime as number;
    audio.preload('memory:b');
    await ended(first);
    const next = await audio.open('memory:b');
    expect(next.claimed).toBe(true);
    expect(next.playing).toBe(true);
    expect(next.startTime).toBe(end);
    next.play(); // no-op: already running
    expect(next.startTime).toBe(end);
    first.close();
    expect(next.playing).toBe(true);
    await ended(next);
    expect(next.position).toBe(next.duration);
  });

  it('opening the preloaded item early takes it off the schedule; play starts it then', async () => {
    const audio = realtime();
    const first = await audio.open('memory:a');
    first.play();
    audio.preload('memory:b');
    await waitFor(() => first.next, { what: 'the preloaded successor' });
    const next = await audio.open('memory:b');
    expect(next.playing).toBe(false);
    expect(next.position).toBe(0);
    first.close();
    next.play();
    expect(next.startTime).toBeLessThan(first.endTime ?? Number.POSITIVE_INFINITY);
    await ended(next);
  });

  it('an item that ended before it was opened reports ended right after the open', async () => {
    const audio = realtime();
    const first = await audio.open('memory:tiny');
    first.play();
    audio.preload('memory:tiny');
    const next = await waitFor(() => first.next, { what: 'the preloaded successor' });
    const context = audio.context as BaseAudioContext;
    await waitFor(() => !next.playing && context.currentTime > (first.startTime ?? 0) + 0.05, {
      what: 'the preloaded item to have ended unopened',
    });
    const opened = await audio.open('memory:tiny');
    expect(opened).toBe(next);
    await ended(opened);
    expect(opened.position).toBe(opened.duration);
  });

  it('a track whose output closes under it fails with unknown, naming the URI', async () => {
    const audio = realtime();
    const track = await audio.open('memory:a');
    const failures: Array<{ error: string; message: string }> = [];
    track.on('failed', (f) => failures.push(f));
    track.play();
    // The track fails at the close call itself: nothing waits on the native close (which can
    // take long on a loaded machine) or on its statechange.
    void (audio.context as AudioContext).close().catch(() => {});
    expect(failures).toHaveLength(1);
    expect(failures[0]?.error).toBe('unknown');
    expect(failures[0]?.message).toContain('memory:a');
    expect(track.playing).toBe(false);
    track.play();
    expect(track.playing).toBe(false);
    expect(failures).toHaveLength(1);
  });

  it("position reads a seek's target at once while playing, then moves on from it", async () => {
    const audio = realtime();
    const track = await audio.open('memory:a');
    const context = audio.context as BaseAudioContext;
    track.play();
    const start = track.startTime as number;
    await waitFor(() => context.currentTime > start + 0.01, { what: '10 ms of playback' });
    track.seek(100);
    // Within the 30 ms lookahead the old source still sounds; the position already reads 100.
    expect(track.position).toBe(100);
    const seekedAt = context.currentTime;
    await waitFor(() => context.currentTime > seekedAt + 0.045, { what: '45 ms after the seek' });
    expect(track.position).toBeGreaterThan(100);
    expect(track.position).toBeLessThanOrEqual(track.duration);
    // A rate change right after a seek keeps reading from the seek's target, not from before it.
    track.seek(20);
    track.setRate(2);
    expect(track.position).toBe(20);
  });

  it('close stops the output and later calls do nothing', async () => {
    const audio = realtime();
    const track = await audio.open('memory:a');
    let events = 0;
    track.on('ended', () => events++);
    track.play();
    const plannedEnd = track.endTime as number;
    track.close();
    track.play();
    track.seek(10);
    track.close();
    expect(track.playing).toBe(false);
    const context = audio.context as BaseAudioContext;
    await waitFor(() => context.currentTime > plannedEnd + 0.05, {
      what: 'the planned end to pass',
    });
    expect(events).toBe(0);
  });
});
