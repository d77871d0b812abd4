import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import {
  type CurrentItemChangedEmitted,
  isPermutation,
  type PlaybackListEvent,
  type PlaybackListInput,
  playbackListMachine,
  shuffledOrder,
} from '../../src/machines/playbackList.ts';

function start(input: PlaybackListInput = {}, count = 0) {
  const actor = createActor(playbackListMachine, { input });
  const changes: Omit<CurrentItemChangedEmitted, 'type'>[] = [];
  actor.on('currentItemChanged', ({ type: _type, ...rest }) => changes.push(rest));
  actor.start();
  if (count > 0) actor.send({ type: 'ITEMS_CHANGED', count });
  return {
    actor,
    changes,
    send(...events: PlaybackListEvent[]) {
      changes.length = 0;
      for (const e of events) actor.send(e);
      return [...changes];
    },
    get state() {
      return actor.getSnapshot().value;
    },
    get context() {
      return actor.getSnapshot().context;
    },
  };
}

describe('playbackListMachine', () => {
  it('starts empty and becomes idle when items arrive', () => {
    const l = start();
    expect(l.state).toBe('empty');
    expect(l.context.currentIndex).toBe(-1);
    l.send({ type: 'ITEMS_CHANGED', count: 3 });
    expect(l.state).toBe('idle');
    expect(l.context.order).toEqual([0, 1, 2]);
  });

  it('plays through in order with endOfStream reasons, then ends', () => {
    const l = start({}, 3);
    expect(l.send({ type: 'START' })).toEqual([
      { oldIndex: -1, newIndex: 0, reason: 'initialItem' },
    ]);
    expect(l.send({ type: 'ITEM_ENDED' }, { type: 'ITEM_ENDED' }, { type: 'ITEM_ENDED' })).toEqual([
      { oldIndex: 0, newIndex: 1, reason: 'endOfStream' },
      { oldIndex: 1, newIndex: 2, reason: 'endOfStream' },
      { oldIndex: 2, newIndex: -1, reason: 'endOfStream' },
    ]);
    expect(l.state).toBe('ended');
    expect(l.context.currentIndex).toBe(-1);
    expect(l.send({ type: 'START' })).toEqual([
      { oldIndex: -1, newIndex: 0, reason: 'initialItem' },
    ]);
  });

  it('wraps at the end with autoRepeat', () => {
    const l = start({ autoRepeatEnabled: true }, 2);
    l.send({ type: 'START' }, { type: 'ITEM_ENDED' });
    expect(l.send({ type: 'ITEM_ENDED' })).toEqual([
      { oldIndex: 1, newIndex: 0, reason: 'endOfStream' },
    ]);
    expect(l.state).toBe('active');
  });

  it('ignores START while an item is current', () => {
    const l = start({}, 3);
    l.send({ type: 'START' }, { type: 'ITEM_ENDED' });
    expect(l.send({ type: 'START' })).toEqual([]);
    expect(l.context.currentIndex).toBe(1);
  });

  it('skips a failed item with reason error', () => {
    const l = start({}, 3);
    l.send({ type: 'START' });
    expect(l.send({ type: 'ITEM_FAILED' })).toEqual([
      { oldIndex: 0, newIndex: 1, reason: 'error' },
    ]);
  });

  it('ends after as many failures in a row as there are items, even with autoRepeat', () => {
    const l = start({ autoRepeatEnabled: true }, 3);
    l.send({ type: 'START' });
    const changes = l.send(
      { type: 'ITEM_FAILED' },
      { type: 'ITEM_FAILED' },
      { type: 'ITEM_FAILED' },
    );
    expect(changes.map((c) => c.newIndex)).toEqual([1, 2, -1]);
    expect(l.state).toBe('ended');
  });

  it('an item that opens resets the failure count', () => {
    const l = start({ autoRepeatEnabled: true }, 2);
    l.send({ type: 'START' }, { type: 'ITEM_FAILED' }, { type: 'ITEM_OPENED' });
    expect(l.context.failedInRow).toBe(0);
    expect(l.send({ type: 'ITEM_FAILED' })).toEqual([
      { oldIndex: 1, newIndex: 0, reason: 'error' },
    ]);
  });

  it('MOVE_TO ignores indexes out of range and the current index', () => {
    const l = start({}, 3);
    l.send({ type: 'START' });
    for (const index of [-1, 3, 1.5, Number.NaN, 0]) {
      expect(l.send({ type: 'MOVE_TO', index })).toEqual([]);
    }
    expect(l.send({ type: 'MOVE_TO', index: 2 })).toEqual([
      { oldIndex: 0, newIndex: 2, reason: 'appRequested' },
    ]);
  });

  it('MOVE_TO from idle starts at that item', () => {
    const l = start({}, 3);
    expect(l.send({ type: 'MOVE_TO', index: 1 })).toEqual([
      { oldIndex: -1, newIndex: 1, reason: 'appRequested' },
    ]);
    expect(l.state).toBe('active');
  });

  it('MOVE_PREVIOUS stays on the first item without autoRepeat and wraps with it', () => {
    const l = start({}, 3);
    l.send({ type: 'START' });
    expect(l.send({ type: 'MOVE_PREVIOUS' })).toEqual([]);
    l.send({ type: 'SET_AUTO_REPEAT', enabled: true });
    expect(l.send({ type: 'MOVE_PREVIOUS' })).toEqual([
      { oldIndex: 0, newIndex: 2, reason: 'appRequested' },
    ]);
  });

  it('MOVE_NEXT past the end ends the list; from ended it starts over', () => {
    const l = start({}, 2);
    l.send({ type: 'START' }, { type: 'MOVE_NEXT' });
    expect(l.send({ type: 'MOVE_NEXT' })).toEqual([
      { oldIndex: 1, newIndex: -1, reason: 'appRequested' },
    ]);
    expect(l.state).toBe('ended');
    expect(l.send({ type: 'MOVE_NEXT' })).toEqual([
      { oldIndex: -1, newIndex: 0, reason: 'appRequested' },
    ]);
    l.send({ type: 'MOVE_NEXT' }, { type: 'MOVE_NEXT' });
    expect(l.send({ type: 'MOVE_PREVIOUS' })).toEqual([
      { oldIndex: -1, newIndex: 1, reason: 'appRequested' },
    ]);
  });

  it('keeps the current item when items are inserted before it', () => {
    const l = start({}, 3);
    l.send({ type: 'START' }, { type: 'ITEM_ENDED' });
    expect(l.send({ type: 'ITEMS_CHANGED', count: 4, moved: [-1, 0, 1, 2] })).toEqual([]);
    expect(l.context.currentIndex).toBe(2);
    expect(l.send({ type: 'ITEM_ENDED' })).toEqual([
      { oldIndex: 2, newIndex: 3, reason: 'endOfStream' },
    ]);
  });

  it('moves on to the next item when the current one is removed', () => {
    const l = start({}, 3);
    l.send({ type: 'START' }, { type: 'ITEM_ENDED' });
    expect(l.send({ type: 'ITEMS_CHANGED', count: 2, moved: [0, 2] })).toEqual([
      { oldIndex: 1, newIndex: 1, reason: 'appRequested' },
    ]);
    expect(l.state).toBe('active');
  });

  it('ends (or wraps) when the removed current item was the last', () => {
    const l = start({}, 2);
    l.send({ type: 'START' }, { type: 'ITEM_ENDED' });
    expect(l.send({ type: 'ITEMS_CHANGED', count: 1, moved: [0] })).toEqual([
      { oldIndex: 1, newIndex: -1, reason: 'appRequested' },
    ]);
    expect(l.state).toBe('ended');

    const r = start({ autoRepeatEnabled: true }, 2);
    r.send({ type: 'START' }, { type: 'ITEM_ENDED' });
    expect(r.send({ type: 'ITEMS_CHANGED', count: 1, moved: [0] })).toEqual([
      { oldIndex: 1, newIndex: 0, reason: 'appRequested' },
    ]);
  });

  it('clearing the items empties the list and drops the current item', () => {
    const l = start({}, 2);
    l.send({ type: 'START' });
    expect(l.send({ type: 'ITEMS_CHANGED', count: 0, moved: [] })).toEqual([
      { oldIndex: 0, newIndex: -1, reason: 'appRequested' },
    ]);
    expect(l.state).toBe('empty');
  });

  it('an invalid moved map falls back to keeping indexes', () => {
    const l = start({}, 3);
    l.send({ type: 'START' }, { type: 'ITEM_ENDED' });
    l.send({ type: 'ITEMS_CHANGED', count: 4, moved: [0, 0, 1, 2] });
    expect(l.context.currentIndex).toBe(1);
    expect(l.context.itemCount).toBe(4);
  });

  it('shuffles with a stable order that starts with the starting item', () => {
    const a = start({ seed: 42 }, 8);
    a.send({ type: 'SET_STARTING_ITEM', index: 5 }, { type: 'SET_SHUFFLE', enabled: true });
    const b = start({ seed: 42 }, 8);
    b.send({ type: 'SET_STARTING_ITEM', index: 5 }, { type: 'SET_SHUFFLE', enabled: true });
    expect(a.context.order).toEqual(b.context.order);
    expect(a.context.order[0]).toBe(5);
    expect(isPermutation(a.context.order, 8)).toBe(true);
    expect(a.context.order).not.toEqual([5, 0, 1, 2, 3, 4, 6, 7]);
    expect(a.send({ type: 'START' })).toEqual([
      { oldIndex: -1, newIndex: 5, reason: 'initialItem' },
    ]);
    const played = [5];
    for (let i = 0; i < 7; i++) played.push(a.send({ type: 'ITEM_ENDED' })[0]!.newIndex);
    expect(played).toEqual(a.context.order);
  });

  it('switching shuffle on mid-list puts the current item first; off restores item order', () => {
    const l = start({ seed: 3 }, 6);
    l.send({ type: 'START' }, { type: 'MOVE_TO', index: 4 });
    l.send({ type: 'SET_SHUFFLE', enabled: true });
    expect(l.context.order[0]).toBe(4);
    expect(l.context.currentIndex).toBe(4);
    l.send({ type: 'SET_SHUFFLE', enabled: false });
    expect(l.context.order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(isPermutation(l.context.shuffleOrder, 6)).toBe(true);
  });

  it('SET_SHUFFLED_ITEMS takes a permutation and refuses anything else', () => {
    const l = start({}, 3);
    const initial = [...l.context.shuffleOrder];
    l.send({ type: 'SET_SHUFFLED_ITEMS', order: [0, 0, 1] });
    l.send({ type: 'SET_SHUFFLED_ITEMS', order: [0, 1] });
    l.send({ type: 'SET_SHUFFLED_ITEMS', order: [0, 1, 3] });
    expect(l.context.shuffleOrder).toEqual(initial);
    l.send({ type: 'SET_SHUFFLED_ITEMS', order: [2, 0, 1] });
    expect(l.context.shuffleOrder).toEqual([2, 0, 1]);
    expect(l.context.order).toEqual([0, 1, 2]); // shuffle is off: item order plays
    l.send({ type: 'SET_SHUFFLE', enabled: true });
    l.send({ type: 'SET_SHUFFLED_ITEMS', order: [1, 2, 0] });
    expect(l.context.order).toEqual([1, 2, 0]);
  });

  it('new items join the end of the shuffle order', () => {
    const l = start({ seed: 9 }, 4);
    l.send({ type: 'SET_SHUFFLE', enabled: true });
    const before = [...l.context.order];
    l.send({ type: 'ITEMS_CHANGED', count: 6, moved: [0, 1, 2, 3, -1, -1] });
    expect(l.context.order.slice(0, 4)).toEqual(before);
    expect([...l.context.order.slice(4)].sort()).toEqual([4, 5]);
  });

  it('shuffledOrder is a deterministic permutation with `first` in front', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer(),
        fc.integer({ min: -1, max: 40 }),
        (count, seed, first) => {
          const order = shuffledOrder(count, seed, first);
          expect(isPermutation(order, count)).toBe(true);
          expect(shuffledOrder(count, seed, first)).toEqual(order);
          if (first >= 0 && first < count) expect(order[0]).toBe(first);
        },
      ),
    );
  });
});
