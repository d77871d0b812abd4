/**
 * Inspection in wire form: xstate inspection events of a task's actors, made serialisable so
 * they can cross to the foreground.
 *
 * @packageDocumentation
 */
import type { InspectionEvent } from 'xstate';
import * as z from 'zod/mini';
import { MachineDefinitionSchema } from './machineDefinition.js';
import { english, object } from './zod.js';

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
export const InspectRecordSchema = object({
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

/** What a walk of one value has met: objects seen (a repeat is named, not copied again). */
type Seen = WeakSet<object>;

/**
 * A JSON-like copy of `value`, as `JSON.parse(JSON.stringify(value))` would give it, without the
 * text in between: `toJSON` is honoured (dates, actor refs), functions, symbols and `undefined`
 * are left out (`null` in arrays), non-finite numbers become `null`, bigints `"12n"`, and an
 * object met a second time `"[Repeated]"`. What it returns is plain data, safe for
 * `structuredClone` and `JSON.stringify`.
 */
function plain(value: unknown, key: string, seen: Seen): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return `${value}n`;
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return null;
  if (seen.has(value)) return '[Repeated]';
  seen.add(value);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    const json: unknown = toJSON.call(value, key);
    if (json !== value) return plain(json, key, seen);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = plain(value[i], String(i), seen) ?? null;
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const v = plain((value as Record<string, unknown>)[k], k, seen);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** JSON-like copy of `value` (see {@link plain}); `undefined` stays `undefined`. */
function toJsonValue(value: unknown): unknown {
  return value === undefined ? undefined : plain(value, '', new WeakSet());
}

/** The parts of an actor's snapshot an inspector reads. */
interface SnapshotParts {
  status?: unknown;
  value?: unknown;
  context?: unknown;
  output?: unknown;
  error?: unknown;
  tags?: unknown;
}

/** Where a snapshot's context goes in wire form when only some of its keys changed. */
const CONTEXT_CHANGES = 'contextChanges';

/** A context as a plain record, or `undefined` when it is not one (an array, a primitive). */
function recordOf(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The keys of `context` whose values are not those of `previous` (by identity, as xstate's
 * `assign` keeps the values it does not change), as plain data; `undefined` when the change
 * is not a set of keys: a key gone or a value that has no JSON form.
 */
function contextChanges(
  context: Record<string, unknown>,
  previous: Record<string, unknown>,
  seen: Seen,
): Record<string, unknown> | undefined {
  for (const key of Object.keys(previous)) if (!Object.hasOwn(context, key)) return undefined;
  const changes: Record<string, unknown> = {};
  for (const key of Object.keys(context)) {
    const value = context[key];
    if (value === previous[key] && Object.hasOwn(previous, key)) continue;
    const copy = plain(value, key, seen);
    if (copy === undefined) return undefined;
    changes[key] = copy;
  }
  return changes;
}

/**
 * An actor's snapshot as an inspector reads it: `status`, and those of `value`, `context`,
 * `output`, `error` the actor has, plus a machine's `tags` when it has any. Left out: a
 * machine's `children` (the children are actors of their own, each with its `parentId`) and
 * `historyValue`. Given the context sent last for the actor, a context that differs from it only
 * in the values of some keys goes as `contextChanges`, those keys alone
 * ({@link fromSnapshotValue} puts the context together again).
 */
function toSnapshotValue(snapshot: unknown, previousContext?: unknown): unknown {
  if (snapshot === null || typeof snapshot !== 'object') return toJsonValue(snapshot);
  const parts = snapshot as SnapshotParts;
  const seen: Seen = new WeakSet();
  const out: Record<string, unknown> = { status: plain(parts.status, 'status', seen) };
  if (parts.value !== undefined) out.value = plain(parts.value, 'value', seen);
  if (parts.context !== undefined) {
    const context = recordOf(parts.context);
    const previous = context && recordOf(previousContext);
    const changes = previous && contextChanges(context, previous, seen);
    if (changes) out[CONTEXT_CHANGES] = changes;
    else {
      const copy = plain(parts.context, 'context', seen);
      if (copy !== undefined) out.context = copy;
    }
  }
  for (const key of ['output', 'error'] as const) {
    if (parts[key] === undefined) continue;
    const v = plain(parts[key], key, seen);
    if (v !== undefined) out[key] = v;
  }
  const tags = parts.tags;
  if (tags instanceof Set ? tags.size > 0 : Array.isArray(tags) && tags.length > 0)
    out.tags = plain([...(tags as Iterable<unknown>)], 'tags', seen);
  return out;
}

/**
 * A snapshot of a record as the actor had it: one sent as `contextChanges` gets its context
 * back from `previous` (the snapshot before it, as this function gave it) with the changed keys
 * replaced. Any other value is returned as it is.
 *
 * @example
 * ```ts
 * let last: unknown;
 * relay.on('inspect', (record) => {
 *   if (record.snapshot !== undefined) last = fromSnapshotValue(last, record.snapshot);
 * });
 * ```
 */
export function fromSnapshotValue(previous: unknown, snapshot: unknown): unknown {
  const wire = recordOf(snapshot);
  const changes = wire && recordOf(wire[CONTEXT_CHANGES]);
  if (!wire || !changes) return snapshot;
  const { [CONTEXT_CHANGES]: _, ...rest } = wire;
  const before = recordOf(recordOf(previous)?.context);
  return { ...rest, context: before ? { ...before, ...changes } : changes };
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

/** Options of {@link toInspectRecord}. */
export interface InspectRecordOptions {
  /** Names actor refs on the wire (default: their own session ids). */
  name?: SessionNamer;
  /**
   * The context sent last for each actor, kept up to date by the calls given it: with it, the
   * snapshot of an `@xstate.snapshot` sends only the context keys that changed
   * (`contextChanges`, see {@link fromSnapshotValue}). Without it every snapshot carries its
   * whole context.
   */
  contexts?: WeakMap<object, unknown>;
}

/**
 * Turns an xstate inspection event into an {@link InspectRecord} that can cross a boundary:
 * actor refs become `sessionId` / `parentId` / `sourceId` (as `options.name` gives them; by
 * default their own session ids), and `event`, `snapshot`, `action` become JSON-like data; of a
 * snapshot only what an inspector reads (`status`, `value`, `context`, `output`, `error`,
 * `tags`). Given a `name`, `rootId` is the name of the actor's root.
 *
 * @example
 * ```ts
 * createActor(machine, { inspect: (event) => port.postMessage(toInspectRecord(event)) });
 * ```
 */
export function toInspectRecord(
  event: InspectionEvent,
  options: InspectRecordOptions = {},
): InspectRecord {
  const name = options.name;
  const ref = event.actorRef as unknown as InspectedRef;
  let rootId = event.rootId;
  if (name) {
    let root = ref;
    while (root._parent) root = root._parent;
    rootId = name(root);
  }
  const nameOf = name ?? ((r: { sessionId: string }) => r.sessionId);
  const record: InspectRecord = {
    type: event.type,
    sessionId: nameOf(ref),
    rootId,
  };
  if (ref._parent !== undefined) record.parentId = nameOf(ref._parent);
  switch (event.type) {
    case '@xstate.actor':
      if (ref.id !== undefined) record.name = ref.id;
      try {
        const snapshot = ref.getSnapshot?.();
        record.snapshot = toSnapshotValue(snapshot);
        options.contexts?.set(ref, (snapshot as SnapshotParts | undefined)?.context);
      } catch {
        // an actor announced from its constructor has no snapshot yet
      }
      break;
    case '@xstate.event':
      if (event.sourceRef) record.sourceId = nameOf(event.sourceRef);
      record.event = toJsonValue(event.event);
      break;
    case '@xstate.action':
      record.action = toJsonValue(event.action);
      break;
    default: {
      record.event = toJsonValue(event.event);
      // Microsteps (when relayed) carry whole contexts: the base is the last `@xstate.snapshot`.
      const contexts = event.type === '@xstate.snapshot' ? options.contexts : undefined;
      record.snapshot = toSnapshotValue(event.snapshot, contexts?.get(ref));
      contexts?.set(ref, (event.snapshot as SnapshotParts | undefined)?.context);
    }
  }
  return record;
}
