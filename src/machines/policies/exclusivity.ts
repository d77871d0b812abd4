import { assign, emit, setup } from 'xstate';

/** Input of {@link exclusivityMachine}. */
export interface ExclusivityInput {
  /** Whether the device enforces the exclusivity sub-policy. */
  enabled: boolean;
}

/** Context of {@link exclusivityMachine}. */
export interface ExclusivityContext {
  enabled: boolean;
  /** The app holding background audio: its task started most recently and is still alive. */
  holder: string | null;
}

/** Facts the exclusivity policy hears about background tasks on the device. */
export type ExclusivityEvent =
  | { type: 'TASK_STARTED'; appId: string }
  | { type: 'TASK_ENDED'; appId: string }
  /** Another device-wide holder (in a browser: another tab of the origin) took background audio. */
  | { type: 'TAKEN_ELSEWHERE' };

/** The command the exclusivity policy gives: cancel the task of the app that lost audio. */
export interface ExclusivityCancel {
  type: 'cancelTask';
  appId: string;
  reason: 'systemPolicy';
}

/**
 * The exclusivity sub-policy: at most one background audio task on the device. The app whose
 * task started most recently holds background audio; when another app's task starts, the
 * machine emits `cancelTask { appId, reason: 'systemPolicy' }` for the previous holder and the
 * newcomer takes over. A holder whose task ends frees the device; an app that already lost
 * audio ending its task changes nothing. When background audio is taken elsewhere (another tab
 * of the origin started a task), the holder is cancelled the same way and no app here holds it.
 * Disabled, it never cancels anything.
 *
 * States: `disabled`, `free`, `held`. Events: `TASK_STARTED { appId }`, `TASK_ENDED { appId }`,
 * `TAKEN_ELSEWHERE`.
 */
export const exclusivityMachine = setup({
  types: {
    input: {} as ExclusivityInput,
    context: {} as ExclusivityContext,
    events: {} as ExclusivityEvent,
    emitted: {} as ExclusivityCancel,
  },
  guards: {
    isDisabled: ({ context }) => !context.enabled,
    isHolder: ({ context, event }) => 'appId' in event && event.appId === context.holder,
    isOtherApp: ({ context, event }) => 'appId' in event && event.appId !== context.holder,
  },
  actions: {
    take: assign({ holder: ({ event }) => ('appId' in event ? event.appId : null) }),
    release: assign({ holder: null }),
    cancelHolder: emit(({ context }) => ({
      type: 'cancelTask' as const,
      appId: context.holder ?? '',
      reason: 'systemPolicy' as const,
    })),
  },
}).createMachine({
  id: 'exclusivity',
  context: ({ input }) => ({ enabled: input.enabled === true, holder: null }),
  initial: 'free',
  states: {
    disabled: {
      description: 'The device allows any number of background audio tasks.',
    },
    free: {
      description: 'No background audio task is alive.',
      always: { guard: 'isDisabled', target: 'disabled' },
      on: {
        TASK_STARTED: { target: 'held', actions: 'take' },
      },
    },
    held: {
      description: 'One app holds background audio.',
      on: {
        TASK_STARTED: { guard: 'isOtherApp', actions: ['cancelHolder', 'take'] },
        TASK_ENDED: { guard: 'isHolder', target: 'free', actions: 'release' },
        TAKEN_ELSEWHERE: { target: 'free', actions: ['cancelHolder', 'release'] },
      },
    },
  },
});
