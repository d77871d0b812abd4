import { type Actor, createActor } from 'xstate';
import { type Clock, systemClock } from '../../clock.js';
import { Emitter } from '../../emitter.js';
import type { MediaPlayerErrorKind } from '../../errors.js';
import {
  type CurrentItemChangedEmitted,
  type ItemChangedReason,
  nextIndexAfter,
  type PlaybackListState,
  playbackListMachine,
} from '../../machines/playbackList.js';
import { isMediaPlaybackItem, type MediaPlaybackItem } from './mediaSource.js';

/** Brand of {@link MediaPlaybackList} objects. */
export const mediaPlaybackListBrand: unique symbol = Symbol.for('backbeat.MediaPlaybackList');

/**
 * Whether `value` is a {@link MediaPlaybackList} (from any copy of Backbeat).
 *
 * @example
 * ```ts
 * isMediaPlaybackList(new MediaPlaybackList()); // true
 * ```
 */
export function isMediaPlaybackList(value: unknown): value is MediaPlaybackList {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[mediaPlaybackListBrand] === true
  );
}

/**
 * An array-like list whose changes are observed: index access (`items[0]`, `items[i] = x`),
 * `length`, iteration and the usual mutators. Every change notifies `onChanged` listeners.
 */
export interface ObservableList<T> extends Iterable<T> {
  [index: number]: T;
  readonly length: number;
  push(...items: T[]): number;
  /** Array-style splice: removes `deleteCount` items at `start` and inserts `items` there. */
  splice(start: number, deleteCount?: number, ...items: T[]): T[];
  insert(index: number, item: T): void;
  removeAt(index: number): T;
  remove(item: T): boolean;
  clear(): void;
  /** Replaces every item at once (one change notification). */
  replaceAll(items: Iterable<T>): void;
  at(index: number): T | undefined;
  indexOf(item: T): number;
  includes(item: T): boolean;
  toArray(): T[];
  /** Adds a change listener; returns a function that removes it. */
  onChanged(listener: () => void): () => void;
}

const isIndexKey = (key: string | symbol): key is string =>
  typeof key === 'string' && /^(0|[1-9]\d*)$/.test(key);

class ObservableListCore<T> {
  readonly _items: T[] = [];
  readonly _listeners = new Set<() => void>();
  readonly _check: (value: unknown) => T;

  constructor(check: (value: unknown) => T) {
    this._check = check;
  }

  get length(): number {
    return this._items.length;
  }

  push(...items: T[]): number {
    return this._change(() => this._items.push(...items.map(this._check)));
  }

  splice(start: number, ...rest: [deleteCount?: number, ...items: T[]]): T[] {
    if (rest.length === 0) return this._change(() => this._items.splice(start));
    const [deleteCount, ...items] = rest;
    const checked = items.map(this._check);
    return this._change(() => this._items.splice(start, deleteCount ?? 0, ...checked));
  }

  insert(index: number, item: T): void {
    this._range('insert', index, this._items.length + 1);
    const checked = this._check(item);
    this._change(() => this._items.splice(index, 0, checked));
  }

  removeAt(index: number): T {
    this._range('removeAt', index, this._items.length);
    return this._change(() => this._items.splice(index, 1)[0]!);
  }

  remove(item: T): boolean {
    const index = this._items.indexOf(item);
    if (index < 0) return false;
    this.removeAt(index);
    return true;
  }

  clear(): void {
    if (this._items.length > 0) this._change(() => this._items.splice(0));
  }

  replaceAll(items: Iterable<T>): void {
    const checked = [...items].map(this._check);
    this._change(() => this._items.splice(0, this._items.length, ...checked));
  }

  at(index: number): T | undefined {
    return this._items.at(index);
  }

  indexOf(item: T): number {
    return this._items.indexOf(item);
  }

  includes(item: T): boolean {
    return this._items.includes(item);
  }

  toArray(): T[] {
    return [...this._items];
  }

  [Symbol.iterator](): Iterator<T> {
    return [...this._items][Symbol.iterator]();
  }

  onChanged(listener: () => void): () => void {
    this._listeners.add(listener);
    return () => this._listeners.delete(listener);
  }

