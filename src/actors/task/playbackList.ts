import { type Actor, createActor } from 'xstate';
import { Emitter } from '../../emitter.js';
import type { MediaPlayerErrorKind } from '../../errors.js';
import {
  type CurrentItemChangedEmitted,
  type ItemChangedReason,
  nextIndexAfter,
  type PlaybackListState,
  playbackListMachine,
} from '../../machines/playbackList.js';
import { raiseLater } from './eventQueue.js';
import { isMediaPlaybackItem, type MediaPlaybackItem } from './mediaSource.js';
import { resolveEnvironment, type TaskEnvironment } from './taskEnvironment.js';

/** Brand of {@link MediaPlaybackList} objects. */
const mediaPlaybackListBrand: unique symbol = Symbol.for('backbeat.MediaPlaybackList');

/**
 * Whether `value` is a {@link MediaPlaybackList} (from any copy of Backbeat).
 */
export function isMediaPlaybackList(value: unknown): value is MediaPlaybackList {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[mediaPlaybackListBrand] === true
  );
}

/**
 * A real Array (`Array.isArray` is true, every Array method works) whose changes are observed.
 * Index assignment, `length = n` and the mutators (`push`, `pop`, `shift`, `unshift`, `splice`,
 * `sort`, `reverse`, `fill`, `copyWithin`) check every value they add and notify `onChanged`
 * listeners once per call; the extra methods below do the same.
 */
export interface ObservableList<T> extends Array<T> {
  insert(index: number, item: T): void;
  removeAt(index: number): T;
  remove(item: T): boolean;
  clear(): void;
  /** Replaces every item at once (one change notification). */
  replaceAll(items: Iterable<T>): void;
  toArray(): T[];
  /** Adds a change listener; returns a function that removes it. */
  onChanged(listener: () => void): () => void;
}

const isIndexKey = (key: string | symbol): boolean =>
  typeof key === 'string' && /^(0|[1-9]\d{0,9})$/.test(key) && Number(key) < 2 ** 32 - 1;

/** The Array mutators, each with the test of which of its arguments are values it adds. */
const mutatorValueArgs: Record<string, (index: number) => boolean> = {
  push: () => true,
  unshift: () => true,
  splice: (i) => i >= 2,
  fill: (i) => i === 0,
  pop: () => false,
  shift: () => false,
  sort: () => false,
  reverse: () => false,
  copyWithin: () => false,
};

const sameItems = <T>(a: readonly T[], b: readonly T[]): boolean =>
  a.length === b.length && a.every((item, i) => item === b[i]);

/**
 * Creates an {@link ObservableList}. `check` validates (and may convert) every added value; it
 * throws to refuse one, and then nothing is changed.
 */
