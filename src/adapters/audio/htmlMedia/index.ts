import { type Clock, systemClock } from '../../../clock.js';
import { Emitter } from '../../../emitter.js';
import { MediaError } from '../../../errors.js';
import { NextGesture } from '../nextGesture.js';
import type { AudioEngine, AudioEngineEventMap, AudioEngineState } from '../types.js';
import { elementErrorKind, elementErrorText, type HtmlMediaHost, HtmlMediaTrack } from './track.js';

export type { AudioEngineState } from '../types.js';
export type { HtmlMediaTrack } from './track.js';

/** Options of {@link createHtmlMediaAudio}. */
export interface HtmlMediaAudioOptions {
  /**
   * Milliseconds an `open` waits for the element to be able to play before it rejects with
   * `networkError` (default 30 000), so that a source that never answers cannot hang it.
   */
  openTimeoutMs?: number;
  /** The clock the open timeout runs on (default the system clock). */
  clock?: Clock;
  /** Where the elements go in the page (default nowhere: detached elements play as well). */
  container?: HTMLElement;
}

/** The `<audio>` element engine: an {@link AudioEngine} with one element per track. */
export interface HtmlMediaAudio extends AudioEngine {
  open(uri: string): Promise<HtmlMediaTrack>;
  /** Starts loading `uri` in an element of its own, so a later `open(uri)` resolves at once. */
  preload(uri: string): void;
  /** Closes every track and the preloaded element; later opens reject with `aborted`. */
  dispose(): void;
}

/**
 * Creates the `<audio>` element engine for a page: each opened source is an element of its
 * own, for long files and live streams (a stream's duration is `Infinity` and it cannot seek).
 * Joins between tracks are NOT gapless: the next element starts when the player tells it to,
 * after the previous one ended (use `createWebAudio` from `backbeat/audio/webAudio` for
 * sample-exact joins).
 *
 * `open` resolves once the element can play (`canplay`), and rejects with a `MediaError` quoting
 * the URI whose `error` is the element's error code: `MEDIA_ERR_SRC_NOT_SUPPORTED` →
 * `sourceNotSupported`, `MEDIA_ERR_NETWORK` → `networkError`, `MEDIA_ERR_DECODE` →
 * `decodingError`, `MEDIA_ERR_ABORTED` → `aborted`. A `play()` the autoplay policy refuses makes
 * `state` read `'suspended'` (with `stateChanged`) and the track report `bufferingStarted`; the
 * page's next `pointerdown` or `keydown` plays it (`bufferingEnded`, state `'running'`).
 *
 * @example
 * ```ts
 * import { createHtmlMediaAudio } from 'backbeat/audio/htmlMedia';
 * const audio = createHtmlMediaAudio();
 * audio.on('stateChanged', ({ state }) => (banner.hidden = state !== 'suspended'));
 * const track = await audio.open('https://radio.example/live.mp3');
 * track.play(); // track.duration === Infinity, track.canSeek === false
 * ```
 */
export function createHtmlMediaAudio(options: HtmlMediaAudioOptions = {}): HtmlMediaAudio {
  return new HtmlMediaEngine(options);
}

class HtmlMediaEngine implements HtmlMediaAudio {
  #timeout: number;
  #clock: Clock;
  #container: HTMLElement | undefined;
  #events = new Emitter<AudioEngineEventMap>();
  #tracks = new Set<HtmlMediaTrack>();
  #preloaded: { uri: string; element: HTMLAudioElement } | null = null;
  #state: AudioEngineState = 'running';
  #host: HtmlMediaHost = {
    refused: () => this.#set('suspended'),
    allowed: () => {
      if (this.#state === 'suspended') this.#set('running');
    },
    closed: (track) => this.#tracks.delete(track),
  };
  #gesture = new NextGesture(() => {
    this.#set('running');
    for (const track of this.#tracks) track.retry();
  });

  constructor(options: HtmlMediaAudioOptions) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(
        `createHtmlMediaAudio options must be an object, got \`${String(options)}\``,
      );
    }
    const timeout = options.openTimeoutMs ?? 30_000;
    if (!(Number.isFinite(timeout) && timeout > 0)) {
      throw new TypeError(`openTimeoutMs must be a positive number, got \`${String(timeout)}\``);
    }
    if (typeof document !== 'object') {
      throw new TypeError('createHtmlMediaAudio needs a page: `document` is not defined here');
    }
    this.#timeout = timeout;
    this.#clock = options.clock ?? systemClock;
    this.#container = options.container;
  }

  get state(): AudioEngineState {
    return this.#state;
  }

  on<K extends keyof AudioEngineEventMap>(
    type: K,
    listener: (payload: AudioEngineEventMap[K]) => void,
  ): () => void {
    return this.#events.on(type, listener);
  }

  preload(uri: string): void {
    if (this.#state === 'closed') return;
    const key = String(uri);
    if (this.#preloaded?.uri === key) return;
    this.#dropPreloaded();
    this.#preloaded = { uri: key, element: this.#element(key) };
  }

  async open(uri: string): Promise<HtmlMediaTrack> {
    const key = String(uri);
    if (this.#state === 'closed') {
      throw new MediaError('aborted', `Cannot open \`${key}\`: the audio engine was disposed`);
    }
    let element: HTMLAudioElement;
    if (this.#preloaded?.uri === key) {
      element = this.#preloaded.element;
      this.#preloaded = null;
    } else {
      element = this.#element(key);
    }
    try {
      await this.#ready(element, key);
    } catch (error) {
      discard(element);
      throw error;
    }
    const track = new HtmlMediaTrack(key, element, this.#host);
    this.#tracks.add(track);
    return track;
  }

  dispose(): void {
    if (this.#state === 'closed') return;
    for (const track of [...this.#tracks]) track.close();
    this.#dropPreloaded();
    this.#set('closed');
  }

  #element(uri: string): HTMLAudioElement {
    const element = document.createElement('audio');
    element.preload = 'auto';
    element.src = uri;
    this.#container?.append(element);
    return element;
  }

  #ready(element: HTMLAudioElement, uri: string): Promise<void> {
    if (element.error) return Promise.reject(openFailure(element, uri));
    if (element.readyState >= HTMLMediaElement.HAVE_FUTURE_DATA) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        element.removeEventListener('canplay', onReady);
        element.removeEventListener('error', onError);
        this.#clock.clearTimeout(timer);
      };
      const onReady = () => {
        done();
        resolve();
      };
      const onError = () => {
        done();
        reject(openFailure(element, uri));
      };
      const timer = this.#clock.setTimeout(() => {
        done();
        reject(
          new MediaError(
            'networkError',
            `Cannot open \`${uri}\`: the element could not play within ${this.#timeout} ms`,
          ),
        );
      }, this.#timeout);
      element.addEventListener('canplay', onReady);
      element.addEventListener('error', onError);
    });
  }

  #dropPreloaded(): void {
    if (this.#preloaded) discard(this.#preloaded.element);
    this.#preloaded = null;
  }

  #set(state: AudioEngineState): void {
    if (this.#state === 'closed' || state === this.#state) return;
    this.#state = state;
    if (state === 'suspended') this.#gesture.arm();
    else this.#gesture.disarm();
    this.#events.emit('stateChanged', { state });
  }
}

function openFailure(element: HTMLAudioElement, uri: string): MediaError {
  return new MediaError(
    elementErrorKind(element.error?.code),
    `Cannot open \`${uri}\`: ${elementErrorText(element)}`,
  );
}

function discard(element: HTMLAudioElement): void {
  element.removeAttribute('src');
  element.load();
  element.remove();
}
