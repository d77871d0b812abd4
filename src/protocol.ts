/**
 * The wire protocol between the foreground and a background task: every value that crosses a
 * task boundary is one of the envelopes below, and every envelope is validated on receipt with
 * {@link parseEnvelope} before anything acts on it.
 *
 * Two families share one pipe:
 * - `rpc` carries Comlink's wire messages (calls from the foreground into the task and their
 *   results); Comlink itself never sees an unvalidated message.
 * - the relay kinds (`event`, `snapshot`, `message`, `lifecycle`, `control`, `heartbeat`,
 *   `inspect`, `checkpoint`) carry everything else. Each relay envelope has a `seq`: 1, 2, 3, … per direction,
 *   stamped by the sending channel, so the receiver can prove the order and spot gaps.
 *
 * @packageDocumentation
 */
import type { InspectionEvent } from 'xstate';
import { z } from 'zod';
import * as errorClasses from './errors.js';
import { ProtocolError } from './errors.js';
import { type CancellationReason, cancellationReasons } from './machines/cancellationReasons.js';
import { mediaPlayerStates } from './machines/mediaPlayer.js';
import {
  type SystemMediaTransportControlsButton,
  systemMediaTransportControlsButtons,
} from './protocol/controls.js';
import { parseValueSet, type ValueSet, type ValueSetLimits } from './valueSet.js';

/** Version of the envelope format; an envelope with another `v` is refused. */
export const PROTOCOL_VERSION = 1;

// ---------------------------------------------------------------------------------------------
// Building blocks

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/**
 * A plain object, checked without copying it (copying an own `__proto__` key would change the
 * copy's prototype instead of keeping the key).
 */
const plainRecord = z.custom<Record<string, unknown>>(isPlainObject, {
  message: 'Expected a plain object',
});

const seq = z.number().int().min(1);

/** Why a background task was cancelled (BackgroundTaskCancellationReason). */
export const CANCELLATION_REASONS = cancellationReasons;
/** Schema of a {@link CancellationReason}. */
export const CancellationReasonSchema = z.enum(cancellationReasons);
export type { CancellationReason };

/** The system media transport control buttons, in WinRT enum order. */
export const SMTC_BUTTONS = systemMediaTransportControlsButtons as readonly [
  SystemMediaTransportControlsButton,
  ...SystemMediaTransportControlsButton[],
];
/** Schema of a system media transport control button. */
export const SmtcButtonSchema = z.enum(SMTC_BUTTONS);

/**
 * An error in wire form: what survives of an error that crossed a boundary. `props` keeps the
 * error's other own fields whose values are primitives (`reason`, `limit`, `error`, …).
 */
export const SerializedErrorSchema = z.object({
  name: z.string(),
  message: z.string(),
  code: z.string().optional(),
  stack: z.string().optional(),
  props: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});
/** An error in wire form: what survives of an error that crossed a boundary. */
export type SerializedError = z.infer<typeof SerializedErrorSchema>;

// ---------------------------------------------------------------------------------------------
// rpc: Comlink's wire messages

/** A Comlink `WireValue`: a raw structured-clone value, or a value packed by a transfer handler. */
export const WireValueSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('RAW'), value: z.unknown() }),
  z.object({ type: z.literal('HANDLER'), name: z.string().min(1), value: z.unknown() }),
]);
/** A Comlink `WireValue`. */
export type WireValue = z.infer<typeof WireValueSchema>;

const id = z.string().min(1);
const path = z.array(z.string());

/**
 * One Comlink message: a request (`GET`, `SET`, `APPLY`, `CONSTRUCT`, `ENDPOINT`, `RELEASE`)
 * or a response (a {@link WireValue} carrying the request's `id`).
 */
