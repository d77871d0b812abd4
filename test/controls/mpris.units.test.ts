import { describe, expect, it } from 'vitest';
import { SystemMediaTransportControls } from '../../src/actors/task/systemMediaTransportControls.ts';
import { connectableAddress, sessionBusAddress } from '../../src/adapters/controls/mpris/bus.ts';
import {
  metadataVariants,
  mprisMetadata,
  NO_TRACK,
  TrackIds,
} from '../../src/adapters/controls/mpris/metadata.ts';
import { mprisBusName, sanitizeBusNameElement } from '../../src/adapters/controls/mpris/names.ts';
import { PositionTracker } from '../../src/adapters/controls/mpris/position.ts';
import {
  changedProperties,
  mprisLoopStatus,
  mprisPlaybackStatus,
  playerProperties,
  repeatModeFromLoopStatus,
} from '../../src/adapters/controls/mpris/properties.ts';
import {
  loopStatusRequest,
  playPauseButton,
  rateRequest,
  seekRequest,
  setPositionRequest,
  shuffleRequest,
} from '../../src/adapters/controls/mpris/requests.ts';
import { VirtualClock } from '../../src/clock.ts';

function track(smtc = new SystemMediaTransportControls()) {
  smtc.displayUpdater.musicProperties.title = 'Song';
  smtc.displayUpdater.musicProperties.artist = 'Band';
  smtc.displayUpdater.musicProperties.albumArtist = 'Band';
  smtc.displayUpdater.musicProperties.albumTitle = 'Album';
  smtc.displayUpdater.musicProperties.trackNumber = 3;
  smtc.displayUpdater.thumbnail = 'file:///covers/a.png';
  smtc.displayUpdater.update();
  smtc.updateTimelineProperties({ endTime: 200_000, maxSeekTime: 200_000, position: 0 });
  return smtc;
}

describe('bus names and addresses', () => {
  it('sanitises the id into one bus name element', () => {
    expect(mprisBusName('music')).toBe('org.mpris.MediaPlayer2.backbeat.music');
    expect(sanitizeBusNameElement('my app.2-x')).toBe('my_app_2_x');
    expect(sanitizeBusNameElement('42')).toBe('_42');
    expect(sanitizeBusNameElement('')).toBe('_');
    expect(mprisBusName('x'.repeat(400))).toHaveLength(255);
    expect(() => sanitizeBusNameElement(7 as never)).toThrow(/got `7`/);
  });

  it('reads the session bus address from the environment', () => {
    expect(sessionBusAddress({ DBUS_SESSION_BUS_ADDRESS: ' unix:path=/run/bus ' })).toBe(
      'unix:path=/run/bus',
    );
    expect(sessionBusAddress({ DBUS_SESSION_BUS_ADDRESS: '  ' })).toBeNull();
    expect(sessionBusAddress({})).toBeNull();
  });

  it('opens path sockets with Node sockets, other entries unchanged', () => {
    expect(connectableAddress('unix:path=/run/user/1000/bus,guid=1')).toBe(
      'unix:socket=/run/user/1000/bus',
    );
    expect(connectableAddress('unix:path=/tmp/a%2cb;tcp:host=h,port=1')).toBe(
      'unix:socket=/tmp/a,b;tcp:host=h,port=1',
    );
    expect(connectableAddress('unix:abstract=/tmp/dbus-x,guid=1')).toBe(
      'unix:abstract=/tmp/dbus-x,guid=1',
    );
  });
});

