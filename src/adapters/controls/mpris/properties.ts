import type {
  MediaPlaybackAutoRepeatMode,
  MediaPlaybackStatus,
  SystemMediaTransportControlsState,
} from '../../../protocol/controls.js';
import { type MprisMetadata, metadataVariants, sameMetadata } from './metadata.js';

/** MPRIS `PlaybackStatus`. */
export type MprisPlaybackStatus = 'Playing' | 'Paused' | 'Stopped';

/** MPRIS `LoopStatus`. */
export type MprisLoopStatus = 'None' | 'Track' | 'Playlist';

/**
 * The `org.mpris.MediaPlayer2.Player` properties that follow the published state (all but
 * `Position`, which moves on its own, and `Volume` and the rate bounds, which never change).
 */
export interface MprisPlayerProperties {
  readonly PlaybackStatus: MprisPlaybackStatus;
  readonly LoopStatus: MprisLoopStatus;
  readonly Rate: number;
  readonly Shuffle: boolean;
  readonly Metadata: MprisMetadata;
  readonly CanGoNext: boolean;
  readonly CanGoPrevious: boolean;
  readonly CanPlay: boolean;
  readonly CanPause: boolean;
  readonly CanSeek: boolean;
  readonly CanControl: boolean;
}

const LOOP_STATUS: Readonly<Record<MediaPlaybackAutoRepeatMode, MprisLoopStatus>> = {
  none: 'None',
  track: 'Track',
  list: 'Playlist',
};

const REPEAT_MODE: Readonly<Record<MprisLoopStatus, MediaPlaybackAutoRepeatMode>> = {
  None: 'none',
  Track: 'track',
  Playlist: 'list',
};

/**
 * MPRIS `PlaybackStatus` for an SMTC playback status: `playing` and `paused` map to themselves,
 * every other status (`closed`, `changing`, `stopped`) shows as `Stopped`.
 *
 * @example
 * ```ts
 * mprisPlaybackStatus('playing');  // 'Playing'
 * mprisPlaybackStatus('changing'); // 'Stopped'
 * ```
 */
export function mprisPlaybackStatus(status: MediaPlaybackStatus): MprisPlaybackStatus {
  if (status === 'playing') return 'Playing';
  if (status === 'paused') return 'Paused';
  return 'Stopped';
}

/**
 * MPRIS `LoopStatus` for an SMTC repeat mode.
 *
 * @example
 * ```ts
 * mprisLoopStatus('list'); // 'Playlist'
 * ```
 */
export function mprisLoopStatus(mode: MediaPlaybackAutoRepeatMode): MprisLoopStatus {
  return LOOP_STATUS[mode];
}

/**
 * The SMTC repeat mode an MPRIS `LoopStatus` asks for.
 *
 * @throws TypeError quoting the value when it is not `None`, `Track` or `Playlist`.
 */
export function repeatModeFromLoopStatus(value: unknown): MediaPlaybackAutoRepeatMode {
  if (typeof value === 'string' && Object.hasOwn(REPEAT_MODE, value)) {
    return REPEAT_MODE[value as MprisLoopStatus];
  }
  throw new TypeError(`LoopStatus must be None, Track or Playlist, got \`${String(value)}\``);
}

/**
 * Whether the published timeline leaves room to seek (`maxSeekTime` past `minSeekTime`).
 */
export function hasSeekWindow(state: SystemMediaTransportControlsState): boolean {
  return state.timeline.maxSeekTime > state.timeline.minSeekTime;
}

/**
 * The player properties for `state`. Every `Can*` is false while the controls are disabled
 * (`isEnabled`); `CanSeek` needs a seek window in the published timeline.
 */
export function playerProperties(
  state: SystemMediaTransportControlsState,
  metadata: MprisMetadata,
): MprisPlayerProperties {
  const on = state.isEnabled;
  return Object.freeze({
    PlaybackStatus: mprisPlaybackStatus(state.playbackStatus),
    LoopStatus: mprisLoopStatus(state.autoRepeatMode),
    Rate: state.playbackRate,
    Shuffle: state.shuffleEnabled,
    Metadata: metadata,
    CanGoNext: on && state.isNextEnabled,
    CanGoPrevious: on && state.isPreviousEnabled,
    CanPlay: on && state.isPlayEnabled,
    CanPause: on && state.isPauseEnabled,
    CanSeek: on && hasSeekWindow(state),
    CanControl: on,
  });
}

const PROPERTY_NAMES = [
  'PlaybackStatus',
  'LoopStatus',
  'Rate',
  'Shuffle',
  'Metadata',
  'CanGoNext',
  'CanGoPrevious',
  'CanPlay',
  'CanPause',
  'CanSeek',
  'CanControl',
] as const satisfies readonly (keyof MprisPlayerProperties)[];

/**
 * The properties that differ between `before` and `after`, as D-Bus values ready for
 * `PropertiesChanged` (the metadata as its `a{sv}` map). Empty when nothing changed.
 */
export function changedProperties(
  before: MprisPlayerProperties,
  after: MprisPlayerProperties,
): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const name of PROPERTY_NAMES) {
    if (name === 'Metadata') {
      if (!sameMetadata(before.Metadata, after.Metadata)) {
        changed.Metadata = metadataVariants(after.Metadata);
      }
    } else if (before[name] !== after[name]) {
      changed[name] = after[name];
    }
  }
  return changed;
}
