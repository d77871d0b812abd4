/**
 * Time for everything in Backbeat that waits. Every policy timer, grace period, watchdog and
 * virtual media source schedules through a {@link Clock}, so tests can swap in a
 * {@link VirtualClock} and walk hours of policy time in microseconds.
 *
 * The shape is a superset of xstate's `Clock`, so the same object is passed as the `clock`
 * option of every actor and all statechart delays follow it.
 */
export interface Clock {
  /** Milliseconds on this clock's time line. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds of this clock's time; returns a handle. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a pending call made by {@link Clock.setTimeout}; unknown handles are ignored. */
  clearTimeout(handle: unknown): void;
}

/**
 * The real clock: `performance.now()` and the host's timers.
 *
 * @example
 * ```ts
 * import { systemClock } from 'backbeat';
 * const started = systemClock.now();
 * systemClock.setTimeout(() => console.log(systemClock.now() - started), 10);
 * ```
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, Math.max(0, ms)),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface Timer {
  id: number;
  due: number;
  fn: () => void;
}

/**
 * A clock that only moves when told to. `advance(ms)` runs every timer that falls due within
 * the window, in order of due time (ties in order of scheduling), with `now()` reading each
 * timer's due time while it runs; timers scheduled by a running timer are honoured in the same
 * call if they fall inside the window.
 *
 * @example
 * ```ts
 * import { VirtualClock } from 'backbeat/testing';
 * const clock = new VirtualClock();
 * clock.setTimeout(() => console.log('fired at', clock.now()), 300_000);
 * clock.advance(300_000); // prints "fired at 300000" at once
 * ```
 */
export class VirtualClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers: Timer[] = [];

  constructor(start = 0) {
    if (!Number.isFinite(start)) {
      throw new TypeError(`VirtualClock start must be a finite number, got \`${String(start)}\``);
    }
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): number {
    const id = this.#nextId++;
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.#timers.push({ id, due: this.#now + delay, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  /** Number of timers still waiting. */
  get pending(): number {
    return this.#timers.length;
  }

  /**
   * Moves time forward by `ms`, running every timer due on the way, in order.
   *
   * @example
   * ```ts
   * const clock = new VirtualClock();
   * clock.setTimeout(() => {}, 5_000);
   * clock.advance(5_000); // the timer has run; clock.now() === 5000
   * ```
   */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(
        `VirtualClock.advance expects a finite number >= 0, got \`${String(ms)}\``,
      );
    }
    const end = this.#now + ms;
    for (;;) {
      const next = this.#takeNextDue(end);
      if (!next) break;
      this.#now = next.due;
      next.fn();
    }
    this.#now = end;
  }

  /**
   * Like {@link VirtualClock.advance}, but lets promise callbacks settle after each timer, so
   * async work started by one timer (a message hop, an awaited call) is done before the next.
   *
   * @example
   * ```ts
   * await clock.advanceAsync(300_000);
   * ```
   */
  async advanceAsync(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(
        `VirtualClock.advanceAsync expects a finite number >= 0, got \`${String(ms)}\``,
      );
    }
    const end = this.#now + ms;
    await settle();
    for (;;) {
      const next = this.#takeNextDue(end);
      if (!next) break;
      this.#now = next.due;
      next.fn();
      await settle();
    }
    this.#now = end;
    await settle();
  }

  #takeNextDue(end: number): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.#timers) {
      if (t.due <= end && (!best || t.due < best.due || (t.due === best.due && t.id < best.id))) {
        best = t;
      }
    }
    if (best) this.#timers = this.#timers.filter((t) => t !== best);
    return best;
  }
}

/** Lets queued promise callbacks run (a few macrotask-free turns of the microtask queue). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
