/**
 * The envelopes: every value that crosses a task boundary is one of them, or a `batch` of them.
 *
 * One ordered stream per direction carries calls and their results, player events, snapshots,
 * app messages, lifecycle notices, commands, heartbeats, inspection records and checkpoints.
 * Each envelope has a `seq`: 1, 2, 3, … per direction, stamped by the sending channel, so the
 * receiver can prove the order and spot gaps. What one side sends in one turn of its event loop
 * goes as one `batch` post.
 *
 * The sender builds envelopes from checked values (a user's ValueSet is checked once, when it
 * is sent, where its error belongs); the receiver checks each envelope's shape with
 * {@link readEnvelope} before anything acts on it, so a corrupt one is a `ProtocolError`, never
 * a crash.
 *
 * @packageDocumentation
 */

import * as z from 'zod/mini';
import { ProtocolError } from '../errors.js';
import { PlaybackCheckpointSchema } from './checkpoint.js';
import { DeliveryOutcomeSchema, SmtcStateSchema } from './controls.js';
import { InspectRecordSchema } from './inspection.js';
import { isPlainObject } from './plain.js';
import {
  type PlayerCommandArgs,
  type PlayerCommandName,
  PlayerEventSchemas,
  PlayerSnapshotSchema,
  playerCommandNames,
} from './player.js';
import { ControlCommandSchema, LifecycleNoticeSchema } from './task.js';
import { SerializedErrorSchema } from './wireError.js';
import { object } from './zod.js';

/** Version of the envelope format; an envelope with another `v` is refused. */
export const PROTOCOL_VERSION = 1;

const v = z.literal(PROTOCOL_VERSION);
const seq = z.int().check(z.minimum(1));
const callId = z.int().check(z.minimum(1));
const plainRecord = z.custom<Record<string, unknown>>(isPlainObject, {
  message: 'Expected a plain object',
});

/** The calls a foreground makes into its task: the player commands and a controls request. */
const callNames = [...playerCommandNames, 'deliverControls'] as const;
/** The name of a call into the task. */
export type CallName = (typeof callNames)[number];

/** The schema of each call's result: the player commands return nothing. */
export const callResultSchemas = {
  ...(Object.fromEntries(playerCommandNames.map((name) => [name, z.undefined()])) as Record<
    (typeof playerCommandNames)[number],
    z.ZodMiniUndefined
  >),
  deliverControls: DeliveryOutcomeSchema,
};
/** What a call resolves to. */
export type CallResult<N extends CallName> = z.infer<(typeof callResultSchemas)[N]>;
/** The calls a task serves, as the signatures the foreground calls them with. */
export type TaskCalls = {
  [N in CallName]: (
    ...args: N extends PlayerCommandName ? PlayerCommandArgs<N> : [request: object]
  ) => CallResult<N>;
};

/**
 * A call into the task (foreground → task); answered by a `result` with the same `id`. The
 * task answers a name it does not serve with an error result.
 */
export const CallEnvelopeSchema = object({
  v,
  kind: z.literal('call'),
  seq,
  id: callId,
  name: z.string().check(z.minLength(1)),
  args: z.array(z.unknown()),
});

/** The answer to a call (task → foreground): its value, or the error it threw in wire form. */
export const ResultEnvelopeSchema = z.discriminatedUnion('ok', [
  object({
    v,
    kind: z.literal('result'),
    seq,
    id: callId,
    ok: z.literal(true),
    value: z.unknown(),
  }),
  object({
    v,
    kind: z.literal('result'),
    seq,
    id: callId,
    ok: z.literal(false),
    error: SerializedErrorSchema,
  }),
]);

const playerEvent = <N extends keyof typeof PlayerEventSchemas>(name: N) =>
  object({
    v,
    kind: z.literal('event'),
    seq,
    name: z.literal(name),
    payload: PlayerEventSchemas[name],
    /** The player's state right after the event, when it changed: applied before the event fires. */
    snapshot: z.optional(PlayerSnapshotSchema),
  });

/**
 * A player event with its payload and, when it changed, the player's state after it; or the
 * controls' new state (`controls.stateChanged`).
 */
export const EventEnvelopeSchema = z.discriminatedUnion('name', [
  playerEvent('mediaOpened'),
  playerEvent('mediaEnded'),
  playerEvent('mediaFailed'),
  playerEvent('currentStateChanged'),
  playerEvent('seekCompleted'),
  playerEvent('volumeChanged'),
  playerEvent('bufferingStarted'),
  playerEvent('bufferingEnded'),
  playerEvent('mediaPlayerRateChanged'),
  object({
    v,
    kind: z.literal('event'),
    seq,
    name: z.literal('controls.stateChanged'),
    payload: SmtcStateSchema,
  }),
]);

