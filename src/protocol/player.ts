/**
 * The player contract: the state the foreground's replica mirrors, the events that cross with
 * it, and the commands the foreground's MediaPlayer sends (one table, from which the foreground
 * proxy and the task's dispatcher are both derived).
 *
 * @packageDocumentation
 */

import * as z from 'zod/mini';
import { mediaPlayerStates } from '../machines/mediaPlayer.js';
import { object } from './zod.js';

/** The current item as the foreground sees it. */
export const PlayerSnapshotItemSchema = object({
  /** Index in the playback list (0 for a single source). */
  index: z.number(),
  uri: z.string(),
  title: z.optional(z.string()),
  artist: z.optional(z.string()),
  albumTitle: z.optional(z.string()),
});
/** The current item as the foreground sees it. */
export type PlayerSnapshotItem = z.infer<typeof PlayerSnapshotItemSchema>;

/**
 * The player's observable state at one instant, as plain data (times in milliseconds): what the
 * foreground's replica holds and `MediaPlayer.getSnapshot()` returns.
 */
export const PlayerSnapshotSchema = object({
  currentState: z.enum(mediaPlayerStates),
  position: z.number(),
  naturalDuration: z.number(),
  volume: z.number(),
  isMuted: z.boolean(),
  playbackRate: z.number(),
  autoPlay: z.boolean(),
  isLoopingEnabled: z.boolean(),
  bufferingProgress: z.number(),
  canSeek: z.boolean(),
  canPause: z.boolean(),
  currentItem: z.nullable(PlayerSnapshotItemSchema),
});
/** Everything a MediaPlayer replica needs, at one instant. Times are milliseconds. */
export type PlayerSnapshot = z.infer<typeof PlayerSnapshotSchema>;

/** The error kinds a media item can fail with (MediaPlayerError). */
export const mediaPlayerErrorKinds = [
  'unknown',
  'aborted',
  'networkError',
  'decodingError',
  'sourceNotSupported',
] as const;
/** The error kind a media item failed with (MediaPlayerError). */
export type MediaPlayerErrorKind = (typeof mediaPlayerErrorKinds)[number];

const empty = object({});

/** Each player event that crosses to the foreground, with the schema of its payload. */
export const PlayerEventSchemas = {
  mediaOpened: empty,
  mediaEnded: empty,
  mediaFailed: object({ error: z.enum(mediaPlayerErrorKinds), errorMessage: z.string() }),
  currentStateChanged: object({ state: z.enum(mediaPlayerStates) }),
  seekCompleted: empty,
  volumeChanged: empty,
  bufferingStarted: empty,
  bufferingEnded: empty,
  mediaPlayerRateChanged: object({ newRate: z.number() }),
};
/** The name of a player event that crosses to the foreground. */
export type PlayerEventName = keyof typeof PlayerEventSchemas;
/** The payload of each player event that crosses to the foreground. */
export type PlayerEventPayloads = {
  [K in PlayerEventName]: z.infer<(typeof PlayerEventSchemas)[K]>;
};
/** The player events that cross from the task to the foreground, in a fixed order. */
export const playerEventNames = Object.keys(PlayerEventSchemas) as PlayerEventName[];

/** How one argument of a command is checked, once, by the caller. */
type ArgumentSpec = 'number' | 'finiteNumber' | 'boolean' | 'object';
type ArgumentOf<S extends ArgumentSpec> = S extends 'number' | 'finiteNumber'
  ? number
  : S extends 'boolean'
    ? boolean
    : Record<string, unknown>;

/**
 * The commands a foreground MediaPlayer sends its task, each with the check of its arguments.
 * Types of values are checked once, by the caller, where the error belongs (a `TypeError`
 * quoting the value); values of the right type but out of range follow WinRT in the task (a
 * volume outside 0–1 is ignored, a seek is clamped). The foreground proxy's methods and the
 * task's dispatcher are both made from this table.
 */
export const playerCommands = {
  /**
   * Starts or resumes playback in the task.
   *
   * @example
   * ```ts
   * await app.backgroundMediaPlayer.current.play();
   * ```
   */
  play: [],
  /**
   * Pauses playback.
   *
   * @example
   * ```ts
   * await player.pause();
   * ```
   */
  pause: [],
  /**
   * Seeks to `ms` milliseconds, clamped to the media. Rejects with `TypeError` for a
   * non-number and `RangeError` for a non-finite position.
   *
   * @example
   * ```ts
   * await player.seek(30_000);
   * ```
   */
  seek: ['finiteNumber'],
  /**
   * Sets the volume, 0–1. A number outside 0–1 (or NaN) is ignored, as in WinRT: the promise
   * resolves and the volume stays. A non-number rejects with `TypeError`.
   *
   * @example
   * ```ts
   * await player.setVolume(0.5);
   * ```
   */
  setVolume: ['number'],
  /**
   * Mutes or unmutes. A non-boolean rejects with `TypeError`.
   *
   * @example
   * ```ts
   * await player.setMuted(true);
   * ```
   */
  setMuted: ['boolean'],
  /**
   * Sets the playback rate, a ratio > 0. A number that is not finite and > 0 is ignored (the
   * promise resolves, the rate stays); a non-number rejects with `TypeError`.
   *
   * @example
   * ```ts
   * await player.setPlaybackRate(1.5);
   * ```
   */
  setPlaybackRate: ['number'],
  /**
   * Sets whether a new source starts playing by itself. A non-boolean rejects with `TypeError`.
   *
   * @example
   * ```ts
   * await player.setAutoPlay(false);
   * ```
   */
  setAutoPlay: ['boolean'],
  /**
   * Sets whether the current media loops. A non-boolean rejects with `TypeError`.
   *
   * @example
   * ```ts
   * await player.setLoopingEnabled(true);
   * ```
   */
  setLoopingEnabled: ['boolean'],
} as const satisfies Record<string, readonly ArgumentSpec[]>;

/** The name of a player command. */
export type PlayerCommandName = keyof typeof playerCommands;
type ArgumentsOf<T extends readonly ArgumentSpec[]> = {
  -readonly [I in keyof T]: ArgumentOf<T[I] & ArgumentSpec>;
};
/** The arguments of a player command, as a tuple. */
export type PlayerCommandArgs<K extends PlayerCommandName> = ArgumentsOf<
  (typeof playerCommands)[K]
>;
/** The names of the player commands, in table order. */
export const playerCommandNames = Object.keys(playerCommands) as PlayerCommandName[];

/**
 * Checks the arguments of a player command: `undefined` when they fit, else the error to reject
 * the call with (a `TypeError` quoting the value, a `RangeError` for a non-finite position).
 */
export function checkPlayerCommand(
  name: PlayerCommandName,
  args: readonly unknown[],
): Error | undefined {
  const specs: readonly ArgumentSpec[] = playerCommands[name];
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i] as ArgumentSpec;
    const value = args[i];
    const type = spec === 'finiteNumber' ? 'number' : spec;
    if (type === 'object' ? typeof value !== 'object' || value === null : typeof value !== type) {
      const shown = typeof value === 'string' ? `'${value}'` : String(value);
      return new TypeError(
        `MediaPlayer.${name} expects a ${type}, got \`${shown}\` (${value === null ? 'null' : typeof value})`,
      );
    }
    if (spec === 'finiteNumber' && !Number.isFinite(value)) {
      return new RangeError(
        `MediaPlayer.${name} expects a finite position in ms, got \`${value}\``,
      );
    }
  }
  return undefined;
}
