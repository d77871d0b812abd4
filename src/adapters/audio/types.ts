import type { MediaPlayerErrorKind } from '../../errors.js';

/**
 * How a MediaPlayer makes sound. An adapter opens sources by URI and hands back one
 * {@link AudioTrack} per opened source; the player drives the track and listens to it. All
 * times are milliseconds of media time, measured on the adapter's own clock.
 *
 * Open failures reject with a `MediaError` (from `backbeat`'s errors) whose `error` is the
 * {@link MediaPlayerErrorKind}; other rejections are treated as `'unknown'`.
 */
export interface AudioAdapter {
  /** Opens `uri`; resolves once its duration is known and it can start at once. */
  open(uri: string): Promise<AudioTrack>;
  /**
   * Optional hint that `uri` plays next: the adapter may fetch and decode it ahead, so that a
   * later {@link AudioAdapter.open} of the same URI resolves at once and the track starts with
   * no gap (a Web Audio adapter can schedule it sample-exactly at the current track's end).
   */
  preload?(uri: string): void;
  /** Optional: releases everything the adapter holds (open tracks, preloads, devices). */
  dispose?(): void;
}

/** What an {@link AudioTrack} reports. */
export interface AudioTrackEventMap {
  /** Playback reached the end of the media. */
  ended: undefined;
  /** Playback is waiting for data; the position does not move until `bufferingEnded`. */
  bufferingStarted: undefined;
  bufferingEnded: undefined;
  /** The track failed while playing; it is unusable afterwards. */
  failed: { error: MediaPlayerErrorKind; message: string };
}

/** One opened source. Created paused at position 0. */
export interface AudioTrack {
  readonly uri: string;
  /** Duration in ms (`Number.POSITIVE_INFINITY` when unknown, e.g. a live stream). */
  readonly duration: number;
  readonly canSeek: boolean;
  /** Current position in ms, read from the adapter's clock. */
  readonly position: number;
  /** Starts or resumes output from the current position. */
  play(): void;
  /** Stops output, keeping the position. */
  pause(): void;
  /** Moves to `position` ms (clamped to the media). */
  seek(position: number): void;
  /** Playback speed as a ratio (> 0). */
  setRate(rate: number): void;
  /** Output volume, 0–1. */
  setVolume(volume: number): void;
  setMuted(muted: boolean): void;
  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof AudioTrackEventMap>(
    type: K,
    listener: (payload: AudioTrackEventMap[K]) => void,
  ): () => void;
  /** Stops output and releases the track; later calls do nothing. */
  close(): void;
}

/**
 * Whether an engine can make sound: `'running'`; `'suspended'` while output is blocked (a page
 * whose autoplay policy waits for a user gesture: playing tracks report `bufferingStarted` and
 * hold their position until it resumes); `'closed'` once disposed.
 */
export type AudioEngineState = 'running' | 'suspended' | 'closed';

/** What an {@link AudioEngine} reports. */
export interface AudioEngineEventMap {
  /** {@link AudioEngine.state} changed. */
  stateChanged: { state: AudioEngineState };
}

/**
 * An {@link AudioAdapter} that reports whether it can make sound (the page engines, and the
 * task-side client of one). On a page it resumes by itself on the next user gesture
 * (`pointerdown` or `keydown`).
 */
export interface AudioEngine extends AudioAdapter {
  readonly state: AudioEngineState;
  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof AudioEngineEventMap>(
    type: K,
    listener: (payload: AudioEngineEventMap[K]) => void,
  ): () => void;
}
