import { type ActorRefFrom, emit, type SnapshotFrom, setup } from 'xstate';

/**
 * The lifetime and visibility of an app's foreground (its UI). Only `visible` counts as visible;
 * `terminated` is final, so nothing happens after it.
 */

/** Every state name of {@link foregroundAppMachine}. */
export const foregroundAppStates = ['notRunning', 'visible', 'suspended', 'terminated'] as const;

/** A state of {@link foregroundAppMachine}. */
export type ForegroundAppState = (typeof foregroundAppStates)[number];

/** Events a runtime sends to {@link foregroundAppMachine}. */
export type ForegroundAppEvent =
  | { type: 'LAUNCH' }
  | { type: 'SUSPEND' }
  | { type: 'RESUME' }
  | { type: 'TERMINATE' };

/** Events {@link foregroundAppMachine} emits: one per change of visibility. */
export type ForegroundAppEmitted = { type: 'visibilityChanged'; visible: boolean };

/**
 * Statechart of an app's foreground: `notRunning` → `visible` ⇄ `suspended`, and `TERMINATE`
 * from any of them to the final `terminated`. Emits `visibilityChanged` when it becomes visible
 * and when it stops being visible (suspended or terminated while visible). Tag `visible`.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * const app = createActor(foregroundAppMachine).start();
 * app.on('visibilityChanged', ({ visible }) => console.log('visible:', visible));
 * app.send({ type: 'LAUNCH' }); // visible: true
 * app.send({ type: 'SUSPEND' }); // visible: false
 * app.getSnapshot().hasTag('visible'); // false
 * ```
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
  initial: 'notRunning',
  states: {
    notRunning: {
      on: { LAUNCH: 'visible', TERMINATE: 'terminated' },
    },
    visible: {
      tags: ['visible'],
      entry: 'shown',
      exit: 'hidden',
      on: { SUSPEND: 'suspended', TERMINATE: 'terminated' },
    },
    suspended: {
      on: { RESUME: 'visible', TERMINATE: 'terminated' },
    },
    terminated: { type: 'final' },
  },
});

/** A snapshot of {@link foregroundAppMachine}. */
export type ForegroundAppSnapshot = SnapshotFrom<typeof foregroundAppMachine>;

/** A running {@link foregroundAppMachine} actor. */
export type ForegroundAppActor = ActorRefFrom<typeof foregroundAppMachine>;
