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
 *
 * @example
 * ```ts
 * app.suspend();
 * await drain(); // the inline task has seen the change
 * ```
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
}

/**
 * Resolves once `condition()` returns true, checking after every macrotask turn (and every few
 * ms once the first turns did not do it); rejects with an Error naming `what` after
 * `timeoutMs` of real time.
 *
 * @example
 * ```ts
 * await waitFor(() => app.instanceId !== null, { what: 'the task to start' });
 * ```
 */
export async function waitFor(
  condition: () => boolean,
  options: WaitForOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new RangeError(`waitFor timeoutMs must be a finite number >= 0, got \`${timeoutMs}\``);
  }
  const started = Date.now();
  for (let turn = 0; !condition(); turn++) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `Timed out after ${timeoutMs} ms of real time waiting for ${options.what ?? 'a condition'}`,
      );
    }
    if (turn < 50) await nextTurn();
    else await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
