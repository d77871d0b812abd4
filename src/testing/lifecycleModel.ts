import { and, not, or, type SnapshotFrom, setup, stateIn } from 'xstate';
import type { CancellationReason } from '../machines/cancellationReasons.js';
import type { SystemPolicies } from '../machines/deviceFamilies.js';

/**
 * The abstract model the lifecycle paths are generated from: one app (its foreground and its
 * background task, whose player is fresh, playing or paused) and a second app that may start a
 * background audio task of its own. It predicts, from the device's policies, what the media
 * system does to the first app's task on each event, as the mediaSystem statechart does:
 *
 * - suspending the foreground while the task has never played cancels it (`conditionLoss`);
 * - the app shutting its task down cancels it (`abort`);
 * - a phone call cancels it (`resourceRevocation`); a VoIP call on a low-memory device ends it
 *   without notice (`lowMemory`);
 * - with exclusivity, another app starting its task cancels it (`systemPolicy`);
 * - with shared lifetime, the foreground terminating cancels it (`terminating`);
 * - with the inactivity timeout, the timeout elapsing while the foreground is not visible and
 *   the player not playing cancels it (`idleTask`).
 *
 * A path ends when the task is cancelled or terminated; what the task does then (complete its
 * deferral in time or not) is the app's to test.
 */

/** The model's events, one per kind of lifecycle step. */
export const lifecycleModelEvents = [
  'PLAY',
  'PAUSE',
  'SUSPEND',
  'RESUME',
  'TERMINATE_FOREGROUND',
  'SHUTDOWN',
  'PHONE_CALL',
  'VOIP_CALL_LOW_MEMORY',
  'OTHER_APP_TAKES_AUDIO',
  'INACTIVITY_TIMEOUT_ELAPSES',
] as const;

/** One model event. */
export type LifecycleModelEvent = { type: (typeof lifecycleModelEvents)[number] };

/** Cancellation reasons the model can predict. */
export type ModelCancellation = Extract<
  CancellationReason,
  'abort' | 'terminating' | 'conditionLoss' | 'systemPolicy' | 'resourceRevocation' | 'idleTask'
>;

const foregroundIs = (state: 'visible' | 'suspended' | 'terminated') =>
  stateIn(`#lifecycleModel.foreground.${state}`);
const taskIs = (state: string) => stateIn(`#lifecycleModel.task.${state}`);
const taskLive = () => not(or([taskIs('canceled'), taskIs('terminated')]));

const cancel = (reason: ModelCancellation) => `#lifecycleModel.task.canceled.${reason}` as const;

/**
 * The lifecycle model statechart. Input: the policies in force and whether the task's player
 * plays by itself once its source is set (`autoPlay`: the task then starts out playing).
 * Parallel regions:
 * `foreground` (visible, suspended, terminated), `otherApp` (absent, present) and `task`
 * (fresh, playing, paused; then `canceled.<reason>` or `terminated.lowMemory`).
 */
export const lifecycleModelMachine = setup({
  types: {
    input: {} as { policies: SystemPolicies; autoPlay?: boolean },
    context: {} as { policies: SystemPolicies; autoPlay: boolean },
    events: {} as LifecycleModelEvent,
  },
  guards: {
    exclusivity: ({ context }) => context.policies.exclusivity,
    inactivityTimeout: ({ context }) => context.policies.inactivityTimeout,
    sharedLifetime: ({ context }) => context.policies.sharedLifetime,
    autoPlay: ({ context }) => context.autoPlay,
  },
}).createMachine({
  id: 'lifecycleModel',
  context: ({ input }) => ({ policies: { ...input.policies }, autoPlay: input.autoPlay === true }),
  type: 'parallel',
  states: {
    foreground: {
      description: "The app's foreground.",
      initial: 'visible',
      states: {
        visible: { on: { SUSPEND: 'suspended', TERMINATE_FOREGROUND: 'terminated' } },
        suspended: { on: { RESUME: 'visible', TERMINATE_FOREGROUND: 'terminated' } },
        terminated: {},
      },
    },
    otherApp: {
      description: 'A second app, which may start a background audio task.',
      initial: 'absent',
      states: {
        absent: { on: { OTHER_APP_TAKES_AUDIO: 'present' } },
        present: {},
      },
    },
    task: {
      description: "The first app's background task, started and holding its deferral.",
      initial: 'fresh',
      states: {
        fresh: {
          description: 'The player has not played yet; an autoplaying task plays at once.',
          always: { guard: 'autoPlay', target: 'playing' },
          on: {
            PLAY: 'playing',
            SUSPEND: { guard: foregroundIs('visible'), target: cancel('conditionLoss') },
          },
        },
        playing: { on: { PAUSE: 'paused' } },
        paused: { on: { PLAY: 'playing' } },
        canceled: {
          description: 'The system cancelled the task; the path ends here.',
          initial: 'abort',
          states: {
            abort: {},
            terminating: {},
            conditionLoss: {},
            systemPolicy: {},
            resourceRevocation: {},
            idleTask: {},
          },
        },
        terminated: {
          description: 'The system ended the task without notice; the path ends here.',
          initial: 'lowMemory',
          states: { lowMemory: {} },
        },
      },
      on: {
        SHUTDOWN: { guard: taskLive(), target: cancel('abort') },
        PHONE_CALL: { guard: taskLive(), target: cancel('resourceRevocation') },
        VOIP_CALL_LOW_MEMORY: {
          guard: taskLive(),
          target: '#lifecycleModel.task.terminated.lowMemory',
        },
        OTHER_APP_TAKES_AUDIO: {
          guard: and(['exclusivity', taskLive()]),
          target: cancel('systemPolicy'),
        },
        TERMINATE_FOREGROUND: {
          guard: and(['sharedLifetime', taskLive(), not(foregroundIs('terminated'))]),
          target: cancel('terminating'),
        },
        INACTIVITY_TIMEOUT_ELAPSES: {
          guard: and([
            'inactivityTimeout',
            taskLive(),
            not(foregroundIs('visible')),
            not(taskIs('playing')),
          ]),
          target: cancel('idleTask'),
        },
      },
    },
  },
});

