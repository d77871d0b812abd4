import { assign, enqueueActions, type SnapshotFrom, setup } from 'xstate';

/**
 * Which item of a MediaPlaybackList is current, as a pure statechart over item indexes. The
 * runtime owns the items; the machine only knows how many there are and in which order they
 * play.
 *
 * States: `empty` (no items), `idle` (items, not started), `active` (an item is current) and
 * `ended` (the end of the list was reached without auto-repeat; no current item).
 *
 * Order: `order` is the play order, a permutation of the item indexes: the identity when shuffle
 * is off, else `shuffleOrder`. `shuffleOrder` is kept even while shuffle is off (it is what
 * `shuffledItems` reports) and is regenerated from a seeded PRNG whenever shuffle is switched
 * on: the same seed and count always give the same order, with the current item (or else the
 * starting item) moved to the front.
 *
 * Moves: `START` makes the starting item (or the first in order) current with reason
 * `initialItem`; it is ignored while an item is current. `ITEM_ENDED` moves to the next item in
 * order (`endOfStream`), `ITEM_FAILED` likewise (`error`). At the end of the order the list wraps
 * when `autoRepeatEnabled`, else goes to `ended`. A run of failures as long as the list ends it
 * too, so a list of broken items cannot loop forever. `MOVE_NEXT` / `MOVE_PREVIOUS` / `MOVE_TO`
 * are `appRequested`; `MOVE_NEXT` past the end behaves like an ending item, `MOVE_PREVIOUS` on
 * the first item wraps with auto-repeat and is ignored without it; from `idle` or `ended`,
 * `MOVE_NEXT` starts at the first item and `MOVE_PREVIOUS` at the last. `MOVE_TO` an index out
 * of range, or the current index, changes nothing.
 *
 * `ITEMS_CHANGED { count, moved }` reports a new item array; `moved[newIndex]` is the old index
 * of that item or -1 for a new one (without `moved`, items keep their indexes and the list grew
 * or shrank at its end). The current item stays current under its new index; if it was removed,
 * the next surviving item in the old order takes its place (`appRequested`), or the list ends.
 * New items join the end of the shuffle order.
 *
 * Every change of the current item emits `currentItemChanged { oldIndex, newIndex, reason }`
 * (`oldIndex` in the numbering before the event).
 */

/** Why the current item changed (MediaPlaybackItemChangedReason). */
export type ItemChangedReason = 'initialItem' | 'endOfStream' | 'error' | 'appRequested';

/** Every state name of {@link playbackListMachine}. */
export const playbackListStates = ['empty', 'idle', 'active', 'ended'] as const;

/** A state of {@link playbackListMachine}. */
export type PlaybackListState = (typeof playbackListStates)[number];

/** Context of {@link playbackListMachine}. */
export interface PlaybackListContext {
  itemCount: number;
  /** Index of the current item, or -1 when none. */
  currentIndex: number;
  /** Play order: a permutation of `0..itemCount-1`. */
  order: number[];
  /** The shuffled permutation, used as `order` while shuffle is on. */
  shuffleOrder: number[];
  autoRepeatEnabled: boolean;
  shuffleEnabled: boolean;
  /** Index of the item played first, or -1 for the first in order. */
  startingIndex: number;
  /** Seed of the shuffle PRNG. */
  seed: number;
  /** Consecutive failed items since the last item that opened. */
  failedInRow: number;
}

/** Input of {@link playbackListMachine}. */
export interface PlaybackListInput {
  seed?: number;
  autoRepeatEnabled?: boolean;
}

/** Events a runtime sends to {@link playbackListMachine}. */
export type PlaybackListEvent =
  | { type: 'ITEMS_CHANGED'; count: number; moved?: readonly number[] }
  | { type: 'START' }
  | { type: 'MOVE_NEXT' }
  | { type: 'MOVE_PREVIOUS' }
  | { type: 'MOVE_TO'; index: number }
  | { type: 'ITEM_OPENED' }
  | { type: 'ITEM_ENDED' }
  | { type: 'ITEM_FAILED' }
  | { type: 'SET_AUTO_REPEAT'; enabled: boolean }
  | { type: 'SET_SHUFFLE'; enabled: boolean; seed?: number }
  | { type: 'SET_SHUFFLED_ITEMS'; order: readonly number[] }
  | { type: 'SET_STARTING_ITEM'; index: number };

/** The event {@link playbackListMachine} emits when the current item changes. */
export interface CurrentItemChangedEmitted {
  type: 'currentItemChanged';
  oldIndex: number;
  newIndex: number;
  reason: ItemChangedReason;
}

