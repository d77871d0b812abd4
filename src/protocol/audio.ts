/**
 * The audio bridge's contract: what a task's audio client (`connectAudio`, in a worker) and a
 * page's audio engine server (`serveAudio`) post to each other over their `MessagePort`.
 *
 * Task → page: `open` (answered by `opened` or `openFailed` with the same `id`), `preload`,
 * `track` operations on an opened track, `dispose`. Page → task: the engine's `engine` state
 * (on start and on every change), the answers to `open`, a `position` report of a track (on
 * every change and about every 250 ms while it plays), a track's `trackEvent`, and `gone` when
 * the page side stops serving. Every message carries `v`; the receiver checks each one with
 * {@link readAudioRequest} / {@link readAudioReport}, so a bad one is a `ProtocolError`, never
 * a crash.
 *
 * @packageDocumentation
 */

import * as z from 'zod/mini';
import { ProtocolError } from '../errors.js';
import { isPlainObject } from './plain.js';
import { mediaPlayerErrorKinds } from './player.js';
import { english } from './zod.js';

english();

/** Version of the bridge's messages; a message with another `v` is refused. */
export const AUDIO_BRIDGE_VERSION = 1;

const v = z.literal(AUDIO_BRIDGE_VERSION);
const id = z.int().check(z.minimum(1));
const uri = z.string().check(z.minLength(1));
const ms = z.number().check(z.gte(0));
const errorKind = z.enum(mediaPlayerErrorKinds);

/** Whether an engine can make sound (see `AudioEngineState`). */
export const AudioEngineStateSchema = z.enum(['running', 'suspended', 'closed']);

/** An operation on an opened track (task → page). */
export const AudioTrackOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.enum(['play', 'pause', 'close']) }),
  z.object({ op: z.literal('seek'), position: ms }),
  z.object({ op: z.literal('setRate'), rate: z.number().check(z.positive()) }),
  z.object({ op: z.literal('setVolume'), volume: z.number().check(z.gte(0), z.lte(1)) }),
  z.object({ op: z.literal('setMuted'), muted: z.boolean() }),
]);
/** An operation on an opened track. */
export type AudioTrackOp = z.infer<typeof AudioTrackOpSchema>;

/** What a track reports (page → task): an `AudioTrackEventMap` entry. */
export const AudioTrackEventSchema = z.discriminatedUnion('name', [
  z.object({ name: z.enum(['ended', 'bufferingStarted', 'bufferingEnded']) }),
  z.object({ name: z.literal('failed'), error: errorKind, message: z.string() }),
]);
/** What a track reports. */
export type AudioTrackEvent = z.infer<typeof AudioTrackEventSchema>;

/** What the task's audio client posts to the page. */
export const AudioRequestSchema = z.discriminatedUnion('kind', [
  z.object({ v, kind: z.literal('open'), id, uri }),
  z.object({ v, kind: z.literal('preload'), uri }),
  z.object({ v, kind: z.literal('track'), track: id, action: AudioTrackOpSchema }),
  z.object({ v, kind: z.literal('dispose') }),
]);
/** What the task's audio client posts to the page. */
export type AudioRequest = z.infer<typeof AudioRequestSchema>;

/** Where a track is, as the page reports it. */
const trackState = {
  /** Position in ms. */
  position: ms,
  /** True while the position moves (playing, not waiting for data or for a gesture). */
  advancing: z.boolean(),
  /** The playback rate the position moves at. */
  rate: z.number().check(z.positive()),
};

/** What the page's audio server posts to the task. */
export const AudioReportSchema = z.discriminatedUnion('kind', [
  z.object({ v, kind: z.literal('engine'), state: AudioEngineStateSchema }),
  z.object({
    v,
    kind: z.literal('opened'),
    id,
    /** Duration in ms; `null` when unknown or infinite (a live stream). */
    duration: z.nullable(ms),
    canSeek: z.boolean(),
    ...trackState,
  }),
  z.object({ v, kind: z.literal('openFailed'), id, error: errorKind, message: z.string() }),
  z.object({ v, kind: z.literal('position'), track: id, ...trackState }),
  z.object({ v, kind: z.literal('trackEvent'), track: id, event: AudioTrackEventSchema }),
  z.object({ v, kind: z.literal('gone'), reason: z.string() }),
]);
/** What the page's audio server posts to the task. */
export type AudioReport = z.infer<typeof AudioReportSchema>;

/** Result of reading one bridge message. */
export type ReadAudioResult<T> = { ok: true; message: T } | { ok: false; error: ProtocolError };

function read<T>(schema: z.ZodMiniType<T>, what: string, data: unknown): ReadAudioResult<T> {
  if (!isPlainObject(data)) {
    return {
      ok: false,
      error: new ProtocolError(`Invalid audio ${what}: not an object, got \`${String(data)}\``),
    };
  }
  if (data.v !== AUDIO_BRIDGE_VERSION) {
    return {
      ok: false,
      error: new ProtocolError(
        `Unsupported audio bridge version: expected ${AUDIO_BRIDGE_VERSION}, got \`${String(data.v)}\``,
      ),
    };
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    return {
      ok: false,
      error: new ProtocolError(
        `Invalid audio ${what} \`${String(data.kind)}\`:\n${z.prettifyError(result.error)}`,
        { cause: result.error },
      ),
    };
  }
  return { ok: true, message: result.data };
}

/** Checks a message the page received from a task's audio client. Never throws. */
export function readAudioRequest(data: unknown): ReadAudioResult<AudioRequest> {
  return read(AudioRequestSchema, 'request', data);
}

/** Checks a message a task's audio client received from the page. Never throws. */
export function readAudioReport(data: unknown): ReadAudioResult<AudioReport> {
  return read(AudioReportSchema, 'report', data);
}
