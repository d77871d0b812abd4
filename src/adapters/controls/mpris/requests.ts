import type {
  MediaPlaybackStatus,
  SystemMediaTransportControlsRequest,
  SystemMediaTransportControlsState,
} from '../../../protocol/controls.js';
import { hasSeekWindow, repeatModeFromLoopStatus } from './properties.js';

/**
 * The button `PlayPause` stands for: `pause` while playing, otherwise `play`.
 */
export function playPauseButton(status: MediaPlaybackStatus): 'play' | 'pause' {
  return status === 'playing' ? 'pause' : 'play';
}

function canSeek(state: SystemMediaTransportControlsState): boolean {
  return state.isEnabled && hasSeekWindow(state);
}

/**
 * The request MPRIS `Seek(offset)` stands for, or `null` when it has no effect (no seek window).
 * The target is the current position plus `offsetUs` microseconds, at least 0; a target past
 * the end of the track stands for `Next`, as MPRIS says.
 */
export function seekRequest(
  state: SystemMediaTransportControlsState,
  positionMs: number,
  offsetUs: number,
): SystemMediaTransportControlsRequest | null {
  if (!canSeek(state) || !Number.isFinite(offsetUs)) return null;
  const target = positionMs + offsetUs / 1000;
  const end = state.timeline.endTime;
  if (end > 0 && target > end) return { type: 'buttonPressed', button: 'next' };
  return {
    type: 'playbackPositionChangeRequested',
    requestedPlaybackPosition: Math.max(0, target),
  };
}

/**
 * The request MPRIS `SetPosition(trackId, position)` stands for, or `null` when MPRIS says to do
 * nothing: no seek window, a stale track id, a negative position or one past the end.
 */
export function setPositionRequest(
  state: SystemMediaTransportControlsState,
  currentTrackId: string,
  trackId: string,
  positionUs: number,
): SystemMediaTransportControlsRequest | null {
  if (!canSeek(state) || trackId !== currentTrackId) return null;
  if (!Number.isFinite(positionUs) || positionUs < 0) return null;
  const target = positionUs / 1000;
  const end = state.timeline.endTime;
  if (end > 0 && target > end) return null;
  return { type: 'playbackPositionChangeRequested', requestedPlaybackPosition: target };
}

/**
 * The request a write to `Rate` stands for. A rate of 0 stands for `Pause`, as MPRIS says.
 *
 * @throws TypeError quoting the value when it is not a finite number.
 */
export function rateRequest(value: unknown): SystemMediaTransportControlsRequest {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`Rate must be a finite number, got \`${String(value)}\``);
  }
  if (value === 0) return { type: 'buttonPressed', button: 'pause' };
  return { type: 'playbackRateChangeRequested', requestedPlaybackRate: value };
}

/**
 * The request a write to `LoopStatus` stands for.
 *
 * @throws TypeError quoting the value when it is not `None`, `Track` or `Playlist`.
 */
export function loopStatusRequest(value: unknown): SystemMediaTransportControlsRequest {
  return {
    type: 'autoRepeatModeChangeRequested',
    requestedAutoRepeatMode: repeatModeFromLoopStatus(value),
  };
}

/**
 * The request a write to `Shuffle` stands for.
 *
 * @throws TypeError quoting the value when it is not a boolean.
 */
export function shuffleRequest(value: unknown): SystemMediaTransportControlsRequest {
  if (typeof value !== 'boolean') {
    throw new TypeError(`Shuffle must be a boolean, got \`${String(value)}\``);
  }
  return { type: 'shuffleEnabledChangeRequested', requestedShuffleEnabled: value };
}
