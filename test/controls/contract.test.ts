import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SystemMediaTransportControls } from '../../src/actors/task/systemMediaTransportControls.ts';
import {
  AutoRepeatModeSchema,
  ControlsRequestSchema,
  DeliveryOutcomeSchema,
  MediaPlaybackStatusSchema,
  MediaPlaybackTypeSchema,
  parseControlsRequest,
  SmtcButtonSchema,
  SmtcStateSchema,
  type SystemMediaTransportControlsFlag,
  type SystemMediaTransportControlsRequest,
  systemMediaTransportControlsButtons,
} from '../../src/protocol/controls.ts';
import { parseValueSet } from '../../src/valueSet.ts';

function refusal(value: unknown): string {
  const result = SmtcStateSchema.safeParse(value);
  if (result.success) throw new Error('the state was accepted');
  return result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
}

describe('the published state', () => {
  it('parses to an equal copy, frozen level by level', () => {
    const state = new SystemMediaTransportControls().getState();
    const parsed = SmtcStateSchema.parse(state);
    expect(parsed).toEqual(state);
    expect(parsed).not.toBe(state);
    expect(Object.isFrozen(parsed)).toBe(true);
    expect(Object.isFrozen(parsed.display)).toBe(true);
    expect(Object.isFrozen(parsed.display.musicProperties)).toBe(true);
    expect(Object.isFrozen(parsed.timeline)).toBe(true);
  });

  it('a field that breaks the contract is refused with its path and the bad value', () => {
    const state = new SystemMediaTransportControls().getState();
    expect(refusal({ ...state, playbackStatus: 'buffering' })).toBe(
      "playbackStatus: must be one of 'closed', 'changing', 'stopped', 'playing', 'paused', got `buffering`",
    );
    expect(
      refusal({
        ...state,
        display: {
          ...state.display,
          musicProperties: { ...state.display.musicProperties, trackNumber: -1 },
        },
      }),
    ).toBe('display.musicProperties.trackNumber: must be an integer >= 0, got `-1`');
    expect(refusal({ ...state, timeline: { ...state.timeline, position: Number.NaN } })).toBe(
      'timeline.position: must be a finite number >= 0, got `NaN`',
    );
    expect(refusal({ ...state, display: { ...state.display, thumbnail: 'cover.png' } })).toBe(
      'display.thumbnail: must be an absolute URI string or null, got `cover.png`',
    );
    const { isNextEnabled: _, ...missing } = state;
    expect(refusal(missing)).toBe('isNextEnabled: must be a boolean, got `undefined`');
    expect(refusal(null)).toBe(': must be an object, got `null`');
    expect(refusal({ ...state, timeline: 0 })).toBe('timeline: must be an object, got `0`');
  });

  it('whatever the app sets, the state it publishes is within the contract and a ValueSet', () => {
    const text = fc.string({ maxLength: 8 });
    const ms = fc.double({ min: 0, max: 1e9, noNaN: true });
    const change = fc.oneof(
      fc.record({
        flag: fc.constantFrom<SystemMediaTransportControlsFlag[]>(
          'isEnabled',
          'isPlayEnabled',
          'isPauseEnabled',
          'isStopEnabled',
          'isRecordEnabled',
          'isFastForwardEnabled',
          'isRewindEnabled',
          'isNextEnabled',
          'isPreviousEnabled',
          'isChannelUpEnabled',
          'isChannelDownEnabled',
        ),
        on: fc.boolean(),
      }),
      fc.record({ playbackStatus: fc.constantFrom(...MediaPlaybackStatusSchema.options) }),
      fc.record({ autoRepeatMode: fc.constantFrom(...AutoRepeatModeSchema.options) }),
      fc.record({ shuffleEnabled: fc.boolean() }),
      fc.record({ playbackRate: fc.double({ min: -4, max: 4, noNaN: true }) }),
      fc.record({
        type: fc.constantFrom(...MediaPlaybackTypeSchema.options),
        title: text,
        artist: text,
        trackNumber: fc.nat(99),
        thumbnail: fc.option(fc.constantFrom('https://example.com/a.png', 'file:///b.jpg')),
        clear: fc.boolean(),
      }),
      fc.record({ startTime: ms, endTime: ms, position: ms }),
    );
    fc.assert(
      fc.property(fc.array(change, { maxLength: 12 }), (changes) => {
        const smtc = new SystemMediaTransportControls();
        const states = [smtc.getState()];
        smtc.on('stateChanged', (state) => states.push(state));
        for (const c of changes) {
          if ('flag' in c) smtc[c.flag] = c.on;
          else if ('playbackStatus' in c) smtc.playbackStatus = c.playbackStatus;
          else if ('autoRepeatMode' in c) smtc.autoRepeatMode = c.autoRepeatMode;
          else if ('shuffleEnabled' in c) smtc.shuffleEnabled = c.shuffleEnabled;
          else if ('playbackRate' in c) smtc.playbackRate = c.playbackRate;
          else if ('type' in c) {
            const display = smtc.displayUpdater;
            display.type = c.type;
            display.musicProperties.title = c.title;
            display.musicProperties.artist = c.artist;
            display.musicProperties.trackNumber = c.trackNumber;
            display.thumbnail = c.thumbnail;
            if (c.clear) display.clearAll();
            else display.update();
          } else smtc.updateTimelineProperties(c);
        }
        for (const state of states) {
          expect(SmtcStateSchema.parse(state)).toEqual(state);
          expect(parseValueSet(state)).toBe(state);
        }
        expect(states.at(-1)).toBe(smtc.getState());
      }),
    );
  });
});

