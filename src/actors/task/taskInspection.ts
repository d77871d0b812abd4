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
import type { InspectionEvent } from 'xstate';
import { type InspectRecord, toInspectRecord } from '../../protocol.js';
import type { InspectObserver } from './taskEnvironment.js';

/** Where inspection records of one task go. */
type RecordSink = (record: InspectRecord) => void;

interface NamedActor {
  sessionId: string;
  id?: string;
  logic?: { id?: unknown };
}

/**
 * The serialisable record of one inspection event. A root actor created without an id is
 * named after its machine (`mediaPlayer`, `playbackList`), as the Stately inspector names it.
 */
function inspectionRecord(event: InspectionEvent): InspectRecord {
  const record = toInspectRecord(event);
  if (record.type === '@xstate.actor') {
    const ref = event.actorRef as unknown as NamedActor;
    const machineId = ref.logic?.id;
    if (ref.id === ref.sessionId && typeof machineId === 'string') record.name = machineId;
  }
  return record;
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
 * created without one and nothing is computed. Records made before `connect` are held and sent
 * then, in order; a sink that throws (the channel closed as the task ended) stops the
 * forwarding, and an event that cannot be made serialisable is left out.
 */
export function createTaskInspection(options: { enabled: boolean }): TaskInspection {
  if (!options.enabled) return disabled;
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
      if (stopped) return;
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
