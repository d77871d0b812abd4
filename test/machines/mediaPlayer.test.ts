import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import {
  type MediaPlayerEmitted,
  type MediaPlayerEvent,
  type MediaPlayerInput,
  mediaPlayerMachine,
} from '../../src/machines/mediaPlayer.ts';

const URI = 'virtual:a?duration=10000';

function start(input: MediaPlayerInput = {}) {
  const actor = createActor(mediaPlayerMachine, { input });
  const emitted: MediaPlayerEmitted[] = [];
  actor.on('*', (e) => emitted.push(e));
  actor.start();
  const send = (...events: MediaPlayerEvent[]) => {
    emitted.length = 0;
    for (const e of events) actor.send(e);
    return emitted.map((e) => e.type);
  };
  return {
    actor,
    emitted,
    send,
    get state() {
      return actor.getSnapshot().value;
    },
    get context() {
      return actor.getSnapshot().context;
    },
  };
}

const opened = { type: 'OPENED', duration: 10_000, canSeek: true } as const;
const setSource = { type: 'SET_SOURCE', source: URI } as const;

describe('mediaPlayerMachine', () => {
  it('starts closed with the WinRT defaults', () => {
    const p = start();
    expect(p.state).toBe('closed');
    expect(p.context).toMatchObject({
      volume: 1,
      isMuted: false,
      playbackRate: 1,
      autoPlay: true,
      isLoopingEnabled: false,
      naturalDuration: 0,
      bufferingProgress: 0,
      canSeek: false,
      canPause: false,
      error: null,
    });
  });

  it('falls back to defaults for invalid input settings', () => {
    const p = start({ volume: 3, playbackRate: -1, autoPlay: false, isMuted: true });
    expect(p.context).toMatchObject({ volume: 1, playbackRate: 1, autoPlay: false, isMuted: true });
  });

  it('opens and plays at once with autoPlay, in event order', () => {
    const p = start();
    expect(p.send(setSource)).toEqual(['currentStateChanged']);
    expect(p.state).toBe('opening');
    expect(p.send(opened)).toEqual(['mediaOpened', 'startOutput', 'currentStateChanged']);
    expect(p.state).toBe('playing');
    expect(p.context).toMatchObject({ naturalDuration: 10_000, canSeek: true, canPause: true });
  });

  it('waits for PLAY when autoPlay is false', () => {
    const p = start({ autoPlay: false });
    p.send(setSource, opened);
    expect(p.state).toBe('paused');
    expect(p.send({ type: 'PLAY' })).toEqual(['startOutput', 'currentStateChanged']);
    expect(p.state).toBe('playing');
  });

  it('remembers PLAY while opening, and forgets it on PAUSE', () => {
    const p = start({ autoPlay: false });
    p.send(setSource, { type: 'PLAY' });
    expect(p.context.playRequested).toBe(true);
    p.send(opened);
    expect(p.state).toBe('playing');

    const q = start({ autoPlay: false });
    q.send(setSource, { type: 'PLAY' }, { type: 'PAUSE' }, opened);
    expect(q.state).toBe('paused');
  });

  it('SET_SOURCE with play: true plays the new source regardless of autoPlay', () => {
    const p = start({ autoPlay: false });
    p.send({ type: 'SET_SOURCE', source: URI, play: true }, opened);
    expect(p.state).toBe('playing');
  });

  it('ignores volume outside 0–1 and reports real changes', () => {
    const p = start();
    for (const volume of [2, -0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(p.send({ type: 'SET_VOLUME', volume })).toEqual([]);
      expect(p.context.volume).toBe(1);
    }
    expect(p.send({ type: 'SET_VOLUME', volume: 0.25 })).toEqual(['volumeChanged']);
    expect(p.context.volume).toBe(0.25);
    expect(p.send({ type: 'SET_VOLUME', volume: 0.25 })).toEqual([]);
    expect(p.send({ type: 'SET_VOLUME', volume: 0 })).toEqual(['volumeChanged']);
  });

  it('reports mute changes as volumeChanged', () => {
    const p = start();
    expect(p.send({ type: 'SET_MUTED', muted: true })).toEqual(['volumeChanged']);
    expect(p.context.isMuted).toBe(true);
    expect(p.send({ type: 'SET_MUTED', muted: true })).toEqual([]);
  });

  it('ignores non-positive and non-finite rates; reports the new rate', () => {
    const p = start();
    for (const rate of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(p.send({ type: 'SET_RATE', rate })).toEqual([]);
    }
    p.send({ type: 'SET_RATE', rate: 1.5 });
    expect(p.emitted).toEqual([{ type: 'mediaPlayerRateChanged', newRate: 1.5 }]);
    expect(p.context.playbackRate).toBe(1.5);
  });

  it('clamps seeks to [0, duration] and confirms them', () => {
    const p = start();
    p.send(setSource, opened);
    p.send({ type: 'SEEK', position: -500 });
    expect(p.emitted).toEqual([{ type: 'seekTo', position: 0, reason: 'seek' }]);
    p.send({ type: 'SEEK', position: 99_999 });
    expect(p.emitted).toEqual([{ type: 'seekTo', position: 10_000, reason: 'seek' }]);
    p.send({ type: 'SEEK', position: 4_000 });
    expect(p.emitted).toEqual([{ type: 'seekTo', position: 4_000, reason: 'seek' }]);
    expect(p.send({ type: 'SEEK_COMPLETED' })).toEqual(['seekCompleted']);
  });

  it('ignores seeks while closed, opening, or when the media cannot seek', () => {
    const p = start();
    expect(p.send({ type: 'SEEK', position: 10 })).toEqual([]);
    p.send(setSource);
    expect(p.send({ type: 'SEEK', position: 10 })).toEqual([]);
    p.send({ type: 'OPENED', duration: 10_000, canSeek: false });
    expect(p.send({ type: 'SEEK', position: 10 })).toEqual([]);
  });

  it('pauses at the end without looping and starts over on PLAY', () => {
    const p = start();
    p.send(setSource, opened);
    expect(p.send({ type: 'ENDED' })).toEqual(['pauseOutput', 'mediaEnded', 'currentStateChanged']);
    expect(p.state).toBe('paused');
    expect(p.context.atEnd).toBe(true);
    p.send({ type: 'PLAY' });
    expect(p.emitted).toEqual([
      { type: 'seekTo', position: 0, reason: 'restart' },
      { type: 'startOutput' },
      { type: 'currentStateChanged', state: 'playing' },
    ]);
  });

  it('loops: ENDED rewinds and keeps playing without mediaEnded', () => {
    const p = start({ isLoopingEnabled: true });
    p.send(setSource, opened);
    p.send({ type: 'ENDED' });
    expect(p.state).toBe('playing');
    expect(p.emitted).toEqual([
      { type: 'seekTo', position: 0, reason: 'loop' },
      { type: 'startOutput' },
    ]);
  });

  it('goes through buffering with progress, clamped to 0–1', () => {
    const p = start();
    p.send(setSource, opened);
    expect(p.send({ type: 'BUFFERING_STARTED' })).toEqual([
      'bufferingStarted',
      'currentStateChanged',
    ]);
    expect(p.state).toBe('buffering');
    expect(p.context.bufferingProgress).toBe(0);
    p.send({ type: 'BUFFERING_PROGRESS', progress: 0.5 });
    expect(p.context.bufferingProgress).toBe(0.5);
    p.send({ type: 'BUFFERING_PROGRESS', progress: 7 });
    expect(p.context.bufferingProgress).toBe(1);
    p.send({ type: 'BUFFERING_PROGRESS', progress: Number.NaN });
    expect(p.context.bufferingProgress).toBe(1);
    expect(p.send({ type: 'BUFFERING_ENDED' })).toEqual(['bufferingEnded', 'currentStateChanged']);
    expect(p.state).toBe('playing');
  });

  it('PAUSE while buffering pauses and closes the buffering episode', () => {
    const p = start();
    p.send(setSource, opened, { type: 'BUFFERING_STARTED' });
    expect(p.send({ type: 'PAUSE' })).toEqual([
      'pauseOutput',
      'bufferingEnded',
      'currentStateChanged',
    ]);
    expect(p.state).toBe('paused');
  });

  it('STOP silences and rewinds; PLAY resumes from the start', () => {
    const p = start();
    p.send(setSource, opened);
    p.send({ type: 'STOP' });
    expect(p.state).toBe('stopped');
    expect(p.emitted.slice(0, 2)).toEqual([
      { type: 'pauseOutput' },
      { type: 'seekTo', position: 0, reason: 'stop' },
    ]);
    expect(p.send({ type: 'PLAY' })).toEqual(['startOutput', 'currentStateChanged']);
  });

  it('a failed open closes the player with the error; a new source clears it', () => {
    const p = start();
    p.send(setSource, {
      type: 'OPEN_FAILED',
      error: 'networkError',
      errorMessage: 'no route to `x`',
    });
    expect(p.state).toBe('closed');
    expect(p.context.error).toEqual({ error: 'networkError', errorMessage: 'no route to `x`' });
    expect(p.emitted[1]).toEqual({
      type: 'mediaFailed',
      error: 'networkError',
      errorMessage: 'no route to `x`',
    });
    p.send(setSource);
    expect(p.context.error).toBeNull();
  });

  it('a failure while playing closes the player; FAILED while closed is ignored', () => {
    const p = start();
    p.send(setSource, opened);
    p.send({ type: 'FAILED', error: 'decodingError', errorMessage: 'bad frame' });
    expect(p.state).toBe('closed');
    expect(p.context).toMatchObject({ canSeek: false, canPause: false, naturalDuration: 0 });
    expect(p.send({ type: 'FAILED', error: 'unknown', errorMessage: 'x' })).toEqual([]);
  });

  it('SET_SOURCE without a source closes from any state', () => {
    const p = start();
    p.send(setSource, opened);
    expect(p.send({ type: 'SET_SOURCE' })).toEqual(['currentStateChanged']);
    expect(p.state).toBe('closed');
    expect(p.context.source).toBeNull();
    p.send(setSource);
    p.send({ type: 'SET_SOURCE', source: null });
    expect(p.state).toBe('closed');
  });

  it('switching source while opening stays in opening without a state change', () => {
    const p = start();
    p.send(setSource);
    expect(p.send({ type: 'SET_SOURCE', source: 'virtual:b?duration=1' })).toEqual([]);
    expect(p.context.source).toBe('virtual:b?duration=1');
  });
});
