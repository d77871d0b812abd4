import { type Actor, createActor } from 'xstate';
import type { AudioAdapter, AudioTrack } from '../../adapters/audio/types.js';
import type { Clock } from '../../clock.js';
import { Emitter } from '../../emitter.js';
import { InvalidOperationError, type MediaPlayerErrorKind } from '../../errors.js';
import {
  type MediaPlayerEmitted,
  type MediaPlayerFailure,
  type MediaPlayerState,
  mediaPlayerMachine,
} from '../../machines/mediaPlayer.js';
import { mediaPlayerErrorKinds, type PlayerSnapshot } from '../../protocol.js';
import { raiseLater } from './eventQueue.js';
import {
  isMediaPlaybackItem,
  isMediaSource,
  type MediaPlaybackItem,
  type MediaSource,
} from './mediaSource.js';
import {
  type CurrentItemChangedEvent,
  isMediaPlaybackList,
  type MediaPlaybackList,
} from './playbackList.js';
import { sameSnapshotIgnoringPosition, snapshotItem } from './playerSnapshot.js';
import { SystemMediaTransportControls } from './systemMediaTransportControls.js';
import { resolveEnvironment, type TaskEnvironment } from './taskEnvironment.js';

/** Brand of {@link MediaPlayer} objects. */
const mediaPlayerBrand: unique symbol = Symbol.for('backbeat.MediaPlayer');

/** What `source` accepts (IMediaPlaybackSource). */
export type MediaPlayerSource = MediaSource | MediaPlaybackItem | MediaPlaybackList;

/** Payload of the MediaPlayer events that carry no data. */
export type EmptyEventArgs = Record<string, never>;

/** Events of a {@link MediaPlayer}. */
export interface MediaPlayerEventMap {
  mediaOpened: EmptyEventArgs;
  mediaEnded: EmptyEventArgs;
  mediaFailed: MediaPlayerFailure;
  currentStateChanged: { state: MediaPlayerState };
  seekCompleted: EmptyEventArgs;
  /** Volume or mute changed. */
  volumeChanged: EmptyEventArgs;
  bufferingStarted: EmptyEventArgs;
  bufferingEnded: EmptyEventArgs;
  mediaPlayerRateChanged: { newRate: number };
  /** Anything in {@link MediaPlayer.getSnapshot} changed, other than the position moving on. */
  snapshotChanged: PlayerSnapshot;
}

/** @internal Sees a player event as it is raised (see `MediaPlayer._observe`). */
export type MediaPlayerObserver = <K extends keyof MediaPlayerEventMap>(
  type: K,
  payload: MediaPlayerEventMap[K],
) => void;

/**
 * Options of {@link MediaPlayer}: the parts of the task's environment it runs with. Each part
 * left out is the running task's (its clock, its audio adapter, its inspection observer);
 * outside every task the clock is the system clock and nothing inspects. `audio` is needed
 * from one or the other.
 */
export type MediaPlayerOptions = Partial<TaskEnvironment>;

const mediaErrorKinds: readonly string[] = mediaPlayerErrorKinds;