export const RpcMessageSchema = z.discriminatedUnion('type', [
  z.object({ id, type: z.literal('GET'), path }),
  z.object({ id, type: z.literal('SET'), path, value: WireValueSchema }),
  z.object({ id, type: z.literal('APPLY'), path, argumentList: z.array(WireValueSchema) }),
  z.object({ id, type: z.literal('CONSTRUCT'), path, argumentList: z.array(WireValueSchema) }),
  z.object({ id, type: z.literal('ENDPOINT') }),
  z.object({ id, type: z.literal('RELEASE') }),
  z.object({ id, type: z.literal('RAW'), value: z.unknown() }),
  z.object({ id, type: z.literal('HANDLER'), name: z.string().min(1), value: z.unknown() }),
]);
/** One Comlink message (request or response). */
export type RpcMessage = z.infer<typeof RpcMessageSchema>;

// ---------------------------------------------------------------------------------------------
// playback checkpoints ("Resume")

/** Why a checkpoint was taken. */
export const CHECKPOINT_REASONS = [
  'canceled',
  'paused',
  'itemChanged',
  'interval',
  'requested',
] as const;

/** A ValueSet's shape at first sight; {@link parsePlaybackCheckpoint} checks it in full. */
const valueSetRecord = z.custom<ValueSet>(isPlainObject, { message: 'Expected a ValueSet' });

const checkpointItem = z.object({
  uri: z.string().min(1),
  /** The ValueSet-valued entries of the source's `customProperties`. */
  properties: valueSetRecord.optional(),
});

/**
 * The player and list state a task left behind, as checkpointed: the items by URI (with their
 * ValueSet-valued custom properties), the current item, position, volume, rate, shuffle order,
 * repeat, and the app's own ValueSet. A shape of version 1; another version is refused.
 */
export const PlaybackCheckpointSchema = z
  .object({
    version: z.literal(1),
    reason: z.enum(CHECKPOINT_REASONS),
    instanceId: z.string().min(1),
    items: z.array(checkpointItem),
    currentItemIndex: z.number().int().min(-1),
    position: z.number().finite().min(0),
    currentState: z.enum(mediaPlayerStates),
    volume: z.number().min(0).max(1),
    isMuted: z.boolean(),
    playbackRate: z.number().finite().positive(),
    isLoopingEnabled: z.boolean(),
    autoRepeatEnabled: z.boolean(),
    shuffleEnabled: z.boolean(),
    shuffledOrder: z.array(z.number().int().min(0)),
    appState: valueSetRecord.nullable(),
  })
  .superRefine((c, ctx) => {
    if (c.currentItemIndex >= c.items.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['currentItemIndex'],
        message: `currentItemIndex \`${c.currentItemIndex}\` is past the ${c.items.length} item(s)`,
      });
    }
    const order = c.shuffledOrder;
    const permutation =
      order.length === 0 ||
      (order.length === c.items.length &&
        new Set(order).size === order.length &&
        order.every((i) => i < c.items.length));
    if (!permutation) {
      ctx.addIssue({
        code: 'custom',
        path: ['shuffledOrder'],
        message: `shuffledOrder \`${JSON.stringify(order)}\` is not an order of the ${c.items.length} item(s)`,
      });
    }
  });
/** A playback checkpoint (see {@link PlaybackCheckpointSchema}). */
export type PlaybackCheckpoint = z.infer<typeof PlaybackCheckpointSchema>;

/**
 * Checks a value as a {@link PlaybackCheckpoint}: the shape, then `appState` and each item's
 * `properties` as ValueSets. Throws a {@link ProtocolError} naming what is wrong.
 *
 * @example
 * ```ts
 * const checkpoint = parsePlaybackCheckpoint(JSON.parse(text));
 * checkpoint.items[checkpoint.currentItemIndex]?.uri;
 * ```
 */
