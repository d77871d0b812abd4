import { VirtualClock } from '../clock.js';
import { drain } from './waiting.js';

/**
 * A {@link VirtualClock} that knows when its next timer is due, so a test can move time from
 * timer to timer and let every message hop settle in between ({@link SteppingClock.step}).
 */
export class SteppingClock extends VirtualClock {
  #due = new Map<unknown, number>();

  override setTimeout(fn: () => void, ms: number): number {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const id = super.setTimeout(() => {
      this.#due.delete(id);
      fn();
    }, delay);
    this.#due.set(id, this.now() + delay);
    return id;
  }

  override clearTimeout(handle: unknown): void {
    this.#due.delete(handle);
    super.clearTimeout(handle);
  }

  /** When the next timer is due, or `undefined` when none is waiting. */
  get nextDue(): number | undefined {
    let next: number | undefined;
    for (const due of this.#due.values()) if (next === undefined || due < next) next = due;
    return next;
  }

  /**
   * Moves time forward by `ms`: to each due timer in turn, running it and then letting queued
   * work settle ({@link drain}), so replies to what a timer sent arrive before the next timer.
   */
  async step(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`advance expects a finite number of ms >= 0, got \`${String(ms)}\``);
    }
    const end = this.now() + ms;
    await drain();
    for (let guard = 0; ; guard++) {
      const next = this.nextDue;
      if (next === undefined || next > end) break;
      if (guard > 100_000) {
        throw new Error(`Timers keep rescheduling at ${next} ms; time cannot move past them`);
      }
      await this.advanceAsync(Math.max(0, next - this.now()));
      await drain();
    }
    await this.advanceAsync(end - this.now());
    await drain();
  }
}
