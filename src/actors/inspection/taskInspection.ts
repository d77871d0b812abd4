/**
 * Task-side inspection: the xstate actors a background task runs (its MediaPlayer's and
 * MediaPlaybackList's statecharts, and any actor the task's own code starts) report their
 * inspection events as serialisable {@link InspectRecord}s, which the task sends to the
 * foreground over the relay as `inspect` envelopes.
 *
 * The task's players and playlists create their actors themselves, so this module hooks actor
 * start-up: when a root actor starts, its actor system gets an inspection observer, and the
 * actors that announced themselves before (the root and the children it spawned while being
 * created) are announced again. Where an actor belongs is decided by where it starts:
 * - worker and process hosts: every root actor of the task's realm belongs to the task;
 * - inline host (one realm shared with the foreground): the actors started while the task's
 *   code runs, that is during `run`, the player's construction and the task's handling of
 *   every message from the foreground ({@link TaskInspection.within}). An actor the task
 *   starts from a timer of its own is not seen on the inline host.
 *
 * @packageDocumentation
 */
import { Actor, type AnyActorRef, type InspectionEvent } from 'xstate';
import type { TransportEndpoint } from '../../adapters/transport/types.js';
import { type InspectRecord, toInspectRecord } from '../../protocol.js';

/** Where inspection records of one task go. */
type RecordSink = (record: InspectRecord) => void;

interface Scope {
  send(event: InspectionEvent): void;
}

/** The scope of a worker or process task: the whole realm. */
let realmScope: Scope | null = null;
/** The inline task whose code is running right now. */
let currentScope: Scope | null = null;
/** Actor systems that already have an observer. */
const observedSystems = new WeakSet<object>();
let startPatched = false;

interface ActorInternals {
  sessionId: string;
  id?: string;
  _parent?: unknown;
  logic?: { id?: unknown };
  system: { inspect(observer: (event: InspectionEvent) => void): unknown };
  getSnapshot(): { children?: Record<string, unknown> } | undefined;
}

/** Announces `ref` and, depth first, the children it holds now. */
function announce(ref: ActorInternals, rootId: string, scope: Scope): void {
  scope.send({ type: '@xstate.actor', actorRef: ref as unknown as AnyActorRef, rootId });
  let children: Record<string, unknown> = {};
  try {
    children = ref.getSnapshot()?.children ?? {};
  } catch {
    // a logic without snapshot children
  }
  for (const child of Object.values(children)) {
    if (child && typeof child === 'object' && 'sessionId' in child) {
      announce(child as ActorInternals, rootId, scope);
    }
  }
}

/** Makes every root actor that starts inside a scope report to that scope. */
function patchActorStart(): void {
  if (startPatched) return;
  startPatched = true;
  const proto = Actor.prototype as unknown as { start(this: ActorInternals): unknown };
  const start = proto.start;
  proto.start = function startInspected(this: ActorInternals) {
    const scope = currentScope ?? realmScope;
    if (scope && !this._parent && !observedSystems.has(this.system)) {
      observedSystems.add(this.system);
      this.system.inspect((event) => scope.send(event));
      announce(this, this.sessionId, scope);
    }
    return start.call(this);
  };
}

/**
 * The serialisable record of one inspection event. A root actor created without an id is
 * named after its machine (`mediaPlayer`, `playbackList`), as the Stately inspector names it.
 *
 * @example
 * ```ts
 * const record = inspectionRecord(event); // { type: '@xstate.actor', sessionId: 'x:0', name: 'mediaPlayer', … }
 * ```
 */
export function inspectionRecord(event: InspectionEvent): InspectRecord {
  const record = toInspectRecord(event);
  if (record.type === '@xstate.actor') {
    const ref = event.actorRef as unknown as ActorInternals;
    const machineId = ref.logic?.id;
    if (ref.id === ref.sessionId && typeof machineId === 'string') record.name = machineId;
  }
  return record;
}

/** What {@link createTaskInspection} gives the task main. */
export interface TaskInspection {
  /** The endpoint to open the task's channel on: on the inline host every delivery runs {@link TaskInspection.within}. */
  endpoint(endpoint: TransportEndpoint): TransportEndpoint;
  /** Where records go from now on (the relay, once the channel is open). */
  connect(sink: RecordSink): void;
  /** Runs task code so that the actors it starts are attributed to this task. */
  within<T>(fn: () => T): T;
}

const passThrough: TaskInspection = {
  endpoint: (endpoint) => endpoint,
  connect: () => {},
  within: (fn) => fn(),
};

/**
 * Sets up inspection of one task's actors. Disabled, everything passes through untouched and
 * nothing is hooked. Records are sent to the sink given to `connect`; a sink that throws (the
 * channel closed as the task ended) stops the forwarding.
 *
 * @example
 * ```ts
 * const inspection = createTaskInspection({ enabled: init.inspect === true, host: context.kind });
 * const channel = openTaskChannel(inspection.endpoint(endpoint));
 * inspection.connect((record) => channel.send({ kind: 'inspect', record }));
 * const player = inspection.within(() => new MediaPlayer({ clock, audio }));
 * inspection.within(() => definition.run(instance));
 * ```
 */
export function createTaskInspection(options: {
  enabled: boolean;
  host: 'worker' | 'process' | 'inline' | string;
}): TaskInspection {
  if (!options.enabled) return passThrough;
  patchActorStart();
  let sink: RecordSink | null = null;
  let stopped = false;
  const held: InspectRecord[] = [];
  const deliver = (record: InspectRecord) => {
    if (stopped) return;
    if (!sink) {
      held.push(record);
      return;
    }
    try {
      sink(record);
    } catch {
      stopped = true;
    }
  };
  const scope: Scope = {
    send(event) {
      if (stopped) return;
      try {
        deliver(inspectionRecord(event));
      } catch {
        // an event that cannot be made serialisable is left out
      }
    },
  };
  const scoped = options.host === 'inline';
  if (!scoped) realmScope = scope;
  const within = <T>(fn: () => T): T => {
    if (!scoped) return fn();
    const previous = currentScope;
    currentScope = scope;
    try {
      return fn();
    } finally {
      currentScope = previous;
    }
  };
  return {
    endpoint: (endpoint) =>
      scoped
        ? {
            postMessage: (message) => endpoint.postMessage(message),
            onMessage: (listener) =>
              endpoint.onMessage((message) => within(() => listener(message))),
          }
        : endpoint,
    connect(next) {
      sink = next;
      for (const record of held.splice(0)) deliver(record);
    },
    within,
  };
}
