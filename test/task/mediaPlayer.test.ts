import { describe, expect, it } from 'vitest';
import { MediaPlayer, type MediaPlayerEventMap } from '../../src/actors/task/mediaPlayer.ts';
import { MediaPlaybackItem, MediaSource } from '../../src/actors/task/mediaSource.ts';
import { MediaPlaybackList } from '../../src/actors/task/playbackList.ts';
import { SystemMediaTransportControls } from '../../src/actors/task/systemMediaTransportControls.ts';
import { createVirtualAudio } from '../../src/adapters/audio/virtual.ts';
import { VirtualClock } from '../../src/clock.ts';
import { InvalidOperationError } from '../../src/errors.ts';

const eventNames: (keyof MediaPlayerEventMap)[] = [
  'mediaOpened',
  'mediaEnded',
  'mediaFailed',
  'currentStateChanged',
  'seekCompleted',
  'volumeChanged',
  'bufferingStarted',
  'bufferingEnded',
  'mediaPlayerRateChanged',
];

function setup() {
  const clock = new VirtualClock();
  const audio = createVirtualAudio({ clock });
  const player = new MediaPlayer({ clock, audio });
  const log: string[] = [];
  for (const name of eventNames) {
    player.on(name, (e) => {
      const detail =
        name === 'currentStateChanged'
          ? `:${(e as { state: string }).state}`
          : name === 'mediaFailed'
            ? `:${(e as { error: string }).error}`
            : name === 'mediaPlayerRateChanged'
              ? `:${(e as { newRate: number }).newRate}`
              : '';
      log.push(`${name}${detail}@${clock.now()}`);
    });
  }
  const run = (ms: number) => clock.advanceAsync(ms);
  return { clock, audio, player, log, run };
}

const source = (uri: string, title?: string) => {
  const s = MediaSource.createFromUri(uri);
  if (title) s.customProperties.set('title', title);
  return s;
};
const item = (uri: string) => new MediaPlaybackItem(source(uri));

function playlist(uris: string[], options: { autoRepeat?: boolean } = {}) {
  const list = new MediaPlaybackList({ seed: 1 });
  const items = uris.map(item);
  list.items.push(...items);
  if (options.autoRepeat) list.autoRepeatEnabled = true;
  const changes: string[] = [];
  list.on('currentItemChanged', (e) =>
    changes.push(`${e.newItem ? items.indexOf(e.newItem) : 'none'}:${e.reason}`),
  );
  const failed: string[] = [];
  list.on('itemFailed', (e) => failed.push(`${items.indexOf(e.item)}:${e.error.error}`));
  const opened: number[] = [];
  list.on('itemOpened', (e) => opened.push(items.indexOf(e.item)));
  return { list, items, changes, failed, opened };
}

