import { decodeSource } from '#platform/audio/decode';
import { loadSource } from '#platform/audio/loader';
import { OPENS_EAGERLY, openOutput } from '#platform/audio/output';
import { Emitter } from '../../../emitter.js';
import { InvalidOperationError } from '../../../errors.js';
import type { AudioEngine, AudioEngineEventMap, AudioEngineState, AudioTrack } from '../types.js';
import type { DecodedAudio } from './decodedAudio.js';
import { openError } from './errors.js';
import type { Output, OutputKind, WebAudioRoute, WebAudioSink } from './outputTypes.js';
import type { InMemorySources } from './sources.js';
import { WebAudioTrack } from './track.js';

/** Options of `createWebAudio`. */
export interface WebAudioOptions {
  /** `'realtime'` (default) plays on an `AudioContext`; `'offline'` renders with `render()`. */
  mode?: 'realtime' | 'offline';
  /** Realtime output: `'auto'` (default), `'device'` or `'none'` (null sink). */
  sink?: WebAudioSink;
  /** Context sample rate. Realtime: optional (the device's). Offline: required. */
  sampleRate?: number;
  /** Realtime latency hint passed to the `AudioContext`. */
  latencyHint?: 'interactive' | 'balanced' | 'playback' | number;
  /** Realtime: ms between play/seek/rate calls and the sample they act on (default 30). */
  lookahead?: number;
  /** Offline: length of the render in ms (or give `length` in frames). */
  duration?: number;
  /** Offline: length of the render in sample frames. */
  length?: number;
  /** Offline: output channels (default 2). */
  numberOfChannels?: number;
  /** Encoded media held in memory, opened by their exact URI (e.g. `memory:intro`). */
  sources?: InMemorySources;
  /** Receives the one-line notice when realtime `'auto'` output falls back to the null sink. */
  onNotice?: (message: string) => void;
  /**
   * Browser, realtime: where the output goes. `'destination'` (default) plays to the context's
   * destination; `'mediaElement'` plays it through an `<audio>` element (a
   * `MediaStreamAudioDestinationNode`). Chromium 156 does not give such an element media focus,
   * so it does not bring Media Session controls: for those, use the Media Session adapter's
   * `silentAudio` option. Node ignores it.
   */
  route?: WebAudioRoute;
}

/** A rendered signal: one `Float32Array` per channel. */
export interface RenderedAudio {
  channels: Float32Array[];
  sampleRate: number;
  length: number;
}

/**
 * The Web Audio adapter: an {@link AudioEngine} with gapless chaining and offline rendering.
 * `state` reads `'suspended'` while a page's output waits for a user gesture (playing tracks
 * then report `bufferingStarted`, and `bufferingEnded` once it resumes on the next
 * `pointerdown`/`keydown`); in Node it reads `'running'` until `dispose()`.
 */
export interface WebAudio extends AudioEngine {
  open(uri: string): Promise<WebAudioTrack>;
  /**
   * `uri` plays after the most recently opened track: it is fetched and decoded now and, once
   * ready, scheduled to start on the exact sample that track ends. A later `open(uri)` returns
   * that track (already playing if it has started). Failures are kept quiet here; `open`
   * reports them.
   */
  preload(uri: string): void;
  /**
   * Chains `uri` after `after` (see `WebAudioTrack.link`) and resolves to the scheduled track;
   * a different unclaimed successor chained before is closed.
   */
  chain(after: AudioTrack, uri: string): Promise<WebAudioTrack>;
  /** Offline mode: renders everything scheduled; once. */
  render(): Promise<RenderedAudio>;
  /** What the output renders to, once it was opened (`null` before the first open). */
  readonly outputKind: OutputKind | null;
  /** The audio context, once opened. */
  readonly context: BaseAudioContext | null;
  /**
   * The node every track plays into (a gain of 1 before the destination), once opened: connect
   * an `AnalyserNode` or a recorder to it to see what is played.
   */
  readonly outputNode: AudioNode | null;
  /** The `<audio>` element the output plays through (browser route `'mediaElement'`), else `null`. */
  readonly element: HTMLAudioElement | null;
  dispose(): void;
}

/** Internal hooks (not public): a decoder to use instead of load + decode. */
export interface WebAudioInternals {
  decode?: (uri: string) => Promise<DecodedAudio>;
}

