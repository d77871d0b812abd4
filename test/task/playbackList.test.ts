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

  it('moves with moveNext / movePrevious / moveTo and reports appRequested', () => {
    const { list, items, changes } = listOf(3);
    expect(list.moveNext()).toBe(items[0]);
    expect(list.moveTo(2)).toBe(items[2]);
    expect(list.movePrevious()).toBe(items[1]);
    expect(list.currentItemIndex).toBe(1);
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

  it('listeners see the new current item while handling the change', () => {
    const { list, items } = listOf(2);
    const seen: unknown[] = [];
    list.on('currentItemChanged', () => seen.push(list.currentItem, list.currentItemIndex));
    list.moveTo(1);
    expect(seen).toEqual([items[1], 1]);
  });

  it('keeps the current item across inserts and moves on when it is removed', () => {
    const { list, items, changes } = listOf(3);
    list.moveTo(1);
    changes.length = 0;
    list.items.insert(0, item('new'));
    expect(list.currentItem).toBe(items[1]);
    expect(list.currentItemIndex).toBe(2);
    expect(changes).toEqual([]);
    list.items.remove(items[1]!);
    expect(list.currentItem).toBe(items[2]);
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
