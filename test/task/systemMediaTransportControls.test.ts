import { describe, expect, it } from 'vitest';
import { SystemMediaTransportControls } from '../../src/actors/task/systemMediaTransportControls.ts';
import { IGNORED_REQUESTS_KEPT } from '../../src/actors/task/systemMediaTransportControlsRequests.ts';
import {
  parseControlsRequest,
  type SystemMediaTransportControlsButton,
  type SystemMediaTransportControlsFlag,
  type SystemMediaTransportControlsState,
  systemMediaTransportControlsButtons,
} from '../../src/protocol/controls.ts';
import { parseValueSet } from '../../src/valueSet.ts';

function watch(smtc: SystemMediaTransportControls) {
  const states: SystemMediaTransportControlsState[] = [];
  smtc.on('stateChanged', (state) => states.push(state));
  return states;
}

const press = (smtc: SystemMediaTransportControls, button: SystemMediaTransportControlsButton) =>
  smtc.deliver({ type: 'buttonPressed', button });

const FLAG_OF: Record<SystemMediaTransportControlsButton, SystemMediaTransportControlsFlag> = {
  play: 'isPlayEnabled',
  pause: 'isPauseEnabled',
  stop: 'isStopEnabled',
  record: 'isRecordEnabled',
  fastForward: 'isFastForwardEnabled',
  rewind: 'isRewindEnabled',
  next: 'isNextEnabled',
  previous: 'isPreviousEnabled',
  channelUp: 'isChannelUpEnabled',
  channelDown: 'isChannelDownEnabled',
};

describe('SystemMediaTransportControls defaults', () => {
  it('are enabled with every button disabled, closed, empty metadata and timeline', () => {
    const smtc = new SystemMediaTransportControls();
    expect(smtc.getState()).toEqual({
      isEnabled: true,
      isPlayEnabled: false,
      isPauseEnabled: false,
      isStopEnabled: false,
      isRecordEnabled: false,
      isFastForwardEnabled: false,
      isRewindEnabled: false,
      isNextEnabled: false,
      isPreviousEnabled: false,
      isChannelUpEnabled: false,
      isChannelDownEnabled: false,
      playbackStatus: 'closed',
      autoRepeatMode: 'none',
      shuffleEnabled: false,
      playbackRate: 1,
      display: {
        type: 'unknown',
        musicProperties: { title: '', artist: '', albumArtist: '', albumTitle: '', trackNumber: 0 },
        thumbnail: null,
      },
      timeline: { startTime: 0, endTime: 0, minSeekTime: 0, maxSeekTime: 0, position: 0 },
    });
    expect(smtc.soundLevel).toBe('full');
    expect(smtc.ignoredRequests).toEqual([]);
  });

  it('give a frozen state that is a ValueSet and keeps its identity until a change', () => {
    const smtc = new SystemMediaTransportControls();
    const state = smtc.getState();
    expect(Object.isFrozen(state)).toBe(true);
    expect(Object.isFrozen(state.display.musicProperties)).toBe(true);
    expect(Object.isFrozen(state.timeline)).toBe(true);
    expect(parseValueSet(state)).toBe(state);
    expect(smtc.getState()).toBe(state);
    smtc.isPlayEnabled = true;
    const next = smtc.getState();
    expect(next).not.toBe(state);
    expect(next.display).toBe(state.display);
    expect(next.timeline).toBe(state.timeline);
  });
});

