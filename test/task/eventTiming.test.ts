import { describe, expect, it } from 'vitest';
import { MediaPlayer } from '../../src/actors/task/mediaPlayer.ts';
import { MediaPlaybackItem, MediaSource } from '../../src/actors/task/mediaSource.ts';
import { MediaPlaybackList } from '../../src/actors/task/playbackList.ts';
import { createVirtualAudio } from '../../src/adapters/audio/virtual.ts';
import { VirtualClock } from '../../src/clock.ts';

// As in WinRT, an event is raised after the call that caused it has returned.

function setup() {
  const clock = new VirtualClock();
  const player = new MediaPlayer({ clock, audio: createVirtualAudio({ clock }) });
  const list = new MediaPlaybackList({ clock, seed: 1 });
  const items = ['a', 'b', 'c'].map(
    (n) => new MediaPlaybackItem(MediaSource.createFromUri(`virtual:${n}?duration=1000`)),
  );
  list.items.push(...items);
  const name = (i: MediaPlaybackItem | null) => (i ? i.source.uri.slice(8, 9) : 'none');
  return { clock, player, list, items, name, run: (ms: number) => clock.advanceAsync(ms) };
}

describe('events are raised after the call that caused them returns', () => {
  it('a listener added right after `player.source = list` hears currentItemChanged (initialItem)', async () => {
    const { player, list, name, run } = setup();
    player.source = list;
    const changes: string[] = [];
    list.on('currentItemChanged', (e) =>
      changes.push(`${name(e.oldItem)}->${name(e.newItem)}:${e.reason}`),
    );
    const states: string[] = [];
    player.on('currentStateChanged', ({ state }) => states.push(state));
    expect(changes).toEqual([]);
    await run(0);
    expect(changes).toEqual(['none->a:initialItem']);
    expect(states).toEqual(['opening', 'playing']);
  });

  it('nothing reaches a listener during the call; everything arrives in order once it returns', async () => {
    const { player, list, run } = setup();
    const log: string[] = [];
    list.on('currentItemChanged', (e) => log.push(`list.currentItemChanged:${e.reason}`));
    list.on('itemOpened', () => log.push('list.itemOpened'));
    player.on('currentStateChanged', ({ state }) => log.push(`player.${state}`));
    player.on('mediaOpened', () => log.push('player.mediaOpened'));
    player.on('seekCompleted', () => log.push('player.seekCompleted'));
    player.source = list;
    expect(log).toEqual([]);
    await run(0);
    expect(log).toEqual([
      'list.currentItemChanged:initialItem',
      'player.opening',
      'player.mediaOpened',
      'list.itemOpened',
      'player.playing',
    ]);
    log.length = 0;
    player.position = 250;
    list.moveNext();
    expect(log).toEqual([]);
    await run(0);
    expect(log).toEqual([
      'player.seekCompleted',
      'list.currentItemChanged:appRequested',
      'player.opening',
      'player.mediaOpened',
      'list.itemOpened',
      'player.playing',
    ]);
  });

  it('an event raised by a listener comes after every listener of the event being handled', async () => {
    const { player, list, name, run } = setup();
    player.source = list;
    await run(0);
    const log: string[] = [];
    list.on('currentItemChanged', (e) => {
      log.push(`first:${name(e.newItem)}`);
      if (name(e.newItem) === 'b') list.moveNext();
      log.push(`first returned:${name(e.newItem)}`);
    });
    list.on('currentItemChanged', (e) => log.push(`second:${name(e.newItem)}`));
    list.moveNext();
    await run(0);
    expect(log).toEqual([
      'first:b',
      'first returned:b',
      'second:b',
      'first:c',
      'first returned:c',
      'second:c',
    ]);
  });

  it('seekCompleted comes once position reads the new value, also for `player.position = ms`', async () => {
    const { player, list, run } = setup();
    player.source = list;
    await run(100);
    const seen: number[] = [];
    player.on('seekCompleted', () => seen.push(player.position));
    player.position = 600;
    expect(player.position).toBe(600);
    await run(0);
    expect(seen).toEqual([600]);
  });

  it('a position set while the media opens is applied once it is open, then seekCompleted', async () => {
    const { player, clock, run } = setup();
    const log: string[] = [];
    player.on('mediaOpened', () => log.push(`mediaOpened@${player.position}`));
    player.on('seekCompleted', () => log.push(`seekCompleted@${player.position}`));
    player.source = MediaSource.createFromUri('virtual:slow?duration=5000&open=200');
    await run(50);
    expect(player.currentState).toBe('opening');
    player.position = 3000;
    expect(player.position).toBe(3000);
    await run(150);
    expect(player.currentState).toBe('playing');
    expect(log).toEqual(['mediaOpened@3000', 'seekCompleted@3000']);
    await run(100);
    expect(player.position).toBe(3100);
    expect(clock.now()).toBe(300);
  });

  it('a position set for an item that is then replaced does not carry over', async () => {
    const { player, list, run } = setup();
    player.source = list;
    player.position = 700;
    list.moveNext();
    await run(0);
    expect(list.currentItemIndex).toBe(1);
    expect(player.position).toBe(0);
  });
});
