/**
 * Real-time waiting for tests: letting queued work finish and waiting for a condition that a
 * message hop will make true. Never used for policy time, which a virtual clock moves.
 */

const nextTurn: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise((resolve) => setImmediate(resolve))
    : () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Resolves after `turns` macrotask turns; every promise callback queued before (and every one
 * those queue) has run by then.
 */
export async function drain(turns = 2): Promise<void> {
  for (let i = 0; i < turns; i++) await nextTurn();
}

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Real time to wait before giving up, in ms (default 10 000). */
  timeoutMs?: number;
  /** What is awaited, for the error message. */
  what?: string;
  /** Called once on timeout; its text is added to the error message (what was seen instead). */
  seen?: () => string;
  /**
   * Real time between checks, in ms, for a condition that is costly to check (reading another
   * process's output); by default the condition is checked after every macrotask turn, then
   * every 5 ms.
   */
  intervalMs?: number;
}

/** A value that is not `false`, `0`, `''`, `null` or `undefined`. */
export type Truthy<T> = Exclude<T, false | 0 | 0n | '' | null | undefined>;

/**
 * Resolves with the first truthy value `condition()` returns, checking after every macrotask
 * turn (every few ms once the first turns did not do it, or every `intervalMs`); rejects with
 * an Error naming `what` (and what `seen()` describes) after `timeoutMs` of real time. A
 * condition that throws rejects with its error at once; one that returns a promise is refused
 * with a TypeError (a promise is always truthy, so it would pass without being awaited).
 *
 * @example
 * ```ts
 * await waitFor(() => app.instanceId !== null, { what: 'the task to start' });
 * const ready = await waitFor(() => recording.messages.find((m) => m.type === 'ready'), {
 *   what: 'a `ready` message',
 *   seen: () => `trail ${recording.trail.join(', ')}`,
 * });
 * ```
 */
export async function waitFor<T>(
  condition: () => T,
  options: WaitForOptions = {},
): Promise<Truthy<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new RangeError(`waitFor timeoutMs must be a finite number >= 0, got \`${timeoutMs}\``);
  }
  const intervalMs = options.intervalMs;
  if (intervalMs !== undefined && (!Number.isFinite(intervalMs) || intervalMs <= 0)) {
    throw new RangeError(`waitFor intervalMs must be a finite number > 0, got \`${intervalMs}\``);
  }
  const started = Date.now();
  for (let turn = 0; ; turn++) {
    const value = condition();
    if (typeof (value as { then?: unknown } | null)?.then === 'function') {
      throw new TypeError(
        `waitFor needs a synchronous condition; the one for ${options.what ?? 'a condition'} returned a promise`,
      );
    }
    if (value) return value as Truthy<T>;
    if (Date.now() - started > timeoutMs) {
      const seen = options.seen ? ` (seen: ${options.seen()})` : '';
      throw new Error(
        `Timed out after ${timeoutMs} ms of real time waiting for ${options.what ?? 'a condition'}${seen}`,
      );
    }
    if (intervalMs === undefined && turn < 50) await nextTurn();
    else await new Promise((resolve) => setTimeout(resolve, intervalMs ?? 5));
  }
}
