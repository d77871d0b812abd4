import type { Clock } from '../../clock.js';
import type { PlayerSnapshot } from '../../protocol.js';

/** The player's observable state before any update arrived from the task. */
const initialPlayerSnapshot: PlayerSnapshot = Object.freeze({
  currentState: 'closed',
  position: 0,
  naturalDuration: 0,
  volume: 1,
  isMuted: false,
  playbackRate: 1,
  autoPlay: true,
  isLoopingEnabled: false,
  bufferingProgress: 0,
  canSeek: false,
  canPause: false,
  currentItem: null,
}) as PlayerSnapshot;

/**
 * The foreground's synchronous copy of the task's player state. Updates carry the sequence
 * number the task gave them; an update older than the one applied is ignored, so the replica
 * never goes back in time. While playing, `position` is projected forward from the last update
 * on the foreground's clock (and clamped to the duration), so it never looks frozen between
 * updates.
 */
export class PlayerReplica {
  #clock: Clock;
  #snapshot: PlayerSnapshot = initialPlayerSnapshot;
  #seq = -1;
  #instanceId: string | null = null;
  #receivedAt = 0;
  #closed = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Sequence number of the last applied update (-1 before the first). */
  get seq(): number {
    return this.#seq;
  }

  /** Starts over for a new task instance: the snapshot returns to the closed state. */
  reset(instanceId: string): void {
    this.#instanceId = instanceId;
    this.#snapshot = initialPlayerSnapshot;
    this.#seq = -1;
    this.#receivedAt = this.#clock.now();
    this.#closed = false;
  }

  /**
   * The instance ended: the snapshot reads `closed`, with the position where it stood, and
   * later updates from that instance are ignored. Returns false when nothing changed.
   */
  close(instanceId: string): boolean {
    if (instanceId !== this.#instanceId || this.#closed) return false;
    const last = this.snapshot;
    this.#closed = true;
    this.#snapshot = Object.freeze({
      ...last,
      currentState: 'closed',
      bufferingProgress: 0,
      canSeek: false,
      canPause: false,
    });
    this.#receivedAt = this.#clock.now();
    return true;
  }

  /** Takes over the state of another replica (a relaunched foreground adopting a live task). */
  adopt(other: PlayerReplica): void {
    this.#instanceId = other.#instanceId;
    this.#snapshot = other.#snapshot;
    this.#seq = other.#seq;
    this.#receivedAt = other.#receivedAt;
    this.#closed = other.#closed;
  }

  /**
   * Applies an update; returns false (and changes nothing) when it is stale or from another
   * instance.
   */
  apply(instanceId: string, seq: number, snapshot: PlayerSnapshot): boolean {
    if (instanceId !== this.#instanceId || this.#closed || seq <= this.#seq) return false;
    this.#seq = seq;
    this.#snapshot = Object.freeze({ ...snapshot });
    this.#receivedAt = this.#clock.now();
    return true;
  }

  /** The current state, with `position` projected while playing. */
  get snapshot(): PlayerSnapshot {
    const s = this.#snapshot;
    if (s.currentState !== 'playing') return s;
    const elapsed = Math.max(0, this.#clock.now() - this.#receivedAt) * s.playbackRate;
    if (elapsed === 0) return s;
    const projected = s.position + elapsed;
    const position = s.naturalDuration > 0 ? Math.min(projected, s.naturalDuration) : projected;
    const projectedSnapshot = { ...s };
    projectedSnapshot.position = position;
    return Object.freeze(projectedSnapshot);
  }
}
