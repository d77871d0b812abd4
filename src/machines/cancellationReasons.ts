/**
 * Why a background task is told to stop (WinRT `BackgroundTaskCancellationReason`). A cancelled
 * task receives `canceled` with one of these and has a grace period to complete its deferral.
 */
export const cancellationReasons = [
  'abort',
  'terminating',
  'loggingOff',
  'servicingUpdate',
  'idleTask',
  'uninstall',
  'conditionLoss',
  'systemPolicy',
  'executionTimeExceeded',
  'resourceRevocation',
  'energySaver',
] as const;

/** One of {@link cancellationReasons}. */
export type CancellationReason = (typeof cancellationReasons)[number];

/**
 * Why a background task was ended without notice (it receives no `canceled`):
 * - `graceExpired`: cancelled, but the deferral was not completed within the grace period;
 * - `unresponsive`: the host's event loop stopped answering;
 * - `runBudgetExceeded`: `run` did not return within its budget;
 * - `memoryLimit`: the host ran out of its resource limits;
 * - `crashed`: the host died or `run` threw;
 * - `exited`: the host exited on its own;
 * - `lowMemory`: the system reclaimed memory (a VoIP call on a low-memory device);
 * - `startTimeout`: the task module did not load and enter `run` in time;
 * - `shutdown`: the foreground asked the task to end.
 */
export const terminationReasons = [
  'graceExpired',
  'unresponsive',
  'runBudgetExceeded',
  'memoryLimit',
  'crashed',
  'exited',
  'lowMemory',
  'startTimeout',
  'shutdown',
] as const;

/** One of {@link terminationReasons}. */
export type TerminationReason = (typeof terminationReasons)[number];

/**
 * Tells whether a value is a {@link CancellationReason}.
 */
export function isCancellationReason(value: unknown): value is CancellationReason {
  return typeof value === 'string' && (cancellationReasons as readonly string[]).includes(value);
}

/**
 * Tells whether a value is a {@link TerminationReason}.
 */
export function isTerminationReason(value: unknown): value is TerminationReason {
  return typeof value === 'string' && (terminationReasons as readonly string[]).includes(value);
}
