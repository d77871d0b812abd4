/**
 * Inspection in wire form: xstate inspection events of a task's actors, made serialisable so
 * they can cross to the foreground.
 *
 * @packageDocumentation
 */
import type { InspectionEvent } from 'xstate';
import * as z from 'zod/mini';
import { MachineDefinitionSchema } from './machineDefinition.js';
import { english } from './zod.js';

english();

/** The xstate inspection event types. */
export const INSPECTION_TYPES = [
  '@xstate.actor',
  '@xstate.event',
  '@xstate.snapshot',
  '@xstate.microstep',
  '@xstate.action',
  '@xstate.transition',
] as const;

/**
 * An xstate inspection event made serialisable: actor refs become session ids (as
 * `@statelyai/inspect` does), `event` and `snapshot` are plain JSON-like data.
 */
export const InspectRecordSchema = z.object({
  type: z.enum(INSPECTION_TYPES),
  sessionId: z.string(),
  rootId: z.string(),
  parentId: z.optional(z.string()),
  sourceId: z.optional(z.string()),
  name: z.optional(z.string()),
  event: z.optional(z.unknown()),
  snapshot: z.optional(z.unknown()),
  action: z.optional(z.unknown()),
  /**
   * `@xstate.actor` only: the id of the actor's machine (its definition's key), when it runs one.
   */
  machine: z.optional(z.string()),
  /**
   * `@xstate.actor` only, task side: the actor's machine as plain data, sent with the first actor
   * of each machine in a task instance (later actors of the same machine carry only `machine`).
   */
  definition: z.optional(MachineDefinitionSchema),
});
/** A serialisable xstate inspection event. */
export type InspectRecord = z.infer<typeof InspectRecordSchema>;

/** JSON-like copy of `value`: `toJSON` honoured, functions dropped, repeats and bigints named. */
function toJsonValue(value: unknown): unknown {
  if (value === undefined) return undefined;
  const seen = new WeakSet<object>();
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[Repeated]';
      seen.add(v);
    }
    return v;
  });
  return text === undefined ? undefined : JSON.parse(text);
}

/** An actor ref as {@link toInspectRecord} reads it. */
interface InspectedRef {
  sessionId: string;
  id?: string;
  _parent?: InspectedRef;
  getSnapshot?: () => unknown;
}

/** Names an actor ref on the wire (default: its `sessionId`). */
export type SessionNamer = (ref: { sessionId: string }) => string;

const bySessionId: SessionNamer = (ref) => ref.sessionId;

/**
 * Turns an xstate inspection event into an {@link InspectRecord} that can cross a boundary:
 * actor refs become `sessionId` / `parentId` / `sourceId` (as `name` gives them; by default
 * their own session ids), and `event`, `snapshot`, `action` become JSON-like data (a machine
 * snapshot through its `toJSON`). Given a `name`, `rootId` is the name of the actor's root.
 */
export function toInspectRecord(
  event: InspectionEvent,
  name: SessionNamer = bySessionId,
): InspectRecord {
  const ref = event.actorRef as unknown as InspectedRef;
  let rootId = event.rootId;
  if (name !== bySessionId) {
    let root = ref;
    while (root._parent) root = root._parent;
    rootId = name(root);
  }
  const record: InspectRecord = {
    type: event.type,
    sessionId: name(ref),
    rootId,
  };
  if (ref._parent !== undefined) record.parentId = name(ref._parent);
  switch (event.type) {
    case '@xstate.actor':
      if (ref.id !== undefined) record.name = ref.id;
      try {
        record.snapshot = toJsonValue(ref.getSnapshot?.());
      } catch {
        // an actor announced from its constructor has no snapshot yet
      }
      break;
    case '@xstate.event':
      if (event.sourceRef) record.sourceId = name(event.sourceRef);
      record.event = toJsonValue(event.event);
      break;
    case '@xstate.action':
      record.action = toJsonValue(event.action);
      break;
    default:
      record.event = toJsonValue(event.event);
      record.snapshot = toJsonValue(event.snapshot);
  }
  return record;
}
