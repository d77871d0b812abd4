import { Emitter } from '../../../emitter.js';
import type { MediaPlayerErrorKind } from '../../../errors.js';
import type { AudioTrack, AudioTrackEventMap } from '../types.js';

/** What a track tells the engine that made it. */
export interface HtmlMediaHost {
  /** `play()` was refused by the autoplay policy (`NotAllowedError`). */
  refused(track: HtmlMediaTrack): void;
  /** `play()` succeeded: the page may play sound. */
  allowed(track: HtmlMediaTrack): void;
  closed(track: HtmlMediaTrack): void;
}

/** The kind of a `MediaError` code of an element (`HTMLMediaElement.error.code`). */
export function elementErrorKind(code: number | undefined): MediaPlayerErrorKind {
  switch (code) {
    case 1:
      return 'aborted';
    case 2:
      return 'networkError';
    case 3:
      return 'decodingError';
    case 4:
      return 'sourceNotSupported';
    default:
      return 'unknown';
  }
}

/** The sentence for an element's error: its kind in words and the browser's own message. */
export function elementErrorText(element: HTMLMediaElement): string {
  const error = element.error;
  const words: Record<number, string> = {
    1: 'loading was aborted',
    2: 'a network error stopped loading',
    3: 'the media could not be decoded',
    4: 'the source is not supported (missing, or in a format the browser cannot play)',
  };
  const what = (error && words[error.code]) ?? 'the media element failed';
  return error?.message ? `${what} (${error.message})` : what;
}

/**
 * One `<audio>` element playing one source. Position, duration, rate, volume and mute are the
 * element's own; `waiting`/`playing` are reported as buffering; an element error while open is
 * `failed` with the kind of its `MediaError` code.
 */
export class HtmlMediaTrack implements AudioTrack {
  readonly uri: string;
  readonly element: HTMLAudioElement;
  #host: HtmlMediaHost;
  #events = new Emitter<AudioTrackEventMap>();
  #playing = false;
  #buffering = false;
  #refused = false;
  #closed = false;
  #failed = false;
  #off: Array<() => void> = [];

  constructor(uri: string, element: HTMLAudioElement, host: HtmlMediaHost) {
    this.uri = uri;
    this.element = element;
    this.#host = host;
    const listen = (type: string, fn: () => void) => {
      element.addEventListener(type, fn);
      this.#off.push(() => element.removeEventListener(type, fn));
    };
    listen('ended', () => {
      this.#playing = false;
      this.#setBuffering(false);
      this.#events.emit('ended', undefined);
    });
    listen('waiting', () => {
      if (this.#playing) this.#setBuffering(true);
    });
    listen('playing', () => {
      if (!this.#refused) this.#setBuffering(false);
    });
    listen('error', () =>
      this.#fail(elementErrorKind(element.error?.code), elementErrorText(element)),
    );
  }

  /** Duration in ms; `Infinity` for a live stream or an unknown length. */
  get duration(): number {
    const d = this.element.duration;
    return Number.isFinite(d) ? d * 1000 : Number.POSITIVE_INFINITY;
  }
  /** A live stream (infinite duration) cannot seek. */
  get canSeek(): boolean {
    return Number.isFinite(this.element.duration) && this.element.seekable.length > 0;
  }
  get position(): number {
    return this.element.currentTime * 1000;
  }
  /** True from `play()` until pause, end or close. */
  get playing(): boolean {
    return this.#playing;
  }
  /** Playing, but the element waits (for data, or for a user gesture): the position holds. */
  get stalled(): boolean {
    return this.#buffering;
  }

  play(): void {
    if (this.#closed || this.#failed || this.#playing) return;
    this.#playing = true;
    this.#start();
  }

  pause(): void {
    if (!this.#playing) return;
    this.#playing = false;
    this.#refused = false;
    // Pausing ends a buffering episode (the player's statechart says so): no `bufferingEnded`.
    this.#buffering = false;
    this.element.pause();
  }

  seek(position: number): void {
    if (this.#closed || this.#failed || !this.canSeek) return;
    if (typeof position !== 'number' || Number.isNaN(position)) return;
    const seconds = Math.min(Math.max(0, position / 1000), this.element.duration);
    this.element.currentTime = seconds;
  }

  setRate(rate: number): void {
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) return;
    this.element.playbackRate = rate;
  }

  setVolume(volume: number): void {
    if (typeof volume !== 'number' || !(volume >= 0 && volume <= 1)) return;
    this.element.volume = volume;
  }

  setMuted(muted: boolean): void {
    this.element.muted = Boolean(muted);
  }

  on<K extends keyof AudioTrackEventMap>(
    type: K,
    listener: (payload: AudioTrackEventMap[K]) => void,
  ): () => void {
    return this.#events.on(type, listener);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#playing = false;
    for (const off of this.#off) off();
    this.#events.clear();
    this.element.pause();
    this.element.removeAttribute('src');
    this.element.load();
    this.element.remove();
    this.#host.closed(this);
  }

  /** The engine may play again (a user gesture): a play the policy refused is tried again. */
  retry(): void {
    if (this.#refused && this.#playing && !this.#closed) this.#start();
  }

  #start(): void {
    this.element.play().then(
      () => {
        if (this.#closed) return;
        this.#refused = false;
        this.#host.allowed(this);
        if (this.#playing && !this.element.paused) this.#setBuffering(false);
      },
      (error: unknown) => {
        if (this.#closed || !this.#playing) return;
        if ((error as { name?: string })?.name !== 'NotAllowedError') return;
        this.#refused = true;
        this.#setBuffering(true);
        this.#host.refused(this);
      },
    );
  }

  #setBuffering(on: boolean): void {
    if (on === this.#buffering) return;
    this.#buffering = on;
    this.#events.emit(on ? 'bufferingStarted' : 'bufferingEnded', undefined);
  }

  #fail(error: MediaPlayerErrorKind, reason: string): void {
    if (this.#closed || this.#failed) return;
    this.#failed = true;
    this.#playing = false;
    this.#events.emit('failed', { error, message: `Playing \`${this.uri}\` failed: ${reason}` });
  }
}
