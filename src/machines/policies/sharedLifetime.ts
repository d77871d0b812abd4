import { emit, setup } from 'xstate';

/** Input of {@link sharedLifetimeMachine}. */
export interface SharedLifetimeInput {
  /** Whether the device enforces the shared lifetime sub-policy. */
  enabled: boolean;
  /** The app this policy binds, copied into the emitted command. */
  appId?: string;
}

/** Context of {@link sharedLifetimeMachine}. */
export interface SharedLifetimeContext {
  enabled: boolean;
  appId: string | undefined;
}

/** Facts the shared lifetime policy hears about one app. */
export type SharedLifetimeEvent = { type: 'FOREGROUND_TERMINATED' } | { type: 'TASK_ENDED' };

/** The command the shared lifetime policy gives when the foreground shuts down. */
export interface SharedLifetimeCancel {
  type: 'cancelTask';
  appId: string | undefined;
  reason: 'terminating';
}

/**
 * The shared lifetime sub-policy for one app: the background task depends on the lifetime of
 * its foreground. When the foreground shuts down (by the user or the system) the machine
 * emits `cancelTask { appId, reason: 'terminating' }`.
 *
 * The dependency runs one way only: `TASK_ENDED` just ends the machine. The policy has no
 * command that could end the foreground, so the background task shutting down can never shut
 * the foreground down. Disabled, a foreground shutdown changes nothing for the task.
 *
 * States: `disabled`, `bound`, `foregroundGone`, `ended` (final).
 * Events: `FOREGROUND_TERMINATED`, `TASK_ENDED`.
 */
export const sharedLifetimeMachine = setup({
  types: {
    input: {} as SharedLifetimeInput,
    context: {} as SharedLifetimeContext,
    events: {} as SharedLifetimeEvent,
    emitted: {} as SharedLifetimeCancel,
  },
  guards: {
    isDisabled: ({ context }) => !context.enabled,
  },
  actions: {
    cancelTerminating: emit(({ context }) => ({
      type: 'cancelTask' as const,
      appId: context.appId,
      reason: 'terminating' as const,
    })),
  },
}).createMachine({
  id: 'sharedLifetime',
  context: ({ input }) => ({ enabled: input.enabled === true, appId: input.appId }),
  initial: 'bound',
  states: {
    disabled: {
      description: 'The task lives on its own; the foreground shutting down does not end it.',
      on: { TASK_ENDED: 'ended' },
    },
    bound: {
      description: 'The task lives only as long as its foreground.',
      always: { guard: 'isDisabled', target: 'disabled' },
      on: {
        FOREGROUND_TERMINATED: { target: 'foregroundGone', actions: 'cancelTerminating' },
        TASK_ENDED: 'ended',
      },
    },
    foregroundGone: {
      description: 'The foreground shut down; the task was told to cancel (terminating).',
      on: { TASK_ENDED: 'ended' },
    },
    ended: {
      description: 'The task is gone. The foreground is not affected.',
      type: 'final',
    },
  },
});