describe('metadata', () => {
  it('maps the published display and timeline; staged changes wait for update()', () => {
    const smtc = track();
    const ids = new TrackIds();
    const metadata = mprisMetadata(smtc.getState(), ids.idFor(smtc.getState()));
    expect(metadata).toEqual({
      trackId: expect.stringMatching(/^\/backbeat\/track\/\d+$/),
      title: 'Song',
      artist: ['Band'],
      album: 'Album',
      albumArtist: ['Band'],
      trackNumber: 3,
      length: 200_000_000,
      artUrl: 'file:///covers/a.png',
    });
    const map = metadataVariants(metadata);
    expect(Object.fromEntries(Object.entries(map).map(([k, v]) => [k, v.signature]))).toEqual({
      'mpris:trackid': 'o',
      'xesam:title': 's',
      'xesam:artist': 'as',
      'xesam:album': 's',
      'xesam:albumArtist': 'as',
      'xesam:trackNumber': 'i',
      'mpris:length': 'x',
      'mpris:artUrl': 's',
    });
    expect(map['mpris:length']?.value).toBe(200_000_000n);
  });

  it('no track: only the NoTrack id, empty values left out', () => {
    const state = new SystemMediaTransportControls().getState();
    const id = new TrackIds().idFor(state);
    expect(id).toBe(NO_TRACK);
    expect(Object.keys(metadataVariants(mprisMetadata(state, id)))).toEqual(['mpris:trackid']);
  });

  it('a new track id for each new display, the same id while it stays', () => {
    const smtc = track();
    const ids = new TrackIds();
    const first = ids.idFor(smtc.getState());
    smtc.playbackStatus = 'playing';
    expect(ids.idFor(smtc.getState())).toBe(first);
    smtc.displayUpdater.musicProperties.title = 'Next song';
    smtc.displayUpdater.update();
    const second = ids.idFor(smtc.getState());
    expect(second).not.toBe(first);
    smtc.displayUpdater.clearAll();
    smtc.updateTimelineProperties({});
    expect(ids.idFor(smtc.getState())).toBe(NO_TRACK);
  });
});

describe('player properties', () => {
  it('maps status, loop mode and flags', () => {
    expect(
      ['closed', 'changing', 'stopped', 'playing', 'paused'].map(mprisPlaybackStatus as never),
    ).toEqual(['Stopped', 'Stopped', 'Stopped', 'Playing', 'Paused']);
    expect(['none', 'track', 'list'].map(mprisLoopStatus as never)).toEqual([
      'None',
      'Track',
      'Playlist',
    ]);
    expect(repeatModeFromLoopStatus('Playlist')).toBe('list');
    expect(() => repeatModeFromLoopStatus('toString')).toThrow(/got `toString`/);

    const smtc = track();
    smtc.isNextEnabled = true;
    smtc.isPauseEnabled = true;
    smtc.shuffleEnabled = true;
    smtc.playbackRate = 1.5;
    const props = playerProperties(smtc.getState(), mprisMetadata(smtc.getState(), NO_TRACK));
    expect(props).toMatchObject({
      Shuffle: true,
      Rate: 1.5,
      CanGoNext: true,
      CanGoPrevious: false,
      CanPlay: false,
      CanPause: true,
      CanSeek: true,
      CanControl: true,
    });
    smtc.isEnabled = false;
    const off = playerProperties(smtc.getState(), mprisMetadata(smtc.getState(), NO_TRACK));
    expect([off.CanGoNext, off.CanPause, off.CanSeek, off.CanControl]).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(changedProperties(props, off)).toEqual({
      CanGoNext: false,
      CanPause: false,
      CanSeek: false,
      CanControl: false,
    });
  });

  it('lists only what changed, metadata as its D-Bus map', () => {
    const smtc = track();
    const ids = new TrackIds();
    const view = () =>
      playerProperties(smtc.getState(), mprisMetadata(smtc.getState(), ids.idFor(smtc.getState())));
    const before = view();
    expect(changedProperties(before, view())).toEqual({});
    smtc.displayUpdater.musicProperties.title = 'Other';
    smtc.displayUpdater.update();
    const changed = changedProperties(before, view());
    expect(Object.keys(changed)).toEqual(['Metadata']);
    expect((changed.Metadata as Record<string, { value: unknown }>)['xesam:title']?.value).toBe(
      'Other',
    );
  });
});