  _set(index: number, value: unknown): void {
    this._range('index assignment', index, this._items.length + 1);
    const checked = this._check(value);
    this._change(() => {
      this._items[index] = checked;
    });
  }

  _range(what: string, index: number, limit: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= limit) {
      throw new RangeError(
        `Item list ${what}: index out of range, got \`${String(index)}\` (length ${this._items.length})`,
      );
    }
  }

  _change<R>(mutate: () => R): R {
    const result = mutate();
    for (const listener of [...this._listeners]) listener();
    return result;
  }
}

/**
 * Creates an {@link ObservableList}. `check` validates (and may convert) every added value; it
 * throws to refuse one, and then nothing is changed.
 *
 * @example
 * ```ts
 * const list = createObservableList<number>((v) => {
 *   if (typeof v !== 'number') throw new TypeError(`expected a number, got \`${String(v)}\``);
 *   return v;
 * });
 * list.onChanged(() => console.log([...list]));
 * list.push(1, 2); // logs [1, 2]
 * list[0];         // 1
 * ```
 */
export function createObservableList<T>(check: (value: unknown) => T): ObservableList<T> {
  const core = new ObservableListCore<T>(check);
  return new Proxy(core, {
    get(target, key, receiver) {
      if (isIndexKey(key)) return target._items[Number(key)];
      return Reflect.get(target, key, receiver);
    },
    set(target, key, value, receiver) {
      if (isIndexKey(key)) {
        target._set(Number(key), value);
        return true;
      }
      return Reflect.set(target, key, value, receiver);
    },
    has(target, key) {
      if (isIndexKey(key)) return Number(key) < target._items.length;
      return Reflect.has(target, key);
    },
  }) as unknown as ObservableList<T>;
}

/** Payload of `currentItemChanged`. */
export interface CurrentItemChangedEvent {
  oldItem: MediaPlaybackItem | null;
  newItem: MediaPlaybackItem | null;
  reason: ItemChangedReason;
}

/** Payload of `itemFailed`. */
export interface ItemFailedEvent {
  item: MediaPlaybackItem;
  error: { error: MediaPlayerErrorKind; errorMessage: string };
}

/** Events of a {@link MediaPlaybackList}. */
export interface MediaPlaybackListEventMap {
  currentItemChanged: CurrentItemChangedEvent;
  itemOpened: { item: MediaPlaybackItem };
  itemFailed: ItemFailedEvent;
}

/** Options of {@link MediaPlaybackList}. */
export interface MediaPlaybackListOptions {
  /** Clock of the list's statechart. Default: the system clock. */
  clock?: Clock;
  /** Seed of the shuffle order. Default: random. */
  seed?: number;
}

function checkItem(value: unknown): MediaPlaybackItem {
  if (!isMediaPlaybackItem(value)) {
    throw new TypeError(
      `MediaPlaybackList.items accepts MediaPlaybackItem objects, got \`${String(value)}\``,
    );
  }
  return value;
}

/** For every item of `next`, its index in `prev` (-1 for a new item); duplicates pair in order. */
function diffItems<T>(prev: readonly T[], next: readonly T[]): number[] {
  const positions = new Map<T, number[]>();
  prev.forEach((item, i) => {
    const list = positions.get(item);
    if (list) list.push(i);
    else positions.set(item, [i]);
  });
  return next.map((item) => positions.get(item)?.shift() ?? -1);
}

/**
 * A playlist for the background MediaPlayer. Set it as `player.source`; the player plays its
 * items in order, one after another, and follows `moveNext()` / `movePrevious()` / `moveTo()`.
 * Driven by the playbackList statechart.
 *
 * @example
 * ```ts
 * const list = new MediaPlaybackList();
 * list.items.push(new MediaPlaybackItem(MediaSource.createFromUri('file:///music/a.flac')));
 * list.autoRepeatEnabled = true;
 * list.on('currentItemChanged', ({ newItem, reason }) => console.log(newItem?.source.uri, reason));
 * player.source = list;
 * ```
 */
