import type { Clock } from '../../clock.js';
import { Emitter } from '../../emitter.js';
import { MediaError, type MediaPlayerErrorKind } from '../../errors.js';
import type { AudioAdapter, AudioTrack, AudioTrackEventMap } from './types.js';

/**
 * Virtual audio: no sound, only time. Media is described by its URI:
 *
 * `virtual:NAME?duration=MS&buffering=MS&failAt=MS&open=MS&error=KIND`
 *
 * - `duration` (required): length of the media in ms;
 * - `buffering`: ms of buffering when playback first starts (position stands still meanwhile);
 * - `failAt`: media position at which playback fails with `decodingError`;
 * - `open`: ms the open takes (default 0);
 * - `error`: the open fails with this MediaPlayerError kind (after `open` ms).
 *
 * Playback advances on the given clock: position = elapsed clock time × rate while playing.
 * An unknown parameter, a bad number or another scheme fails the open with
 * `sourceNotSupported`, quoting the URI.
 */

/** Options of {@link createVirtualAudio}. */
export interface VirtualAudioOptions {
  /** Drives every track; a `VirtualClock` in tests. */
  clock: Clock;
}

/** The virtual adapter, with a few read-only views for tests. */
export interface VirtualAudio extends AudioAdapter {
  /** URIs passed to `preload`, in order. */
  readonly preloaded: readonly string[];
  /** Tracks opened so far (closed ones included), in order. */
  readonly tracks: readonly VirtualTrack[];
  preload(uri: string): void;
  dispose(): void;
}

/** A virtual track: an {@link AudioTrack} that also exposes its output settings. */
export interface VirtualTrack extends AudioTrack {
  readonly playing: boolean;
  readonly buffering: boolean;
  readonly closed: boolean;
  readonly volume: number;
  readonly muted: boolean;
  readonly rate: number;
}

/** A parsed virtual media description. */
export interface VirtualMedia {
  name: string;
  duration: number;
  buffering: number;
  failAt: number | null;
  open: number;
  error: MediaPlayerErrorKind | null;
}

const errorKinds: readonly MediaPlayerErrorKind[] = [
  'unknown',
  'aborted',
  'networkError',
  'decodingError',
  'sourceNotSupported',
];
const numberParams = ['duration', 'buffering', 'failAt', 'open'] as const;

/**
 * Parses a `virtual:` URI. Throws a `MediaError('sourceNotSupported')` quoting the URI when it
 * is not a valid description.
 *
 * @example
 * ```ts
 * parseVirtualUri('virtual:song?duration=3000&buffering=200');
 * // { name: 'song', duration: 3000, buffering: 200, failAt: null, open: 0, error: null }
 * ```
 */
export function parseVirtualUri(uri: string): VirtualMedia {
  const fail = (why: string): never => {
    throw new MediaError('sourceNotSupported', `Cannot open \`${uri}\`: ${why}`);
  };
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return fail('not a URI');
  }
  if (url.protocol !== 'virtual:') fail(`virtual audio plays only virtual: URIs`);
  const media: VirtualMedia = {
    name: url.pathname,
    duration: Number.NaN,
    buffering: 0,
    failAt: null,
    open: 0,
    error: null,
  };
  for (const [key, value] of url.searchParams) {
    if (key === 'error') {
      if (!errorKinds.includes(value as MediaPlayerErrorKind)) {
        fail(`error must be one of ${errorKinds.join(', ')}, got \`${value}\``);
      }
      media.error = value as MediaPlayerErrorKind;
      continue;
    }
    if (!(numberParams as readonly string[]).includes(key)) fail(`unknown parameter \`${key}\``);
    const n = value.trim() === '' ? Number.NaN : Number(value);
    if (!Number.isFinite(n) || n < 0) fail(`${key} must be a number >= 0, got \`${value}\``);
    media[key as (typeof numberParams)[number]] = n;
  }
  if (Number.isNaN(media.duration)) fail('missing duration');
  return media;
}

class Track implements VirtualTrack {
  readonly uri: string;
  readonly duration: number;
  readonly canSeek = true;
  #clock: Clock;
  #events = new Emitter<AudioTrackEventMap>();
  #failAt: number | null;
  #bufferLeft: number;
  #base = 0;
  #anchor: number | null = null;
  #bufferingSince: number | null = null;
  #timer: unknown = null;
  #rate = 1;
  #volume = 1;
  #muted = false;
  #playing = false;
  #failed = false;
  #closed = false;

  constructor(uri: string, media: VirtualMedia, clock: Clock) {
    this.uri = uri;
    this.duration = media.duration;
    this.#failAt = media.failAt;
    this.#bufferLeft = media.buffering;
    this.#clock = clock;
  }

