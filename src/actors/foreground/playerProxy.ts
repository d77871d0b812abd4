import { Emitter } from '../../emitter.js';
import { BackgroundOnlyError } from '../../errors.js';
import type { MediaPlayerState } from '../../machines/mediaPlayer.js';
import {
  checkPlayerCommand,
  type PlayerCommandArgs,
  type PlayerCommandName,
  type PlayerEventPayloads,
  type PlayerSnapshot,
  playerCommandNames,
  type playerCommands,
  playerEventNames,
} from '../../protocol.js';
import type { PlayerReplica } from './playerReplica.js';

/** Events of the foreground MediaPlayer proxy (the same names as the background player). */
export interface MediaPlayerProxyEventMap extends PlayerEventPayloads {
  /** The replica changed (any field but the projected position). */
  snapshotChanged: PlayerSnapshot;
}

/** How the proxy reaches the task; the app keeps it pointed at the live instance. */
export interface ProxyLink {
  /** Sends a checked player command to the live task; never hangs. */
  call<K extends PlayerCommandName>(name: K, args: PlayerCommandArgs<K>): Promise<void>;
  replica: PlayerReplica;
}

/**
 * The commands of the player, as methods that settle when the task has applied them. Made from
 * the contract's command table (`playerCommands`), so the foreground's methods, the task's
 * dispatcher and the table cannot drift apart.
 */
export type MediaPlayerCommands = {
  [K in keyof typeof playerCommands]: (...args: PlayerCommandArgs<K>) => Promise<void>;
};

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
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the command methods (declared by the interface below) are installed on the prototype from the command table
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
  _emit<K extends keyof MediaPlayerProxyEventMap>(
    name: K,
    payload: MediaPlayerProxyEventMap[K],
  ): void {
    this.#events.emit(name, payload);
  }

  /** @internal Checks a command's arguments once, then sends it. */
  _command<K extends PlayerCommandName>(name: K, args: PlayerCommandArgs<K>): Promise<void> {
    const bad = checkPlayerCommand(name, args);
    if (bad) return Promise.reject(bad);
    return this.#link.call(name, args);
  }
}

export interface MediaPlayerProxy extends MediaPlayerCommands {}

for (const name of playerCommandNames) {
  Object.defineProperty(MediaPlayerProxy.prototype, name, {
    value: function (this: MediaPlayerProxy, ...args: never) {
      return this._command(name, args);
    },
    writable: true,
    configurable: true,
  });
}

const knownEvents = new Set<keyof MediaPlayerProxyEventMap>([
  ...playerEventNames,
  'snapshotChanged',
]);