const identity = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

const isIndex = (v: unknown, count: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < count;

/**
 * A small deterministic PRNG (mulberry32) returning numbers in [0, 1).
 */
export function createPrng(seed: number): () => number {
  let a = (Number.isFinite(seed) ? Math.trunc(seed) : 0) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seeded Fisher–Yates permutation of `0..count-1`, with `first` (when a valid index) moved to
 * the front. Pure: the same arguments always give the same order.
 */
export function shuffledOrder(count: number, seed: number, first = -1): number[] {
  const order = identity(count);
  const rand = createPrng(seed);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return isIndex(first, count) ? moveToFront(order, first) : order;
}

function moveToFront(order: readonly number[], index: number): number[] {
  return [index, ...order.filter((i) => i !== index)];
}

/**
 * Whether `order` holds every index `0..count-1` exactly once.
 */
export function isPermutation(order: unknown, count: number): order is number[] {
  if (!Array.isArray(order) || order.length !== count) return false;
  const seen = new Set<number>();
  for (const i of order) {
    if (!isIndex(i, count) || seen.has(i)) return false;
    seen.add(i);
  }
  return true;
}

function firstIndex(ctx: PlaybackListContext): number {
  return isIndex(ctx.startingIndex, ctx.itemCount) ? ctx.startingIndex : (ctx.order[0] ?? -1);
}

/**
 * The item that follows the current one in play order: wraps with auto-repeat, -1 at the end
 * (or when nothing is current).
 */
export function nextIndexAfter(ctx: PlaybackListContext): number {
  const pos = ctx.order.indexOf(ctx.currentIndex);
  if (pos < 0) return -1;
  const next = ctx.order[pos + 1];
  if (next !== undefined) return next;
  return ctx.autoRepeatEnabled ? (ctx.order[0] ?? -1) : -1;
}

function previousIndexBefore(ctx: PlaybackListContext): number {
  const pos = ctx.order.indexOf(ctx.currentIndex);
  const prev = ctx.order[pos - 1];
  if (prev !== undefined) return prev;
  return ctx.autoRepeatEnabled ? (ctx.order[ctx.order.length - 1] ?? -1) : ctx.currentIndex;
}

interface Move {
  newIndex: number;
  reason: ItemChangedReason;
}

/**
 * Where an event moves the current item, or null when it does not move it. Pure; used by the
 * machine's guards and actions.
 */
export function planMove(ctx: PlaybackListContext, event: PlaybackListEvent): Move | null {
  if (ctx.itemCount === 0) return null;
  const current = ctx.currentIndex;
  switch (event.type) {
    case 'START':
      return current >= 0 ? null : { newIndex: firstIndex(ctx), reason: 'initialItem' };
    case 'MOVE_NEXT':
      return {
        newIndex: current < 0 ? firstIndex(ctx) : nextIndexAfter(ctx),
        reason: 'appRequested',
      };
    case 'MOVE_PREVIOUS': {
      const newIndex =
        current < 0 ? (ctx.order[ctx.order.length - 1] ?? -1) : previousIndexBefore(ctx);
      return newIndex === current ? null : { newIndex, reason: 'appRequested' };
    }
    case 'MOVE_TO':
      return isIndex(event.index, ctx.itemCount) && event.index !== current
        ? { newIndex: event.index, reason: 'appRequested' }
        : null;
    case 'ITEM_ENDED':
      return current < 0 ? null : { newIndex: nextIndexAfter(ctx), reason: 'endOfStream' };
    case 'ITEM_FAILED':
      if (current < 0) return null;
      return {
        newIndex: ctx.failedInRow + 1 >= ctx.itemCount ? -1 : nextIndexAfter(ctx),
        reason: 'error',
      };
    default:
      return null;
  }
}

interface Remap {
  itemCount: number;
  currentIndex: number;
  order: number[];
  shuffleOrder: number[];
  startingIndex: number;
  /** Set when the current item was removed. */
  replaced: { oldIndex: number; newIndex: number } | null;
}

function validMoved(moved: unknown, count: number, oldCount: number): moved is number[] {
  if (!Array.isArray(moved) || moved.length !== count) return false;
  const seen = new Set<number>();
  for (const o of moved) {
    if (o === -1) continue;
    if (!isIndex(o, oldCount) || seen.has(o)) return false;
    seen.add(o);
  }
  return true;
}

/**
 * The context after an `ITEMS_CHANGED`: indexes renumbered, the current and starting items
 * followed to their new places. Pure.
 */
export function remapItems(
  ctx: PlaybackListContext,
  count: number,
  moved?: readonly number[],
): Remap {
  const n = Number.isInteger(count) && count > 0 ? count : 0;
  const map = validMoved(moved, n, ctx.itemCount)
    ? moved
    : identity(n).map((i) => (i < ctx.itemCount ? i : -1));
  const oldToNew = new Map<number, number>();
  map.forEach((o, i) => {
    if (o >= 0) oldToNew.set(o, i);
  });
  const fresh = identity(n).filter((i) => map[i] === -1);
  const mixed = shuffledOrder(fresh.length, ctx.seed + n).map((k) => fresh[k]!);
  const shuffleOrder = [
    ...ctx.shuffleOrder.flatMap((o) => {
      const i = oldToNew.get(o);
      return i === undefined ? [] : [i];
    }),
    ...mixed,
  ];
  const order = ctx.shuffleEnabled ? shuffleOrder : identity(n);
  const startingIndex = ctx.startingIndex >= 0 ? (oldToNew.get(ctx.startingIndex) ?? -1) : -1;
  let currentIndex = -1;
  let replaced: Remap['replaced'] = null;
  if (ctx.currentIndex >= 0) {
    const kept = oldToNew.get(ctx.currentIndex);
    if (kept !== undefined) {
      currentIndex = kept;
    } else {
      const pos = ctx.order.indexOf(ctx.currentIndex);
      const survivor = ctx.order.slice(pos + 1).find((o) => oldToNew.has(o));
      currentIndex =
        survivor !== undefined
          ? oldToNew.get(survivor)!
          : ctx.autoRepeatEnabled && n > 0
            ? order[0]!
            : -1;
      replaced = { oldIndex: ctx.currentIndex, newIndex: currentIndex };
    }
  }
  return { itemCount: n, currentIndex, order, shuffleOrder, startingIndex, replaced };
}

function itemsEvent(event: PlaybackListEvent): { count: number; moved?: readonly number[] } {
  return event.type === 'ITEMS_CHANGED' ? event : { count: 0 };
}

/**
 * The MediaPlaybackList statechart (id `'playbackList'`). See the module comment.
 */
export const playbackListMachine = setup({
  types: {
    context: {} as PlaybackListContext,
    events: {} as PlaybackListEvent,
    emitted: {} as CurrentItemChangedEmitted,
    input: {} as PlaybackListInput | undefined,
  },
  guards: {
    movesToItem: ({ context, event }) => (planMove(context, event)?.newIndex ?? -1) >= 0,
    movesToEnd: ({ context, event }) => planMove(context, event)?.newIndex === -1,
    hasItems: ({ event }) => itemsEvent(event).count > 0,
    becomesEmpty: ({ context, event }) =>
      remapItems(context, itemsEvent(event).count, itemsEvent(event).moved).itemCount === 0,
    currentRemovedToEnd: ({ context, event }) =>
      remapItems(context, itemsEvent(event).count, itemsEvent(event).moved).replaced?.newIndex ===
      -1,
    isBoolean: ({ event }) =>
      (event.type === 'SET_AUTO_REPEAT' || event.type === 'SET_SHUFFLE') &&
      typeof event.enabled === 'boolean',
    isShuffledOrder: ({ context, event }) =>
      event.type === 'SET_SHUFFLED_ITEMS' && isPermutation(event.order, context.itemCount),
    isStartingIndex: ({ context, event }) =>
      event.type === 'SET_STARTING_ITEM' &&
      (event.index === -1 || isIndex(event.index, context.itemCount)),
  },
  actions: {
    applyMove: enqueueActions(({ context, event, enqueue }) => {
      const move = planMove(context, event);
      if (!move) return;
      enqueue.assign({
        currentIndex: move.newIndex,
        failedInRow: move.reason === 'error' ? context.failedInRow + 1 : 0,
      });
      enqueue.emit({
        type: 'currentItemChanged',
        oldIndex: context.currentIndex,
        newIndex: move.newIndex,
        reason: move.reason,
      });
    }),
    applyItems: enqueueActions(({ context, event, enqueue }) => {
      const { count, moved } = itemsEvent(event);
      const { replaced, ...next } = remapItems(context, count, moved);
      enqueue.assign({ ...next, failedInRow: replaced ? 0 : context.failedInRow });
      if (replaced)
        enqueue.emit({ type: 'currentItemChanged', ...replaced, reason: 'appRequested' });
    }),
    resetFailures: assign({ failedInRow: 0 }),
    setAutoRepeat: assign({
      autoRepeatEnabled: ({ context, event }) =>
        event.type === 'SET_AUTO_REPEAT' ? event.enabled : context.autoRepeatEnabled,
    }),
    setShuffle: assign(({ context, event }) => {
      if (event.type !== 'SET_SHUFFLE') return {};
      const seed =
        typeof event.seed === 'number' && Number.isFinite(event.seed) ? event.seed : context.seed;
      if (!event.enabled)
        return { shuffleEnabled: false, seed, order: identity(context.itemCount) };
      const first = context.currentIndex >= 0 ? context.currentIndex : context.startingIndex;
      const shuffleOrder = shuffledOrder(context.itemCount, seed, first);
      return { shuffleEnabled: true, seed, shuffleOrder, order: shuffleOrder };
    }),
    setShuffledItems: assign(({ context, event }) => {
      if (event.type !== 'SET_SHUFFLED_ITEMS') return {};
      const shuffleOrder = [...event.order];
      return { shuffleOrder, order: context.shuffleEnabled ? shuffleOrder : context.order };
    }),
    setStartingItem: assign(({ context, event }) => {
      if (event.type !== 'SET_STARTING_ITEM') return {};
      const startingIndex = event.index;
      if (!context.shuffleEnabled || startingIndex < 0 || context.currentIndex >= 0) {
        return { startingIndex };
      }
      const shuffleOrder = moveToFront(context.shuffleOrder, startingIndex);
      return { startingIndex, shuffleOrder, order: shuffleOrder };
    }),
  },
}).createMachine({
  id: 'playbackList',
  context: ({ input }) => ({
    itemCount: 0,
    currentIndex: -1,
    order: [],
    shuffleOrder: [],
    autoRepeatEnabled: input?.autoRepeatEnabled === true,
    shuffleEnabled: false,
    startingIndex: -1,
    seed: typeof input?.seed === 'number' && Number.isFinite(input.seed) ? input.seed : 0,
    failedInRow: 0,
  }),
  initial: 'empty',
  on: {
    ITEMS_CHANGED: [
      { guard: 'becomesEmpty', target: '.empty', actions: 'applyItems' },
      { guard: 'currentRemovedToEnd', target: '.ended', actions: 'applyItems' },
      { actions: 'applyItems' },
    ],
    SET_AUTO_REPEAT: { guard: 'isBoolean', actions: 'setAutoRepeat' },
    SET_SHUFFLE: { guard: 'isBoolean', actions: 'setShuffle' },
    SET_SHUFFLED_ITEMS: { guard: 'isShuffledOrder', actions: 'setShuffledItems' },
    SET_STARTING_ITEM: { guard: 'isStartingIndex', actions: 'setStartingItem' },
  },
  states: {
    empty: {
      on: {
        ITEMS_CHANGED: [
          { guard: 'hasItems', target: 'idle', actions: 'applyItems' },
          { actions: 'applyItems' },
        ],
      },
    },
    idle: {
      on: {
        START: { guard: 'movesToItem', target: 'active', actions: 'applyMove' },
        MOVE_NEXT: { guard: 'movesToItem', target: 'active', actions: 'applyMove' },
        MOVE_PREVIOUS: { guard: 'movesToItem', target: 'active', actions: 'applyMove' },
        MOVE_TO: { guard: 'movesToItem', target: 'active', actions: 'applyMove' },
      },
    },
    active: {
      on: {
        MOVE_NEXT: [
          { guard: 'movesToItem', actions: 'applyMove' },
          { guard: 'movesToEnd', target: 'ended', actions: 'applyMove' },
        ],
        MOVE_PREVIOUS: { guard: 'movesToItem', actions: 'applyMove' },
        MOVE_TO: { guard: 'movesToItem', actions: 'applyMove' },
        ITEM_OPENED: { actions: 'resetFailures' },
        ITEM_ENDED: [
          { guard: 'movesToItem', actions: 'applyMove' },
          { target: 'ended', actions: 'applyMove' },
        ],
        ITEM_FAILED: [
          { guard: 'movesToItem', actions: 'applyMove' },
          { target: 'ended', actions: 'applyMove' },
        ],
      },
    },
    ended: {
      on: {
        START: { guard: 'movesToItem', target: 'active', actions: 'applyMove' },
        MOVE_NEXT: { guard: 'movesToItem', target: 'active', actions: 'applyMove' },
        MOVE_PREVIOUS: { guard: 'movesToItem', target: 'active', actions: 'applyMove' },
        MOVE_TO: { guard: 'movesToItem', target: 'active', actions: 'applyMove' },
      },
    },
  },
});

/** A snapshot of {@link playbackListMachine}. */
export type PlaybackListSnapshot = SnapshotFrom<typeof playbackListMachine>;
