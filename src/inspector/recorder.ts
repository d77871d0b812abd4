/**
 * The inspector's recorder: an xstate inspection observer that keeps a {@link Recording} of a
 * whole media system — every actor of the foreground and of every background task, their
 * machine definitions, and every inspection event in order, stamped with the system's clock —
 * and streams what is new to subscribers (the inspector server, the browser channel).
 *
 * It is on the hot path of every call while a system is inspected, so it does little per event:
 * it keeps the xstate event as it came (xstate snapshots are immutable) and turns it into a
 * JSON-like record only when somebody reads it: {@link Recorder.recording} or a subscriber's
 * next delta. Without subscribers nothing is sent or converted.
 *
 * Runs in Node and in browsers (no `node:` imports).
 *
 * @packageDocumentation
 */
import type { AnyStateMachine, InspectionEvent } from 'xstate';
import { type Clock, systemClock } from '../clock.js';
import { RecordingError } from '../errors.js';
import { INSPECTION_TYPES, type InspectRecord, toInspectRecord } from '../protocol/inspection.js';
import type { MachineDefinition } from '../protocol/machineDefinition.js';
import {
  type ActorSide,
  type FeedMessage,
  RECORDING_FORMAT,
  type RecordedActor,
  type Recording,
  type RecordingEntry,
  RecordingSchema,
} from '../protocol/recording.js';
import { serializeMachine } from './definition.js';

/** What the recorder streams: everything new since the previous delta. */
export type RecordingDelta = Extract<FeedMessage, { kind: 'delta' }>;

/** An xstate inspection observer that records a media system; see {@link createRecorder}. */
export interface Recorder {
  /** The observer: pass it as `createMediaSystem({ inspect })` (or to `createActor`). */
  readonly inspect: (event: InspectionEvent) => void;
  /** The whole recording so far: JSON-safe, a fresh copy on every call. */
  recording(): Recording;
  /**
   * Calls `listener` with what is new — actors, definitions, entries — batched (at most once
   * per turn of the event loop) and in order; returns the unsubscribe function. A listener
   * that reads {@link Recorder.recording} and then subscribes (in one go) misses nothing and
   * sees nothing twice. Listeners share each delta object: do not change it.
   */
  subscribe(listener: (delta: RecordingDelta) => void): () => void;
}

/** Options of {@link createRecorder}. */
export interface RecorderOptions {
  /** Where entry times come from: the media system's clock (virtual in tests). Default: the system clock. */
  clock?: Clock;
  /**
   * How many entries the recorder keeps (default 50 000). Past it, the oldest entries are
   * dropped, except each actor's latest entry carrying a snapshot, so the recording still
   * shows where every actor is; `seq` numbers keep counting, so a gap shows what was dropped.
   * Subscribers have been sent every entry before it was dropped.
   */
  maxEntries?: number;
  /** A saved recording to start from (see {@link loadRecording}); new events are appended. */
  recording?: Recording;
}

/** What the recorder knows of one actor. */
interface ActorInfo {
  /** The actor's session id in the recording (unique in it). */
  readonly id: string;
  readonly side: ActorSide;
  parent: ActorInfo | undefined;
  root: ActorInfo;
  actor: RecordedActor;
}

/** One entry as kept: the raw xstate event until somebody reads it, then its record. */
interface Entry {
  readonly seq: number;
  readonly time: number;
  readonly info: ActorInfo | undefined;
  readonly side: ActorSide;
  raw: InspectionEvent | undefined;
  record: InspectRecord | undefined;
}

/** The parts of an actor ref the recorder reads (real xstate actors and task stand-ins). */
interface RefLike {
  sessionId?: unknown;
  id?: unknown;
  _parent?: unknown;
  logic?: unknown;
  definition?: unknown;
  origin?: { side?: unknown; appId?: unknown; instanceId?: unknown };
}

const TYPES: ReadonlySet<string> = new Set(INSPECTION_TYPES);
const SNAPSHOT_TYPES: ReadonlySet<string> = new Set([
  '@xstate.actor',
  '@xstate.snapshot',
  '@xstate.microstep',
]);
/** Foreground actors whose name carries their app id (`app:music`, `task:music`, …). */
const APP_NAME = /^(?:app|task|inactivityTimeout|sharedLifetime):(.+)$/;
const DEFAULT_MAX_ENTRIES = 50_000;