describe('properties', () => {
  it('every flag reads back, publishes a new state once, and refuses non-booleans', () => {
    const smtc = new SystemMediaTransportControls();
    const states = watch(smtc);
    const flags = ['isEnabled', ...Object.values(FLAG_OF)] as const;
    for (const flag of flags) {
      const value = !smtc[flag];
      smtc[flag] = value;
      expect(smtc[flag]).toBe(value);
      expect(smtc.getState()[flag]).toBe(value);
      smtc[flag] = value; // unchanged: no event
      expect(() => {
        (smtc as unknown as Record<string, unknown>)[flag] = 'yes';
      }).toThrow(new TypeError(`${flag} must be a boolean, got \`yes\``));
    }
    expect(states).toHaveLength(flags.length);
  });

  it('playbackStatus takes the five statuses and quotes a bad one', () => {
    const smtc = new SystemMediaTransportControls();
    for (const status of ['changing', 'stopped', 'playing', 'paused', 'closed'] as const) {
      smtc.playbackStatus = status;
      expect(smtc.getState().playbackStatus).toBe(status);
    }
    expect(() => {
      smtc.playbackStatus = 'buffering' as never;
    }).toThrow(
      new TypeError(
        "playbackStatus must be one of 'closed', 'changing', 'stopped', 'playing', 'paused', got `buffering`",
      ),
    );
    expect(smtc.playbackStatus).toBe('closed');
  });

  it('autoRepeatMode, shuffleEnabled and playbackRate are published and checked', () => {
    const smtc = new SystemMediaTransportControls();
    const states = watch(smtc);
    smtc.autoRepeatMode = 'list';
    smtc.shuffleEnabled = true;
    smtc.playbackRate = 1.5;
    expect(states.at(-1)).toMatchObject({
      autoRepeatMode: 'list',
      shuffleEnabled: true,
      playbackRate: 1.5,
    });
    expect(states).toHaveLength(3);
    expect(() => {
      smtc.autoRepeatMode = 'all' as never;
    }).toThrow(/got `all`/);
    expect(() => {
      smtc.playbackRate = Number.NaN;
    }).toThrow(/playbackRate must be a finite number, got `NaN`/);
    expect(() => {
      smtc.shuffleEnabled = 1 as never;
    }).toThrow(/got `1`/);
  });
});

describe('displayUpdater', () => {
  it('publishes metadata only on update()', () => {
    const smtc = new SystemMediaTransportControls();
    const states = watch(smtc);
    const display = smtc.displayUpdater;
    display.type = 'music';
    display.musicProperties.title = 'Song';
    display.musicProperties.artist = 'Artist';
    display.musicProperties.albumArtist = 'Band';
    display.musicProperties.albumTitle = 'Album';
    display.musicProperties.trackNumber = 7;
    display.thumbnail = 'https://example.com/cover.png';
    expect(states).toEqual([]);
    expect(smtc.getState().display.musicProperties.title).toBe('');
    expect(display.musicProperties.title).toBe('Song');

    display.update();
    expect(states).toHaveLength(1);
    expect(smtc.getState().display).toEqual({
      type: 'music',
      musicProperties: {
        title: 'Song',
        artist: 'Artist',
        albumArtist: 'Band',
        albumTitle: 'Album',
        trackNumber: 7,
      },
      thumbnail: 'https://example.com/cover.png',
    });

    display.update(); // nothing new
    expect(states).toHaveLength(1);
    display.musicProperties.title = 'Next song';
    expect(smtc.getState().display.musicProperties.title).toBe('Song');
    display.update();
    expect(states).toHaveLength(2);
    expect(smtc.getState().display.musicProperties.title).toBe('Next song');
  });

  it('clearAll() clears the staged metadata and removes the published one', () => {
    const smtc = new SystemMediaTransportControls();
    const display = smtc.displayUpdater;
    display.type = 'video';
    display.musicProperties.title = 'x';
    display.thumbnail = 'file:///cover.jpg';
    display.update();
    const states = watch(smtc);
    display.clearAll();
    expect(states).toHaveLength(1);
    expect(smtc.getState().display).toEqual({
      type: 'unknown',
      musicProperties: { title: '', artist: '', albumArtist: '', albumTitle: '', trackNumber: 0 },
      thumbnail: null,
    });
    expect(display.type).toBe('unknown');
    expect(display.musicProperties.title).toBe('');
    expect(display.thumbnail).toBeNull();
    display.clearAll();
    expect(states).toHaveLength(1);
  });

  it('refuses bad values, quoting them', () => {
    const { displayUpdater: display } = new SystemMediaTransportControls();
    expect(() => {
      display.type = 'podcast' as never;
    }).toThrow(/displayUpdater.type must be one of .* got `podcast`/);
    expect(() => {
      display.thumbnail = 'not a uri';
    }).toThrow(/thumbnail must be an absolute URI string or null, got `not a uri`/);
    expect(() => {
      display.musicProperties.trackNumber = -1;
    }).toThrow(/trackNumber must be an integer >= 0, got `-1`/);
    expect(() => {
      display.musicProperties.trackNumber = 1.5;
    }).toThrow(/got `1.5`/);
    expect(() => {
      display.musicProperties.title = 3 as never;
    }).toThrow(/musicProperties.title must be a string, got `3`/);
    display.thumbnail = null;
    expect(display.thumbnail).toBeNull();
  });

  it('a refused value leaves the staged one as it was', () => {
    const smtc = new SystemMediaTransportControls();
    const display = smtc.displayUpdater;
    display.type = 'music';
    display.musicProperties.title = 'Song';
    display.musicProperties.trackNumber = 3;
    expect(() => {
      display.musicProperties.trackNumber = -1;
    }).toThrow(TypeError);
    expect(() => {
      display.type = 'podcast' as never;
    }).toThrow(TypeError);
    display.update();
    expect(smtc.getState().display).toMatchObject({
      type: 'music',
      musicProperties: { title: 'Song', trackNumber: 3 },
    });
  });
});