  get position(): number {
    if (this.#anchor === null) return this.#base;
    const p = this.#base + (this.#clock.now() - this.#anchor) * this.#rate;
    return Math.min(p, this.#limit());
  }
  get playing(): boolean {
    return this.#playing;
  }
  get buffering(): boolean {
    return this.#bufferingSince !== null;
  }
  get closed(): boolean {
    return this.#closed;
  }
  get volume(): number {
    return this.#volume;
  }
  get muted(): boolean {
    return this.#muted;
  }
  get rate(): number {
    return this.#rate;
  }

  play(): void {
    if (this.#closed || this.#failed || this.#playing) return;
    this.#playing = true;
    if (this.#bufferLeft > 0) {
      this.#bufferingSince = this.#clock.now();
      this.#timer = this.#clock.setTimeout(() => this.#bufferingDone(), this.#bufferLeft);
      this.#events.emit('bufferingStarted', undefined);
      return;
    }
    this.#advance();
  }

  pause(): void {
    if (!this.#playing) return;
    this.#playing = false;
    this.#settle();
    if (this.#bufferingSince !== null) {
      this.#bufferLeft = Math.max(0, this.#bufferLeft - (this.#clock.now() - this.#bufferingSince));
      this.#bufferingSince = null;
    }
  }

  seek(position: number): void {
    if (this.#closed || this.#failed || !Number.isFinite(position)) return;
    const running = this.#anchor !== null;
    if (running) this.#settle();
    this.#base = Math.min(Math.max(0, position), this.duration);
    if (running) this.#advance();
  }

  setRate(rate: number): void {
    if (!Number.isFinite(rate) || rate <= 0) return;
    const running = this.#anchor !== null;
    if (running) this.#settle();
    this.#rate = rate;
    if (running) this.#advance();
  }

  setVolume(volume: number): void {
    if (Number.isFinite(volume) && volume >= 0 && volume <= 1) this.#volume = volume;
  }

  setMuted(muted: boolean): void {
    this.#muted = muted;
  }

  on<K extends keyof AudioTrackEventMap>(
    type: K,
    listener: (payload: AudioTrackEventMap[K]) => void,
  ): () => void {
    return this.#events.on(type, listener);
  }

  close(): void {
    if (this.#closed) return;
    this.pause();
    this.#clearTimer();
    this.#closed = true;
    this.#events.clear();
  }

  /** Where playback stops by itself: the failure point if still ahead, else the end. */
  #limit(): number {
    const f = this.#failAt;
    return f !== null && f >= this.#base && f < this.duration ? f : this.duration;
  }

  /** Freezes the position and stops the running timer. */
  #settle(): void {
    this.#base = this.position;
    this.#anchor = null;
    this.#clearTimer();
  }

  #clearTimer(): void {
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #bufferingDone(): void {
    this.#timer = null;
    this.#bufferLeft = 0;
    this.#bufferingSince = null;
    this.#events.emit('bufferingEnded', undefined);
    if (this.#playing && !this.#closed) this.#advance();
  }

  /** Starts moving the position and schedules the next stop (failure or end). */
  #advance(): void {
    this.#clearTimer();
    this.#anchor = this.#clock.now();
    const limit = this.#limit();
    this.#timer = this.#clock.setTimeout(
      () => this.#reach(limit),
      Math.max(0, (limit - this.#base) / this.#rate),
    );
  }

  #reach(limit: number): void {
    this.#timer = null;
    this.#anchor = null;
    this.#base = limit;
    this.#playing = false;
    if (limit < this.duration) {
      this.#failed = true;
      this.#events.emit('failed', {
        error: 'decodingError',
        message: `Decoding \`${this.uri}\` failed at ${limit} ms`,
      });
    } else {
      this.#events.emit('ended', undefined);
    }
  }
}

/**
 * Creates the virtual audio adapter. Nothing waits on real time: opens, buffering, failures
 * and ends are timers on `clock`.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * const audio = createVirtualAudio({ clock });
 * const track = await audio.open('virtual:intro?duration=2000');
 * track.on('ended', () => console.log('ended at', clock.now()));
 * track.play();
 * clock.advance(2000); // prints "ended at 2000"
 * ```
 */
export function createVirtualAudio(options: VirtualAudioOptions): VirtualAudio {
  const clock = options?.clock;
  if (!clock || typeof clock.setTimeout !== 'function' || typeof clock.now !== 'function') {
    throw new TypeError(`createVirtualAudio needs a clock, got \`${String(clock)}\``);
  }
  const preloaded: string[] = [];
  const tracks: Track[] = [];
  const pending = new Map<unknown, (error: Error) => void>();
  return {
    preloaded,
    tracks,
    open(uri: string): Promise<AudioTrack> {
      return new Promise((resolve, reject) => {
        let media: VirtualMedia;
        try {
          media = parseVirtualUri(String(uri));
        } catch (error) {
          reject(error);
          return;
        }
        const finish = () => {
          if (media.error) {
            reject(new MediaError(media.error, `Opening \`${uri}\` failed: ${media.error}`));
            return;
          }
          const track = new Track(uri, media, clock);
          tracks.push(track);
          resolve(track);
        };
        const delay = preloaded.includes(uri) ? 0 : media.open;
        if (delay <= 0) {
          finish();
          return;
        }
        const handle = clock.setTimeout(() => {
          pending.delete(handle);
          finish();
        }, delay);
        pending.set(handle, reject);
      });
    },
    preload(uri: string): void {
      preloaded.push(String(uri));
    },
    dispose(): void {
      for (const [handle, reject] of pending) {
        clock.clearTimeout(handle);
        reject(new MediaError('aborted', 'The virtual audio adapter was disposed'));
      }
      pending.clear();
      for (const track of tracks) track.close();
    },
  };
}