function isMachine(logic: unknown): logic is AnyStateMachine {
  if (typeof logic !== 'object' || logic === null) return false;
  const machine = logic as { id?: unknown; root?: unknown; transition?: unknown };
  return (
    typeof machine.id === 'string' &&
    typeof machine.transition === 'function' &&
    typeof machine.root === 'object' &&
    machine.root !== null &&
    'states' in machine.root
  );
}

function isDefinition(value: unknown): value is MachineDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const def = value as { id?: unknown; root?: unknown };
  return typeof def.id === 'string' && typeof def.root === 'object' && def.root !== null;
}

/**
 * The record of a task actor's event: its parts came over the boundary as records, JSON-like
 * already (see `taskActors.ts`), so they are taken as they are, not copied again.
 */
function taskRecord(event: InspectionEvent): InspectRecord {
  const record: InspectRecord = { type: event.type, sessionId: '', rootId: '' };
  switch (event.type) {
    case '@xstate.actor': {
      const snapshot = (event.actorRef as { getSnapshot?: () => unknown }).getSnapshot?.();
      if (snapshot !== undefined) record.snapshot = snapshot;
      break;
    }
    case '@xstate.event':
      record.event = event.event;
      break;
    case '@xstate.action':
      record.action = event.action;
      break;
    default:
      record.event = event.event;
      if (event.snapshot !== undefined) record.snapshot = event.snapshot;
  }
  return record;
}

