import type {
  MediaPlaybackStatus,
  SystemMediaTransportControlsState,
} from '../../../protocol/controls.js';

/** The Media Session actions these controls drive, in the order they are set. */
export const MEDIA_SESSION_ACTIONS = [
  'play',
  'pause',
  'stop',
  'previoustrack',
  'nexttrack',
  'seekbackward',
  'seekforward',
  'seekto',
] as const;

/** A Media Session action these controls may set a handler for. */
export type MediaSessionControlsAction = (typeof MEDIA_SESSION_ACTIONS)[number];

/** What `navigator.mediaSession.metadata` is built from, or `null` for no metadata. */
export interface MetadataFields {
  readonly title: string;
  readonly artist: string;
  readonly album: string;
  readonly artwork: readonly { readonly src: string }[];
}

/** The arguments of one `setPositionState` call, or `null` to clear the position state. */
export interface PositionFields {
  readonly duration: number;
  readonly position: number;
  readonly playbackRate: number;
}

/**
 * The metadata the published display stands for: title, artist (the album artist when no
 * artist is set), album and the thumbnail as the only artwork. `null` while the controls are
 * disabled or nothing is published (what `displayUpdater.clearAll()` leaves).
 */
export function metadataFields(state: SystemMediaTransportControlsState): MetadataFields | null {
  if (!state.isEnabled) return null;
  const music = state.display.musicProperties;
  const thumbnail = state.display.thumbnail;
  const artist = music.artist || music.albumArtist;
  if (!music.title && !artist && !music.albumTitle && thumbnail === null) return null;
  return {
    title: music.title,
    artist,
    album: music.albumTitle,
    artwork: thumbnail === null ? [] : [{ src: thumbnail }],
  };
}

/** Whether two metadata values show the same thing. */
export function sameMetadata(a: MetadataFields | null, b: MetadataFields | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.title === b.title &&
    a.artist === b.artist &&
    a.album === b.album &&
    a.artwork.length === b.artwork.length &&
    a.artwork.every((image, i) => image.src === b.artwork[i]?.src)
  );
}

/**
 * The `playbackState` a status stands for: `playing`, `paused`, or `none` for stopped and
 * closed. `changing` (between items) keeps `shown`, the state shown until then.
 */
export function playbackStateFor(
  state: SystemMediaTransportControlsState,
  shown: MediaSessionPlaybackState,
): MediaSessionPlaybackState {
  if (!state.isEnabled) return 'none';
  const status: MediaPlaybackStatus = state.playbackStatus;
  switch (status) {
    case 'playing':
      return 'playing';
    case 'paused':
      return 'paused';
    case 'changing':
      return shown;
    default:
      return 'none';
  }
}

/**
 * The position state for `state` with the playback position at `positionMs` (on the published
 * timeline), in seconds from `startTime`. `null` when the length is unknown (`endTime` not past
 * `startTime`) or the controls are disabled. The values always pass the browser's checks: the
 * position is clamped into `[0, duration]`, and a rate of 0 or one that is not finite shows as 1.
 */
export function positionFields(
  state: SystemMediaTransportControlsState,
  positionMs: number,
): PositionFields | null {
  const { startTime, endTime } = state.timeline;
  if (!state.isEnabled || !(endTime > startTime)) return null;
  const duration = (endTime - startTime) / 1000;
  const offset = (positionMs - startTime) / 1000;
  const position = Number.isFinite(offset) ? Math.min(Math.max(offset, 0), duration) : 0;
  const rate = state.playbackRate;
  const playbackRate = Number.isFinite(rate) && rate !== 0 ? rate : 1;
  return { duration, position, playbackRate };
}

/** Whether the published timeline leaves room to seek (`maxSeekTime` past `minSeekTime`). */
export function canSeek(state: SystemMediaTransportControlsState): boolean {
  return state.timeline.maxSeekTime > state.timeline.minSeekTime;
}

/**
 * The actions `state` enables. Nothing while `isEnabled` is false; otherwise `play`, `pause`,
 * `stop`, `previoustrack` and `nexttrack` follow their button's flag; `seekto` needs a seek
 * window in the timeline; `seekbackward` and `seekforward` need a seek window or the rewind or
 * fast-forward button.
 */
export function enabledActions(
  state: SystemMediaTransportControlsState,
): ReadonlySet<MediaSessionControlsAction> {
  const actions = new Set<MediaSessionControlsAction>();
  if (!state.isEnabled) return actions;
  const seek = canSeek(state);
  if (state.isPlayEnabled) actions.add('play');
  if (state.isPauseEnabled) actions.add('pause');
  if (state.isStopEnabled) actions.add('stop');
  if (state.isPreviousEnabled) actions.add('previoustrack');
  if (state.isNextEnabled) actions.add('nexttrack');
  if (seek || state.isRewindEnabled) actions.add('seekbackward');
  if (seek || state.isFastForwardEnabled) actions.add('seekforward');
  if (seek) actions.add('seekto');
  return actions;
}

/** The position, in milliseconds, a seek to `target` lands on: inside the seek window. */
export function seekTarget(state: SystemMediaTransportControlsState, target: number): number {
  const { minSeekTime, maxSeekTime } = state.timeline;
  return Math.min(Math.max(target, minSeekTime), maxSeekTime);
}