describe('updateTimelineProperties', () => {
  it('publishes the timeline in milliseconds; a field left out is 0', () => {
    const smtc = new SystemMediaTransportControls();
    const states = watch(smtc);
    smtc.updateTimelineProperties({
      startTime: 0,
      endTime: 180_000,
      minSeekTime: 0,
      maxSeekTime: 180_000,
      position: 42_500,
    });
    expect(smtc.getState().timeline).toEqual({
      startTime: 0,
      endTime: 180_000,
      minSeekTime: 0,
      maxSeekTime: 180_000,
      position: 42_500,
    });
    smtc.updateTimelineProperties({ endTime: 180_000, maxSeekTime: 180_000, position: 42_500 });
    expect(states).toHaveLength(1);
    smtc.updateTimelineProperties({ position: 1000 });
    expect(smtc.getState().timeline).toEqual({
      startTime: 0,
      endTime: 0,
      minSeekTime: 0,
      maxSeekTime: 0,
      position: 1000,
    });
    expect(states).toHaveLength(2);
  });

  it('refuses unknown fields and values that are not finite numbers >= 0', () => {
    const smtc = new SystemMediaTransportControls();
    expect(() => smtc.updateTimelineProperties({ postion: 1 } as never)).toThrow(
      new TypeError(
        'timeline properties have no field `postion`; the fields are startTime, endTime, minSeekTime, maxSeekTime, position',
      ),
    );
    expect(() => smtc.updateTimelineProperties({ position: -5 })).toThrow(
      new TypeError(
        'Invalid timeline properties:\n✖ must be a finite number >= 0, got `-5`\n  → at position',
      ),
    );
    expect(() => smtc.updateTimelineProperties({ endTime: Number.POSITIVE_INFINITY })).toThrow(
      /got `Infinity`\n {2}→ at endTime/,
    );
    expect(() => smtc.updateTimelineProperties(null as never)).toThrow(
      new TypeError('timeline properties must be an object, got `null`'),
    );
    expect(smtc.getState().timeline.position).toBe(0);
  });
});

