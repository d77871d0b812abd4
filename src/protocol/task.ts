/**
 * The task contract: what the foreground tells a task when it starts it, the notices a task
 * gives about its own lifecycle, and the commands the foreground's side sends it.
 *
 * @packageDocumentation
 */

import * as z from 'zod/mini';
import { cancellationReasons } from '../machines/cancellationReasons.js';
import { foregroundAppStates } from '../machines/foregroundApp.js';
import { PlaybackCheckpointSchema } from './checkpoint.js';
import { SerializedErrorSchema } from './wireError.js';
import { english } from './zod.js';

english();

/** Schema of a cancellation reason (BackgroundTaskCancellationReason). */
export const CancellationReasonSchema = z.enum(cancellationReasons);

/** Foreground app states as the task sees them. */
export const ForegroundStateSchema = z.enum(foregroundAppStates);
/** A foreground app state as the task sees it. */
export type ForegroundStateOfTask = z.infer<typeof ForegroundStateSchema>;

/**
 * How a task makes sound: `virtual` media on the task's clock (no sound device needed), or real
 * sound through the Web Audio adapter (`sink: 'none'` plays to a silent null sink).
 */
const TaskAudioSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('virtual') }),
  z.object({
    kind: z.literal('webAudio'),
    sink: z.optional(z.enum(['auto', 'device', 'none'])),
    sampleRate: z.optional(z.number()),
  }),
  /** A browser page's `<audio>` element per track (long files, live streams; no gapless joins). */
  z.object({ kind: z.literal('htmlMedia') }),
]);
/** How a task makes sound. */
export type TaskAudio = z.infer<typeof TaskAudioSchema>;

/** What the foreground tells a new task instance; checked by the task main on arrival. */
export const TaskInitSchema = z.object({
  appId: z.string(),
  instanceId: z.string(),
  /** URL of the user's task module (its default export comes from defineBackgroundTask). */
  taskUrl: z.string(),
  /** Most messages held on the task side while no handler is registered. */
  messageBufferLimit: z.number(),
  /** Foreground state when the task starts. */
  foregroundState: ForegroundStateSchema,
  audio: TaskAudioSchema,
  /** Relay the inspection events of the task's actors to the foreground. */
  inspect: z.boolean(),
  /**
   * The app's last playback checkpoint as the foreground's store holds it (null: none), or
   * `'pending'` while the store is still loading: a `restoredState` command follows then.
   */
  restoredState: z.union([PlaybackCheckpointSchema, z.null(), z.literal('pending')]),
});
/** What the foreground tells a new task instance. */
export type TaskInit = z.infer<typeof TaskInitSchema>;

/** Task notices about its own lifecycle, sent from the task to the foreground. */
export const LifecycleNoticeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('runEntered') }),
  z.object({ type: z.literal('runReturned') }),
  z.object({ type: z.literal('deferralTaken') }),
  z.object({ type: z.literal('deferralCompleted') }),
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

/** Commands from the foreground (or the system on its side) to the task. */
export const ControlCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('cancel'), reason: CancellationReasonSchema }),
  /** The system has seen the task complete: release everything and say `completed`. */
  z.object({ type: z.literal('complete') }),
  /** What the task may ask about the system: foreground state, other media playing. */
  z.object({
    type: z.literal('systemState'),
    foreground: ForegroundStateSchema,
    otherMediaPlaying: z.boolean(),
  }),
  /** The app's last playback checkpoint, once the foreground's store has loaded it. */
  z.object({ type: z.literal('restoredState'), state: z.nullable(PlaybackCheckpointSchema) }),
]);
/** A command to the task. */
export type ControlCommand = z.infer<typeof ControlCommandSchema>;

/**
 * The last message a task in a browser Web Worker sends, below the channel: a worker has no
 * exit event, so it says itself how it ended before it closes.
 */
export const WorkerExitSchema = z.object({
  backbeatExit: z.discriminatedUnion('reason', [
    z.object({ reason: z.literal('exited'), code: z.number() }),
    z.object({ reason: z.literal('crashed'), error: SerializedErrorSchema }),
  ]),
});
/** How a task in a browser Web Worker ended. */
export type WorkerExit = z.infer<typeof WorkerExitSchema>['backbeatExit'];
