import { describe, expect, it } from 'vitest';
import {
  isMediaPlaybackItem,
  isMediaSource,
  MediaPlaybackItem,
  MediaSource,
  mediaSourceBrand,
} from '../../src/actors/task/mediaSource.ts';
import {
  type CurrentItemChangedEvent,
  isMediaPlaybackList,
  MediaPlaybackList,
} from '../../src/actors/task/playbackList.ts';
import { VirtualClock } from '../../src/clock.ts';

/** Lets queued events reach their listeners (they are raised after the call returns). */
const settle = () => Promise.resolve();

const item = (name: string) =>
  new MediaPlaybackItem(MediaSource.createFromUri(`virtual:${name}?duration=1000`));

function listOf(count: number, options: { seed?: number } = {}) {
  const list = new MediaPlaybackList({ clock: new VirtualClock(), seed: options.seed ?? 1 });
  const items = Array.from({ length: count }, (_, i) => item(`t${i}`));
  list.items.push(...items);
  const changes: Array<{ old: string | null; new: string | null; reason: string }> = [];
  const name = (i: MediaPlaybackItem | null) => (i ? i.source.uri.slice(8, 10) : null);
  list.on('currentItemChanged', (e: CurrentItemChangedEvent) =>
    changes.push({ old: name(e.oldItem), new: name(e.newItem), reason: e.reason }),
  );
  return { list, items, changes };
}

describe('MediaSource', () => {
  it('creates a source from a string or URL, normalising it', () => {
    expect(MediaSource.createFromUri('file:///music/a b.flac').uri).toBe(
      'file:///music/a%20b.flac',
    );
    expect(MediaSource.createFromUri(new URL('https://example.org/x.mp3')).uri).toBe(
      'https://example.org/x.mp3',
    );
  });

  it('refuses an unparseable URI with a TypeError quoting it', () => {
    expect(() => MediaSource.createFromUri('not a uri')).toThrow(TypeError);
    expect(() => MediaSource.createFromUri('not a uri')).toThrow('`not a uri`');
    expect(() => MediaSource.createFromUri(42 as never)).toThrow('`42`');
  });

  it('carries custom properties', () => {
    const source = MediaSource.createFromUri('virtual:a?duration=1');
    source.customProperties.set('title', 'Intro');
    expect(source.customProperties.get('title')).toBe('Intro');
  });

  it('is recognised by brand, also from another copy of the module', () => {
    const foreign = { [Symbol.for('backbeat.MediaSource')]: true, uri: 'virtual:x?duration=1' };
    expect(isMediaSource(foreign)).toBe(true);
    expect(foreign instanceof MediaSource).toBe(true);
    expect(isMediaSource({ uri: 'x' })).toBe(false);
    expect(mediaSourceBrand).toBe(Symbol.for('backbeat.MediaSource'));
  });
});

describe('MediaPlaybackItem', () => {
  it('wraps a MediaSource and refuses anything else', () => {
    const source = MediaSource.createFromUri('virtual:a?duration=1');
    const it1 = new MediaPlaybackItem(source);
    expect(it1.source).toBe(source);
    expect(isMediaPlaybackItem(it1)).toBe(true);
    expect(() => new MediaPlaybackItem('virtual:a' as never)).toThrow(TypeError);
  });
});

describe('MediaPlaybackList.items', () => {
  it('behaves like an array: push, index access, assignment, splice, iteration', () => {
    const { list, items } = listOf(3);
    expect(list.items.length).toBe(3);
    expect(list.items[1]).toBe(items[1]);
    expect(1 in list.items).toBe(true);
    expect(3 in list.items).toBe(false);
    expect([...list.items]).toEqual(items);
    const extra = item('x');
    list.items[3] = extra;
    expect(list.items.length).toBe(4);
    expect(list.items.splice(1, 1)).toEqual([items[1]]);
    expect(list.items.toArray()).toEqual([items[0], items[2], extra]);
    list.items.clear();
    expect(list.items.length).toBe(0);
  });

  it('refuses values that are not items, changing nothing', () => {
    const { list } = listOf(2);
    expect(() => list.items.push('song.mp3' as never)).toThrow(TypeError);
    expect(() => list.items.push(item('ok'), {} as never)).toThrow('MediaPlaybackItem');
    expect(() => {
      list.items[5] = item('gap');
    }).toThrow(RangeError);
    expect(list.items.length).toBe(2);
  });

  it('notifies changes to listeners', () => {
    const { list } = listOf(0);
    let calls = 0;
    const off = list.items.onChanged(() => calls++);
    list.items.push(item('a'));
    list.items.insert(0, item('b'));
    list.items.removeAt(1);
    off();
    list.items.push(item('c'));
    expect(calls).toBe(3);
  });
});