describe('the string unions', () => {
  it('are the ones the design names, each declared once', () => {
    expect(SmtcButtonSchema.options).toEqual([...systemMediaTransportControlsButtons]);
    expect(MediaPlaybackStatusSchema.options).toEqual([
      'closed',
      'changing',
      'stopped',
      'playing',
      'paused',
    ]);
    expect(AutoRepeatModeSchema.options).toEqual(['none', 'track', 'list']);
    expect(MediaPlaybackTypeSchema.options).toEqual(['unknown', 'music', 'video', 'image']);
    expect(DeliveryOutcomeSchema.options).toEqual(['delivered', 'ignored', 'unhandled']);
  });

  it('are what the controls accept: every option is taken, anything else is refused', () => {
    const smtc = new SystemMediaTransportControls();
    for (const status of MediaPlaybackStatusSchema.options) {
      smtc.playbackStatus = status;
      expect(smtc.playbackStatus).toBe(status);
    }
    for (const mode of AutoRepeatModeSchema.options) {
      smtc.autoRepeatMode = mode;
      expect(smtc.autoRepeatMode).toBe(mode);
    }
    for (const type of MediaPlaybackTypeSchema.options) {
      smtc.displayUpdater.type = type;
      expect(smtc.displayUpdater.type).toBe(type);
    }
    expect(() => {
      smtc.autoRepeatMode = 'all' as never;
    }).toThrow(new TypeError("autoRepeatMode must be one of 'none', 'track', 'list', got `all`"));
  });

  it('a bad value that cannot be turned into a string is still quoted', () => {
    const smtc = new SystemMediaTransportControls();
    expect(() => {
      smtc.playbackStatus = Object.create(null);
    }).toThrow(/playbackStatus must be one of .*, got `\[object Object\]`/);
  });
});

describe('controls requests', () => {
  const requests: SystemMediaTransportControlsRequest[] = [
    { type: 'buttonPressed', button: 'play' },
    { type: 'playbackPositionChangeRequested', requestedPlaybackPosition: 30_000 },
    { type: 'playbackRateChangeRequested', requestedPlaybackRate: -2 },
    { type: 'shuffleEnabledChangeRequested', requestedShuffleEnabled: false },
    { type: 'autoRepeatModeChangeRequested', requestedAutoRepeatMode: 'list' },
    { type: 'soundLevelChanged', soundLevel: 'low' },
  ];

  it('each kind parses to a frozen copy of its known fields; delivering it gives an outcome', () => {
    for (const request of requests) {
      const parsed = parseControlsRequest({ ...request, extra: 'dropped' });
      expect(parsed).toEqual(request);
      expect(Object.isFrozen(parsed)).toBe(true);
      const smtc = new SystemMediaTransportControls();
      expect(DeliveryOutcomeSchema.parse(smtc.deliver(request))).toBe(
        request.type === 'buttonPressed' ? 'ignored' : 'unhandled',
      );
    }
  });

  it('a malformed one is a TypeError quoting the bad value and where it is', () => {
    const cases: [unknown, string][] = [
      ['next', 'controls request must be an object, got `next`'],
      [
        { type: 'eject' },
        "Invalid controls request:\n✖ must be one of 'buttonPressed', 'playbackPositionChangeRequested', 'playbackRateChangeRequested', 'shuffleEnabledChangeRequested', 'autoRepeatModeChangeRequested', 'soundLevelChanged', got `eject`\n  → at type",
      ],
      [
        { type: 'playbackRateChangeRequested', requestedPlaybackRate: Number.POSITIVE_INFINITY },
        'Invalid controls request:\n✖ must be a finite number, got `Infinity`\n  → at requestedPlaybackRate',
      ],
      [
        { type: 'shuffleEnabledChangeRequested' },
        'Invalid controls request:\n✖ must be a boolean, got `undefined`\n  → at requestedShuffleEnabled',
      ],
      [
        { type: 'soundLevelChanged', soundLevel: 'loud' },
        "Invalid controls request:\n✖ must be one of 'muted', 'low', 'full', got `loud`\n  → at soundLevel",
      ],
    ];
    for (const [value, message] of cases) {
      expect(() => parseControlsRequest(value)).toThrow(new TypeError(message));
      expect(ControlsRequestSchema.safeParse(value).success).toBe(false);
    }
  });
});