export function parsePlaybackCheckpoint(data: unknown): PlaybackCheckpoint {
  const result = PlaybackCheckpointSchema.safeParse(data);
  if (!result.success) {
    throw new ProtocolError(`Invalid playback checkpoint:\n${z.prettifyError(result.error)}`, {
      cause: result.error,
    });
  }
  const checkpoint = result.data;
  try {
    if (checkpoint.appState !== null) checkpoint.appState = parseValueSet(checkpoint.appState);
    for (const item of checkpoint.items) {
      if (item.properties !== undefined) item.properties = parseValueSet(item.properties);
    }
  } catch (error) {
    throw new ProtocolError(
      `Invalid playback checkpoint: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return checkpoint;
}

// ---------------------------------------------------------------------------------------------
// relay bodies

/** Task notices about its own lifecycle, sent from the task to the foreground. */
export const LifecycleNoticeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('runEntered') }),
  z.object({ type: z.literal('runReturned') }),
  z.object({ type: z.literal('deferralTaken') }),
  z.object({ type: z.literal('deferralCompleted') }),
  z.object({ type: z.literal('canceled'), reason: CancellationReasonSchema }),
  z.object({ type: z.literal('completed') }),
  /** The task failed (its module did not load, `run` threw): `error` has name, message, code. */
  z.object({ type: z.literal('taskError'), error: SerializedErrorSchema }),
  /** An error the task survived, reported to the foreground. */
  z.object({ type: z.literal('taskWarning'), error: SerializedErrorSchema }),
  /** The task asked to be shut down. */
  z.object({ type: z.literal('shutdownRequested') }),
]);
/** A task lifecycle notice. */
export type LifecycleNotice = z.infer<typeof LifecycleNoticeSchema>;

/** Foreground app states as the task sees them. */
export const ForegroundStateSchema = z.enum(['visible', 'suspended', 'terminated', 'notRunning']);

/** Commands from the foreground (or the system on its side) to the task. */
export const ControlCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('cancel'), reason: CancellationReasonSchema }),
  z.object({ type: z.literal('shutdown') }),
  /** The system has seen the task complete: release everything and say `completed`. */
  z.object({ type: z.literal('complete') }),
  /** What the task may ask about the system: foreground state, other media playing. */
  z.object({
    type: z.literal('systemState'),
    foreground: ForegroundStateSchema,
    otherMediaPlaying: z.boolean(),
  }),
  z.object({ type: z.literal('press'), button: SmtcButtonSchema }),
  /** The app's last playback checkpoint, once the foreground's store has loaded it. */
  z.object({ type: z.literal('restoredState'), state: PlaybackCheckpointSchema.nullable() }),
  z.object({
    type: z.literal('playbackPositionChangeRequested'),
    position: z.number().min(0),
  }),
  z.object({ type: z.literal('playbackRateChangeRequested'), rate: z.number() }),
  z.object({ type: z.literal('shuffleEnabledChangeRequested'), enabled: z.boolean() }),
  z.object({
    type: z.literal('autoRepeatModeChangeRequested'),
    mode: z.enum(['none', 'track', 'list']),
  }),
]);
/** A command to the task. */
export type ControlCommand = z.infer<typeof ControlCommandSchema>;

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
  parentId: z.string().optional(),
  sourceId: z.string().optional(),
  name: z.string().optional(),
  event: z.unknown().optional(),
  snapshot: z.unknown().optional(),
  action: z.unknown().optional(),
});
/** A serialisable xstate inspection event. */
export type InspectRecord = z.infer<typeof InspectRecordSchema>;

// ---------------------------------------------------------------------------------------------
// envelopes

const v = z.literal(PROTOCOL_VERSION);

/** Carries one Comlink message. */
export const RpcEnvelopeSchema = z.object({ v, kind: z.literal('rpc'), msg: RpcMessageSchema });

/** A player (or playback list, or controls) event with its payload. */
export const EventEnvelopeSchema = z.object({
  v,
  kind: z.literal('event'),
  seq,
  name: z.string().min(1),
  payload: z.unknown().optional(),
  /** The player's state right after the event, when it changed: applied before the event fires. */
  snapshot: plainRecord.optional(),
});
/** The player's full state; fields are owned by the player layer. */
export const SnapshotEnvelopeSchema = z.object({
  v,
  kind: z.literal('snapshot'),
  seq,
  state: plainRecord,
});
/**
 * An app message (`sendMessageToForeground` / `sendMessageToBackground`). `data` is a ValueSet;
 * {@link parseEnvelope} checks it with `parseValueSet`.
 */
export const MessageEnvelopeSchema = z.object({
  v,
  kind: z.literal('message'),
  seq,
  data: plainRecord,
});
/** A task lifecycle notice (task → foreground). */
export const LifecycleEnvelopeSchema = z.object({
  v,
  kind: z.literal('lifecycle'),
  seq,
  notice: LifecycleNoticeSchema,
});
/** A command (foreground → task). */
export const ControlEnvelopeSchema = z.object({
  v,
  kind: z.literal('control'),
  seq,
  command: ControlCommandSchema,
});
/** Heartbeat: the foreground pings, the task's event loop answers with a pong of the same `n`. */
export const HeartbeatEnvelopeSchema = z.object({
  v,
  kind: z.literal('heartbeat'),
  seq,
  beat: z.enum(['ping', 'pong']),
  n: z.number().int().min(0),
});
/** One serialisable xstate inspection event. */
export const InspectEnvelopeSchema = z.object({
  v,
  kind: z.literal('inspect'),
  seq,
  record: InspectRecordSchema,
});

/** A playback checkpoint the task took (task → foreground), for the foreground's store. */
export const CheckpointEnvelopeSchema = z.object({
  v,
  kind: z.literal('checkpoint'),
  seq,
  state: PlaybackCheckpointSchema,
});

/**
 * `message` envelopes queued in one turn of the sender's event loop (foreground only) travel as
 * one `batch`, in order; the receiver validates and delivers each item as if it came alone.
 */
export const BatchEnvelopeSchema = z.object({
  v,
  kind: z.literal('batch'),
  items: z.array(z.unknown()),
});

/** Every relay envelope. */
export const RelayEnvelopeSchema = z.discriminatedUnion('kind', [
  EventEnvelopeSchema,
  SnapshotEnvelopeSchema,
  MessageEnvelopeSchema,
  LifecycleEnvelopeSchema,
  ControlEnvelopeSchema,
  HeartbeatEnvelopeSchema,
  InspectEnvelopeSchema,
  CheckpointEnvelopeSchema,
]);

/** Every envelope that may cross a task boundary. */
export const EnvelopeSchema = z.discriminatedUnion('kind', [
  RpcEnvelopeSchema,
  EventEnvelopeSchema,
  SnapshotEnvelopeSchema,
  MessageEnvelopeSchema,
  LifecycleEnvelopeSchema,
  ControlEnvelopeSchema,
  HeartbeatEnvelopeSchema,
  InspectEnvelopeSchema,
  CheckpointEnvelopeSchema,
]);

/** An envelope carrying one Comlink message. */
export type RpcEnvelope = z.infer<typeof RpcEnvelopeSchema>;
/** Any relay envelope. */
export type RelayEnvelope = z.infer<typeof RelayEnvelopeSchema>;
/** Any envelope. */
export type Envelope = z.infer<typeof EnvelopeSchema>;
/** The relay kinds: `'event' | 'snapshot' | 'message' | 'lifecycle' | 'control' | 'heartbeat' | 'inspect' | 'checkpoint'`. */
export type RelayKind = RelayEnvelope['kind'];
/** The relay envelope of one kind. */
export type RelayEnvelopeOf<K extends RelayKind> = Extract<RelayEnvelope, { kind: K }>;
/** What a sender writes: a relay envelope without `v` and `seq`, which the channel stamps. */
export type RelayDraft = RelayEnvelope extends infer E
  ? E extends RelayEnvelope
    ? Omit<E, 'v' | 'seq'>
    : never
  : never;
/** A relay draft of one kind. */
export type RelayDraftOf<K extends RelayKind> = Extract<RelayDraft, { kind: K }>;

/** Every relay kind, in a fixed order. */
export const RELAY_KINDS: readonly RelayKind[] = Object.freeze([
  'event',
  'snapshot',
  'message',
  'lifecycle',
  'control',
  'heartbeat',
  'inspect',
  'checkpoint',
]);

// ---------------------------------------------------------------------------------------------
// parsing

/** Result of {@link parseEnvelope}. */
export type ParseEnvelopeResult =
  | { ok: true; envelope: Envelope }
  | { ok: false; error: ProtocolError };

/** Options of {@link parseEnvelope}. */
export interface ParseEnvelopeOptions {
  /** Limits for the ValueSet of a `message` envelope (the ValueSet defaults when omitted). */
  valueSetLimits?: Partial<ValueSetLimits>;
}

const describe = (data: unknown): string => {
  if (data === null) return 'null';
  if (Array.isArray(data)) return 'array';
  if (typeof data !== 'object') return `${typeof data} \`${String(data)}\``;
  const kind = (data as { kind?: unknown }).kind;
  return typeof kind === 'string' ? `\`${kind}\` envelope` : 'object';
};

/**
 * Validates one received value as an {@link Envelope}. Never throws: an invalid value comes back
 * as a {@link ProtocolError} whose message is `z.prettifyError`'s report (issue and path).
 * A `message` envelope's data is also checked as a ValueSet.
 *
 * @example
 * ```ts
 * const r = parseEnvelope({ v: 1, kind: 'heartbeat', seq: 1, beat: 'ping', n: 0 });
 * if (r.ok) console.log(r.envelope.kind); // 'heartbeat'
 * const bad = parseEnvelope({ v: 1, kind: 'event', seq: 0, name: 'x' });
 * if (!bad.ok) console.log(bad.error.message);
 * // Invalid `event` envelope:
 * // ✖ Too small: expected number to be >=1
 * //   → at seq
 * ```
 */
export function parseEnvelope(
  data: unknown,
  options: ParseEnvelopeOptions = {},
): ParseEnvelopeResult {
  if (isPlainObject(data) && 'v' in data && data.v !== PROTOCOL_VERSION) {
    return {
      ok: false,
      error: new ProtocolError(
        `Unsupported protocol version: expected ${PROTOCOL_VERSION}, got \`${String(data.v)}\``,
      ),
    };
  }
  const result = EnvelopeSchema.safeParse(data);
  if (!result.success) {
    return {
      ok: false,
      error: new ProtocolError(`Invalid ${describe(data)}:\n${z.prettifyError(result.error)}`, {
        cause: result.error,
      }),
    };
  }
  const envelope = result.data;
  if (envelope.kind === 'message') {
    try {
      envelope.data = parseValueSet(envelope.data, options.valueSetLimits);
    } catch (error) {
      return {
        ok: false,
        error: new ProtocolError(
          `Invalid \`message\` envelope: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        ),
      };
    }
  }
  if (envelope.kind === 'checkpoint') {
    try {
      envelope.state = parsePlaybackCheckpoint(envelope.state);
    } catch (error) {
      return {
        ok: false,
        error: new ProtocolError(`Invalid \`checkpoint\` envelope: ${(error as Error).message}`, {
          cause: error,
        }),
      };
    }
  }
  return { ok: true, envelope };
}

// ---------------------------------------------------------------------------------------------
// errors in wire form

const RESERVED_ERROR_KEYS = new Set(['name', 'message', 'code', 'stack', 'cause']);

/**
 * Packs an error (or any thrown value) into its wire form: `name`, `message`, `code` when it is
 * a string, the stack, and the other own fields holding primitives.
 *
 * @example
 * ```ts
 * serializeError(new RangeError('too far')); // { name: 'RangeError', message: 'too far', stack: '…' }
 * ```
 */
export function serializeError(error: unknown): SerializedError {
  if (typeof error !== 'object' || error === null || !('message' in error)) {
    return { name: 'Error', message: `Non-error value thrown: \`${String(error)}\`` };
  }
  const e = error as Record<string, unknown>;
  const out: SerializedError = {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : String(e.message),
  };
  if (typeof e.code === 'string') out.code = e.code;
  if (typeof e.stack === 'string') out.stack = e.stack;
  for (const key of Object.keys(e)) {
    const value = e[key];
    if (RESERVED_ERROR_KEYS.has(key)) continue;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      out.props ??= {};
      out.props[key] = value as string | number | boolean | null;
    }
  }
  return out;
}

type ErrorClass = new (...args: any[]) => Error;

const BUILTIN_ERRORS: Record<string, ErrorClass> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** Backbeat's own error classes by name (every Error subclass exported by errors.ts). */
const BACKBEAT_ERRORS: Record<string, ErrorClass> = Object.fromEntries(
  Object.values(errorClasses as Record<string, unknown>)
    .filter(
      (value): value is ErrorClass =>
        typeof value === 'function' && value.prototype instanceof Error,
    )
    .map((cls) => [cls.name, cls]),
);

/**
 * Rebuilds a real Error from its wire form. Built-in names (`RangeError`, `TypeError`, …) and
 * Backbeat's own error classes come back as instances of that class (`instanceof` works; the
 * class constructor is not run, the fields are copied); any other name gives an `Error` with
 * that `name`. `code`, the stack and `props` are copied onto it.
 *
 * @example
 * ```ts
 * const e = reviveError({ name: 'TaskUnavailableError', message: 'gone', code: 'TASK_UNAVAILABLE' });
 * e instanceof TaskUnavailableError; // true
 * ```
 */
export function reviveError(wire: SerializedError): Error {
  const builtin = Object.hasOwn(BUILTIN_ERRORS, wire.name) ? BUILTIN_ERRORS[wire.name] : undefined;
  const own = Object.hasOwn(BACKBEAT_ERRORS, wire.name) ? BACKBEAT_ERRORS[wire.name] : undefined;
  const error = (
    builtin
      ? new builtin(wire.message)
      : own
        ? Reflect.construct(Error, [wire.message], own)
        : new Error(wire.message)
  ) as Error & Record<string, unknown>;
  if (error.name !== wire.name) {
    Object.defineProperty(error, 'name', {
      value: wire.name,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  if (wire.code !== undefined) error.code = wire.code;
  for (const [key, value] of Object.entries(wire.props ?? {})) {
    if (!RESERVED_ERROR_KEYS.has(key) && key !== '__proto__') error[key] = value;
  }
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
}

// ---------------------------------------------------------------------------------------------
// inspection events in wire form

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

/**
 * Turns an xstate inspection event into an {@link InspectRecord} that can cross a boundary:
 * actor refs become `sessionId` / `parentId` / `sourceId`, and `event`, `snapshot`, `action`
 * become JSON-like data (a machine snapshot through its `toJSON`).
 *
 * @example
 * ```ts
 * const actor = createActor(machine, {
 *   inspect: (ev) => channel.send({ kind: 'inspect', record: toInspectRecord(ev) }),
 * });
 * ```
 */
export function toInspectRecord(event: InspectionEvent): InspectRecord {
  const ref = event.actorRef as {
    sessionId: string;
    id?: string;
    _parent?: { sessionId?: string };
    getSnapshot?: () => unknown;
  };
  const record: InspectRecord = {
    type: event.type,
    sessionId: ref.sessionId,
    rootId: event.rootId,
  };
  const parentId = ref._parent?.sessionId;
  if (parentId !== undefined) record.parentId = parentId;
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
      if (event.sourceRef) record.sourceId = event.sourceRef.sessionId;
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
