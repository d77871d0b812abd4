/**
 * The environment of one background task instance: what its player classes (MediaPlayer,
 * MediaPlaybackList) run with. The task main creates it once per instance and hands it to the
 * objects it builds itself; objects the task's own code builds (`new MediaPlaybackList()` in
 * `run`) find the environment of the task whose code is running:
 * - worker and process hosts: the realm holds one task, whose environment is the realm's;
 * - inline host: several tasks share the foreground's realm, so each task's environment is
 *   attached to its fault scope (see `faults.ts`) and follows that task's code, its async
 *   continuations and its timers.
 * An object built outside every task (a unit test) has no environment: the system clock and no
 * inspection.
 *
 * @packageDocumentation
 */
import type { InspectionEvent, Observer } from 'xstate';
import type { AudioAdapter } from '../../adapters/audio/types.js';
import { type Clock, systemClock } from '../../clock.js';
import { faultScopeContext, setFaultScopeContext } from '../../faults.js';

/** An xstate inspection observer, as `createActor(logic, { inspect })` takes it. */
export type InspectObserver = ((event: InspectionEvent) => void) | Observer<InspectionEvent>;

/** What a task's player classes run with; one per task instance. */
export interface TaskEnvironment {
  /** The task's clock: every statechart and timer of its player classes runs on it. */
  readonly clock: Clock;
  /** How the task makes sound. */
  readonly audio: AudioAdapter;
  /** Where the task's actors report inspection events; undefined when nobody inspects. */
  readonly inspect: InspectObserver | undefined;
}

/** The environment of the realm's one task (worker and process hosts). */
let realmEnvironment: TaskEnvironment | undefined;

/** How the task main tells where its task's code runs (the host's `TaskContext`). */
export interface EnvironmentHost {
  readonly kind: string;
  /** Runs a callback inside the task's fault scope (inline host). */
  bind?<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
}

/**
 * Makes `environment` the one the task's code finds: on the inline host, attached to the task's
 * fault scope (reached through `host.bind`, which runs inside it); elsewhere, the realm's.
 */
export function provideTaskEnvironment(environment: TaskEnvironment, host: EnvironmentHost): void {
  if (host.kind !== 'inline') {
    realmEnvironment = environment;
    return;
  }
  const attach = () => {
    setFaultScopeContext(environment);
  };
  (host.bind ? host.bind(attach) : attach)();
}

function isTaskEnvironment(value: unknown): value is TaskEnvironment {
  if (typeof value !== 'object' || value === null) return false;
  const { clock, audio } = value as Partial<Record<keyof TaskEnvironment, unknown>>;
  return typeof clock === 'object' && clock !== null && typeof audio === 'object' && audio !== null;
}

/** The environment of the task whose code is running, or undefined outside every task. */
export function currentTaskEnvironment(): TaskEnvironment | undefined {
  const scoped = faultScopeContext();
  return isTaskEnvironment(scoped) ? scoped : realmEnvironment;
}

/**
 * What an object of the task runs with: each part given in `options`, else the running task's,
 * else the system clock and no inspection (`audio` stays undefined when nobody has one). A part
 * given that is not what it should be is a TypeError quoting it.
 */
export function resolveEnvironment(options: Partial<TaskEnvironment> | undefined): {
  clock: Clock;
  audio: AudioAdapter | undefined;
  inspect: InspectObserver | undefined;
} {
  if (options?.clock !== undefined && !isClock(options.clock)) {
    throw new TypeError(
      `\`clock\` must be a Clock with now(), setTimeout() and clearTimeout(), got \`${String(options.clock)}\``,
    );
  }
  if (options?.inspect !== undefined && !isObserver(options.inspect)) {
    throw new TypeError(
      `\`inspect\` must be an xstate inspection observer (a function or { next }), got \`${String(options.inspect)}\``,
    );
  }
  const running = currentTaskEnvironment();
  return {
    clock: options?.clock ?? running?.clock ?? systemClock,
    audio: options?.audio ?? running?.audio,
    inspect: options?.inspect ?? running?.inspect,
  };
}

function isClock(value: unknown): value is Clock {
  const clock = value as Partial<Clock> | null;
  return (
    typeof clock === 'object' &&
    clock !== null &&
    typeof clock.now === 'function' &&
    typeof clock.setTimeout === 'function' &&
    typeof clock.clearTimeout === 'function'
  );
}

function isObserver(value: unknown): value is InspectObserver {
  if (typeof value === 'function') return true;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Observer<unknown>).next === 'function'
  );
}