function reportLater(error: unknown): void {
  setTimeout(() => {
    throw error;
  }, 0);
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A JSON copy (`toJSON` honoured, functions dropped); throws on a cycle or a bigint. */
function plain(value: unknown): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

/**
 * Creates a recorder: an inspection observer for `createMediaSystem({ inspect })` that records
 * both sides of every task boundary. Foreground actors are drawn from their machines
 * (`actorRef.logic`), task actors from the definitions their task sent (or Backbeat's own
 * machines); each machine is serialized once, under its id (`id@2` for a second, different
 * machine with the same id). Memory is bounded by `maxEntries` (see {@link RecorderOptions}).
 *
 * @example
 * ```ts
 * import { createMediaSystem } from 'backbeat';
 * import { createRecorder } from 'backbeat/inspector';
 *
 * const recorder = createRecorder();
 * const system = createMediaSystem({ inspect: recorder.inspect });
 * // … run the system …
 * const json = JSON.stringify(recorder.recording());
 * ```
 */
export function createRecorder(options: RecorderOptions = {}): Recorder {
  const clock = options.clock ?? systemClock;
  const maxEntries =
    options.maxEntries !== undefined &&
    Number.isInteger(options.maxEntries) &&
    options.maxEntries > 0
      ? options.maxEntries
      : DEFAULT_MAX_ENTRIES;
  if (options.maxEntries !== undefined && options.maxEntries !== maxEntries) {
    throw new RangeError(
      `createRecorder: \`maxEntries\` must be a whole number > 0, got \`${String(options.maxEntries)}\``,
    );
  }
  const seed = options.recording;
  const startedAt = seed ? seed.startedAt : clock.now();

  const infos = new WeakMap<object, ActorInfo>();
  const actors = new Map<string, RecordedActor>();
  const definitions = new Map<string, MachineDefinition>();
  /** Definitions by machine id, with their JSON, to tell equal machines from different ones. */
  const byMachineId = new Map<string, { key: string; json: string }[]>();
  const machineKeys = new WeakMap<object, string | undefined>();
  let entries: Entry[] = [];
  let head = 0;
  /** Entries dropped past `maxEntries` that are their actor's latest snapshot. */
  const kept = new Map<string, Entry>();
  /** Each actor's latest entry that carries a snapshot. */
  const latest = new Map<string, Entry>();
  let seq = 0;

  const listeners = new Set<(delta: RecordingDelta) => void>();
  let pendingEntries: Entry[] = [];
  const pendingActors = new Set<string>();
  const pendingDefinitions = new Set<string>();
  let flushQueued = false;

  if (seed) {
    for (const [key, def] of Object.entries(seed.definitions)) addDefinition(key, copy(def));
    for (const [id, actor] of Object.entries(seed.actors)) actors.set(id, copy(actor));
    for (const e of seed.entries) {
      const entry: Entry = {
        seq: e.seq,
        time: e.time,
        side: e.side,
        info: undefined,
        raw: undefined,
        record: copy(e.record),
      };
      entries.push(entry);
      if (SNAPSHOT_TYPES.has(e.record.type)) latest.set(e.record.sessionId, entry);
      seq = Math.max(seq, e.seq + 1);
    }
  }

  function addDefinition(key: string, def: MachineDefinition): void {
    definitions.set(key, def);
    let list = byMachineId.get(def.id);
    if (!list) {
      list = [];
      byMachineId.set(def.id, list);
    }
    list.push({ key, json: JSON.stringify(def) });
  }

  /** The key of a definition: an equal one already kept, or a new (qualified) key. */
  function definitionKey(def: MachineDefinition): string {
    const json = JSON.stringify(def);
    const same = byMachineId.get(def.id)?.find((d) => d.json === json);
    if (same) return same.key;
    let n = (byMachineId.get(def.id)?.length ?? 0) + 1;
    let key = n === 1 ? def.id : `${def.id}@${n}`;
    while (definitions.has(key)) key = `${def.id}@${++n}`;
    addDefinition(key, def);
    if (listeners.size > 0) pendingDefinitions.add(key);
    return key;
  }

  /** The definition key of an actor's machine, serializing it the first time it is seen. */
  function machineOf(ref: RefLike): string | undefined {
    const source = isDefinition(ref.definition)
      ? ref.definition
      : isMachine(ref.logic)
        ? ref.logic
        : undefined;
    if (source === undefined) return undefined;
    if (machineKeys.has(source)) return machineKeys.get(source);
    let key: string | undefined;
    try {
      key = definitionKey(isMachine(source) ? serializeMachine(source) : copy(source));
    } catch {
      key = undefined; // a machine that cannot be drawn is recorded without a diagram
    }
    machineKeys.set(source, key);
    return key;
  }

  /** A session id for a new actor, unique in the recording. */
  function freeId(sessionId: string): string {
    if (!actors.has(sessionId)) return sessionId;
    let n = 2;
    while (actors.has(`${sessionId}~${n}`)) n++;
    return `${sessionId}~${n}`;
  }

  function describe(info: ActorInfo, ref: RefLike): RecordedActor {
    const definition = machineOf(ref);
    // a root actor made without an id is named after its machine, as the Stately inspector does
    const name =
      typeof ref.id === 'string' && ref.id !== ref.sessionId
        ? ref.id
        : ((definition !== undefined ? definitions.get(definition)?.id : undefined) ??
          String(ref.sessionId));
    const actor: RecordedActor = { sessionId: info.id, name, side: info.side };
    if (info.parent) actor.parentId = info.parent.id;
    const origin = ref.origin;
    if (info.side === 'task') {
      if (typeof origin?.appId === 'string') actor.appId = origin.appId;
      if (typeof origin?.instanceId === 'string') actor.instanceId = origin.instanceId;
    } else {
      // a relay takes its parent's app: `relay:exclusivity` is the system's, not an app's
      const appId = APP_NAME.exec(name)?.[1] ?? info.parent?.actor.appId;
      if (appId !== undefined) actor.appId = appId;
    }
    if (definition !== undefined) actor.definition = definition;
    return actor;
  }

  /** Reads an actor's parent, name and machine from its ref (again, for a task stand-in). */
  function update(info: ActorInfo, ref: RefLike): void {
    const parentRef = ref._parent;
    const parent =
      typeof parentRef === 'object' && parentRef !== null && parentRef !== ref
        ? (infos.get(parentRef) ?? register(parentRef as RefLike & object))
        : undefined;
    info.parent = parent;
    info.root = parent && parent.root !== info ? parent.root : info;
    info.actor = describe(info, ref);
    actors.set(info.id, info.actor);
    if (listeners.size > 0) pendingActors.add(info.id);
  }

  function register(ref: RefLike & object): ActorInfo {
    const side: ActorSide = ref.origin?.side === 'task' ? 'task' : 'foreground';
    const id = freeId(String(ref.sessionId));
    const info = { id, side, parent: undefined } as ActorInfo;
    info.root = info;
    infos.set(ref, info);
    // taken at once, so that an ancestor registered on the way gets another id
    actors.set(id, { sessionId: id, name: id, side });
    update(info, ref);
    return info;
  }

  /** JSON copies of snapshots: a microstep and the snapshot after it share theirs. */
  const snapshotJson = new WeakMap<object, unknown>();

  /**
   * The record of a foreground actor's event. A plain JSON copy is several times faster than
   * `toInspectRecord`'s (which names repeated objects), so it is tried first; what plain JSON
   * cannot copy (a cycle, a bigint) goes through `toInspectRecord`.
   */
  function foregroundRecord(event: InspectionEvent): InspectRecord {
    if (event.type === '@xstate.actor') return toInspectRecord(event);
    const record: InspectRecord = { type: event.type, sessionId: '', rootId: '' };
    try {
      switch (event.type) {
        case '@xstate.event':
          record.event = plain(event.event);
          break;
        case '@xstate.action':
          record.action = plain(event.action);
          break;
        default: {
          record.event = plain(event.event);
          const snapshot = event.snapshot as unknown;
          if (typeof snapshot === 'object' && snapshot !== null) {
            let json = snapshotJson.get(snapshot);
            if (json === undefined) {
              json = plain(snapshot);
              snapshotJson.set(snapshot, json);
            }
            record.snapshot = json;
          } else if (snapshot !== undefined) record.snapshot = plain(snapshot);
        }
      }
    } catch {
      return toInspectRecord(event);
    }
    return record;
  }

  /** Turns an entry's raw event into its record (once). */
  function recordOf(entry: Entry): InspectRecord {
    if (entry.record) return entry.record;
    const raw = entry.raw as InspectionEvent;
    const info = entry.info as ActorInfo;
    let record: InspectRecord;
    try {
      record = info.side === 'task' ? taskRecord(raw) : foregroundRecord(raw);
    } catch {
      // an event or snapshot that cannot be made JSON (a throwing toJSON): its type is kept
      record = { type: raw.type, sessionId: info.id, rootId: info.root.id };
    }
    record.sessionId = info.id;
    record.rootId = info.root.id;
    if (info.parent) record.parentId = info.parent.id;
    else delete record.parentId;
    if (raw.type === '@xstate.event' && raw.sourceRef) {
      const source = infos.get(raw.sourceRef);
      if (source) record.sourceId = source.id;
    }
    if (raw.type === '@xstate.actor') {
      record.name = info.actor.name;
      delete record.definition;
      if (info.actor.definition !== undefined) record.machine = info.actor.definition;
    }
    entry.record = record;
    entry.raw = undefined;
    return record;
  }

  function toRecordingEntry(entry: Entry): RecordingEntry {
    return { seq: entry.seq, time: entry.time, side: entry.side, record: recordOf(entry) };
  }

  function flush(): void {
    flushQueued = false;
    if (listeners.size === 0) {
      pendingEntries = [];
      pendingActors.clear();
      pendingDefinitions.clear();
      return;
    }
    if (pendingEntries.length === 0 && pendingActors.size === 0 && pendingDefinitions.size === 0)
      return;
    const delta: RecordingDelta = {
      kind: 'delta',
      definitions: {},
      actors: {},
      entries: pendingEntries.map(toRecordingEntry),
    };
    for (const key of pendingDefinitions) {
      const def = definitions.get(key);
      if (def) delta.definitions[key] = def;
    }
    for (const id of pendingActors) {
      const actor = actors.get(id);
      if (actor) delta.actors[id] = actor;
    }
    pendingEntries = [];
    pendingActors.clear();
    pendingDefinitions.clear();
    for (const listener of [...listeners]) {
      try {
        listener(delta);
      } catch (error) {
        reportLater(error);
      }
    }
  }

  function trim(): void {
    while (entries.length - head > maxEntries) {
      const dropped = entries[head] as Entry;
      entries[head] = undefined as unknown as Entry;
      head++;
      const id = dropped.info ? dropped.info.id : dropped.record?.sessionId;
      if (id !== undefined && latest.get(id) === dropped) kept.set(id, dropped);
    }
    if (head > 1024 && head * 2 > entries.length) {
      entries = entries.slice(head);
      head = 0;
    }
  }

  const inspect = (event: InspectionEvent): void => {
    if (typeof event !== 'object' || event === null || !TYPES.has(event.type)) return;
    const ref = event.actorRef as unknown as (RefLike & object) | undefined;
    if (typeof ref !== 'object' || ref === null || ref.sessionId === undefined) return;
    try {
      let info = infos.get(ref);
      if (event.type === '@xstate.actor') {
        // a task actor's stand-in learns its name, parent and machine from this event
        if (!info) info = register(ref);
        else update(info, ref);
      } else if (!info) info = register(ref);
      if (event.type === '@xstate.event' && event.sourceRef && !infos.has(event.sourceRef)) {
        register(event.sourceRef as unknown as RefLike & object);
      }
      const entry: Entry = {
        seq: seq++,
        time: clock.now(),
        info,
        side: info.side,
        raw: event,
        record: undefined,
      };
      // the snapshot an actor is announced with is read now: later it would be a later one
      if (event.type === '@xstate.actor') recordOf(entry);
      entries.push(entry);
      if (SNAPSHOT_TYPES.has(event.type)) {
        latest.set(info.id, entry);
        if (kept.size > 0) kept.delete(info.id);
      }
      if (entries.length - head > maxEntries) trim();
      if (listeners.size > 0) {
        pendingEntries.push(entry);
        if (!flushQueued) {
          flushQueued = true;
          queueMicrotask(flush);
        }
      }
    } catch (error) {
      reportLater(error);
    }
  };

  return {
    inspect,
    recording() {
      if (flushQueued) flush();
      const all = [...kept.values()].sort((a, b) => a.seq - b.seq);
      for (let i = head; i < entries.length; i++) all.push(entries[i] as Entry);
      const recording: Recording = {
        format: RECORDING_FORMAT,
        version: 1,
        startedAt,
        definitions: Object.fromEntries(definitions),
        actors: Object.fromEntries(actors),
        entries: all.map(toRecordingEntry),
      };
      return copy(recording);
    },
    subscribe(listener) {
      if (typeof listener !== 'function') {
        throw new TypeError(`Recorder.subscribe expects a function, got \`${String(listener)}\``);
      }
      const wrapped = (delta: RecordingDelta) => listener(delta);
      listeners.add(wrapped);
      return () => {
        listeners.delete(wrapped);
      };
    },
  };
}

/** The value at a zod issue's path in `json`, quoted for a message. */
function valueAt(json: unknown, path: readonly PropertyKey[]): string {
  let value: unknown = json;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) {
      value = undefined;
      break;
    }
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  if (text.length > 80) text = `${text.slice(0, 77)}...`;
  return `\`${text}\``;
}

/**
 * Checks that `json` is a recording (an exported inspector session, parsed) and returns it,
 * typed. Throws a {@link RecordingError} naming the first wrong field and its value.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { loadRecording, startInspector } from 'backbeat/inspector';
 *
 * const recording = loadRecording(JSON.parse(await readFile('recording.json', 'utf8')));
 * const inspector = await startInspector({ recording });
 * ```
 */
export function loadRecording(json: unknown): Recording {
  const result = RecordingSchema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = (issue?.path ?? []).map(String).join('.');
  const where = path === '' ? 'the recording' : `\`${path}\``;
  throw new RecordingError(
    path,
    `Not a Backbeat recording: ${where} is ${valueAt(json, issue?.path ?? [])} (${issue?.message ?? 'invalid'})`,
    { cause: result.error },
  );
}