describe('buttons', () => {
  it('an enabled press reaches buttonPressed; a disabled one is ignored and recorded', () => {
    for (const button of systemMediaTransportControlsButtons) {
      const smtc = new SystemMediaTransportControls();
      const pressed: string[] = [];
      smtc.on('buttonPressed', (e) => pressed.push(e.button));
      expect(press(smtc, button)).toBe('ignored');
      expect(pressed).toEqual([]);
      expect(smtc.ignoredRequests).toEqual([
        { request: { type: 'buttonPressed', button }, reason: 'buttonDisabled' },
      ]);
      smtc[FLAG_OF[button]] = true;
      expect(press(smtc, button)).toBe('delivered');
      expect(pressed).toEqual([button]);
    }
  });

  it('only the flag of the pressed button counts', () => {
    const smtc = new SystemMediaTransportControls();
    const pressed: string[] = [];
    smtc.on('buttonPressed', (e) => pressed.push(e.button));
    smtc.isPlayEnabled = true;
    expect(press(smtc, 'pause')).toBe('ignored');
    expect(press(smtc, 'play')).toBe('delivered');
    expect(pressed).toEqual(['play']);
  });

  it('with isEnabled false nothing is delivered, change requests included', () => {
    const smtc = new SystemMediaTransportControls();
    const heard: string[] = [];
    for (const type of [
      'buttonPressed',
      'playbackPositionChangeRequested',
      'playbackRateChangeRequested',
      'shuffleEnabledChangeRequested',
      'autoRepeatModeChangeRequested',
    ] as const) {
      smtc.on(type, () => heard.push(type));
    }
    smtc.isNextEnabled = true;
    smtc.isEnabled = false;
    expect(press(smtc, 'next')).toBe('ignored');
    expect(
      smtc.deliver({ type: 'playbackPositionChangeRequested', requestedPlaybackPosition: 1 }),
    ).toBe('ignored');
    expect(smtc.deliver({ type: 'playbackRateChangeRequested', requestedPlaybackRate: 2 })).toBe(
      'ignored',
    );
    expect(
      smtc.deliver({ type: 'shuffleEnabledChangeRequested', requestedShuffleEnabled: true }),
    ).toBe('ignored');
    expect(
      smtc.deliver({ type: 'autoRepeatModeChangeRequested', requestedAutoRepeatMode: 'track' }),
    ).toBe('ignored');
    expect(heard).toEqual([]);
    expect(smtc.ignoredRequests.map((r) => r.reason)).toEqual(Array(5).fill('controlsDisabled'));
    smtc.isEnabled = true;
    expect(press(smtc, 'next')).toBe('delivered');
    expect(heard).toEqual(['buttonPressed']);
  });

  it('an enabled press with no listener is unhandled, not ignored', () => {
    const smtc = new SystemMediaTransportControls();
    smtc.isPlayEnabled = true;
    expect(press(smtc, 'play')).toBe('unhandled');
    expect(smtc.ignoredRequests).toEqual([]);
  });

  it('keeps the last ignored requests only', () => {
    const smtc = new SystemMediaTransportControls();
    for (let i = 0; i < IGNORED_REQUESTS_KEPT + 5; i++) press(smtc, i % 2 ? 'next' : 'play');
    expect(smtc.ignoredRequests).toHaveLength(IGNORED_REQUESTS_KEPT);
    expect(smtc.ignoredRequests[0]?.request).toEqual({ type: 'buttonPressed', button: 'next' });
  });

  it('a removed listener hears nothing', () => {
    const smtc = new SystemMediaTransportControls();
    smtc.isPlayEnabled = true;
    const pressed: string[] = [];
    const listener = (e: { button: string }) => pressed.push(e.button);
    const off = smtc.on('buttonPressed', listener);
    off();
    expect(press(smtc, 'play')).toBe('unhandled');
    smtc.on('buttonPressed', listener);
    smtc.off('buttonPressed', listener);
    expect(press(smtc, 'play')).toBe('unhandled');
    expect(pressed).toEqual([]);
  });
});