describe('requests from MPRIS calls', () => {
  it('PlayPause picks from the status', () => {
    expect(playPauseButton('playing')).toBe('pause');
    expect(playPauseButton('paused')).toBe('play');
    expect(playPauseButton('closed')).toBe('play');
  });

  it('Seek is relative, floors at 0, and past the end stands for Next', () => {
    const state = track().getState();
    expect(seekRequest(state, 30_000, 10_000_000)).toEqual({
      type: 'playbackPositionChangeRequested',
      requestedPlaybackPosition: 40_000,
    });
    expect(seekRequest(state, 3_000, -10_000_000)).toEqual({
      type: 'playbackPositionChangeRequested',
      requestedPlaybackPosition: 0,
    });
    expect(seekRequest(state, 195_000, 10_000_000)).toEqual({
      type: 'buttonPressed',
      button: 'next',
    });
    expect(seekRequest(new SystemMediaTransportControls().getState(), 0, 1_000_000)).toBeNull();
  });

  it('SetPosition ignores a stale track id and positions outside the track', () => {
    const state = track().getState();
    const id = '/backbeat/track/1';
    expect(setPositionRequest(state, id, id, 10_000_000)).toEqual({
      type: 'playbackPositionChangeRequested',
      requestedPlaybackPosition: 10_000,
    });
    expect(setPositionRequest(state, id, '/backbeat/track/0', 10_000_000)).toBeNull();
    expect(setPositionRequest(state, id, id, -1)).toBeNull();
    expect(setPositionRequest(state, id, id, 200_000_001)).toBeNull();
  });

  it('property writes become change requests; bad values are refused', () => {
    expect(rateRequest(2)).toEqual({
      type: 'playbackRateChangeRequested',
      requestedPlaybackRate: 2,
    });
    expect(rateRequest(0)).toEqual({ type: 'buttonPressed', button: 'pause' });
    expect(() => rateRequest(Number.NaN)).toThrow(/got `NaN`/);
    expect(loopStatusRequest('None')).toEqual({
      type: 'autoRepeatModeChangeRequested',
      requestedAutoRepeatMode: 'none',
    });
    expect(shuffleRequest(false)).toEqual({
      type: 'shuffleEnabledChangeRequested',
      requestedShuffleEnabled: false,
    });
    expect(() => shuffleRequest('On')).toThrow(/got `On`/);
  });
});

describe('position tracker', () => {
  it('moves on while playing at the rate, holds while paused, stops at the end', () => {
    const clock = new VirtualClock();
    const smtc = track();
    const tracker = new PositionTracker(clock, 1_000);
    tracker.reset(smtc.getState());
    clock.advance(5_000);
    expect(tracker.positionMs()).toBe(0);
    smtc.playbackStatus = 'playing';
    expect(tracker.update(smtc.getState())).toBeNull();
    clock.advance(4_000);
    expect(tracker.positionMs()).toBe(4_000);
    smtc.playbackRate = 2;
    tracker.update(smtc.getState());
    clock.advance(1_000);
    expect(tracker.positionMs()).toBe(6_000);
    smtc.playbackStatus = 'paused';
    tracker.update(smtc.getState());
    clock.advance(10_000);
    expect(tracker.positionMs()).toBe(6_000);
    smtc.playbackStatus = 'playing';
    tracker.update(smtc.getState());
    clock.advance(1_000_000);
    expect(tracker.positionMs()).toBe(200_000);
  });

  it('reports a published position that jumps beyond the tolerance', () => {
    const clock = new VirtualClock();
    const smtc = track();
    smtc.playbackStatus = 'playing';
    const tracker = new PositionTracker(clock, 1_000);
    tracker.reset(smtc.getState());
    clock.advance(10_000);
    smtc.updateTimelineProperties({ endTime: 200_000, maxSeekTime: 200_000, position: 10_400 });
    expect(tracker.update(smtc.getState())).toBeNull();
    smtc.updateTimelineProperties({ endTime: 200_000, maxSeekTime: 200_000, position: 60_000 });
    expect(tracker.update(smtc.getState())).toBe(60_000);
    expect(tracker.positionMs()).toBe(60_000);
  });
});
