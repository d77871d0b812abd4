import { assign, emit, setup } from 'xstate';

/** Default time a task may stay inactive before it is cancelled: five minutes. */
export const DEFAULT_INACTIVITY_TIMEOUT_MS = 300_000;

/** Input of {@link inactivityTimeoutMachine}. */
export interface InactivityTimeoutInput {
  /** Whether the device enforces the inactivity timeout sub-policy. */
  enabled: boolean;
  /** How long the task may stay inactive; default {@link DEFAULT_INACTIVITY_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** The app this policy watches, copied into the emitted command. */
  appId?: string;
  /** Whether the foreground is visible when watching starts; default `true`. */
  foregroundVisible?: boolean;
  /** Whether the player is playing when watching starts; default `false`. */
  playing?: boolean;
}

/** Context of {@link inactivityTimeoutMachine}. */
export interface InactivityTimeoutContext {
  enabled: boolean;
  timeoutMs: number;
  appId: string | undefined;
  foregroundVisible: boolean;
  playing: boolean;
}

/** Facts the inactivity policy hears about one app. */
export type InactivityTimeoutEvent =
  | { type: 'FOREGROUND_VISIBLE'; visible: boolean }
  | { type: 'PLAYING'; playing: boolean }
  | { type: 'TASK_ENDED' };

/** The command the inactivity policy gives when the timer runs out. */
export interface InactivityTimeoutCancel {
  type: 'cancelTask';
  appId: string | undefined;
  reason: 'idleTask';
}

/** True when the task counts as inactive: foreground not visible and player not playing. */
function isInactive(context: InactivityTimeoutContext): boolean {
  return !context.foregroundVisible && !context.playing;
}

/** How every live state takes the facts; `ended` takes none. */
const facts = {
  FOREGROUND_VISIBLE: { actions: 'recordVisibility' },
  PLAYING: { actions: 'recordPlaying' },
  TASK_ENDED: { target: 'ended' },
} as const;

/**
 * The inactivity timeout sub-policy for one app's background task. The task is inactive
 * while the foreground is not visible (suspended or terminated) AND the player is not
 * playing; then the machine sits in `counting` with a `timeoutMs` timer. Either condition
 * changing back leaves `counting` and drops the timer; a fact that leaves both conditions as
 * they were keeps the running timer. When the timer fires the machine emits
 * `cancelTask { appId, reason: 'idleTask' }` and stays `expired` until the task ends.
 * Disabled, it keeps track of the facts but never counts.
 *
 * States: `disabled`, `watching`, `counting`, `expired`, `ended` (final).
 * Events: `FOREGROUND_VISIBLE { visible }`, `PLAYING { playing }`, `TASK_ENDED`.
 */
export const inactivityTimeoutMachine = setup({
  types: {
    input: {} as InactivityTimeoutInput,
    context: {} as InactivityTimeoutContext,
    events: {} as InactivityTimeoutEvent,
    emitted: {} as InactivityTimeoutCancel,
  },
  delays: {
    inactivityTimeout: ({ context }) => context.timeoutMs,
  },
  guards: {
    isDisabled: ({ context }) => !context.enabled,
    isInactive: ({ context }) => isInactive(context),
    isActive: ({ context }) => !isInactive(context),
  },
  actions: {
    recordVisibility: assign({
      foregroundVisible: ({ event }) =>
        event.type === 'FOREGROUND_VISIBLE' ? event.visible : false,
    }),
    recordPlaying: assign({
      playing: ({ event }) => (event.type === 'PLAYING' ? event.playing : false),
    }),
    cancelIdleTask: emit(({ context }) => ({
      type: 'cancelTask' as const,
      appId: context.appId,
      reason: 'idleTask' as const,
    })),
  },
}).createMachine({
  id: 'inactivityTimeout',
  context: ({ input }) => {
    const timeoutMs = input.timeoutMs ?? DEFAULT_INACTIVITY_TIMEOUT_MS;
    if (typeof timeoutMs !== 'number' || !(timeoutMs >= 0) || !Number.isFinite(timeoutMs)) {
      throw new RangeError(
        `Expected timeoutMs to be a finite number >= 0, got \`${String(input.timeoutMs)}\``,
      );
    }
    return {
      enabled: input.enabled === true,
      timeoutMs,
      appId: input.appId,
      foregroundVisible: input.foregroundVisible ?? true,
      playing: input.playing ?? false,
    };
  },
  initial: 'watching',
  states: {
    disabled: {
      description: 'The device does not time out inactive tasks.',
      on: facts,
    },
    watching: {
      description: 'The task is active: the foreground is visible or the player is playing.',
      on: facts,
      always: [
        { guard: 'isDisabled', target: 'disabled' },
        { guard: 'isInactive', target: 'counting' },
      ],
    },
    counting: {
      description: 'The task is inactive; the timer runs.',
      on: facts,
      always: { guard: 'isActive', target: 'watching' },
      after: {
        inactivityTimeout: { target: 'expired', actions: 'cancelIdleTask' },
      },
    },
    expired: {
      description: 'The timer ran out and the task was told to cancel (idleTask).',
      on: facts,
    },
    ended: {
      description: 'The task is gone; nothing more to watch.',
      type: 'final',
    },
  },
});
