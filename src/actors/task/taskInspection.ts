/**
 * Task-side inspection: the xstate actors of a background task (its MediaPlayer's and
 * MediaPlaybackList's statecharts, and the actors its own code starts with
 * `taskInstance.inspect`) report their inspection events to one observer, which turns each into
 * a serialisable {@link InspectRecord} and sends it to the foreground over the channel as an
 * `inspect` envelope.
 *
 * Nothing is hooked: the observer reaches an actor only through `createActor(logic, { inspect })`.
 * The task's player classes take it from the task's environment (see `taskEnvironment.ts`); an
 * actor of the task's own code is inspected when the task passes it along.
 *
 * @packageDocumentation
 */
import type { AnyStateMachine, InspectionEvent } from 'xstate';
import { serializeMachine } from '../../inspector/definition.js';
import {
  type InspectRecord,
  type MachineDefinition,
  MachineDefinitionSchema,
  toInspectRecord,
} from '../../protocol.js';
import type { InspectObserver } from './taskEnvironment.js';

/**
 * The inspection events a task relays: actors, events and snapshots, all that Backbeat's
 * inspector and `@statelyai/inspect` read. `@xstate.microstep` and `@xstate.action` (and any
 * later kind) stay in the task: they would double the records of every event for no reader.
 */
const RELAYED: ReadonlySet<string> = new Set([
  '@xstate.actor',
  '@xstate.event',
  '@xstate.snapshot',
]);

/** Where inspection records of one task go. */
type RecordSink = (record: InspectRecord) => void;

interface NamedActor {
  sessionId: string;
  id?: string;
  logic?: unknown;
}

/** The id of `logic` when it is a state machine (duck-typed: a task may bundle its own xstate). */
function machineIdOf(logic: unknown): string | undefined {
  if (!logic || typeof logic !== 'object') return undefined;
  const machine = logic as { id?: unknown; root?: unknown; transition?: unknown };
  if (typeof machine.id !== 'string' || typeof machine.transition !== 'function') return undefined;
  if (!machine.root || typeof machine.root !== 'object') return undefined;
  return machine.id;
}

/**
 * `logic` as a checked {@link MachineDefinition}, or `undefined` when it cannot be made one (a
 * machine whose structure `serializeMachine` cannot read, or a result the schema refuses, which
 * the foreground would drop with the whole record).
 */
function definitionOf(logic: unknown): MachineDefinition | undefined {
  try {
    const result = MachineDefinitionSchema.safeParse(serializeMachine(logic as AnyStateMachine));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/** What {@link createTaskInspection} gives the task main. */
export interface TaskInspection {
  /** The observer the task's actors are created with; undefined when inspection is off. */
  readonly inspect: InspectObserver | undefined;
  /** Where records go from now on (the channel, once it is open). */
  connect(sink: RecordSink): void;
}

const disabled: TaskInspection = { inspect: undefined, connect: () => {} };

/**
 * Sets up inspection of one task's actors. Disabled, there is no observer at all, so actors are
 * created without one and nothing is computed. Each machine's definition is sent once per task
 * instance, with the first actor that runs it. Records made before `connect` are held and sent
 * then, in order; a sink that throws (the channel closed as the task ended) stops the
 * forwarding, and an event that cannot be made serialisable is left out.
 */
export function createTaskInspection(options: { enabled: boolean }): TaskInspection {
  if (!options.enabled) return disabled;
  // Machine ids whose definition this task instance has sent (or tried to).
  const described = new Set<string>();
  /**
   * The serialisable record of one inspection event. A root actor created without an id is
   * named after its machine (`mediaPlayer`, `playbackList`), as the Stately inspector names it;
   * an actor running a machine carries the machine's id, and the first of each machine id its
   * definition.
   */
  // Session ids as the foreground sees them. A task's own code may run its own copy of xstate
  // (the task bundle has Backbeat's), whose session ids (`x:0`, …) repeat Backbeat's: an actor
  // whose id another actor already has is given `ID~2`, `ID~3`, …
  const names = new WeakMap<object, string>();
  const taken = new Set<string>();
  const nameOf = (ref: { sessionId: string }): string => {
    let name = names.get(ref);
    if (name === undefined) {
      name = ref.sessionId;
      for (let n = 2; taken.has(name); n++) name = `${ref.sessionId}~${n}`;
      taken.add(name);
      names.set(ref, name);
    }
    return name;
  };
  // The context last sent of each actor: a snapshot sends only the keys that changed.
  const contexts = new WeakMap<object, unknown>();
  const inspectionRecord = (event: InspectionEvent): InspectRecord => {
    const record = toInspectRecord(event, { name: nameOf, contexts });
    if (record.type !== '@xstate.actor') return record;
    const ref = event.actorRef as unknown as NamedActor;
    const machineId = machineIdOf(ref.logic);
    if (machineId === undefined) return record;
    if (ref.id === ref.sessionId) record.name = machineId;
    record.machine = machineId;
    if (!described.has(machineId)) {
      described.add(machineId);
      const definition = definitionOf(ref.logic);
      if (definition) record.definition = definition;
    }
    return record;
  };
  let sink: RecordSink | null = null;
  let stopped = false;
  const held: InspectRecord[] = [];
  const deliver = (record: InspectRecord) => {
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
  return {
    inspect(event) {
      if (stopped || !RELAYED.has(event.type)) return;
      let record: InspectRecord;
      try {
        record = inspectionRecord(event);
      } catch {
        return;
      }
      deliver(record);
    },
    connect(next) {
      sink = next;
      for (const record of held.splice(0)) {
        if (stopped) break;
        deliver(record);
      }
    },
  };
}