/** The player's full state (task → foreground). */
export const SnapshotEnvelopeSchema = object({
  v,
  kind: z.literal('snapshot'),
  seq,
  state: PlayerSnapshotSchema,
});

/**
 * An app message (`sendMessageToForeground` / `sendMessageToBackground`). `data` is a ValueSet,
 * checked in full by the sender; the receiver checks it is a plain object.
 */
export const MessageEnvelopeSchema = object({
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
  n: z.int().check(z.minimum(0)),
});

/** One serialisable xstate inspection event (task → foreground). */
export const InspectEnvelopeSchema = object({
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

const schemasByKind = {
  call: CallEnvelopeSchema,
  result: ResultEnvelopeSchema,
  event: EventEnvelopeSchema,
  snapshot: SnapshotEnvelopeSchema,
  message: MessageEnvelopeSchema,
  lifecycle: LifecycleEnvelopeSchema,
  control: ControlEnvelopeSchema,
  heartbeat: HeartbeatEnvelopeSchema,
  inspect: InspectEnvelopeSchema,
  checkpoint: CheckpointEnvelopeSchema,
};

/** An envelope's kind. */
export type EnvelopeKind = keyof typeof schemasByKind;
/** The envelope of one kind. */
export type EnvelopeOf<K extends EnvelopeKind> = z.infer<(typeof schemasByKind)[K]>;
/** Any envelope. */
export type Envelope = EnvelopeOf<EnvelopeKind>;
/** Every envelope kind, in a fixed order. */
export const ENVELOPE_KINDS = Object.freeze(Object.keys(schemasByKind)) as readonly EnvelopeKind[];

/** What a sender writes: an envelope without `v` and `seq`, which the channel stamps. */
export type Draft = Envelope extends infer E
  ? E extends Envelope
    ? Omit<E, 'v' | 'seq'>
    : never
  : never;
/** A draft of one kind. */
export type DraftOf<K extends EnvelopeKind> = Extract<Draft, { kind: K }>;

/** What one side posts for the envelopes of one turn: a lone envelope, or a batch of them. */
export interface Batch {
  v: typeof PROTOCOL_VERSION;
  kind: 'batch';
  items: Envelope[];
}

/** Whether a received value is a {@link Batch} (its items are then read one by one). */
export function isBatch(data: unknown): data is { items: unknown[] } {
  return (
    isPlainObject(data) &&
    data.kind === 'batch' &&
    data.v === PROTOCOL_VERSION &&
    Array.isArray(data.items)
  );
}

/** Result of {@link readEnvelope}. */
export type ReadEnvelopeResult =
  | { ok: true; envelope: Envelope }
  | { ok: false; error: ProtocolError };

const describe = (data: unknown): string => {
  if (data === null) return 'null';
  if (Array.isArray(data)) return 'array';
  if (typeof data !== 'object') return `${typeof data} \`${String(data)}\``;
  const kind = (data as { kind?: unknown }).kind;
  return typeof kind === 'string' ? `\`${kind}\` envelope` : 'object';
};

/**
 * Checks one received value as an {@link Envelope}, by its kind's schema. Never throws: an
 * invalid value comes back as a `ProtocolError` whose message is `z.prettifyError`'s report
 * (issue and path).
 */
export function readEnvelope(data: unknown): ReadEnvelopeResult {
  if (!isPlainObject(data)) {
    return { ok: false, error: new ProtocolError(`Invalid ${describe(data)}: not an envelope`) };
  }
  if (data.v !== PROTOCOL_VERSION) {
    return {
      ok: false,
      error: new ProtocolError(
        `Unsupported protocol version: expected ${PROTOCOL_VERSION}, got \`${String(data.v)}\``,
      ),
    };
  }
  const kind = data.kind;
  const schema =
    typeof kind === 'string' && Object.hasOwn(schemasByKind, kind)
      ? schemasByKind[kind as EnvelopeKind]
      : undefined;
  if (!schema) {
    return {
      ok: false,
      error: new ProtocolError(
        `Invalid envelope: unknown kind \`${String(kind)}\`; expected one of ${ENVELOPE_KINDS.join(', ')}`,
      ),
    };
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    return {
      ok: false,
      error: new ProtocolError(`Invalid ${describe(data)}:\n${z.prettifyError(result.error)}`, {
        cause: result.error,
      }),
    };
  }
  return { ok: true, envelope: result.data as Envelope };
}
