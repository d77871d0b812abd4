import { type ActorRefFrom, emit, type SnapshotFrom, setup } from 'xstate';

/**
 * The lifetime and visibility of an app's foreground (its UI). Only `visible` counts as visible.
 * The same states are the foreground region of the per-app machine (appSession.ts), so the
 * foreground's visibility is defined once.
 */

/** Every state name of {@link foregroundAppMachine}. */
export const foregroundAppStates = ['notRunning', 'visible', 'suspended', 'terminated'] as const;

/** A state of {@link foregroundAppMachine}. */
export type ForegroundAppState = (typeof foregroundAppStates)[number];

/** Facts about an app's foreground; the media system's facts carry the app's id. */
export type ForegroundAppEvent =
  | { type: 'APP_LAUNCHED'; appId?: string }
  | { type: 'APP_SUSPENDED'; appId?: string }
  | { type: 'APP_RESUMED'; appId?: string }
  | { type: 'APP_TERMINATED'; appId?: string };

/** Events {@link foregroundAppMachine} emits: one per change of visibility. */
export type ForegroundAppEmitted = { type: 'visibilityChanged'; visible: boolean };

/**
 * The foreground states, as a region: `notRunning` → `visible` ⇄ `suspended`, and
 * `APP_TERMINATED` from any of them to the final `terminated`. `visible` is tagged `visible` and
 * runs the actions `shown` on entry and `hidden` on exit, which the machine that holds the
 * region implements.
 */
export const foregroundRegion = {
  initial: 'notRunning',
  states: {
    notRunning: {
      on: { APP_LAUNCHED: 'visible', APP_TERMINATED: 'terminated' },
    },
    visible: {
      tags: ['visible'],
      entry: 'shown',
      exit: 'hidden',
      on: { APP_SUSPENDED: 'suspended', APP_TERMINATED: 'terminated' },
    },
    suspended: {
      on: { APP_RESUMED: 'visible', APP_TERMINATED: 'terminated' },
    },
    terminated: { type: 'final' },
  },
} as const;

/**
 * Statechart of one lifetime of an app's foreground (see {@link foregroundRegion}). Emits
 * `visibilityChanged` when it becomes visible and when it stops being visible (suspended or
 * terminated while visible); `terminated` is final, so nothing happens after it.
 */
export const foregroundAppMachine = setup({
  types: {
    events: {} as ForegroundAppEvent,
    emitted: {} as ForegroundAppEmitted,
    tags: {} as 'visible',
  },
  actions: {
    shown: emit({ type: 'visibilityChanged', visible: true }),
    hidden: emit({ type: 'visibilityChanged', visible: false }),
  },
}).createMachine({
  id: 'foregroundApp',
  ...foregroundRegion,
});

/** A snapshot of {@link foregroundAppMachine}. */
export type ForegroundAppSnapshot = SnapshotFrom<typeof foregroundAppMachine>;

/** A running {@link foregroundAppMachine} actor. */
export type ForegroundAppActor = ActorRefFrom<typeof foregroundAppMachine>;