describe('MediaPlaybackList.items as an Array', () => {
  const uriOf = (i: MediaPlaybackItem | undefined) => i?.source.uri.slice(8, 10);

  it('is a real Array: Array.isArray, and every non-mutating Array method works', () => {
    const { list, items } = listOf(4);
    const xs = list.items;
    expect(Array.isArray(xs)).toBe(true);
    expect(xs.find((i) => uriOf(i) === 't2')).toBe(items[2]);
    expect(xs.findIndex((i) => uriOf(i) === 't3')).toBe(3);
    expect(xs.findLast((i) => uriOf(i) !== 't3')).toBe(items[2]);
    expect(xs.findLastIndex((i) => uriOf(i) === 't0')).toBe(0);
    expect(xs.map(uriOf)).toEqual(['t0', 't1', 't2', 't3']);
    expect(xs.filter((_, i) => i % 2 === 0)).toEqual([items[0], items[2]]);
    expect(xs.some((i) => i === items[1])).toBe(true);
    expect(xs.every((i) => i instanceof MediaPlaybackItem)).toBe(true);
    const seen: number[] = [];
    xs.forEach((_, i) => {
      seen.push(i);
    });
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(xs.reduce((n, i) => n + (uriOf(i) ?? ''), '')).toBe('t0t1t2t3');
    expect(xs.reduceRight((n, i) => n + (uriOf(i) ?? ''), '')).toBe('t3t2t1t0');
    expect(xs.slice(1, 3)).toEqual([items[1], items[2]]);
    expect(Array.isArray(xs.slice())).toBe(true);
    expect(xs.map(uriOf).join('|')).toBe('t0|t1|t2|t3');
    expect(xs.join(',')).toBe('[object Object],[object Object],[object Object],[object Object]');
    expect([...xs.entries()].map(([i, v]) => [i, uriOf(v)])).toEqual([
      [0, 't0'],
      [1, 't1'],
      [2, 't2'],
      [3, 't3'],
    ]);
    expect([...xs.keys()]).toEqual([0, 1, 2, 3]);
    expect([...xs.values()]).toEqual(items);
    expect(xs.at(-1)).toBe(items[3]);
    expect(xs.indexOf(items[2]!)).toBe(2);
    expect(xs.lastIndexOf(items[1]!)).toBe(1);
    expect(xs.includes(items[0]!)).toBe(true);
    expect(xs.includes(item('stranger'))).toBe(false);
    expect(xs.concat([])).toEqual(items);
    expect(xs.flatMap((i) => [uriOf(i)])).toEqual(['t0', 't1', 't2', 't3']);
    expect(xs.toReversed()).toEqual([...items].reverse());
    expect(Array.from(xs)).toEqual(items);
    expect(Object.keys(xs)).toEqual(['0', '1', '2', '3']);
  });

  it('JSON.stringify shows the items, not internals', () => {
    const { list } = listOf(2);
    list.items[0]!.source.customProperties.set('title', 'Intro');
    expect(JSON.parse(JSON.stringify(list.items))).toEqual([
      { source: { uri: 'virtual:t0?duration=1000', customProperties: { title: 'Intro' } } },
      { source: { uri: 'virtual:t1?duration=1000', customProperties: {} } },
    ]);
  });

  it('every mutator changes the list, notifies it once, and the list follows', () => {
    const { list, items } = listOf(4);
    let calls = 0;
    list.items.onChanged(() => calls++);
    list.moveTo(1);
    const extra = item('x');
    expect(list.items.push(extra)).toBe(5);
    expect(list.items.pop()).toBe(extra);
    expect(list.items.unshift(extra)).toBe(5);
    expect(list.currentItemIndex).toBe(2);
    expect(list.items.shift()).toBe(extra);
    expect(list.currentItemIndex).toBe(1);
    expect(list.items.reverse()).toBe(list.items);
    expect(list.items.map(uriOf)).toEqual(['t3', 't2', 't1', 't0']);
    expect(list.currentItem).toBe(items[1]);
    expect(list.currentItemIndex).toBe(2);
    list.items.sort((a, b) => (uriOf(a)! < uriOf(b)! ? -1 : 1));
    expect(list.items.map(uriOf)).toEqual(['t0', 't1', 't2', 't3']);
    expect(list.currentItemIndex).toBe(1);
    expect(list.items.splice(2, 1, extra)).toEqual([items[2]]);
    expect(list.items.map(uriOf)).toEqual(['t0', 't1', 'x?', 't3']);
    expect(calls).toBe(7);
    list.items.length = 2;
    expect(list.items.length).toBe(2);
    expect(calls).toBe(8);
    list.items.length = 0;
    expect(list.items.length).toBe(0);
    expect(list.currentItem).toBeNull();
    expect(calls).toBe(9);
  });

  it('a call that changes nothing does not notify', () => {
    const { list } = listOf(2);
    let calls = 0;
    list.items.onChanged(() => calls++);
    list.items.splice(0, 0);
    list.items.sort(() => 0);
    list.items.length = 2;
    listOf(0).list.items.pop();
    expect(calls).toBe(0);
  });

  it('every way in refuses a value that is not a MediaPlaybackItem, quoting it, and changes nothing', () => {
    const { list, items } = listOf(2);
    let calls = 0;
    list.items.onChanged(() => calls++);
    const attempts: Array<[string, () => unknown]> = [
      ['push', () => list.items.push(item('ok'), 'a.mp3' as never)],
      ['unshift', () => list.items.unshift(42 as never)],
      ['splice', () => list.items.splice(0, 1, null as never)],
      ['fill', () => list.items.fill('x' as never)],
      ['index', () => (list.items[0] = 'a.mp3' as never)],
      ['insert', () => list.items.insert(0, {} as never)],
      ['replaceAll', () => list.items.replaceAll(['a.mp3' as never])],
    ];
    for (const [name, attempt] of attempts) {
      expect(attempt, name).toThrow(TypeError);
      expect(attempt, name).toThrow(/MediaPlaybackItem.*got `/);
    }
    expect(() => list.items.push('a.mp3' as never)).toThrow('`a.mp3`');
    expect(() => {
      list.items.length = 5;
    }).toThrow(RangeError);
    expect(() => {
      list.items.length = 5;
    }).toThrow('`5`');
    expect(() => {
      delete list.items[0];
    }).toThrow(TypeError);
    expect(() => Object.defineProperty(list.items, 0, { value: 'x' })).toThrow(TypeError);
    expect([...list.items]).toEqual(items);
    expect(calls).toBe(0);
  });

  it('fill with an item, copyWithin and Array.prototype methods called on it also notify', () => {
    const { list, items } = listOf(3);
    let calls = 0;
    list.items.onChanged(() => calls++);
    list.items.copyWithin(0, 2);
    expect([...list.items]).toEqual([items[2], items[1], items[2]]);
    list.items.fill(items[0]!, 1);
    expect([...list.items]).toEqual([items[2], items[0], items[0]]);
    Array.prototype.push.call(list.items, items[1]!);
    expect(list.items.length).toBe(4);
    expect(() => Array.prototype.push.call(list.items, 'no' as never)).toThrow(TypeError);
    expect(list.items.length).toBe(4);
    expect(calls).toBe(3);
  });

  it('removing every item through length = 0 ends the current item', async () => {
    const { list, items, changes } = listOf(2);
    list.moveTo(0);
    list.items.length = 0;
    await settle();
    expect(changes.at(-1)).toEqual({ old: 't0', new: null, reason: 'appRequested' });
    expect(items).toHaveLength(2);
  });
});

describe('MediaPlaybackList', () => {
  it('is recognised by brand', () => {
    expect(isMediaPlaybackList(new MediaPlaybackList({ seed: 1 }))).toBe(true);
    expect(isMediaPlaybackList({})).toBe(false);
  });

  it('has no current item until started or moved', () => {
    const { list } = listOf(3);
    expect(list.currentItem).toBeNull();
    expect(list.currentItemIndex).toBe(-1);
  });

  it('moves with moveNext / movePrevious / moveTo and reports appRequested', async () => {
    const { list, items, changes } = listOf(3);
    expect(list.moveNext()).toBe(items[0]);
    expect(list.moveTo(2)).toBe(items[2]);
    expect(list.movePrevious()).toBe(items[1]);
    expect(list.currentItemIndex).toBe(1);
    await settle();
    expect(changes).toEqual([
      { old: null, new: 't0', reason: 'appRequested' },
      { old: 't0', new: 't2', reason: 'appRequested' },
      { old: 't2', new: 't1', reason: 'appRequested' },
    ]);
  });

  it('moveTo refuses a bad index with a RangeError quoting it', () => {
    const { list } = listOf(3);
    for (const bad of [3, -1, 1.5, Number.NaN]) {
      expect(() => list.moveTo(bad)).toThrow(RangeError);
      expect(() => list.moveTo(bad)).toThrow(`\`${bad}\``);
    }
  });

  it('listeners see the new current item while handling the change', async () => {
    const { list, items } = listOf(2);
    const seen: unknown[] = [];
    list.on('currentItemChanged', () => seen.push(list.currentItem, list.currentItemIndex));
    list.moveTo(1);
    await settle();
    expect(seen).toEqual([items[1], 1]);
  });

  it('keeps the current item across inserts and moves on when it is removed', async () => {
    const { list, items, changes } = listOf(3);
    list.moveTo(1);
    await settle();
    changes.length = 0;
    list.items.insert(0, item('new'));
    expect(list.currentItem).toBe(items[1]);
    expect(list.currentItemIndex).toBe(2);
    expect(changes).toEqual([]);
    list.items.remove(items[1]!);
    expect(list.currentItem).toBe(items[2]);
    await settle();
    expect(changes).toEqual([{ old: 't1', new: 't2', reason: 'appRequested' }]);
  });

  it('checks its settings', () => {
    const { list, items } = listOf(2);
    expect(() => {
      list.autoRepeatEnabled = 'yes' as never;
    }).toThrow(TypeError);
    expect(() => {
      list.maxPrefetchTime = -1;
    }).toThrow(RangeError);
    list.maxPrefetchTime = 5000;
    expect(list.maxPrefetchTime).toBe(5000);
    expect(() => {
      list.startingItem = item('stranger');
    }).toThrow(RangeError);
    list.startingItem = items[1]!;
    expect(list.startingItem).toBe(items[1]);
  });

  it('shuffles stably for a seed, starting with the starting item', () => {
    const a = listOf(8, { seed: 5 });
    const b = listOf(8, { seed: 5 });
    for (const { list, items } of [a, b]) {
      list.startingItem = items[6]!;
      list.shuffleEnabled = true;
    }
    const names = (l: MediaPlaybackList) => l.shuffledItems.map((i) => i.source.uri.slice(8, 10));
    expect(names(a.list)).toEqual(names(b.list));
    expect(a.list.shuffledItems[0]).toBe(a.items[6]);
    expect(new Set(a.list.shuffledItems).size).toBe(8);
    expect(a.list.moveNext()).toBe(a.items[6]);
    expect(a.list.moveNext()).toBe(a.list.shuffledItems[1]);
  });

  it('setShuffledItems takes every item once and refuses anything else', () => {
    const { list, items } = listOf(3);
    expect(() => list.setShuffledItems([items[0]!, items[1]!])).toThrow(RangeError);
    expect(() => list.setShuffledItems([items[0]!, items[0]!, items[1]!])).toThrow(RangeError);
    expect(() => list.setShuffledItems([items[0]!, items[1]!, item('x')])).toThrow(RangeError);
    list.setShuffledItems([items[2]!, items[0]!, items[1]!]);
    expect(list.shuffledItems).toEqual([items[2], items[0], items[1]]);
    list.shuffleEnabled = true;
    list.setShuffledItems([items[2]!, items[0]!, items[1]!]);
    expect(list.moveNext()).toBe(items[2]);
    expect(list.moveNext()).toBe(items[0]);
  });

  it('wraps with autoRepeatEnabled and ends without it', () => {
    const { list, items } = listOf(2);
    list.moveTo(1);
    expect(list.moveNext()).toBeNull();
    list.autoRepeatEnabled = true;
    list.moveTo(1);
    expect(list.moveNext()).toBe(items[0]);
  });
});
