import {
  SystemMediaTransportControls,
  type SystemMediaTransportControlsButton,
} from 'backbeat/task';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  DeliveryOutcome,
  MediaPlaybackAutoRepeatMode,
  MediaPlaybackStatus,
  SoundLevel,
  SystemMediaTransportControlsRequest,
  SystemMediaTransportControlsState,
} from '../../src/protocol/controls.ts';

describe('types inferred from the controls contract', () => {
  it('the string unions are exactly the design names', () => {
    expectTypeOf<SystemMediaTransportControlsButton>().toEqualTypeOf<
      | 'play'
      | 'pause'
      | 'stop'
      | 'record'
      | 'fastForward'
      | 'rewind'
      | 'next'
      | 'previous'
      | 'channelUp'
      | 'channelDown'
    >();
    expectTypeOf<MediaPlaybackStatus>().toEqualTypeOf<
      'closed' | 'changing' | 'stopped' | 'playing' | 'paused'
    >();
    expectTypeOf<MediaPlaybackAutoRepeatMode>().toEqualTypeOf<'none' | 'track' | 'list'>();
    expectTypeOf<SoundLevel>().toEqualTypeOf<'muted' | 'low' | 'full'>();
    expectTypeOf<DeliveryOutcome>().toEqualTypeOf<'delivered' | 'ignored' | 'unhandled'>();
  });

  it('a request narrows on its type', () => {
    expectTypeOf<
      Extract<SystemMediaTransportControlsRequest, { type: 'buttonPressed' }>['button']
    >().toEqualTypeOf<SystemMediaTransportControlsButton>();
    expectTypeOf<
      Extract<
        SystemMediaTransportControlsRequest,
        { type: 'autoRepeatModeChangeRequested' }
      >['requestedAutoRepeatMode']
    >().toEqualTypeOf<MediaPlaybackAutoRepeatMode>();
  });

  it('the state the public class publishes is the contract type, read-only at every level', () => {
    const smtc = new SystemMediaTransportControls();
    const state = smtc.getState();
    expectTypeOf(state).toEqualTypeOf<SystemMediaTransportControlsState>();
    expectTypeOf(state.playbackStatus).toEqualTypeOf<MediaPlaybackStatus>();
    expectTypeOf(state.display.thumbnail).toEqualTypeOf<string | null>();
    expectTypeOf(smtc.deliver).returns.toEqualTypeOf<DeliveryOutcome>();
    const writes = () => {
      // @ts-expect-error the published state is read-only
      state.playbackStatus = 'playing';
      // @ts-expect-error nested metadata is read-only too
      state.display.musicProperties.title = 'x';
      // @ts-expect-error not a playback status
      smtc.playbackStatus = 'buffering';
    };
    expectTypeOf(writes).toBeFunction();
  });
});