export class MediaPlaybackList {
  readonly [mediaPlaybackListBrand] = true;
  /** The items; push, splice, assign by index: the list follows every change. */
  readonly items: ObservableList<MediaPlaybackItem>;
  #actor: Actor<typeof playbackListMachine>;
  #events = new Emitter<MediaPlaybackListEventMap>();
  #itemsChanged = new Emitter<{ changed: undefined }>();
  #known: MediaPlaybackItem[] = [];
  #current: MediaPlaybackItem | null = null;
  #pending: CurrentItemChangedEmitted[] = [];
  #maxPrefetchTime: number | null = null;

  constructor(options: MediaPlaybackListOptions = {}) {
    const seed = options.seed ?? Math.floor(Math.random() * 0x1_0000_0000);
    if (!Number.isFinite(seed)) {
      throw new TypeError(
        `MediaPlaybackList seed must be a finite number, got \`${String(seed)}\``,
      );
    }
    this.items = createObservableList(checkItem);
    this.items.onChanged(() => this.#onItemsChanged());
    this.#actor = createActor(playbackListMachine, {
      clock: options.clock ?? systemClock,
      input: { seed },
    });
    this.#actor.on('currentItemChanged', (e) => this.#pending.push(e));
    this.#actor.subscribe(() => this.#flush());
    this.#actor.start();
  }

  /** The item playing (or to play), or null. */
  get currentItem(): MediaPlaybackItem | null {
    return this.items[this.currentItemIndex] ?? null;
  }

  /** Index of {@link MediaPlaybackList.currentItem} in `items`, or -1 when there is none. */
  get currentItemIndex(): number {
    return this.#actor.getSnapshot().context.currentIndex;
  }

  get autoRepeatEnabled(): boolean {
    return this.#actor.getSnapshot().context.autoRepeatEnabled;
  }
  set autoRepeatEnabled(enabled: boolean) {
    this.#actor.send({
      type: 'SET_AUTO_REPEAT',
      enabled: checkBoolean('autoRepeatEnabled', enabled),
    });
  }

  /** Plays the items in the shuffled order. Switching it on reshuffles, current item first. */
  get shuffleEnabled(): boolean {
    return this.#actor.getSnapshot().context.shuffleEnabled;
  }
  set shuffleEnabled(enabled: boolean) {
    this.#actor.send({ type: 'SET_SHUFFLE', enabled: checkBoolean('shuffleEnabled', enabled) });
  }

  /** The items in shuffled order (a copy). */
  get shuffledItems(): readonly MediaPlaybackItem[] {
    const { shuffleOrder } = this.#actor.getSnapshot().context;
    return Object.freeze(shuffleOrder.map((i) => this.items[i]!));
  }

  /**
   * Sets the shuffled order. `items` must hold every item of the list exactly once.
   *
   * @example
   * ```ts
   * list.setShuffledItems([...list.items].reverse());
   * list.shuffleEnabled = true;
   * ```
   */
  setShuffledItems(items: Iterable<MediaPlaybackItem>): void {
    const all = [...this.items];
    const order = [...items].map((item) => all.indexOf(item));
    const valid =
      order.length === all.length &&
      order.every((i) => i >= 0) &&
      new Set(order).size === order.length;
    if (!valid) {
      throw new RangeError(
        `setShuffledItems expects every item of the list exactly once, got ${order.length} item(s) for a list of ${all.length}`,
      );
    }
    this.#actor.send({ type: 'SET_SHUFFLED_ITEMS', order });
  }

  /** The item played first, shuffled or not; null for the first in order. */
  get startingItem(): MediaPlaybackItem | null {
    return this.items[this.#actor.getSnapshot().context.startingIndex] ?? null;
  }
  set startingItem(item: MediaPlaybackItem | null) {
    const index = item === null ? -1 : this.items.indexOf(item);
    if (item !== null && index < 0) {
      throw new RangeError(
        `startingItem must be an item of the list or null, got \`${String(item)}\``,
      );
    }
    this.#actor.send({ type: 'SET_STARTING_ITEM', index });
  }

  /** How long (ms) before an item is due the player may start fetching it; null: at once. */
  get maxPrefetchTime(): number | null {
    return this.#maxPrefetchTime;
  }
  set maxPrefetchTime(ms: number | null) {
    if (ms !== null && !(typeof ms === 'number' && Number.isFinite(ms) && ms >= 0)) {
      throw new RangeError(
        `maxPrefetchTime must be a number of ms >= 0 or null, got \`${String(ms)}\``,
      );
    }
    this.#maxPrefetchTime = ms;
  }

  /**
   * Moves to the next item in play order; returns the new current item (null past the end).
   *
   * @example
   * ```ts
   * smtc.on('buttonPressed', ({ button }) => { if (button === 'next') list.moveNext(); });
   * ```
   */
  moveNext(): MediaPlaybackItem | null {
    this.#actor.send({ type: 'MOVE_NEXT' });
    return this.currentItem;
  }

  /**
   * Moves to the previous item in play order; returns the new current item.
   *
   * @example
   * ```ts
   * list.movePrevious();
   * ```
   */
  movePrevious(): MediaPlaybackItem | null {
    this.#actor.send({ type: 'MOVE_PREVIOUS' });
    return this.currentItem;
  }

  /**
   * Makes `items[index]` current; throws a `RangeError` quoting `index` when it is not an item.
   *
   * @example
   * ```ts
   * list.moveTo(2);
   * ```
   */
  moveTo(index: number): MediaPlaybackItem | null {
    if (!Number.isInteger(index) || index < 0 || index >= this.items.length) {
      throw new RangeError(
        `moveTo expects an item index from 0 to ${this.items.length - 1}, got \`${String(index)}\``,
      );
    }
    this.#actor.send({ type: 'MOVE_TO', index });
    return this.currentItem;
  }

  /**
   * Adds a listener for `currentItemChanged`, `itemOpened` or `itemFailed`; returns a function
   * that removes it.
   *
   * @example
   * ```ts
   * const off = list.on('itemFailed', ({ item, error }) => console.warn(item.source.uri, error));
   * off();
   * ```
   */
  on<K extends keyof MediaPlaybackListEventMap>(
    type: K,
    listener: (payload: MediaPlaybackListEventMap[K]) => void,
  ): () => void {
    return this.#events.on(type, listener);
  }

  /** @internal The list's statechart state. */
  get _state(): PlaybackListState {
    return this.#actor.getSnapshot().value as PlaybackListState;
  }

  /** @internal The item that plays after the current one, or null. */
  _peekNext(): MediaPlaybackItem | null {
    return this.items[nextIndexAfter(this.#actor.getSnapshot().context)] ?? null;
  }

  /** @internal Makes the first item current when none is (`initialItem`). */
  _start(): void {
    this.#actor.send({ type: 'START' });
  }

  /** @internal The player opened `item`. */
  _itemOpened(item: MediaPlaybackItem): void {
    if (item !== this.#current) return;
    this.#actor.send({ type: 'ITEM_OPENED' });
    this.#events.emit('itemOpened', { item });
  }

  /** @internal `item` played to its end. */
  _itemEnded(item: MediaPlaybackItem): void {
    if (item === this.#current) this.#actor.send({ type: 'ITEM_ENDED' });
  }

  /** @internal `item` failed to open or to play. */
  _itemFailed(item: MediaPlaybackItem, error: ItemFailedEvent['error']): void {
    if (item !== this.#current) return;
    this.#events.emit('itemFailed', { item, error });
    this.#actor.send({ type: 'ITEM_FAILED' });
  }

  /** @internal Listens to changes of `items` (after the list has followed them). */
  _onItemsChanged(listener: () => void): () => void {
    return this.#itemsChanged.on('changed', listener);
  }

  #onItemsChanged(): void {
    const next = this.items.toArray();
    const moved = diffItems(this.#known, next);
    this.#known = next;
    this.#actor.send({ type: 'ITEMS_CHANGED', count: next.length, moved });
    this.#itemsChanged.emit('changed', undefined);
  }

  #flush(): void {
    const events = this.#pending.splice(0);
    for (const e of events) {
      const oldItem = this.#current;
      const newItem = this.items[e.newIndex] ?? null;
      this.#current = newItem;
      this.#events.emit('currentItemChanged', { oldItem, newItem, reason: e.reason });
    }
  }
}

function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new TypeError(`MediaPlaybackList.${name} must be a boolean, got \`${String(value)}\``);
  }
  return value;
}