describe('MediaPlayer with a single source', () => {
  it('opens, plays with autoPlay, and pauses at the end', async () => {
    const { player, log, run } = setup();
    expect(player.currentState).toBe('closed');
    player.source = source('virtual:a?duration=1000');
    expect(player.currentState).toBe('opening');
    await run(0);
    expect(player.currentState).toBe('playing');
    expect(player.naturalDuration).toBe(1000);
    await run(400);
    expect(player.position).toBe(400);
    await run(600);
    expect(player.currentState).toBe('paused');
    expect(player.position).toBe(1000);
    expect(log).toEqual([
      'currentStateChanged:opening@0',
      'mediaOpened@0',
      'currentStateChanged:playing@0',
      'mediaEnded@1000',
      'currentStateChanged:paused@1000',
    ]);
  });

  it('with autoPlay false waits for play()', async () => {
    const { player, run } = setup();
    player.autoPlay = false;
    player.source = source('virtual:a?duration=1000');
    await run(500);
    expect(player.currentState).toBe('paused');
    expect(player.position).toBe(0);
    player.play();
    await run(300);
    expect(player.currentState).toBe('playing');
    expect(player.position).toBe(300);
  });

  it('play() while opening starts playback once open', async () => {
    const { player, run } = setup();
    player.setAutoPlay(false);
    player.source = source('virtual:a?duration=1000&open=200');
    player.play();
    await run(199);
    expect(player.currentState).toBe('opening');
    await run(1);
    expect(player.currentState).toBe('playing');
  });

  it('ignores volume out of range and applies valid volume to the output', async () => {
    const { player, audio, log, run } = setup();
    player.source = source('virtual:a?duration=1000');
    await run(0);
    log.length = 0;
    player.setVolume(2);
    player.volume = -1;
    player.setVolume(Number.NaN);
    expect(player.volume).toBe(1);
    await run(0);
    expect(log).toEqual([]);
    player.volume = 0.5;
    player.isMuted = true;
    expect(log).toEqual([]);
    await run(0);
    expect(log).toEqual(['volumeChanged@0', 'volumeChanged@0']);
    expect(audio.tracks[0]!.volume).toBe(0.5);
    expect(audio.tracks[0]!.muted).toBe(true);
    expect(() => player.setVolume('0.5' as never)).toThrow(TypeError);
  });

  it('clamps seeks to the media and confirms them', async () => {
    const { player, log, run } = setup();
    player.source = source('virtual:a?duration=1000');
    await run(100);
    log.length = 0;
    player.seek(-100);
    expect(player.position).toBe(0);
    player.position = 99_999;
    expect(player.position).toBe(1000);
    player.seek(250);
    expect(player.position).toBe(250);
    await run(0);
    expect(log).toEqual(['seekCompleted@100', 'seekCompleted@100', 'seekCompleted@100']);
    expect(() => player.seek(Number.NaN)).toThrow(RangeError);
  });

  it('loops when isLoopingEnabled, without mediaEnded', async () => {
    const { player, log, run } = setup();
    player.isLoopingEnabled = true;
    player.source = source('virtual:a?duration=1000');
    await run(2500);
    expect(player.currentState).toBe('playing');
    expect(player.position).toBe(500);
    expect(log.some((l) => l.startsWith('mediaEnded'))).toBe(false);
  });

  it('plays at the playback rate and ignores invalid rates', async () => {
    const { player, log, run } = setup();
    player.source = source('virtual:a?duration=10000');
    await run(1000);
    player.playbackRate = 2;
    player.setPlaybackRate(0);
    player.setPlaybackRate(-3);
    expect(player.playbackRate).toBe(2);
    await run(1000);
    expect(player.position).toBe(3000);
    expect(log.filter((l) => l.startsWith('mediaPlayerRate'))).toEqual([
      'mediaPlayerRateChanged:2@1000',
    ]);
  });

  it('reports buffering', async () => {
    const { player, log, run } = setup();
    player.source = source('virtual:a?duration=1000&buffering=300');
    await run(0);
    expect(player.currentState).toBe('buffering');
    expect(player.bufferingProgress).toBe(0);
    await run(300);
    expect(player.currentState).toBe('playing');
    expect(player.bufferingProgress).toBe(1);
    await run(100);
    expect(player.position).toBe(100);
    expect(log).toEqual([
      'currentStateChanged:opening@0',
      'mediaOpened@0',
      'currentStateChanged:playing@0',
      'bufferingStarted@0',
      'currentStateChanged:buffering@0',
      'bufferingEnded@300',
      'currentStateChanged:playing@300',
    ]);
  });

  it('a failed open raises mediaFailed quoting the source and closes', async () => {
    const { player, log, run } = setup();
    const uri = 'virtual:a?duration=1000&open=50&error=networkError';
    const failures: MediaPlayerEventMap['mediaFailed'][] = [];
    player.on('mediaFailed', (e) => failures.push(e));
    player.source = source(uri);
    await run(50);
    expect(player.currentState).toBe('closed');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.error).toBe('networkError');
    expect(failures[0]!.errorMessage).toContain(uri);
    expect(log.at(-1)).toBe('currentStateChanged:closed@50');
  });

  it('an unsupported source fails with sourceNotSupported', async () => {
    const { player, log, run } = setup();
    player.source = source('virtual:a?duration=1000&speed=2');
    await run(0);
    expect(log).toContain('mediaFailed:sourceNotSupported@0');
  });

  it('a failure while playing raises decodingError and closes', async () => {
    const { player, log, run } = setup();
    player.source = source('virtual:a?duration=1000&failAt=600');
    await run(1000);
    expect(player.currentState).toBe('closed');
    expect(log).toContain('mediaFailed:decodingError@600');
    expect(player.position).toBe(0);
  });

  it('listeners read the new state while handling currentStateChanged', async () => {
    const { player, run } = setup();
    const seen: string[] = [];
    player.on('currentStateChanged', ({ state }) => seen.push(`${state}=${player.currentState}`));
    player.source = source('virtual:a?duration=1000');
    await run(0);
    player.pause();
    await run(0);
    expect(seen).toEqual(['opening=opening', 'playing=playing', 'paused=paused']);
  });

  it('refuses a source that is not a MediaSource, item or list', () => {
    const { player } = setup();
    expect(() => {
      player.source = 'virtual:a?duration=1' as never;
    }).toThrow(TypeError);
  });

  it('setting source to null closes the player', async () => {
    const { player, audio, run } = setup();
    player.source = source('virtual:a?duration=1000');
    await run(100);
    player.source = null;
    expect(player.currentState).toBe('closed');
    expect(audio.tracks[0]!.closed).toBe(true);
    expect(player.getSnapshot().currentItem).toBeNull();
  });
});

