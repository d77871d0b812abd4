import { Emitter } from '../../emitter.js';
import { BackgroundOnlyError } from '../../errors.js';
import type { MediaPlayerState } from '../../machines/mediaPlayer.js';
import type { PlayerStub } from '../background/taskMain.js';
import { playerEventNames } from '../playerEvents.js';
import type { PlayerSnapshot } from '../task/playerSnapshot.js';
import type { PlayerReplica } from './playerReplica.js';

/** Events of the foreground MediaPlayer proxy (the same names as the background player). */
export interface MediaPlayerProxyEventMap {
  mediaOpened: Record<string, never>;
  mediaEnded: Record<string, never>;
  mediaFailed: { error: string; errorMessage: string };
  currentStateChanged: { state: MediaPlayerState };
  seekCompleted: Record<string, never>;
  volumeChanged: Record<string, never>;
  bufferingStarted: Record<string, never>;
  bufferingEnded: Record<string, never>;
  mediaPlayerRateChanged: { newRate: number };
  /** The replica changed (any field but the projected position). */
  snapshotChanged: PlayerSnapshot;
}

/** How the proxy reaches the task; the app keeps it pointed at the live instance. */
export interface ProxyLink {
  /** Calls the stub of the live task (starting one if needed); never hangs. */
  call<R>(fn: (stub: PlayerStub) => R | PromiseLike<R>): Promise<Awaited<R>>;
  replica: PlayerReplica;
}

/**
 * The foreground's MediaPlayer: a proxy to the stub in the background task. Methods return
 * promises that settle when the task has applied them (or reject with `TaskUnavailableError`
 * when the task is gone); `snapshot` and the read-only properties are a synchronous replica
 * kept in step by events. `source` and `systemMediaTransportControls` belong to the background.
 *
 * Methods fail in one way: an argument of the wrong type rejects the returned promise with a
 * `TypeError` naming the value (they never throw), nothing is sent then. Values of the right
 * type but out of range follow WinRT: a volume outside 0–1 and a rate that is not a finite
 * number > 0 are ignored (the promise resolves, nothing changes); a seek is clamped to the
 * media. After the task ended the snapshot reads `closed` and its position no longer moves.
 */
export class MediaPlayerProxy {
  #link: ProxyLink;
  #events = new Emitter<MediaPlayerProxyEventMap>();

  /** @internal */
  constructor(link: ProxyLink) {
    this.#link = link;
  }

  /** Synchronous replica of the player's observable state. */
  get snapshot(): PlayerSnapshot {
    return this.#link.replica.snapshot;
  }
  get currentState(): MediaPlayerState {
    return this.snapshot.currentState;
  }
  get position(): number {
    return this.snapshot.position;
  }
  get naturalDuration(): number {
    return this.snapshot.naturalDuration;
  }
  get volume(): number {
    return this.snapshot.volume;
  }
  get isMuted(): boolean {
    return this.snapshot.isMuted;
  }
  get playbackRate(): number {
    return this.snapshot.playbackRate;
  }
  get autoPlay(): boolean {
    return this.snapshot.autoPlay;
  }
  get isLoopingEnabled(): boolean {
    return this.snapshot.isLoopingEnabled;
  }
  get bufferingProgress(): number {
    return this.snapshot.bufferingProgress;
  }
  get canSeek(): boolean {
    return this.snapshot.canSeek;
  }
  get canPause(): boolean {
    return this.snapshot.canPause;
  }

  /** Background only: throws BackgroundOnlyError. */
  get source(): never {
    throw new BackgroundOnlyError('source');
  }
  set source(_value: unknown) {
    throw new BackgroundOnlyError('source');
  }
  /** Background only: throws BackgroundOnlyError. */
  get systemMediaTransportControls(): never {
    throw new BackgroundOnlyError('systemMediaTransportControls');
  }

