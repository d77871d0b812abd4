import type { PlaybackCheckpoint } from '../../protocol.js';
import { parseValueSet, type ValueSet } from '../../valueSet.js';
import type { MediaPlayer, MediaPlayerEventMap } from './mediaPlayer.js';
import {
  isMediaPlaybackItem,
  isMediaSource,
  MediaPlaybackItem,
  MediaSource,
} from './mediaSource.js';
import { isMediaPlaybackList, MediaPlaybackList } from './playbackList.js';
import type { TaskEnvironment } from './taskEnvironment.js';

/** Why a checkpoint is taken. */
export type CheckpointReason = PlaybackCheckpoint['reason'];

/** Default time between two checkpoints while the player plays. */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 5_000;

/** The ValueSet-valued entries of a source's custom properties (others are left out). */
function storableProperties(properties: ReadonlyMap<string, unknown>): ValueSet | undefined {
  let out: Record<string, unknown> | undefined;
  for (const [key, value] of properties) {
    try {
      const checked = parseValueSet({ [key]: value });
      out ??= {};
      Object.defineProperty(out, key, {
        value: checked[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } catch {
      // not a ValueSet value (a function, a class instance…): it cannot be stored
    }
  }
  return out as ValueSet | undefined;
}

function itemOf(source: MediaSource): PlaybackCheckpoint['items'][number] {
  const properties = storableProperties(source.customProperties);
  return properties ? { uri: source.uri, properties } : { uri: source.uri };
}

/** A position to apply once an item has opened (a restore's saved position). */
interface PendingSeek {
  item: MediaPlaybackItem;
  position: number;
}

/** What {@link PlaybackCheckpointer} needs from the task. */
export interface CheckpointerOptions {
  player: MediaPlayer;
  /** The task's environment: its clock times the checkpoints; restored lists run in it. */
  environment: TaskEnvironment;
  instanceId: string;
  intervalMs: number;
  /** Hands a checkpoint over (to the foreground, at once). */
  send(checkpoint: PlaybackCheckpoint): void;
}

/**
 * Takes the checkpoints of one task instance: on pause, on a change of the current item, every
 * `intervalMs` of the task's clock while playing, on cancellation and on request. Each one is
 * handed to `send` as soon as it is taken; one equal to the last sent (but for its reason) is
 * not sent again, except on cancellation and on request.
 */
export class PlaybackCheckpointer {
  #options: CheckpointerOptions;
  #appState: ValueSet | null = null;
  #timer: unknown = null;
  #last: string | null = null;
  #lastReason: CheckpointReason | null = null;
  #lastItem: string | null = null;
  #pending: PendingSeek | null = null;
  #off: Array<() => void> = [];
  #stopped = false;

  constructor(options: CheckpointerOptions) {
    this.#options = options;
    const { player } = options;
    // Observed as raised, not as the task's listeners get them (after the call that caused
    // them): a checkpoint leaves with the change, before anything the task sends next.
    this.#off.push(
      player._observe((type, payload) => {
        if (type === 'currentStateChanged') {
          const { state } = payload as MediaPlayerEventMap['currentStateChanged'];
          if (state === 'playing') this.#arm();
          else this.#disarm();
          if (state === 'paused') this.take('paused');
        } else if (type === 'snapshotChanged') {
          const item = (payload as MediaPlayerEventMap['snapshotChanged']).currentItem;
          const key = item ? `${item.index} ${item.uri}` : null;
          if (key === this.#lastItem) return;
          this.#lastItem = key;
          if (key !== null) this.take('itemChanged');
        }
      }),
    );
  }

  /** Sets the app's ValueSet carried by every later checkpoint (validated; null clears it). */
  setAppState(values: ValueSet | null): void {
    this.#appState = values === null ? null : parseValueSet(values);
  }

  /** Captures the player's and list's state now. */
  capture(reason: CheckpointReason): PlaybackCheckpoint {
    const { player, instanceId } = this.#options;
    const source = player.source;
    let items: PlaybackCheckpoint['items'] = [];
    let currentItemIndex = -1;
    let autoRepeatEnabled = false;
    let shuffleEnabled = false;
    let shuffledOrder: number[] = [];
    let current: MediaPlaybackItem | null = null;
    if (isMediaPlaybackList(source)) {
      const all = source.items.toArray();
      items = all.map((item) => itemOf(item.source));
      currentItemIndex = source.currentItemIndex;
      current = source.currentItem;
      autoRepeatEnabled = source.autoRepeatEnabled;
      shuffleEnabled = source.shuffleEnabled;
      shuffledOrder = source.shuffledItems.map((item) => all.indexOf(item));
    } else if (isMediaPlaybackItem(source)) {
      items = [itemOf(source.source)];
      currentItemIndex = 0;
      current = source;
    } else if (isMediaSource(source)) {
      items = [itemOf(source)];
      currentItemIndex = 0;
    }
    const pending = this.#pending;
    const position =
      pending && current === pending.item ? pending.position : Math.max(0, player.position);
    return {
      version: 1,
      reason,
      instanceId,
      items,
      currentItemIndex,
      position,
      currentState: player.currentState,
      volume: player.volume,
      isMuted: player.isMuted,
      playbackRate: player.playbackRate,
      isLoopingEnabled: player.isLoopingEnabled,
      autoRepeatEnabled,
      shuffleEnabled,
      shuffledOrder,
      appState: this.#appState,
    };
  }

  /** Takes a checkpoint and sends it (unless it repeats the last one); returns it, or null. */
  take(reason: CheckpointReason): PlaybackCheckpoint | null {
    if (this.#stopped) return null;
    const checkpoint = this.capture(reason);
    const { reason: _reason, ...content } = checkpoint;
    const key = JSON.stringify(content, (_k, v: unknown) =>
      v instanceof Date ? `Date(${v.getTime()})` : v,
    );
    const repeat = key === this.#last;
    if (
      repeat &&
      reason !== 'requested' &&
      (reason !== 'canceled' || this.#lastReason === reason)
    ) {
      return null;
    }
    this.#last = key;
    this.#lastReason = reason;
    this.#options.send(checkpoint);
    return checkpoint;
  }

  /**
   * Rebuilds a list from `checkpoint` on the player: the items (with their stored custom
   * properties), repeat, shuffle and its order, volume, mute, rate and looping; then sets it as
   * the source (unless `setSource` is false: the task sets it), starting at the saved item, and
   * seeks to the saved position once that item opened.
   */
  restore(checkpoint: PlaybackCheckpoint, setSource = true): MediaPlaybackList {
    const { player, environment } = this.#options;
    const list = new MediaPlaybackList({ clock: environment.clock, inspect: environment.inspect });
    const items = checkpoint.items.map((stored) => {
      const source = MediaSource.createFromUri(stored.uri);
      for (const [key, value] of Object.entries(stored.properties ?? {})) {
        source.customProperties.set(key, value);
      }
      return new MediaPlaybackItem(source);
    });
    list.items.push(...items);
    list.autoRepeatEnabled = checkpoint.autoRepeatEnabled;
    const current = checkpoint.currentItemIndex >= 0 ? items[checkpoint.currentItemIndex] : null;
    if (current) list.startingItem = current;
    if (checkpoint.shuffleEnabled) list.shuffleEnabled = true;
    if (checkpoint.shuffledOrder.length === items.length && items.length > 0) {
      list.setShuffledItems(checkpoint.shuffledOrder.map((i) => items[i]!));
    }
    player.setVolume(checkpoint.volume);
    player.setMuted(checkpoint.isMuted);
    player.setPlaybackRate(checkpoint.playbackRate);
    player.setLoopingEnabled(checkpoint.isLoopingEnabled);
    this.#appState = checkpoint.appState;
    if (current && checkpoint.position > 0) {
      const pending: PendingSeek = { item: current, position: checkpoint.position };
      this.#pending = pending;
      const offs: Array<() => void> = [];
      const done = () => {
        if (this.#pending === pending) this.#pending = null;
        for (const off of offs.splice(0)) off();
      };
      offs.push(
        player.on('mediaOpened', () => {
          if (list.currentItem === pending.item && player.source === list) {
            player.seek(pending.position);
          }
          done();
        }),
        list.on('currentItemChanged', ({ newItem }) => {
          if (newItem !== pending.item) done();
        }),
      );
    }
    if (setSource) player.source = list;
    return list;
  }

  /** Stops taking checkpoints (the instance is ending). */
  stop(): void {
    this.#stopped = true;
    this.#disarm();
    for (const off of this.#off.splice(0)) off();
  }

  #arm(): void {
    if (this.#timer !== null || this.#stopped) return;
    const { environment, intervalMs } = this.#options;
    this.#timer = environment.clock.setTimeout(() => {
      this.#timer = null;
      this.take('interval');
      if (this.#options.player.currentState === 'playing') this.#arm();
    }, intervalMs);
  }

  #disarm(): void {
    if (this.#timer === null) return;
    this.#options.environment.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