function createObservableList<T>(check: (value: unknown) => T): ObservableList<T> {
  const items: T[] = [];
  const listeners = new Set<() => void>();
  const what = 'Item list';
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  const change = <R>(mutate: () => R): R => {
    const result = mutate();
    notify();
    return result;
  };
  const range = (member: string, index: unknown, limit: number): number => {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= limit) {
      throw new RangeError(
        `${what} ${member}: index out of range, got \`${String(index)}\` (length ${items.length})`,
      );
    }
    return index;
  };
  const extras = {
    insert(index: number, item: T): void {
      range('insert', index, items.length + 1);
      const checked = check(item);
      change(() => items.splice(index, 0, checked));
    },
    removeAt(index: number): T {
      range('removeAt', index, items.length);
      return change(() => items.splice(index, 1)[0] as T);
    },
    remove(item: T): boolean {
      const index = items.indexOf(item);
      if (index < 0) return false;
      extras.removeAt(index);
      return true;
    },
    clear(): void {
      if (items.length > 0) change(() => items.splice(0));
    },
    replaceAll(next: Iterable<T>): void {
      const checked = [...next].map((v) => check(v));
      change(() => items.splice(0, items.length, ...checked));
    },
    toArray(): T[] {
      return [...items];
    },
    onChanged(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const mutators = new Map<string | symbol, (...args: unknown[]) => unknown>();
  for (const [name, isValue] of Object.entries(mutatorValueArgs)) {
    const native = (Array.prototype as unknown as Record<string, (...args: unknown[]) => unknown>)[
      name
    ] as (...args: unknown[]) => unknown;
    mutators.set(name, (...args: unknown[]) => {
      const checked = args.map((arg, i) => (isValue(i) ? check(arg) : arg));
      const before = [...items];
      const result = native.apply(items, checked);
      // A call that changed nothing (pop of an empty list, an ordered sort) notifies nobody.
      if (!sameItems(before, items)) notify();
      return result === items ? proxy : result;
    });
  }
  const proxy: ObservableList<T> = new Proxy(items, {
    get(target, key, receiver) {
      if (typeof key === 'string' && Object.hasOwn(extras, key)) {
        return extras[key as keyof typeof extras];
      }
      const mutator = mutators.get(key);
      if (mutator) return mutator;
      return Reflect.get(target, key, receiver);
    },
    set(target, key, value, receiver) {
      if (isIndexKey(key)) {
        const index = range('index assignment', Number(key), target.length + 1);
        const checked = check(value);
        change(() => {
          target[index] = checked;
        });
        return true;
      }
      if (key === 'length') {
        if (
          typeof value !== 'number' ||
          !Number.isInteger(value) ||
          value < 0 ||
          value > target.length
        ) {
          throw new RangeError(
            `${what} length can only shrink to an integer from 0 to ${target.length}, got \`${String(value)}\``,
          );
        }
        if (value < target.length) change(() => target.splice(value));
        return true;
      }
      if (typeof key === 'string' && (Object.hasOwn(extras, key) || mutators.has(key))) {
        throw new TypeError(`${what} member \`${key}\` cannot be replaced`);
      }
      return Reflect.set(target, key, value, receiver);
    },
    deleteProperty(target, key) {
      if (isIndexKey(key) && Number(key) < target.length) {
        throw new TypeError(
          `${what}: delete would leave a hole at index \`${String(key)}\`; use splice(${String(key)}, 1)`,
        );
      }
      return Reflect.deleteProperty(target, key);
    },
    defineProperty(target, key, descriptor) {
      if (isIndexKey(key) || key === 'length') {
        throw new TypeError(`${what}: defineProperty of \`${String(key)}\` is not supported`);
      }
      return Reflect.defineProperty(target, key, descriptor);
    },
  }) as ObservableList<T>;
  return proxy;
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

/**
 * Options of {@link MediaPlaybackList}. `clock` and `inspect` are parts of the task's
 * environment: left out, they are the running task's (outside every task: the system clock, no
 * inspection).
 */
export interface MediaPlaybackListOptions
  extends Partial<Pick<TaskEnvironment, 'clock' | 'inspect'>> {
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
 * `items` is a real Array: every Array method works on it, and its mutators check that what
 * they add is a MediaPlaybackItem. Events are raised after the call that caused them returns,
 * in order (see MediaPlayer): a `currentItemChanged` listener added right after
 * `player.source = list` receives the `initialItem` change.
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
  #currentChanged = new Emitter<{ changed: CurrentItemChangedEvent }>();
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
    const { clock, inspect } = resolveEnvironment(options);
    this.#actor = createActor(playbackListMachine, { clock, inspect, input: { seed } });
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
    this.#raise('itemOpened', { item });
  }

  /** @internal `item` played to its end. */
  _itemEnded(item: MediaPlaybackItem): void {
    if (item === this.#current) this.#actor.send({ type: 'ITEM_ENDED' });
  }

  /** @internal `item` failed to open or to play. */
  _itemFailed(item: MediaPlaybackItem, error: ItemFailedEvent['error']): void {
    if (item !== this.#current) return;
    this.#raise('itemFailed', { item, error });
    this.#actor.send({ type: 'ITEM_FAILED' });
  }

  /** @internal Listens to changes of `items` (after the list has followed them). */
  _onItemsChanged(listener: () => void): () => void {
    return this.#itemsChanged.on('changed', listener);
  }

  /** @internal Hears `currentItemChanged` at once, as it happens (the player follows it). */
  _onCurrentItemChanged(listener: (change: CurrentItemChangedEvent) => void): () => void {
    return this.#currentChanged.on('changed', listener);
  }

  #raise<K extends keyof MediaPlaybackListEventMap>(
    type: K,
    payload: MediaPlaybackListEventMap[K],
  ): void {
    raiseLater(() => this.#events.emit(type, payload));
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
      const change: CurrentItemChangedEvent = { oldItem, newItem, reason: e.reason };
      this.#raise('currentItemChanged', change);
      this.#currentChanged.emit('changed', change);
    }
  }
}

function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new TypeError(`MediaPlaybackList.${name} must be a boolean, got \`${String(value)}\``);
  }
  return value;
}
