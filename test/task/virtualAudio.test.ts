import { MediaError, VirtualClock } from 'backbeat';
import { createVirtualAudio, parseVirtualUri } from 'backbeat/audio/virtual';
import { afterEach, describe, expect, it, vi } from 'vitest';

type AudioTrack = Awaited<ReturnType<ReturnType<typeof createVirtualAudio>['open']>>;

function setup() {
  const clock = new VirtualClock();
  const audio = createVirtualAudio({ clock });
  return { clock, audio };
}

function record(track: AudioTrack, clock: VirtualClock) {
  const log: string[] = [];
  track.on('bufferingStarted', () => log.push(`bufferingStarted@${clock.now()}`));
  track.on('bufferingEnded', () => log.push(`bufferingEnded@${clock.now()}`));
  track.on('ended', () => log.push(`ended@${clock.now()}`));
  track.on('failed', (e) => log.push(`failed:${e.error}@${clock.now()}`));
  return log;
}

async function rejection(promise: Promise<unknown>): Promise<MediaError> {
  try {
    await promise;
  } catch (error) {
    return error as MediaError;
  }
  throw new Error('expected a rejection');
}

afterEach(() => {
  vi.useRealTimers();
});

describe('parseVirtualUri', () => {
  it('reads every parameter', () => {
    expect(
      parseVirtualUri(
        'virtual:song?duration=3000&buffering=200&failAt=1500&open=50&error=networkError',
      ),
    ).toEqual({
      name: 'song',
      duration: 3000,
      buffering: 200,
      failAt: 1500,
      open: 50,
      error: 'networkError',
    });
  });

  it.each([
    ['virtual:a?duration=1000&colour=red', 'unknown parameter `colour`'],
    ['virtual:a?duration=abc', 'duration must be a number >= 0, got `abc`'],
    ['virtual:a?duration=-5', 'got `-5`'],
    ['virtual:a?duration=', 'got ``'],
    ['virtual:a?buffering=10', 'missing duration'],
    ['virtual:a?duration=10&error=boom', 'got `boom`'],
    ['file:///a.mp3', 'only virtual: URIs'],
    ['not a uri', 'not a URI'],
  ])('refuses %s as sourceNotSupported, quoting the URI', (uri, why) => {
    let caught: unknown;
    try {
      parseVirtualUri(uri);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MediaError);
    expect((caught as MediaError).error).toBe('sourceNotSupported');
    expect((caught as MediaError).message).toContain(`\`${uri}\``);
    expect((caught as MediaError).message).toContain(why);
  });
});

describe('createVirtualAudio', () => {
  it('needs a clock', () => {
    expect(() => createVirtualAudio({} as never)).toThrow(TypeError);
  });

  it('fails the open of a bad URI with sourceNotSupported', async () => {
    const { audio } = setup();
    const error = await rejection(audio.open('virtual:a?duration=1&x=1'));
    expect(error.error).toBe('sourceNotSupported');
    expect(error.message).toContain('`virtual:a?duration=1&x=1`');
  });

  it('opens after the open delay, on the clock', async () => {
    const { clock, audio } = setup();
    let track: AudioTrack | undefined;
    void audio.open('virtual:a?duration=1000&open=300').then((t) => {
      track = t;
    });
    await clock.advanceAsync(299);
    expect(track).toBeUndefined();
    await clock.advanceAsync(1);
    expect(track?.duration).toBe(1000);
    expect(track?.position).toBe(0);
  });

  it('fails the open with the error kind after the delay', async () => {
    const { clock, audio } = setup();
    const opening = rejection(audio.open('virtual:a?duration=1000&open=100&error=networkError'));
    await clock.advanceAsync(100);
    const error = await opening;
    expect(error.error).toBe('networkError');
    expect(error.message).toContain('`virtual:a?duration=1000&open=100&error=networkError`');
  });

  it('advances the position with clock time × rate, only while playing', async () => {
    const { clock, audio } = setup();
    const track = await audio.open('virtual:a?duration=10000');
    track.play();
    clock.advance(1000);
    expect(track.position).toBe(1000);
    track.pause();
    clock.advance(5000);
    expect(track.position).toBe(1000);
    track.setRate(2);
    track.play();
    clock.advance(500);
    expect(track.position).toBe(2000);
    track.seek(9000);
    expect(track.position).toBe(9000);
    track.seek(99_999);
    expect(track.position).toBe(10_000);
  });

  it('buffers first, then plays, then ends at the duration', async () => {
    const { clock, audio } = setup();
    const track = await audio.open('virtual:a?duration=1000&buffering=200');
    const log = record(track, clock);
    track.play();
    clock.advance(200);
    expect(track.position).toBe(0);
    clock.advance(1000);
    expect(log).toEqual(['bufferingStarted@0', 'bufferingEnded@200', 'ended@1200']);
    expect(track.position).toBe(1000);
    expect(clock.pending).toBe(0);
  });

  it('pausing mid-buffering keeps the remaining buffering for the next play', async () => {
    const { clock, audio } = setup();
    const track = await audio.open('virtual:a?duration=1000&buffering=200');
    const log = record(track, clock);
    track.play();
    clock.advance(150);
    track.pause();
    clock.advance(1000);
    track.play();
    clock.advance(50);
    expect(log).toEqual(['bufferingStarted@0', 'bufferingStarted@1150', 'bufferingEnded@1200']);
  });

  it('fails with decodingError at failAt, and stops there', async () => {
    const { clock, audio } = setup();
    const track = await audio.open('virtual:a?duration=1000&failAt=400');
    const log = record(track, clock);
    track.setRate(2);
    track.play();
    clock.advance(1000);
    expect(log).toEqual(['failed:decodingError@200']);
    expect(track.position).toBe(400);
    track.play();
    clock.advance(1000);
    expect(track.position).toBe(400);
  });

  it('seeking past failAt skips the failure', async () => {
    const { clock, audio } = setup();
    const track = await audio.open('virtual:a?duration=1000&failAt=400');
    const log = record(track, clock);
    track.seek(500);
    track.play();
    clock.advance(500);
    expect(log).toEqual(['ended@500']);
  });

  it('a preloaded URI opens without the open delay', async () => {
    const { clock, audio } = setup();
    audio.preload('virtual:b?duration=1000&open=500');
    expect(audio.preloaded).toEqual(['virtual:b?duration=1000&open=500']);
    let opened = false;
    void audio.open('virtual:b?duration=1000&open=500').then(() => {
      opened = true;
    });
    await clock.advanceAsync(0);
    expect(opened).toBe(true);
  });

  it('keeps volume and mute as set, ignoring volume outside 0–1', async () => {
    const { audio } = setup();
    await audio.open('virtual:a?duration=1000');
    const track = audio.tracks[0]!;
    track.setVolume(0.3);
    track.setVolume(4);
    track.setMuted(true);
    expect(track.volume).toBe(0.3);
    expect(track.muted).toBe(true);
  });

  it('dispose aborts pending opens and closes tracks', async () => {
    const { clock, audio } = setup();
    const track = await audio.open('virtual:a?duration=1000');
    track.play();
    const opening = rejection(audio.open('virtual:b?duration=1000&open=100'));
    audio.dispose();
    expect((await opening).error).toBe('aborted');
    expect(audio.tracks[0]!.closed).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it('uses no real timers', async () => {
    vi.useFakeTimers();
    const { clock, audio } = setup();
    const track = await audio.open('virtual:a?duration=1000&buffering=100&failAt=900');
    track.play();
    expect(vi.getTimerCount()).toBe(0);
    clock.advance(2000);
    expect(vi.getTimerCount()).toBe(0);
  });
});
