import { NextGesture } from '../nextGesture.js';
import type { AudioEngineState } from '../types.js';
import { DEFAULT_LOOKAHEAD, type Output, type OutputOptions } from './outputTypes.js';

export type { Output, OutputKind, OutputOptions, WebAudioSink } from './outputTypes.js';
export { DEFAULT_LOOKAHEAD } from './outputTypes.js';

/**
 * A page opens its output when the engine is created, so that its state is known at once and
 * the first user gesture on the page (a Play button) can resume it.
 */
export const OPENS_EAGERLY = true;

/** The page events that count as a user gesture for the autoplay policy. */

/**
 * Opens the page's output. Offline: an `OfflineAudioContext`. Realtime: one `AudioContext`
 * (`sink: 'none'` asks for Chrome's silent sink), tracks playing into a gain of 1 that goes to
 * the context's destination, or, with `route: 'mediaElement'`, into a
 * `MediaStreamAudioDestinationNode` played by an `<audio>` element.
 *
 * The state reads `suspended` while the context is not running or the element's `play()` was
 * refused (`NotAllowedError`); while suspended, the next `pointerdown` or `keydown` on the page
 * resumes both.
 */
export function openOutput(options: OutputOptions): Output {
  if (typeof OfflineAudioContext === 'undefined') {
    throw new TypeError(
      'createWebAudio needs a page: there is no `AudioContext` here (a Web Worker has none); in a worker, use connectAudio from `backbeat/audio/bridge` against an engine the page serves',
    );
  }
  if (options.mode === 'offline') {
    const context = new OfflineAudioContext({
      numberOfChannels: options.numberOfChannels ?? 2,
      length: options.length,
      sampleRate: options.sampleRate,
    });
    const destination = context.createGain();
    destination.connect(context.destination);
    return {
      kind: 'offline',
      context,
      destination,
      lookahead: 0,
      element: null,
      state: 'running',
      onStateChange: () => () => {},
      resume() {},
      close: () => Promise.resolve(),
    };
  }
  const init: AudioContextOptions & { sinkId?: unknown } = {};
  if (options.sampleRate !== undefined) init.sampleRate = options.sampleRate;
  if (options.latencyHint !== undefined) init.latencyHint = options.latencyHint;
  if (options.sink === 'none') init.sinkId = { type: 'none' };
  const context = new AudioContext(init);
  return new PageOutput(context, options.route ?? 'destination', options.lookahead);
}

class PageOutput implements Output {
  readonly kind;
  readonly context: AudioContext;
  readonly destination: GainNode;
  readonly lookahead: number;
  readonly element: HTMLAudioElement | null;
  #listeners = new Set<(state: AudioEngineState) => void>();
  #state: AudioEngineState;
  #elementRefused = false;
  #closing: Promise<void> | null = null;
  #gesture = new NextGesture(() => this.resume());

  constructor(context: AudioContext, route: 'destination' | 'mediaElement', lookahead?: number) {
    this.context = context;
    this.lookahead = lookahead ?? DEFAULT_LOOKAHEAD;
    this.destination = context.createGain();
    if (route === 'mediaElement') {
      const stream = context.createMediaStreamDestination();
      this.destination.connect(stream);
      const element = document.createElement('audio');
      element.srcObject = stream.stream;
      this.element = element;
      this.kind = 'mediaElement' as const;
    } else {
      this.destination.connect(context.destination);
      this.element = null;
      this.kind = 'device' as const;
    }
    this.#state = this.#read();
    context.addEventListener('statechange', () => this.#update());
    this.#playElement();
    this.#update();
  }

  get state(): AudioEngineState {
    return this.#state;
  }

  onStateChange(listener: (state: AudioEngineState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  resume(): void {
    if (this.#state === 'closed') return;
    if (this.context.state !== 'running' && this.context.state !== 'closed') {
      this.context.resume().then(
        () => this.#update(),
        () => {},
      );
    }
    this.#playElement();
  }

  close(): Promise<void> {
    if (!this.#closing) {
      this.#gesture.disarm();
      if (this.element) {
        this.element.pause();
        this.element.srcObject = null;
      }
      this.#closing = this.context.state === 'closed' ? Promise.resolve() : this.context.close();
      this.#closing = this.#closing.catch(() => {}).then(() => this.#update());
      this.#set('closed');
    }
    return this.#closing;
  }

  #playElement(): void {
    const element = this.element;
    if (!element || this.#state === 'closed' || !element.paused) return;
    element.play().then(
      () => {
        this.#elementRefused = false;
        this.#update();
      },
      (error: unknown) => {
        this.#elementRefused = (error as { name?: string })?.name === 'NotAllowedError';
        this.#update();
      },
    );
  }

  #read(): AudioEngineState {
    if (this.#closing || this.context.state === 'closed') return 'closed';
    if (this.context.state !== 'running' || this.#elementRefused) return 'suspended';
    return 'running';
  }

  #update(): void {
    this.#set(this.#read());
  }

  #set(state: AudioEngineState): void {
    if (state === 'suspended') this.#gesture.arm();
    else this.#gesture.disarm();
    if (state === this.#state) return;
    this.#state = state;
    for (const listener of [...this.#listeners]) listener(state);
  }
}

/** A page cannot tell whether the machine has a sound device: it always answers true. */
export function likelyHasAudioDevice(): boolean {
  return true;
}