describe('change requests', () => {
  it('carry the requested values and change nothing by themselves', () => {
    const smtc = new SystemMediaTransportControls();
    const states = watch(smtc);
    const heard: unknown[] = [];
    smtc.on('playbackPositionChangeRequested', (e) => heard.push(e.requestedPlaybackPosition));
    smtc.on('playbackRateChangeRequested', (e) => heard.push(e.requestedPlaybackRate));
    smtc.on('shuffleEnabledChangeRequested', (e) => heard.push(e.requestedShuffleEnabled));
    smtc.on('autoRepeatModeChangeRequested', (e) => heard.push(e.requestedAutoRepeatMode));
    expect(
      smtc.deliver({ type: 'playbackPositionChangeRequested', requestedPlaybackPosition: 30_000 }),
    ).toBe('delivered');
    smtc.deliver({ type: 'playbackRateChangeRequested', requestedPlaybackRate: 0.5 });
    smtc.deliver({ type: 'shuffleEnabledChangeRequested', requestedShuffleEnabled: true });
    smtc.deliver({ type: 'autoRepeatModeChangeRequested', requestedAutoRepeatMode: 'list' });
    expect(heard).toEqual([30_000, 0.5, true, 'list']);
    expect(states).toEqual([]);
    expect(smtc.shuffleEnabled).toBe(false);
    expect(smtc.autoRepeatMode).toBe('none');
  });

  it('the app acts on a request by setting the property, which is then published', () => {
    const smtc = new SystemMediaTransportControls();
    const states = watch(smtc);
    smtc.on('shuffleEnabledChangeRequested', (e) => {
      smtc.shuffleEnabled = e.requestedShuffleEnabled;
    });
    smtc.deliver({ type: 'shuffleEnabledChangeRequested', requestedShuffleEnabled: true });
    expect(states.at(-1)?.shuffleEnabled).toBe(true);
  });

  it('malformed requests are a TypeError quoting the value', () => {
    const smtc = new SystemMediaTransportControls();
    expect(() => smtc.deliver({ type: 'buttonPressed', button: 'eject' as never })).toThrow(
      new TypeError(
        "Invalid controls request:\n✖ must be one of 'play', 'pause', 'stop', 'record', 'fastForward', 'rewind', 'next', 'previous', 'channelUp', 'channelDown', got `eject`\n  → at button",
      ),
    );
    expect(() =>
      smtc.deliver({ type: 'playbackPositionChangeRequested', requestedPlaybackPosition: -1 }),
    ).toThrow(/must be a finite number >= 0, got `-1`\n {2}→ at requestedPlaybackPosition/);
    expect(() =>
      smtc.deliver({ type: 'playbackRateChangeRequested', requestedPlaybackRate: Number.NaN }),
    ).toThrow(/got `NaN`/);
    expect(() =>
      smtc.deliver({
        type: 'shuffleEnabledChangeRequested',
        requestedShuffleEnabled: 'yes' as never,
      }),
    ).toThrow(/got `yes`/);
    expect(() =>
      smtc.deliver({
        type: 'autoRepeatModeChangeRequested',
        requestedAutoRepeatMode: 'x' as never,
      }),
    ).toThrow(/got `x`/);
    expect(() => smtc.deliver({ type: 'eject' } as never)).toThrow(
      /must be one of 'buttonPressed', .*'soundLevelChanged', got `eject`\n {2}→ at type/,
    );
    expect(() => smtc.deliver(null as never)).toThrow(
      new TypeError('controls request must be an object, got `null`'),
    );
    expect(smtc.ignoredRequests).toEqual([]);
  });

  it('parseControlsRequest keeps only the known fields, in a frozen copy', () => {
    const raw = { type: 'buttonPressed', button: 'play', extra: 1 };
    const request = parseControlsRequest(raw);
    expect(request).toEqual({ type: 'buttonPressed', button: 'play' });
    expect(request).not.toBe(raw);
    expect(Object.isFrozen(request)).toBe(true);
  });
});

describe('sound level', () => {
  it('a system change raises propertyChanged once', () => {
    const smtc = new SystemMediaTransportControls();
    const changes: string[] = [];
    smtc.on('propertyChanged', (e) => changes.push(`${e.property}:${smtc.soundLevel}`));
    expect(smtc.deliver({ type: 'soundLevelChanged', soundLevel: 'muted' })).toBe('delivered');
    expect(smtc.deliver({ type: 'soundLevelChanged', soundLevel: 'muted' })).toBe('unhandled');
    smtc.isEnabled = false; // the sound level is the system's, not a request
    smtc.deliver({ type: 'soundLevelChanged', soundLevel: 'low' });
    expect(changes).toEqual(['soundLevel:muted', 'soundLevel:low']);
  });
});