/** A snapshot of {@link lifecycleModelMachine}. */
export type LifecycleModelSnapshot = SnapshotFrom<typeof lifecycleModelMachine>;

/** The model state in plain words. */
export interface LifecycleModelState {
  foreground: 'visible' | 'suspended' | 'terminated';
  otherApp: 'absent' | 'present';
  player: 'fresh' | 'playing' | 'paused' | 'ended';
  /** What happened to the task, once the path has ended it. */
  ending:
    | { task: 'alive' }
    | { task: 'canceled'; reason: ModelCancellation }
    | { task: 'terminated'; reason: 'lowMemory' };
}

/**
 * Reads a model snapshot.
 */
export function describeModelState(snapshot: LifecycleModelSnapshot): LifecycleModelState {
  const value = snapshot.value as {
    foreground: LifecycleModelState['foreground'];
    otherApp: LifecycleModelState['otherApp'];
    task: string | { canceled?: ModelCancellation; terminated?: 'lowMemory' };
  };
  const task = value.task;
  if (typeof task === 'string') {
    return {
      foreground: value.foreground,
      otherApp: value.otherApp,
      player: task as LifecycleModelState['player'],
      ending: { task: 'alive' },
    };
  }
  return {
    foreground: value.foreground,
    otherApp: value.otherApp,
    player: 'ended',
    ending: task.canceled
      ? { task: 'canceled', reason: task.canceled }
      : { task: 'terminated', reason: 'lowMemory' },
  };
}

/**
 * The events a path may take from a model state: none once the task has ended; otherwise
 * those a user, the app or the device can cause there. Play and pause go through the
 * foreground's player, so not after the foreground terminated; shutdown is a foreground call
 * made while visible; where the family has no inactivity timeout, letting it elapse is
 * offered only while the task is inactive (to show that nothing happens).
 */
export function enabledModelEvents(snapshot: LifecycleModelSnapshot): LifecycleModelEvent[] {
  const state = describeModelState(snapshot);
  if (state.ending.task !== 'alive') return [];
  const { policies } = snapshot.context;
  const types: LifecycleModelEvent['type'][] = [];
  const running = state.foreground !== 'terminated';
  if (running && (state.player === 'fresh' || state.player === 'paused')) types.push('PLAY');
  if (running && state.player === 'playing') types.push('PAUSE');
  if (state.foreground === 'visible') types.push('SUSPEND');
  if (state.foreground === 'suspended') types.push('RESUME');
  if (running) types.push('TERMINATE_FOREGROUND');
  if (state.foreground === 'visible') types.push('SHUTDOWN');
  types.push('PHONE_CALL', 'VOIP_CALL_LOW_MEMORY');
  if (state.otherApp === 'absent') types.push('OTHER_APP_TAKES_AUDIO');
  const inactive = state.foreground !== 'visible' && state.player !== 'playing';
  if (policies.inactivityTimeout || inactive) types.push('INACTIVITY_TIMEOUT_ELAPSES');
  return types.map((type) => ({ type }));
}