const MAX_CACHED = 4;
const MAX_IDLE = 2;

/**
 * The adapter; build it with `createWebAudio`, which returns one of these.
 */
export class WebAudioAdapter implements WebAudio {
  #options: WebAudioOptions;
  #internals: WebAudioInternals;
  #output: Output | null = null;
  #decoded = new Map<string, Promise<DecodedAudio>>();
  #tracks = new Set<WebAudioTrack>();
  #unclaimed: WebAudioTrack[] = [];
  #lastOpen: Promise<WebAudioTrack> | null = null;
  #opens = 0;
  #openedAt = new Map<string, number>();
  #chaining = new Map<WebAudioTrack, { uri: string; promise: Promise<WebAudioTrack> }>();
  #preloadToken: object | null = null;
  #abort = new AbortController();
  #disposed = false;
  #rendered = false;
  #host = { closed: (track: WebAudioTrack) => this.#forget(track) };
  #events = new Emitter<AudioEngineEventMap>();

  constructor(options: WebAudioOptions = {}, internals: WebAudioInternals = {}) {
    validate(options);
    this.#options = { ...options };
    this.#internals = internals;
    if (OPENS_EAGERLY && this.#options.mode !== 'offline') this.#ensureOutput();
  }

  get state(): AudioEngineState {
    if (this.#disposed) return 'closed';
    return this.#output?.state ?? 'running';
  }
  get outputNode(): AudioNode | null {
    return this.#output?.destination ?? null;
  }
  get element(): HTMLAudioElement | null {
    return this.#output?.element ?? null;
  }

  on<K extends keyof AudioEngineEventMap>(
    type: K,
    listener: (payload: AudioEngineEventMap[K]) => void,
  ): () => void {
    return this.#events.on(type, listener);
  }

  get outputKind(): OutputKind | null {
    return this.#output?.kind ?? null;
  }
  get context(): BaseAudioContext | null {
    return this.#output?.context ?? null;
  }

  open(uri: string): Promise<WebAudioTrack> {
    const key = String(uri);
    this.#openedAt.set(key, this.#opens++);
    const opening = this.#open(key);
    this.#lastOpen = opening;
    opening.then(
      (track) => this.#closeStrays(track),
      () => {},
    );
    return opening;
  }

  preload(uri: string): void {
    if (this.#disposed) return;
    const key = String(uri);
    const after = this.#lastOpen;
    const token = {};
    this.#preloadToken = token;
    this.#decode(key).catch(() => {});
    if (!after) return;
    after
      .then(async (track) => {
        if (this.#preloadToken !== token || track.closed || this.#disposed) return;
        if (track.next?.uri === key) return;
        await this.chain(track, key);
      })
      .catch(() => {});
  }

  async chain(after: AudioTrack, uri: string): Promise<WebAudioTrack> {
    if (!(after instanceof WebAudioTrack) || !this.#tracks.has(after)) {
      throw new InvalidOperationError(
        `chain needs a track opened by this adapter, got \`${String(after?.uri ?? after)}\``,
      );
    }
    const key = String(uri);
    if (after.next?.uri === key) return after.next;
    const pending = this.#chaining.get(after);
    if (pending?.uri === key) return pending.promise;
    const epoch = this.#opens;
    const promise = this.#create(key, false).then((track) => {
      // Opened meanwhile (the player went ahead without waiting): keep it, do not schedule it.
      if ((this.#openedAt.get(key) ?? -1) >= epoch || after.closed) {
        this.#park(track);
        return track;
      }
      const replaced = after.next;
      if (!after.link(track)) {
        this.#park(track);
        return track;
      }
      if (replaced && replaced !== track && !replaced.claimed) replaced.close();
      this.#unclaimed.push(track);
      return track;
    });
    this.#chaining.set(after, { uri: key, promise });
    const forget = () => {
      if (this.#chaining.get(after)?.promise === promise) this.#chaining.delete(after);
    };
    promise.then(forget, forget);
    return promise;
  }

  async render(): Promise<RenderedAudio> {
    if (this.#options.mode !== 'offline') {
      throw new InvalidOperationError('render() needs an adapter created with mode `offline`');
    }
    if (this.#disposed) throw new InvalidOperationError('render() after dispose()');
    if (this.#rendered) throw new InvalidOperationError('render() can run only once');
    this.#rendered = true;
    const context = this.#ensureOutput().context as OfflineAudioContext;
    const buffer = await context.startRendering();
    // The native `ended` of a source does not always arrive after an offline render: every
    // track the render took to its end reports it now (once; a late native one is ignored).
    const renderedTo = buffer.length / buffer.sampleRate;
    for (const track of [...this.#tracks]) track.renderedTo(renderedTo);
    const channels: Float32Array[] = [];
    for (let c = 0; c < buffer.numberOfChannels; c++) {
      channels.push(new Float32Array(buffer.getChannelData(c)));
    }
    return { channels, sampleRate: buffer.sampleRate, length: buffer.length };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#abort.abort();
    for (const track of [...this.#tracks]) track.close();
    this.#tracks.clear();
    this.#unclaimed = [];
    this.#decoded.clear();
    const before = this.#output?.state ?? 'running';
    void this.#output?.close();
    if (before !== 'closed') this.#events.emit('stateChanged', { state: 'closed' });
  }

  async #open(uri: string): Promise<WebAudioTrack> {
    if (this.#disposed) throw openError('aborted', uri, 'the audio adapter was disposed');
    const waiting = this.#takeUnclaimed(uri);
    if (waiting) {
      waiting.claim();
      return waiting;
    }
    return this.#create(uri, true);
  }

  async #create(uri: string, claimed: boolean): Promise<WebAudioTrack> {
    if (this.#disposed) throw openError('aborted', uri, 'the audio adapter was disposed');
    const decoded = await this.#decode(uri);
    this.#decoded.delete(uri);
    if (this.#disposed) throw openError('aborted', uri, 'the audio adapter was disposed');
    let output: Output;
    try {
      output = this.#ensureOutput();
    } catch (error) {
      throw openError(
        'unknown',
        uri,
        `the audio output could not be opened (${String(error)})`,
        error,
      );
    }
    let buffer: AudioBuffer;
    try {
      buffer = output.context.createBuffer(
        decoded.channels.length,
        decoded.length,
        decoded.sampleRate,
      );
      for (const [c, data] of decoded.channels.entries()) {
        buffer.copyToChannel(data as Float32Array<ArrayBuffer>, c);
      }
    } catch (error) {
      throw openError(
        'sourceNotSupported',
        uri,
        `${decoded.channels.length} channel(s) at ${decoded.sampleRate} Hz cannot be played (${String(error)})`,
        error,
      );
    }
    const track = new WebAudioTrack(uri, buffer, output, this.#host, claimed);
    this.#tracks.add(track);
    return track;
  }

  #decode(uri: string): Promise<DecodedAudio> {
    let pending = this.#decoded.get(uri);
    if (!pending) {
      pending = this.#internals.decode
        ? this.#internals.decode(uri)
        : loadSource(uri, { sources: this.#options.sources, signal: this.#abort.signal }).then(
            (bytes) =>
              decodeSource(bytes, uri, OPENS_EAGERLY ? this.#ensureOutput().context : undefined),
          );
      this.#decoded.set(uri, pending);
      pending.catch(() => {
        if (this.#decoded.get(uri) === pending) this.#decoded.delete(uri);
      });
      while (this.#decoded.size > MAX_CACHED) {
        const oldest = this.#decoded.keys().next().value as string;
        this.#decoded.delete(oldest);
      }
    }
    return pending;
  }

  #ensureOutput(): Output {
    if (this.#output) return this.#output;
    const o = this.#options;
    const output =
      o.mode === 'offline'
        ? openOutput({
            mode: 'offline',
            sampleRate: o.sampleRate as number,
            length:
              o.length ??
              Math.max(1, Math.ceil(((o.duration as number) * (o.sampleRate as number)) / 1000)),
            numberOfChannels: o.numberOfChannels ?? 2,
          })
        : openOutput({
            mode: 'realtime',
            ...(o.sink === undefined ? {} : { sink: o.sink }),
            ...(o.sampleRate === undefined ? {} : { sampleRate: o.sampleRate }),
            ...(o.latencyHint === undefined ? {} : { latencyHint: o.latencyHint }),
            ...(o.lookahead === undefined ? {} : { lookahead: o.lookahead / 1000 }),
            ...(o.onNotice === undefined ? {} : { onNotice: o.onNotice }),
            route: o.route ?? defaultRoute(),
          });
    this.#output = output;
    output.onStateChange((state) => {
      if (this.#disposed) return;
      for (const track of this.#tracks) track.outputBlocked(state === 'suspended');
      this.#events.emit('stateChanged', { state });
    });
    const failTracks = () => {
      if (this.#disposed) return;
      for (const track of this.#tracks) {
        track.fail('unknown', `The audio output closed while \`${track.uri}\` was open`);
      }
    };
    // An offline context reads `closed` once its render is done: that is no failure (a track
    // the render took to its end reports `ended`, see render()).
    output.context.addEventListener('statechange', () => {
      if (output.context.state === 'closed' && output.kind !== 'offline') failTracks();
    });
    // The native `statechange` for `closed` does not always arrive, and the state may still
    // read `running` for a while after close() settles: a close made through the context
    // fails the open tracks at the call, when the output stops being usable.
    const realtime = output.context as { close?: () => Promise<void> };
    if (typeof realtime.close === 'function') {
      const close = realtime.close.bind(realtime);
      realtime.close = () => {
        failTracks();
        return close();
      };
    }
    return output;
  }

  /** An unclaimed track for `uri`: the one chained after the last opened track first. */
  #takeUnclaimed(uri: string): WebAudioTrack | null {
    const candidates = this.#unclaimed.filter((t) => t.uri === uri && !t.closed);
    const pick = candidates.find((t) => t.playing) ?? candidates[0] ?? null;
    if (pick) this.#unclaimed = this.#unclaimed.filter((t) => t !== pick);
    return pick;
  }

  /** After `opened` was opened, unclaimed tracks that sound on their own are strays: close them. */
  #closeStrays(opened: WebAudioTrack): void {
    for (const track of [...this.#unclaimed]) {
      if (track !== opened && track.playing && track.startTime !== null) {
        const sounding = this.context !== null && track.startTime <= this.context.currentTime;
        if (sounding) track.close();
      }
    }
  }

  /** Keeps an unlinked unclaimed track for a later open, closing the oldest beyond a few. */
  #park(track: WebAudioTrack): void {
    this.#unclaimed.push(track);
    const idle = this.#unclaimed.filter((t) => !t.playing && !t.next);
    for (const stale of idle.slice(0, Math.max(0, idle.length - MAX_IDLE))) stale.close();
  }

  #forget(track: WebAudioTrack): void {
    this.#tracks.delete(track);
    this.#unclaimed = this.#unclaimed.filter((t) => t !== track);
  }
}

/** Output goes straight to the context's destination unless asked otherwise. */
function defaultRoute(): WebAudioRoute {
  return 'destination';
}

function validate(options: WebAudioOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`createWebAudio options must be an object, got \`${String(options)}\``);
  }
  const { mode = 'realtime', sampleRate, duration, length } = options;
  if (mode !== 'realtime' && mode !== 'offline') {
    throw new TypeError(`mode must be 'realtime' or 'offline', got \`${String(mode)}\``);
  }
  if (sampleRate !== undefined && !(Number.isFinite(sampleRate) && sampleRate > 0)) {
    throw new TypeError(`sampleRate must be a positive number, got \`${String(sampleRate)}\``);
  }
  if (options.sink !== undefined && !['auto', 'device', 'none'].includes(options.sink)) {
    throw new TypeError(`sink must be 'auto', 'device' or 'none', got \`${String(options.sink)}\``);
  }
  if (options.route !== undefined && !['destination', 'mediaElement'].includes(options.route)) {
    throw new TypeError(
      `route must be 'destination' or 'mediaElement', got \`${String(options.route)}\``,
    );
  }
  if (mode !== 'offline') return;
  if (sampleRate === undefined) {
    throw new TypeError('createWebAudio: offline mode needs a sampleRate, got `undefined`');
  }
  if (length !== undefined && !(Number.isInteger(length) && length > 0)) {
    throw new TypeError(`length must be a positive integer of frames, got \`${String(length)}\``);
  }
  if (duration !== undefined && !(Number.isFinite(duration) && duration > 0)) {
    throw new TypeError(`duration must be a positive number of ms, got \`${String(duration)}\``);
  }
  if (length === undefined && duration === undefined) {
    throw new TypeError('createWebAudio: offline mode needs a duration (ms) or length (frames)');
  }
}
