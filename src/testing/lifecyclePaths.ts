import { initialTransition, transition } from 'xstate';
import { getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import type { App } from '../actors/foreground/app.js';
import {
  type DeviceFamily,
  type PolicyOverrides,
  resolvePolicies,
  type SystemPolicies,
} from '../machines/deviceFamilies.js';
import {
  describeModelState,
  enabledModelEvents,
  type LifecycleModelEvent,
  type LifecycleModelSnapshot,
  type LifecycleModelState,
  lifecycleModelEvents,
  lifecycleModelMachine,
} from './lifecycleModel.js';
import { type LifecycleRun, type RunPathOptions, runLifecyclePath } from './runPath.js';
import type { TestSystem } from './testSystem.js';

/** The kinds of step a lifecycle path is made of. */
export type LifecycleEventType =
  | 'play'
  | 'pause'
  | 'suspend'
  | 'resume'
  | 'terminateForeground'
  | 'shutdown'
  | 'phoneCall'
  | 'voipCallLowMemory'
  | 'otherAppTakesAudio'
  | 'inactivityTimeoutElapses';

const eventTypes: Record<LifecycleModelEvent['type'], LifecycleEventType> = {
  PLAY: 'play',
  PAUSE: 'pause',
  SUSPEND: 'suspend',
  RESUME: 'resume',
  TERMINATE_FOREGROUND: 'terminateForeground',
  SHUTDOWN: 'shutdown',
  PHONE_CALL: 'phoneCall',
  VOIP_CALL_LOW_MEMORY: 'voipCallLowMemory',
  OTHER_APP_TAKES_AUDIO: 'otherAppTakesAudio',
  INACTIVITY_TIMEOUT_ELAPSES: 'inactivityTimeoutElapses',
};

/** Every {@link LifecycleEventType}, in a fixed order. */
export const lifecycleEventTypes: readonly LifecycleEventType[] = Object.freeze(
  lifecycleModelEvents.map((type) => eventTypes[type]),
);

const labels: Record<LifecycleEventType, string> = {
  play: 'play',
  pause: 'pause',
  suspend: 'suspend',
  resume: 'resume',
  terminateForeground: 'foreground terminates',
  shutdown: 'shutdown',
  phoneCall: 'phone call',
  voipCallLowMemory: 'VoIP call (low memory)',
  otherAppTakesAudio: 'another app takes audio',
  inactivityTimeoutElapses: 'inactivity timeout elapses',
};

const explanations: Record<LifecycleEventType, string> = {
  play: "the user plays through the foreground's MediaPlayer (play())",
  pause: "the user pauses through the foreground's MediaPlayer (pause())",
  suspend: 'the app goes to the background (app.suspend())',
  resume: 'the app comes back to the foreground (app.resume())',
  terminateForeground: "the app's foreground is closed (app.terminate())",
  shutdown: 'the app shuts its task down (backgroundMediaPlayer.shutdown())',
  phoneCall: "a phone call comes in (system.interrupt('phoneCall'))",
  voipCallLowMemory:
    "a VoIP call comes in on a device low on memory (system.interrupt('voipCall', { lowMemory: true }))",
  otherAppTakesAudio: 'another app starts its background audio task',
  inactivityTimeoutElapses: 'the inactivity timeout elapses on the virtual clock',
};

/** One step of a {@link LifecyclePath}. */
export interface LifecycleStep {
  /** What happens. */
  readonly event: LifecycleEventType;
  /** The step in words, with what the model expects of it. */
  readonly description: string;
  /** The model's state after the step. */
  readonly expected: Readonly<LifecycleModelState>;
}

/** What the system does to the task by the end of a path, as the model predicts it. */
export type LifecycleExpectation = LifecycleModelState['ending'];

/**
 * One way the system can take an app's task through its lifecycle, generated from the
 * lifecycle model. Run it on a fresh test system and a freshly launched app of your own; the
 * result says what your task did.
 */
export interface LifecyclePath {
  /** The steps in words: `play → suspend → inactivity timeout elapses ⇒ canceled (idleTask)`. */
  readonly description: string;
  readonly deviceFamily: DeviceFamily;
  /** The policies the path was generated for; the test system must enforce the same. */
  readonly policies: Readonly<SystemPolicies>;
  /** Whether the path is for a task whose player plays by itself from the start. */
  readonly autoPlay: boolean;
  readonly steps: readonly LifecycleStep[];
  /** What the system does to the task by the end of the path. */
  readonly expected: Readonly<LifecycleExpectation>;
  /** The foreground's state at the end of the path. */
  readonly foreground: LifecycleModelState['foreground'];
  /**
   * Starts the app's task, takes every step on the real system (checking at each step that
   * the system and the task are where the model says), then, when the path cancels the task,
   * lets the grace period run (until the task ends, at most all of it) and reports how the task ended.
   * With `saveRecordingTo` (on a system created with `record: true`) a run that fails leaves
   * its inspector recording in that directory (`npx backbeat inspect FILE`).
   */
  run(system: TestSystem, app: App, options?: RunPathOptions): Promise<LifecycleRun>;
}

/** Options of {@link lifecyclePaths}. */
export interface LifecyclePathsOptions {
  /** The device family (default `'desktop'`). */
  deviceFamily?: DeviceFamily;
  /** Policy overrides, as given to `createTestSystem`. */
  policies?: PolicyOverrides;
  /** Only the paths made of these kinds of step (default: all kinds). */
  events?: readonly LifecycleEventType[];
  /**
   * Whether the task's player plays by itself as soon as `run` sets its source (the player's
   * `autoPlay`, true unless the task turns it off, as in WinRT). With `true` every path starts
   * from the task playing; with `false` (default) from a task that has not played yet.
   */
  autoPlay?: boolean;
}

function endingText(ending: LifecycleExpectation): string {
  if (ending.task === 'alive') return 'the task keeps running';
  return `${ending.task} (${ending.reason})`;
}

function stepDescription(event: LifecycleEventType, after: LifecycleModelState): string {
  const outcome =
    after.ending.task === 'alive'
      ? `the task stays alive, player ${after.player}`
      : `the system ${after.ending.task === 'canceled' ? 'cancels' : 'terminates'} the task: ${after.ending.reason}`;
  return `${explanations[event]}; ${outcome}`;
}

/** Keeps the sequences that are not a strict prefix of another one. */
function dropPrefixes<T extends { key: string }>(items: T[]): T[] {
  const keys = items.map((i) => i.key);
  return items.filter((item) => !keys.some((k) => k !== item.key && k.startsWith(`${item.key} `)));
}

/**
 * Generates the lifecycle paths of one app's background task on a device family, from the
 * lifecycle model statechart with `xstate/graph`: the shortest path to every state the model
 * can reach, extended by every step possible there, so that every transition of the model is
 * taken at least once; paths contained in longer ones are left out. Every path starts with the
 * task started (holding its deferral) and the foreground visible, its player not yet played
 * or, with `autoPlay: true`, playing by itself; it ends when the system cancels or terminates
 * the task, or after its last step with the task alive.
 *
 * Which path kinds a family has follows from its policies: cancellation by another app
 * (`systemPolicy`) needs exclusivity, by inactivity (`idleTask`) the inactivity timeout, and
 * by the foreground terminating (`terminating`) shared lifetime; without them those steps
 * leave the task running. Suspending a task that has not played (`conditionLoss`), shutdown
 * (`abort`), phone calls (`resourceRevocation`) and low-memory VoIP calls (`lowMemory`, no
 * notice) apply on every family.
 *
 * Steps that let time pass expect the task's media to keep playing meanwhile: keep
 * `inactivityTimeoutMs` of the test system shorter than the media your task plays.
 *
 * @example
 * ```ts
 * import { describe, expect, it } from 'vitest';
 * import { createTestSystem, lifecyclePaths } from 'backbeat/testing';
 *
 * describe.each(lifecyclePaths({ deviceFamily: 'mobile' }))('$description', (path) => {
 *   it('saves its state when cancelled', async () => {
 *     const system = createTestSystem({ deviceFamily: 'mobile', inactivityTimeoutMs: 1_000 });
 *     const app = system.launchApp({ id: 'music', task: new URL('./task.mjs', import.meta.url) });
 *     const run = await path.run(system, app);
 *     if (path.expected.task === 'canceled') expect(run.outcome).toBe('completed');
 *     await system.dispose();
 *   });
 * });
 * // A task that plays as soon as it sets its source (the player's autoPlay, on by default):
 * const autoplaying = lifecyclePaths({ deviceFamily: 'mobile', autoPlay: true });
 * ```
 *
 * @example A failing run leaves a recording to open in the inspector
 * ```ts
 * const system = createTestSystem({ deviceFamily: 'mobile', record: true });
 * const app = system.launchApp({ id: 'music', task: new URL('./task.mjs', import.meta.url) });
 * const run = await path.run(system, app, { saveRecordingTo: 'test-output/recordings' });
 * // A run that throws names its file in the error's message (`recording: FILE`); one whose
 * // task did not end as predicted names it in run.recordingFile:
 * expect(run.recordingFile).toBeNull();
 * ```
 */
export function lifecyclePaths(options: LifecyclePathsOptions = {}): LifecyclePath[] {
  const deviceFamily = options.deviceFamily ?? 'desktop';
  const policies = Object.freeze(resolvePolicies(deviceFamily, options.policies));
  const autoPlay = options.autoPlay ?? false;
  if (typeof autoPlay !== 'boolean') {
    throw new TypeError(
      `lifecyclePaths: \`autoPlay\` must be a boolean, got \`${String(options.autoPlay)}\``,
    );
  }
  const allowed = new Set<LifecycleEventType>(options.events ?? lifecycleEventTypes);
  for (const type of allowed) {
    if (!lifecycleEventTypes.includes(type)) {
      throw new TypeError(
        `Unknown lifecycle event \`${String(type)}\`; expected one of ${lifecycleEventTypes.join(', ')}`,
      );
    }
  }
  const traversal = {
    input: { policies, autoPlay },
    events: (snapshot: LifecycleModelSnapshot) =>
      enabledModelEvents(snapshot).filter((e) => allowed.has(eventTypes[e.type])),
    serializeState: (snapshot: LifecycleModelSnapshot) => JSON.stringify(snapshot.value),
  };
  const shortest = new Map<string, LifecycleModelEvent[]>();
  for (const path of getShortestPaths(lifecycleModelMachine, traversal)) {
    const events = path.steps.map((s) => s.event).filter((e) => !e.type.startsWith('xstate.'));
    shortest.set(traversal.serializeState(path.state), events as LifecycleModelEvent[]);
  }

  const candidates: Array<{ key: string; events: LifecycleModelEvent[] }> = [];
  const adjacency = getAdjacencyMap(lifecycleModelMachine, traversal);
  for (const [stateKey, { transitions }] of Object.entries(adjacency)) {
    const base = shortest.get(stateKey);
    if (!base) continue;
    for (const transition of Object.values(transitions)) {
      const { event } = transition as { event: LifecycleModelEvent };
      const events = [...base, event];
      candidates.push({ key: events.map((e) => e.type).join(' '), events });
    }
  }

  return dropPrefixes(candidates)
    .sort((a, b) => a.events.length - b.events.length || a.key.localeCompare(b.key))
    .map(({ events }) => buildPath(deviceFamily, policies, autoPlay, events));
}

function buildPath(
  deviceFamily: DeviceFamily,
  policies: Readonly<SystemPolicies>,
  autoPlay: boolean,
  events: LifecycleModelEvent[],
): LifecyclePath {
  let [snapshot] = initialTransition(lifecycleModelMachine, { policies, autoPlay });
  const steps: LifecycleStep[] = [];
  for (const event of events) {
    [snapshot] = transition(lifecycleModelMachine, snapshot, event);
    const expected = Object.freeze(describeModelState(snapshot));
    const type = eventTypes[event.type];
    steps.push(
      Object.freeze({ event: type, description: stepDescription(type, expected), expected }),
    );
  }
  const last = steps.at(-1)!.expected;
  const path: LifecyclePath = {
    description: `${autoPlay ? 'autoplay → ' : ''}${steps.map((s) => labels[s.event]).join(' → ')} ⇒ ${endingText(last.ending)}`,
    deviceFamily,
    policies,
    autoPlay,
    steps: Object.freeze(steps),
    expected: last.ending,
    foreground: last.foreground,
    run: (system, app, runOptions) => runLifecyclePath(path, system, app, runOptions),
  };
  return Object.freeze(path);
}