function toFailure(error: unknown, uri: string): MediaPlayerFailure {
  const e = error as { error?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (typeof e?.error === 'string' && mediaErrorKinds.includes(e.error)) {
    return { error: e.error as MediaPlayerErrorKind, errorMessage: message };
  }
  return { error: 'unknown', errorMessage: `Opening \`${uri}\` failed: ${message}` };
}

function checkType(member: string, value: unknown, type: 'number' | 'boolean'): void {
  if (typeof value !== type) {
    throw new TypeError(`MediaPlayer.${member} expects a ${type}, got \`${String(value)}\``);
  }
}

/**
 * The real MediaPlayer of a background task (`taskInstance.backgroundMediaPlayer.current`).
 * Plays a MediaSource, a MediaPlaybackItem or a MediaPlaybackList through an audio adapter,
 * driven by the mediaPlayer statechart; the foreground talks to it through a proxy.
 *
 * With a MediaPlaybackList the player plays the list's current item, moves the list on when
 * an item ends (`endOfStream`) or fails (`error`, after `mediaFailed` and the list's
 * `itemFailed`), keeps playing across items, and preloads the next item where the adapter
 * can (at once, or `maxPrefetchTime` before the current item ends). At the end of the list it
 * raises `mediaEnded` and closes.
 *
 * Events are raised as WinRT raises them: never inside the call that caused them, but once it
 * has returned (on a microtask), in the order they happened, together with the events of the
 * player's MediaPlaybackList. A listener added right after a call still hears what the call
 * caused; by the time a listener runs, the player's properties already show the change.
 *
 * @example
 * ```ts
 * const player = new MediaPlayer({ clock, audio: createVirtualAudio({ clock }) });
 * player.on('currentStateChanged', ({ state }) => console.log(state));
 * player.source = MediaSource.createFromUri('virtual:song?duration=180000');
 * // opening -> playing (autoPlay), then paused at the end
 * ```
 */
export class MediaPlayer {
  readonly [mediaPlayerBrand] = true;
  #clock: Clock;
  #audio: AudioAdapter;
  #actor: Actor<typeof mediaPlayerMachine>;
  #events = new Emitter<MediaPlayerEventMap>();
  #observers = new Set<MediaPlayerObserver>();
  #pending: MediaPlayerEmitted[] = [];
  #source: MediaPlayerSource | null = null;
  #item: MediaPlaybackItem | null = null;
  #track: AudioTrack | null = null;
  #trackOff: Array<() => void> = [];
  #openToken = 0;
  #listOff: Array<() => void> = [];
  #forcePlay = false;
  #applied: { volume: number; muted: boolean | null; rate: number } = {
    volume: Number.NaN,
    muted: null,
    rate: Number.NaN,
  };
  #prefetchTimer: unknown = null;
  #prefetched: MediaPlaybackItem | null = null;
  #published: PlayerSnapshot | null = null;
  #controls: SystemMediaTransportControls | null = null;
  #disposed = false;
  #constructed = false;
  /** A position set while the media opens: applied on open, as WinRT does. */
  #pendingSeek: number | null = null;

  constructor(options?: MediaPlayerOptions) {
    const { clock, audio, inspect } = resolveEnvironment(options);
    if (!audio || typeof audio.open !== 'function') {
      throw new TypeError(
        `MediaPlayer needs an audio adapter with open(), got \`${String(audio)}\``,
      );
    }
    this.#audio = audio;
    this.#clock = clock;
    this.#actor = createActor(mediaPlayerMachine, { clock, inspect, input: {} });
    this.#actor.on('*', (e) => this.#pending.push(e));
    this.#actor.subscribe(() => this.#flush());
    this.#actor.start();
    // The initial state is no change: nobody hears of it.
    this.#constructed = true;
  }

  /** Closed, opening, buffering, playing, paused or stopped. */
  get currentState(): MediaPlayerState {
    return this.#actor.getSnapshot().value as MediaPlayerState;
  }

  /** Position in ms, from the audio adapter's clock. Setting it seeks. */
  get position(): number {
    return this.#pendingSeek ?? this.#track?.position ?? 0;
  }
  set position(ms: number) {
    this.seek(ms);
  }

  /** Duration of the open media in ms (0 while nothing is open). */
  get naturalDuration(): number {
    return this.#context().naturalDuration;
  }

  /** 0–1; values outside the range are ignored. */
  get volume(): number {
    return this.#context().volume;
  }
  set volume(value: number) {
    this.setVolume(value);
  }

  get isMuted(): boolean {
    return this.#context().isMuted;
  }
  set isMuted(value: boolean) {
    this.setMuted(value);
  }

  /** Speed ratio (> 0); other values are ignored. */
  get playbackRate(): number {
    return this.#context().playbackRate;
  }
  set playbackRate(value: number) {
    this.setPlaybackRate(value);
  }

  /** Start playing as soon as a source opens (default true). */
  get autoPlay(): boolean {
    return this.#context().autoPlay;
  }
  set autoPlay(value: boolean) {
    this.setAutoPlay(value);
  }

  /** Restart the media at its end instead of ending. */
  get isLoopingEnabled(): boolean {
    return this.#context().isLoopingEnabled;
  }
  set isLoopingEnabled(value: boolean) {
    this.setLoopingEnabled(value);
  }

  /** 0–1: how much of the data needed to resume has arrived. */
  get bufferingProgress(): number {
    return this.#context().bufferingProgress;
  }

  get canSeek(): boolean {
    return this.#context().canSeek;
  }

  get canPause(): boolean {
    return this.#context().canPause;
  }

  /** What plays: a MediaSource, MediaPlaybackItem or MediaPlaybackList, or null. */
  get source(): MediaPlayerSource | null {
    return this.#source;
  }
  set source(value: MediaPlayerSource | null) {
    if (
      value !== null &&
      !isMediaSource(value) &&
      !isMediaPlaybackItem(value) &&
      !isMediaPlaybackList(value)
    ) {
      throw new TypeError(
        `MediaPlayer.source expects a MediaSource, MediaPlaybackItem, MediaPlaybackList or null, got \`${String(value)}\``,
      );
    }
    this.#assertLive('source');
    this.#detachList();
    this.#openToken++;
    this.#closeTrack();
    this.#source = value;
    this.#item = null;
    if (value === null) {
      this.#actor.send({ type: 'SET_SOURCE', source: null });
    } else if (isMediaSource(value)) {
      this.#open(value.uri, false);
    } else if (isMediaPlaybackItem(value)) {
      this.#item = value;
      this.#open(value.source.uri, false);
    } else {
      this.#attachList(value);
    }
  }

  /**
   * The system media transport controls of this player (background only): one instance per
   * player, the one the system's controls (headset, media keys) talk to.
   */
  get systemMediaTransportControls(): SystemMediaTransportControls {
    this.#controls ??= new SystemMediaTransportControls();
    return this.#controls;
  }

  /** @internal Attaches the SystemMediaTransportControls instance built for this player. */
  _attachControls(smtc: SystemMediaTransportControls): void {
    this.#controls = smtc;
  }

  /**
   * Starts or resumes playback. While opening, playback starts once the media is open. With a
   * list that has no current item (ended or not started), the list starts from its first item.
   *
   * @example
   * ```ts
   * player.autoPlay = false;
   * player.source = list;
   * player.play();
   * ```
   */
  play(): void {
    this.#assertLive('play');
    const list = this.#list();
    if (list && list.currentItem === null && list.items.length > 0) {
      this.#withPlayIntent(true, () => list._start());
      return;
    }
    this.#actor.send({ type: 'PLAY' });
  }

  /**
   * Pauses playback, keeping the position.
   *
   * @example
   * ```ts
   * player.pause();
   * ```
   */
  pause(): void {
    this.#assertLive('pause');
    this.#actor.send({ type: 'PAUSE' });
  }

  /**
   * Moves to `ms` (clamped to the media); `seekCompleted` follows, once `position` reads the
   * new value. While the media opens, the position is kept and applied when it is open
   * (`mediaOpened`, then `seekCompleted`). Ignored when the media cannot seek. Throws a
   * `RangeError` for a non-finite position.
   *
   * @example
   * ```ts
   * player.seek(30_000);
   * ```
   */
  seek(ms: number): void {
    this.#assertLive('seek');
    checkType('position', ms, 'number');
    if (!Number.isFinite(ms)) {
      throw new RangeError(
        `MediaPlayer.position must be a finite number of ms, got \`${String(ms)}\``,
      );
    }
    if (this.currentState === 'opening') {
      // Kept for the media being opened (the sample sets it from currentItemChanged).
      this.#pendingSeek = Math.max(0, ms);
      this.#publish(true);
      return;
    }
    this.#actor.send({ type: 'SEEK', position: ms });
  }

  /**
   * Sets the volume (0–1); other numbers are ignored, as in WinRT.
   *
   * @example
   * ```ts
   * player.setVolume(0.5);
   * ```
   */
  setVolume(volume: number): void {
    this.#assertLive('volume');
    checkType('volume', volume, 'number');
    this.#actor.send({ type: 'SET_VOLUME', volume });
  }

  /**
   * Mutes or unmutes; `volumeChanged` follows a change.
   *
   * @example
   * ```ts
   * player.setMuted(true);
   * ```
   */
  setMuted(muted: boolean): void {
    this.#assertLive('isMuted');
    checkType('isMuted', muted, 'boolean');
    this.#actor.send({ type: 'SET_MUTED', muted });
  }

  /**
   * Sets the speed ratio; non-finite or non-positive values are ignored.
   *
   * @example
   * ```ts
   * player.setPlaybackRate(1.5);
   * ```
   */
  setPlaybackRate(rate: number): void {
    this.#assertLive('playbackRate');
    checkType('playbackRate', rate, 'number');
    this.#actor.send({ type: 'SET_RATE', rate });
  }

  /**
   * Whether opened media starts playing by itself.
   *
   * @example
   * ```ts
   * player.setAutoPlay(false);
   * ```
   */
  setAutoPlay(enabled: boolean): void {
    this.#assertLive('autoPlay');
    checkType('autoPlay', enabled, 'boolean');
    this.#actor.send({ type: 'SET_AUTOPLAY', enabled });
  }

  /**
   * Whether the media restarts at its end.
   *
   * @example
   * ```ts
   * player.setLoopingEnabled(true);
   * ```
   */
  setLoopingEnabled(enabled: boolean): void {
    this.#assertLive('isLoopingEnabled');
    checkType('isLoopingEnabled', enabled, 'boolean');
    this.#actor.send({ type: 'SET_LOOPING', enabled });
  }

  /**
   * The player's observable state as plain, structured-cloneable data.
   *
   * @example
   * ```ts
   * const { currentState, position, currentItem } = player.getSnapshot();
   * ```
   */
  getSnapshot(): PlayerSnapshot {
    const c = this.#context();
    return {
      currentState: this.currentState,
      position: this.position,
      naturalDuration: c.naturalDuration,
      volume: c.volume,
      isMuted: c.isMuted,
      playbackRate: c.playbackRate,
      autoPlay: c.autoPlay,
      isLoopingEnabled: c.isLoopingEnabled,
      bufferingProgress: c.bufferingProgress,
      canSeek: c.canSeek,
      canPause: c.canPause,
      currentItem: this.#snapshotItem(),
    };
  }

  /**
   * Adds an event listener; returns a function that removes it.
   *
   * @example
   * ```ts
   * const off = player.on('mediaFailed', ({ error, errorMessage }) => console.warn(error, errorMessage));
   * off();
   * ```
   */
  on<K extends keyof MediaPlayerEventMap>(
    type: K,
    listener: (payload: MediaPlayerEventMap[K]) => void,
  ): () => void {
    return this.#events.on(type, listener);
  }

  /**
   * Stops playback, closes the open track, clears timers and listeners. Later calls to
   * methods and setters throw an `InvalidOperationError`.
   *
   * @example
   * ```ts
   * taskInstance.on('canceled', () => { player.dispose(); deferral.complete(); });
   * ```
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#openToken++;
    this.#detachList();
    this.#closeTrack();
    this.#actor.stop();
    this.#pending = [];
    this.#events.clear();
    this.#observers.clear();
  }

  /**
   * @internal Sees every event at the moment it is raised, before the task's listeners get it
   * (the relay to the foreground uses this, so the foreground hears of a change before any
   * call that caused it returns). Returns a function that removes the observer.
   */
  _observe(observer: MediaPlayerObserver): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  #raise<K extends keyof MediaPlayerEventMap>(type: K, payload: MediaPlayerEventMap[K]): void {
    if (!this.#constructed) return;
    raiseLater(() => this.#events.emit(type, payload));
    for (const observer of [...this.#observers]) observer(type, payload);
  }

  #context() {
    return this.#actor.getSnapshot().context;
  }

  #assertLive(member: string): void {
    if (this.#disposed) {
      throw new InvalidOperationError(`MediaPlayer.${member} was used after dispose()`);
    }
  }

  #list(): MediaPlaybackList | null {
    return isMediaPlaybackList(this.#source) ? this.#source : null;
  }

  #wantsPlay(): boolean {
    const s = this.#actor.getSnapshot();
    return (
      s.matches('playing') ||
      s.matches('buffering') ||
      (s.matches('opening') && s.context.playRequested)
    );
  }

  /** Runs `fn` (which may move the list on) telling the next open whether to play. */
  #withPlayIntent(play: boolean, fn: () => void): void {
    const saved = this.#forcePlay;
    this.#forcePlay = play;
    try {
      fn();
    } finally {
      this.#forcePlay = saved;
    }
  }

  #open(uri: string, play: boolean): void {
    const token = ++this.#openToken;
    this.#pendingSeek = null;
    this.#closeTrack();
    this.#actor.send({ type: 'SET_SOURCE', source: uri, play });
    let opening: Promise<AudioTrack>;
    try {
      opening = Promise.resolve(this.#audio.open(uri));
    } catch (error) {
      opening = Promise.reject(error);
    }
    opening.then(
      (track) => {
        if (token !== this.#openToken || this.#disposed) {
          track.close();
          return;
        }
        const seekTo = this.#pendingSeek;
        this.#pendingSeek = null;
        if (seekTo !== null && track.canSeek) track.seek(seekTo);
        this.#attachTrack(track);
        this.#actor.send({ type: 'OPENED', duration: track.duration, canSeek: track.canSeek });
        if (seekTo !== null && track.canSeek) this.#actor.send({ type: 'SEEK_COMPLETED' });
      },
      (error: unknown) => {
        if (token !== this.#openToken || this.#disposed) return;
        this.#fail('OPEN_FAILED', toFailure(error, uri));
      },
    );
  }

  #attachTrack(track: AudioTrack): void {
    this.#track = track;
    this.#applied = { volume: Number.NaN, muted: null, rate: Number.NaN };
    this.#applyOutputSettings();
    const mine = () => this.#track === track;
    this.#trackOff = [
      track.on('bufferingStarted', () => {
        if (mine()) this.#actor.send({ type: 'BUFFERING_STARTED' });
      }),
      track.on('bufferingEnded', () => {
        if (mine()) this.#actor.send({ type: 'BUFFERING_ENDED' });
      }),
      track.on('ended', () => {
        if (mine()) this.#onTrackEnded();
      }),
      track.on('failed', ({ error, message }) => {
        if (mine()) this.#fail('FAILED', { error, errorMessage: message });
      }),
    ];
  }

  #closeTrack(): void {
    this.#pendingSeek = null;
    for (const off of this.#trackOff.splice(0)) off();
    const track = this.#track;
    this.#track = null;
    track?.close();
    this.#clearPrefetchTimer();
  }

  #fail(type: 'OPEN_FAILED' | 'FAILED', failure: MediaPlayerFailure): void {
    const play = this.#wantsPlay();
    const item = this.#item;
    this.#closeTrack();
    if (type === 'OPEN_FAILED') this.#actor.send({ type: 'OPEN_FAILED', ...failure });
    else this.#actor.send({ type: 'FAILED', ...failure });
    const list = this.#list();
    if (list && item) this.#withPlayIntent(play, () => list._itemFailed(item, failure));
  }

  #onTrackEnded(): void {
    const list = this.#list();
    const item = this.#item;
    if (!list || !item || this.#context().isLoopingEnabled) {
      this.#actor.send({ type: 'ENDED' });
      return;
    }
    this.#withPlayIntent(true, () => list._itemEnded(item));
  }

  #attachList(list: MediaPlaybackList): void {
    this.#listOff = [
      list._onCurrentItemChanged((e) => this.#onListItemChanged(e)),
      list._onItemsChanged(() => {
        if (list._state === 'idle') list._start();
      }),
    ];
    const current = list.currentItem;
    if (current) {
      this.#item = current;
      this.#open(current.source.uri, false);
    } else if (list.items.length > 0) {
      list._start();
    } else {
      this.#actor.send({ type: 'SET_SOURCE', source: null });
    }
  }

  #detachList(): void {
    for (const off of this.#listOff.splice(0)) off();
  }

  #onListItemChanged(e: CurrentItemChangedEvent): void {
    if (this.#disposed) return;
    if (e.newItem === null) {
      this.#item = null;
      if (e.reason === 'endOfStream') this.#actor.send({ type: 'ENDED' });
      this.#openToken++;
      this.#closeTrack();
      this.#actor.send({ type: 'SET_SOURCE', source: null });
      return;
    }
    const play = this.#forcePlay || this.#wantsPlay();
    this.#item = e.newItem;
    this.#open(e.newItem.source.uri, play);
  }

  /** Runs after every processed machine event: commands, then events, then the snapshot. */
  #flush(): void {
    let seeked = false;
    for (const e of this.#pending.splice(0)) {
      if (this.#disposed) return;
      switch (e.type) {
        case 'startOutput':
          this.#track?.play();
          break;
        case 'pauseOutput':
          this.#track?.pause();
          break;
        case 'seekTo':
          this.#track?.seek(e.position);
          seeked = true;
          if (e.reason === 'seek') this.#actor.send({ type: 'SEEK_COMPLETED' });
          break;
        default: {
          const { type, ...payload } = e;
          this.#raise(type, payload as never);
          const list = this.#list();
          if (type === 'mediaOpened' && list && this.#item) list._itemOpened(this.#item);
        }
      }
    }
    if (this.#disposed) return;
    this.#applyOutputSettings();
    this.#updatePrefetch();
    this.#publish(seeked);
  }

  #applyOutputSettings(): void {
    const track = this.#track;
    if (!track) return;
    const c = this.#context();
    if (this.#applied.volume !== c.volume) track.setVolume(c.volume);
    if (this.#applied.muted !== c.isMuted) track.setMuted(c.isMuted);
    if (this.#applied.rate !== c.playbackRate) track.setRate(c.playbackRate);
    this.#applied = { volume: c.volume, muted: c.isMuted, rate: c.playbackRate };
  }

  #clearPrefetchTimer(): void {
    if (this.#prefetchTimer !== null) this.#clock.clearTimeout(this.#prefetchTimer);
    this.#prefetchTimer = null;
  }

  /** Preloads the list's next item once the current one is within `maxPrefetchTime` of its end. */
  #updatePrefetch(): void {
    this.#clearPrefetchTimer();
    const list = this.#list();
    const item = this.#item;
    const track = this.#track;
    if (!list || !item || !track || !this.#audio.preload || this.#prefetched === item) return;
    const next = list._peekNext();
    if (!next) return;
    const lead = list.maxPrefetchTime;
    const remaining = track.duration - track.position;
    if (lead === null || remaining <= lead + 1e-6) {
      this.#prefetched = item;
      this.#audio.preload(next.source.uri);
      return;
    }
    if (this.currentState !== 'playing' || !Number.isFinite(remaining)) return;
    this.#prefetchTimer = this.#clock.setTimeout(
      () => {
        this.#prefetchTimer = null;
        if (!this.#disposed) this.#updatePrefetch();
      },
      (remaining - lead) / this.#context().playbackRate,
    );
  }

  #snapshotItem(): PlayerSnapshot['currentItem'] {
    const source = this.#source;
    if (source === null) return null;
    if (isMediaSource(source)) return snapshotItem(0, source.uri, source.customProperties);
    const item = this.#item;
    if (!item) return null;
    const list = this.#list();
    const index = list ? list.items.indexOf(item) : 0;
    return snapshotItem(index, item.source.uri, item.source.customProperties);
  }

  #publish(force: boolean): void {
    const next = this.getSnapshot();
    if (!force && this.#published && sameSnapshotIgnoringPosition(this.#published, next)) return;
    this.#published = next;
    this.#raise('snapshotChanged', next);
  }
}