  /**
   * Starts or resumes playback in the task.
   *
   * @example
   * ```ts
   * await app.backgroundMediaPlayer.current.play();
   * ```
   */
  play(): Promise<void> {
    return this.#link.call((s) => s.play());
  }
  /**
   * Pauses playback.
   *
   * @example
   * ```ts
   * await player.pause();
   * ```
   */
  pause(): Promise<void> {
    return this.#link.call((s) => s.pause());
  }
  /**
   * Seeks to `ms` milliseconds, clamped to the media. Rejects with `TypeError` for a
   * non-number and `RangeError` for a non-finite position.
   *
   * @example
   * ```ts
   * await player.seek(30_000);
   * ```
   */
  seek(ms: number): Promise<void> {
    const bad =
      invalidType('seek', ms, 'number') ??
      (Number.isFinite(ms)
        ? undefined
        : new RangeError(`MediaPlayer.seek expects a finite position in ms, got \`${ms}\``));
    if (bad) return Promise.reject(bad);
    return this.#link.call((s) => s.seek(ms));
  }
  /**
   * Sets the volume, 0–1. A number outside 0–1 (or NaN) is ignored, as in WinRT: the promise
   * resolves and the volume stays. A non-number rejects with `TypeError`.
   *
   * @example
   * ```ts
   * await player.setVolume(0.5);
   * ```
   */
  setVolume(volume: number): Promise<void> {
    const bad = invalidType('setVolume', volume, 'number');
    if (bad) return Promise.reject(bad);
    return this.#link.call((s) => s.setVolume(volume));
  }
  /**
   * Mutes or unmutes. A non-boolean rejects with `TypeError`.
   *
   * @example
   * ```ts
   * await player.setMuted(true);
   * ```
   */
  setMuted(muted: boolean): Promise<void> {
    const bad = invalidType('setMuted', muted, 'boolean');
    if (bad) return Promise.reject(bad);
    return this.#link.call((s) => s.setMuted(muted));
  }
  /**
   * Sets the playback rate, a ratio > 0. A number that is not finite and > 0 is ignored (the
   * promise resolves, the rate stays); a non-number rejects with `TypeError`.
   *
   * @example
   * ```ts
   * await player.setPlaybackRate(1.5);
   * ```
   */
  setPlaybackRate(rate: number): Promise<void> {
    const bad = invalidType('setPlaybackRate', rate, 'number');
    if (bad) return Promise.reject(bad);
    return this.#link.call((s) => s.setPlaybackRate(rate));
  }
  /**
   * Sets whether a new source starts playing by itself. A non-boolean rejects with `TypeError`.
   *
   * @example
   * ```ts
   * await player.setAutoPlay(false);
   * ```
   */
  setAutoPlay(enabled: boolean): Promise<void> {
    const bad = invalidType('setAutoPlay', enabled, 'boolean');
    if (bad) return Promise.reject(bad);
    return this.#link.call((s) => s.setAutoPlay(enabled));
  }
  /**
   * Sets whether the current media loops. A non-boolean rejects with `TypeError`.
   *
   * @example
   * ```ts
   * await player.setLoopingEnabled(true);
   * ```
   */
  setLoopingEnabled(enabled: boolean): Promise<void> {
    const bad = invalidType('setLoopingEnabled', enabled, 'boolean');
    if (bad) return Promise.reject(bad);
    return this.#link.call((s) => s.setLoopingEnabled(enabled));
  }

  /**
   * Listens to a player event; returns a function that removes the listener. Listeners stay
   * attached across task instances.
   *
   * @example
   * ```ts
   * player.on('currentStateChanged', ({ state }) => render(state));
   * ```
   */
  on<K extends keyof MediaPlayerProxyEventMap>(
    type: K,
    listener: (payload: MediaPlayerProxyEventMap[K]) => void,
  ): () => void {
    if (!knownEvents.has(type)) {
      throw new TypeError(
        `MediaPlayer has no event \`${String(type)}\`; known: ${[...knownEvents].join(', ')}`,
      );
    }
    return this.#events.on(type, listener);
  }

  /** Removes a listener added with {@link MediaPlayerProxy.on}. */
  off<K extends keyof MediaPlayerProxyEventMap>(
    type: K,
    listener: (payload: MediaPlayerProxyEventMap[K]) => void,
  ): void {
    this.#events.off(type, listener);
  }

  /** @internal Raises an event that came from the task. */
  _emit(name: string, payload: unknown): void {
    if (knownEvents.has(name as keyof MediaPlayerProxyEventMap)) {
      this.#events.emit(name as keyof MediaPlayerProxyEventMap, payload as never);
    }
  }
}

const knownEvents = new Set<keyof MediaPlayerProxyEventMap>([
  ...playerEventNames,
  'snapshotChanged',
]);

/** The TypeError a wrong-typed argument gets, or undefined when the type is right. */
function invalidType(member: string, value: unknown, type: 'number' | 'boolean') {
  if (typeof value === type) return undefined;
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  return new TypeError(
    `MediaPlayer.${member} expects a ${type}, got \`${shown}\` (${typeof value})`,
  );
}