describe('MediaPlayer with a MediaPlaybackList', () => {
  it('plays a 3-track list through, gaplessly, with endOfStream reasons', async () => {
    const { player, log, run } = setup();
    const { list, changes, opened } = playlist([
      'virtual:a?duration=1000',
      'virtual:b?duration=2000&open=300',
      'virtual:c?duration=500',
    ]);
    player.source = list;
    await run(0);
    expect(changes).toEqual(['0:initialItem']);
    await run(1000);
    expect(changes).toEqual(['0:initialItem', '1:endOfStream']);
    expect(player.currentState).toBe('playing');
    expect(player.position).toBe(0);
    await run(2000);
    expect(changes.at(-1)).toBe('2:endOfStream');
    await run(499);
    expect(player.position).toBe(499);
    await run(1);
    expect(changes).toEqual([
      '0:initialItem',
      '1:endOfStream',
      '2:endOfStream',
      'none:endOfStream',
    ]);
    expect(opened).toEqual([0, 1, 2]);
    expect(log.filter((l) => l.startsWith('mediaOpened'))).toEqual([
      'mediaOpened@0',
      'mediaOpened@1000',
      'mediaOpened@3000',
    ]);
    expect(log.filter((l) => l.startsWith('mediaEnded'))).toEqual(['mediaEnded@3500']);
    expect(player.currentState).toBe('closed');
    expect(list.currentItem).toBeNull();
  });

  it('skips an item that fails to open and keeps playing', async () => {
    const { player, log, run } = setup();
    const { list, changes, failed } = playlist([
      'virtual:a?duration=1000',
      'virtual:b?duration=1000&error=decodingError',
      'virtual:c?duration=1000',
    ]);
    player.source = list;
    await run(1000);
    expect(failed).toEqual(['1:decodingError']);
    expect(changes).toEqual(['0:initialItem', '1:endOfStream', '2:error']);
    expect(log).toContain('mediaFailed:decodingError@1000');
    expect(player.currentState).toBe('playing');
    await run(1000);
    expect(changes.at(-1)).toBe('none:endOfStream');
  });

  it('skips an item that fails while playing', async () => {
    const { player, run } = setup();
    const { list, changes, failed } = playlist([
      'virtual:a?duration=1000&failAt=200',
      'virtual:b?duration=1000',
    ]);
    player.source = list;
    await run(200);
    expect(failed).toEqual(['0:decodingError']);
    expect(changes).toEqual(['0:initialItem', '1:error']);
    expect(player.currentState).toBe('playing');
    await run(300);
    expect(player.position).toBe(300);
  });

  it('stops after every item failed, even with autoRepeat', async () => {
    const { player, run } = setup();
    const { list, failed } = playlist(
      ['virtual:a?duration=1&error=networkError', 'virtual:b?duration=1&error=networkError'],
      { autoRepeat: true },
    );
    player.source = list;
    await run(10);
    expect(failed).toEqual(['0:networkError', '1:networkError']);
    expect(player.currentState).toBe('closed');
    expect(list.currentItem).toBeNull();
  });

  it('with autoPlay false, play() plays the whole list', async () => {
    const { player, run } = setup();
    player.autoPlay = false;
    const { list, changes } = playlist(['virtual:a?duration=1000', 'virtual:b?duration=1000']);
    player.source = list;
    await run(500);
    expect(player.currentState).toBe('paused');
    player.play();
    await run(1500);
    expect(changes).toEqual(['0:initialItem', '1:endOfStream']);
    expect(player.currentState).toBe('playing');
    expect(player.position).toBe(500);
  });

  it('moveNext keeps playing while playing and stays paused while paused', async () => {
    const { player, run } = setup();
    const { list, changes } = playlist([
      'virtual:a?duration=1000',
      'virtual:b?duration=1000',
      'virtual:c?duration=1000',
    ]);
    player.source = list;
    await run(100);
    list.moveNext();
    await run(100);
    expect(player.currentState).toBe('playing');
    expect(player.position).toBe(100);
    player.autoPlay = false;
    player.pause();
    list.moveNext();
    await run(100);
    expect(player.currentState).toBe('paused');
    expect(changes).toEqual(['0:initialItem', '1:appRequested', '2:appRequested']);
  });

  it('wraps with autoRepeat', async () => {
    const { player, run } = setup();
    const { list, changes } = playlist(['virtual:a?duration=100', 'virtual:b?duration=100'], {
      autoRepeat: true,
    });
    player.source = list;
    await run(250);
    expect(changes).toEqual(['0:initialItem', '1:endOfStream', '0:endOfStream']);
    expect(player.currentState).toBe('playing');
  });

  it('prefetches the next item at once by default', async () => {
    const { player, audio, run } = setup();
    const { list } = playlist(['virtual:a?duration=1000', 'virtual:b?duration=1000&open=400']);
    player.source = list;
    await run(0);
    expect(audio.preloaded).toEqual(['virtual:b?duration=1000&open=400']);
    await run(1000);
    // Preloaded: the next item opened without its open delay, so there is no gap.
    expect(player.currentState).toBe('playing');
  });

  it('prefetches maxPrefetchTime before the end, following rate and pauses', async () => {
    const { player, audio, run } = setup();
    const { list } = playlist(['virtual:a?duration=10000', 'virtual:b?duration=1000']);
    list.maxPrefetchTime = 2000;
    player.source = list;
    await run(2000);
    player.pause();
    await run(10_000);
    expect(audio.preloaded).toEqual([]);
    player.play();
    player.playbackRate = 2;
    await run(2999);
    expect(audio.preloaded).toEqual([]);
    await run(1);
    expect(audio.preloaded).toEqual(['virtual:b?duration=1000']);
    expect(player.position).toBe(8000);
  });

  it('starts playing when items arrive in an empty list that is the source', async () => {
    const { player, run } = setup();
    const list = new MediaPlaybackList({ seed: 1 });
    player.source = list;
    expect(player.currentState).toBe('closed');
    list.items.push(item('virtual:a?duration=1000'));
    await run(100);
    expect(player.currentState).toBe('playing');
    expect(list.currentItemIndex).toBe(0);
  });

  it('play() after the list ended starts it over', async () => {
    const { player, run } = setup();
    const { list, changes } = playlist(['virtual:a?duration=100']);
    player.source = list;
    await run(100);
    expect(player.currentState).toBe('closed');
    player.play();
    await run(50);
    expect(player.currentState).toBe('playing');
    expect(changes).toEqual(['0:initialItem', 'none:endOfStream', '0:initialItem']);
  });

  it('removing the playing item moves on to the next one', async () => {
    const { player, run } = setup();
    const { list, items } = playlist(['virtual:a?duration=1000', 'virtual:b?duration=1000']);
    player.source = list;
    await run(100);
    list.items.remove(items[0]!);
    await run(100);
    expect(list.currentItem).toBe(items[1]);
    expect(player.getSnapshot().currentItem?.uri).toBe('virtual:b?duration=1000');
    expect(player.position).toBe(100);
  });
});

