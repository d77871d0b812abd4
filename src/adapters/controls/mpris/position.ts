import type { Clock } from '../../../clock.js';
import type {
  SystemMediaTransportControlsState,
  TimelineProperties,
} from '../../../protocol/controls.js';

function sameTimeline(a: TimelineProperties, b: TimelineProperties): boolean {
  return (
    a === b ||
    (a.position === b.position &&
      a.startTime === b.startTime &&
      a.endTime === b.endTime &&
      a.minSeekTime === b.minSeekTime &&
      a.maxSeekTime === b.maxSeekTime)
  );
}

/**
 * Follows the playback position between timeline updates. Each published state is stamped with
 * the clock time it arrived; while `playbackStatus` is `playing` the position moves on from the
 * last published one at `playbackRate`, and it stays within `[0, endTime]` once an end is known.
 *
 * A published position further than `toleranceMs` from where the projection had got to is a
 * jump (a seek, by the app or on request): {@link PositionTracker.update} reports it so MPRIS
 * can emit `Seeked`.
 */
export class PositionTracker {
  readonly #clock: Clock;
  readonly #toleranceMs: number;
  #state: SystemMediaTransportControlsState | null = null;
  #anchorMs = 0;
  #anchorAt = 0;

  constructor(clock: Clock, toleranceMs: number) {
    this.#clock = clock;
    this.#toleranceMs = toleranceMs;
  }

  /** Starts following `state` from its published position, with no jump reported. */
  reset(state: SystemMediaTransportControlsState): void {
    this.#state = state;
    this.#anchorMs = state.timeline.position;
    this.#anchorAt = this.#clock.now();
  }

  /**
   * Takes in a newly published state. Returns the new position in milliseconds when it jumped,
   * otherwise `null`. A state change that leaves the timeline alone (pause, a new rate) keeps
   * the position where the projection had got to.
   */
  update(state: SystemMediaTransportControlsState): number | null {
    const previous = this.#state;
    if (previous === null) {
      this.reset(state);
      return null;
    }
    const now = this.#clock.now();
    const projected = this.positionMs();
    this.#state = state;
    this.#anchorAt = now;
    if (sameTimeline(previous.timeline, state.timeline)) {
      this.#anchorMs = projected;
      return null;
    }
    this.#anchorMs = state.timeline.position;
    return Math.abs(state.timeline.position - projected) > this.#toleranceMs
      ? state.timeline.position
      : null;
  }

  /** The position now, in milliseconds (0 before anything was published). */
  positionMs(): number {
    const state = this.#state;
    if (state === null) return 0;
    let position = this.#anchorMs;
    if (state.playbackStatus === 'playing') {
      position += (this.#clock.now() - this.#anchorAt) * state.playbackRate;
    }
    const end = state.timeline.endTime;
    if (end > 0 && position > end) position = end;
    return Math.max(position, 0);
  }
}
