import type { Emitter } from '../../emitter.js';
import {
  type DeliveryOutcome,
  type MediaPlaybackAutoRepeatMode,
  parseControlsRequest,
  type SoundLevel,
  type SystemMediaTransportControlsButton,
  type SystemMediaTransportControlsFlag,
  type SystemMediaTransportControlsRequest,
  type SystemMediaTransportControlsState,
} from '../../protocol/controls.js';

/** Events of `SystemMediaTransportControls` and their payloads. */
export type SystemMediaTransportControlsEvents = {
  buttonPressed: { readonly button: SystemMediaTransportControlsButton };
  /** A property the system changes (SystemMediaTransportControlsProperty) changed. */
  propertyChanged: { readonly property: 'soundLevel' };
  playbackPositionChangeRequested: { readonly requestedPlaybackPosition: number };
  playbackRateChangeRequested: { readonly requestedPlaybackRate: number };
  shuffleEnabledChangeRequested: { readonly requestedShuffleEnabled: boolean };
  autoRepeatModeChangeRequested: { readonly requestedAutoRepeatMode: MediaPlaybackAutoRepeatMode };
  /** Beyond WinRT: the published state changed; the payload is the new `getState()` value. */
  stateChanged: SystemMediaTransportControlsState;
};

/** A request that was not delivered because the controls or the button were disabled. */
export interface IgnoredRequest {
  readonly request: SystemMediaTransportControlsRequest;
  readonly reason: 'controlsDisabled' | 'buttonDisabled';
}

/** How many ignored requests `ignoredRequests` keeps (the oldest are dropped first). */
export const IGNORED_REQUESTS_KEPT = 100;

const BUTTON_FLAGS: Readonly<
  Record<SystemMediaTransportControlsButton, SystemMediaTransportControlsFlag>
> = {
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

/**
 * Turns requests from outside the app into the app's events. A request is ignored (and kept in
 * `ignored`) while the published state has `isEnabled` false, and a press while its button's flag
 * is false; the system's sound level is not a request and always gets through.
 */
export class ControlsRequestDelivery {
  #soundLevel: SoundLevel = 'full';
  readonly #ignored: IgnoredRequest[] = [];
  readonly #events: Emitter<SystemMediaTransportControlsEvents>;

  constructor(events: Emitter<SystemMediaTransportControlsEvents>) {
    this.#events = events;
  }

  /** The system's sound level for the app, as last reported. */
  get soundLevel(): SoundLevel {
    return this.#soundLevel;
  }

  /** Requests not delivered because the controls or the button were disabled, oldest first. */
  get ignored(): readonly IgnoredRequest[] {
    return this.#ignored;
  }

  /**
   * Checks `request` and raises its event synchronously, following the flags of `state`.
   *
   * @throws TypeError quoting the bad value when the request is malformed.
   */
  deliver(state: SystemMediaTransportControlsState, request: unknown): DeliveryOutcome {
    const checked = parseControlsRequest(request);
    if (checked.type === 'soundLevelChanged') {
      if (checked.soundLevel === this.#soundLevel) return 'unhandled';
      this.#soundLevel = checked.soundLevel;
      return this.#emit('propertyChanged', { property: 'soundLevel' });
    }
    if (!state.isEnabled) return this.#ignore(checked, 'controlsDisabled');
    switch (checked.type) {
      case 'buttonPressed':
        if (!state[BUTTON_FLAGS[checked.button]]) return this.#ignore(checked, 'buttonDisabled');
        return this.#emit('buttonPressed', { button: checked.button });
      case 'playbackPositionChangeRequested':
        return this.#emit('playbackPositionChangeRequested', {
          requestedPlaybackPosition: checked.requestedPlaybackPosition,
        });
      case 'playbackRateChangeRequested':
        return this.#emit('playbackRateChangeRequested', {
          requestedPlaybackRate: checked.requestedPlaybackRate,
        });
      case 'shuffleEnabledChangeRequested':
        return this.#emit('shuffleEnabledChangeRequested', {
          requestedShuffleEnabled: checked.requestedShuffleEnabled,
        });
      case 'autoRepeatModeChangeRequested':
        return this.#emit('autoRepeatModeChangeRequested', {
          requestedAutoRepeatMode: checked.requestedAutoRepeatMode,
        });
    }
  }

  #emit<K extends keyof SystemMediaTransportControlsEvents & string>(
    type: K,
    payload: SystemMediaTransportControlsEvents[K],
  ): DeliveryOutcome {
    if (this.#events.listenerCount(type) === 0) return 'unhandled';
    this.#events.emit(type, payload);
    return 'delivered';
  }

  #ignore(
    request: SystemMediaTransportControlsRequest,
    reason: IgnoredRequest['reason'],
  ): DeliveryOutcome {
    if (this.#ignored.length >= IGNORED_REQUESTS_KEPT) this.#ignored.shift();
    this.#ignored.push(Object.freeze({ request, reason }));
    return 'ignored';
  }
}