describe('MediaPlayer snapshot and lifetime', () => {
  it('getSnapshot is plain, cloneable data with the current item metadata', async () => {
    const { player, run } = setup();
    const s = source('virtual:a?duration=1000', 'Intro');
    s.customProperties.set('artist', 'Band');
    s.customProperties.set('albumTitle', 'First');
    s.customProperties.set('trackNumber', 3);
    player.source = s;
    await run(250);
    const snap = player.getSnapshot();
    expect(structuredClone(snap)).toEqual(snap);
    expect(snap).toEqual({
      currentState: 'playing',
      position: 250,
      naturalDuration: 1000,
      volume: 1,
      isMuted: false,
      playbackRate: 1,
      autoPlay: true,
      isLoopingEnabled: false,
      bufferingProgress: 1,
      canSeek: true,
      canPause: true,
      currentItem: {
        index: 0,
        uri: 'virtual:a?duration=1000',
        title: 'Intro',
        artist: 'Band',
        albumTitle: 'First',
      },
    });
  });

  it('reports the list index of the current item', async () => {
    const { player, run } = setup();
    const { list } = playlist(['virtual:a?duration=100', 'virtual:b?duration=100']);
    player.source = list;
    await run(150);
    expect(player.getSnapshot().currentItem).toEqual({ index: 1, uri: 'virtual:b?duration=100' });
  });

  it('snapshotChanged follows changes but not the position moving on', async () => {
    const { player, run } = setup();
    const snaps: string[] = [];
    player.on('snapshotChanged', (s) => snaps.push(`${s.currentState}/${s.volume}/${s.position}`));
    player.source = source('virtual:a?duration=1000');
    await run(0);
    const count = snaps.length;
    await run(300);
    expect(snaps.length).toBe(count);
    player.volume = 0.5;
    player.seek(600);
    await run(0);
    expect(snaps.slice(count)).toEqual(['playing/0.5/300', 'playing/0.5/600']);
    expect(snaps.slice(0, count)).toContain('playing/1/0');
  });

  it('has one SystemMediaTransportControls, typed as the class; attached controls replace it', () => {
    const { player } = setup();
    const own = player.systemMediaTransportControls;
    expect(own).toBeInstanceOf(SystemMediaTransportControls);
    expect(player.systemMediaTransportControls).toBe(own);
    // Typed: members of the class are reachable without a cast.
    own.isPlayEnabled = true;
    expect(own.getState().isPlayEnabled).toBe(true);
    const smtc = new SystemMediaTransportControls();
    player._attachControls(smtc);
    expect(player.systemMediaTransportControls).toBe(smtc);
  });

  it('dispose stops playback, clears timers and refuses later use', async () => {
    const { player, audio, clock, run } = setup();
    const { list } = playlist(['virtual:a?duration=1000', 'virtual:b?duration=1000']);
    list.maxPrefetchTime = 100;
    player.source = list;
    await run(100);
    expect(clock.pending).toBeGreaterThan(0);
    player.dispose();
    expect(clock.pending).toBe(0);
    expect(audio.tracks.every((t) => t.closed)).toBe(true);
    expect(() => player.play()).toThrow(InvalidOperationError);
    expect(() => {
      player.source = null;
    }).toThrow(InvalidOperationError);
    player.dispose();
  });

  it('needs an audio adapter', () => {
    expect(() => new MediaPlayer({} as never)).toThrow(TypeError);
  });
});
