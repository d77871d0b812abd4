/**
 * The inspector's contract: a recording of a whole media system (what is exported, loaded and
 * streamed to the inspector page) and the feed messages that stream it.
 *
 * A recording is self-contained JSON: every actor seen on either side of every task boundary,
 * the definitions of their machines, and every inspection record in the order it happened, each
 * stamped with the system's clock (virtual in tests).
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { InspectRecordSchema } from './inspection.js';
import { MachineDefinitionSchema } from './machineDefinition.js';
import { english } from './zod.js';

english();

/** Which side of a task boundary an actor runs on. */
export const ActorSideSchema = z.enum(['foreground', 'task']);
/** Which side of a task boundary an actor runs on. */
export type ActorSide = z.infer<typeof ActorSideSchema>;

/** One actor of a recording. */
export const RecordedActorSchema = z.object({
  /** Unique in the recording; a task actor's is qualified by its task instance (`music#1.1/x:0`). */
  sessionId: z.string(),
  /** The readable id: `mediaSystem`, `app:music`, `task:music`, `music#1.1/mediaPlayer`. */
  name: z.string(),
  parentId: z.optional(z.string()),
  side: ActorSideSchema,
  /** The app it belongs to (absent for the system and its device-wide policies). */
  appId: z.optional(z.string()),
  /** The task instance it runs in (task side). */
  instanceId: z.optional(z.string()),
  /** Key into the recording's `definitions`, when its machine is known. */
  definition: z.optional(z.string()),
});
/** One actor of a recording. */
export type RecordedActor = z.infer<typeof RecordedActorSchema>;

/** One inspection record of a recording, in order. */
export const RecordingEntrySchema = z.object({
  /** 0, 1, 2, … in the order the recorder saw them. */
  seq: z.int().check(z.minimum(0)),
  /** The system clock's `now()` when it was recorded (ms; virtual in tests). */
  time: z.number(),
  side: ActorSideSchema,
  /** The record; `sessionId`, `parentId`, `sourceId` and `rootId` are recording session ids. */
  record: InspectRecordSchema,
});
/** One inspection record of a recording. */
export type RecordingEntry = z.infer<typeof RecordingEntrySchema>;

/** The format tag of a recording file. */
export const RECORDING_FORMAT = 'backbeat.recording';

/** A whole recording: exported, loaded, and sent first to every inspector page. */
export const RecordingSchema = z.object({
  format: z.literal(RECORDING_FORMAT),
  version: z.literal(1),
  /** Clock time the recording started at (ms). */
  startedAt: z.number(),
  /** Machine definitions by key (the machine id, qualified when two machines share one). */
  definitions: z.record(z.string(), MachineDefinitionSchema),
  /** Actors by session id. */
  actors: z.record(z.string(), RecordedActorSchema),
  entries: z.array(RecordingEntrySchema),
});
/** A whole recording. */
export type Recording = z.infer<typeof RecordingSchema>;

/**
 * What streams to an inspector page (Server-Sent Events in Node, a BroadcastChannel in
 * browsers): first the whole `recording`, then `delta`s with what is new since, in order.
 * A page on a BroadcastChannel asks for the recording with `hello`.
 */
export const FeedMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('recording'), recording: RecordingSchema }),
  z.object({
    kind: z.literal('delta'),
    definitions: z.record(z.string(), MachineDefinitionSchema),
    actors: z.record(z.string(), RecordedActorSchema),
    entries: z.array(RecordingEntrySchema),
  }),
  z.object({ kind: z.literal('hello') }),
]);
/** What streams to an inspector page. */
export type FeedMessage = z.infer<typeof FeedMessageSchema>;
