/**
 * The controls contract: every system media transport controls shape that crosses a boundary —
 * the state a task publishes (what `getState()` returns and `controls.stateChanged` carries), the
 * requests a controls target delivers and what became of them — as zod schemas with their
 * inferred types. Each string union is declared here once.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { english } from './zod.js';

english();

// ---------------------------------------------------------------------------------------------
// Messages: each names the rule and quotes the bad value; the caller puts the subject in front.

function quote(value: unknown): string {
  try {
    return `\`${String(value)}\``;
  } catch {
    return `\`${Object.prototype.toString.call(value)}\``;
  }
}

const saying =
  (rule: string) =>
  (issue: { readonly input?: unknown }): string =>
    `must be ${rule}, got ${quote(issue.input)}`;

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: saying(`one of ${values.map((v) => `'${v}'`).join(', ')}`) });
}

const boolean = z.boolean({ error: saying('a boolean') });
const anObject = { error: saying('an object') };
const text = z.string({ error: saying('a string') });
const finite = z.number({ error: saying('a finite number') });
const atLeastZero = saying('a finite number >= 0');
/** A time in milliseconds: a finite number >= 0. */
const milliseconds = z.number({ error: atLeastZero }).check(z.gte(0, { error: atLeastZero }));

// ---------------------------------------------------------------------------------------------
// String unions

/** Every system media transport control button, in WinRT enum order. */
export const systemMediaTransportControlsButtons = [
  'play',
  'pause',
  'stop',
  'record',
  'fastForward',
  'rewind',
  'next',
  'previous',
  'channelUp',
  'channelDown',
] as const;

/** Schema of a system media transport control button. */
export const SmtcButtonSchema = oneOf(systemMediaTransportControlsButtons);
/** A system media transport control button (SystemMediaTransportControlsButton). */
export type SystemMediaTransportControlsButton = z.infer<typeof SmtcButtonSchema>;

/** Schema of what the controls show as the playback state (MediaPlaybackStatus). */
export const MediaPlaybackStatusSchema = oneOf([
  'closed',
  'changing',
  'stopped',
  'playing',
  'paused',
]);
/** What the controls show as the playback state (MediaPlaybackStatus). */
export type MediaPlaybackStatus = z.infer<typeof MediaPlaybackStatusSchema>;

/** Schema of the repeat mode shown by the controls (MediaPlaybackAutoRepeatMode). */
export const AutoRepeatModeSchema = oneOf(['none', 'track', 'list']);
/** Repeat mode shown by the controls (MediaPlaybackAutoRepeatMode). */
export type MediaPlaybackAutoRepeatMode = z.infer<typeof AutoRepeatModeSchema>;

/** Schema of the kind of media the display metadata describes (MediaPlaybackType). */
export const MediaPlaybackTypeSchema = oneOf(['unknown', 'music', 'video', 'image']);
/** Kind of media the display metadata describes (MediaPlaybackType). */
export type MediaPlaybackType = z.infer<typeof MediaPlaybackTypeSchema>;

const SoundLevelSchema = oneOf(['muted', 'low', 'full']);
/** The system's sound level for the app (SoundLevel). */
export type SoundLevel = z.infer<typeof SoundLevelSchema>;

/** Schema of what became of a delivered request (see {@link DeliveryOutcome}). */
export const DeliveryOutcomeSchema = oneOf(['delivered', 'ignored', 'unhandled']);
/**
 * What happened to a request: `delivered` to at least one listener, `ignored` because the
 * controls or that button are disabled, or `unhandled` because the app has no listener for it.
 */
export type DeliveryOutcome = z.infer<typeof DeliveryOutcomeSchema>;

// ---------------------------------------------------------------------------------------------
// Published state

/** The enable flags: the master switch `isEnabled`, then one per button. */
const flagShape = {
  isEnabled: boolean,
  isPlayEnabled: boolean,
  isPauseEnabled: boolean,
  isStopEnabled: boolean,
  isRecordEnabled: boolean,
  isFastForwardEnabled: boolean,
  isRewindEnabled: boolean,
  isNextEnabled: boolean,
  isPreviousEnabled: boolean,
  isChannelUpEnabled: boolean,
  isChannelDownEnabled: boolean,
};
/** An enable flag: one per button plus the master switch `isEnabled`. */
export type SystemMediaTransportControlsFlag = keyof typeof flagShape;

/** Schema of a flag's value. */
export const FlagValueSchema = boolean;
/** Schema of the shuffle state the controls show. */
export const ShuffleEnabledSchema = boolean;
/** Schema of the playback rate the controls show: any finite number (1 = normal speed). */
export const PlaybackRateSchema = finite;

/** Schema of one text field of the music metadata. */
export const MusicTextSchema = text;
const trackNumberRule = saying('an integer >= 0');
/** Schema of a track number: an unsigned integer (0 = none). */
export const TrackNumberSchema = z
  .int({ error: trackNumberRule })
  .check(z.gte(0, { error: trackNumberRule }));

const thumbnailRule = saying('an absolute URI string or null');
/** Schema of a thumbnail: an absolute URI (`https:`, `file:`, `data:` ...) or `null`. */
export const ThumbnailSchema = z.nullable(
  z
    .string({ error: thumbnailRule })
    .check(z.refine((uri) => URL.canParse(uri), { error: thumbnailRule })),
);

const MusicDisplayPropertiesStateSchema = z.readonly(
  z.object(
    {
      title: text,
      artist: text,
      albumArtist: text,
      albumTitle: text,
      trackNumber: TrackNumberSchema,
    },
    anObject,
  ),
);
/** Music metadata as published (MusicDisplayProperties). */
export type MusicDisplayPropertiesState = z.infer<typeof MusicDisplayPropertiesStateSchema>;

const DisplayStateSchema = z.readonly(
  z.object(
    {
      type: MediaPlaybackTypeSchema,
      musicProperties: MusicDisplayPropertiesStateSchema,
      /** Thumbnail URI, or `null`. */
      thumbnail: ThumbnailSchema,
    },
    anObject,
  ),
);
/** Display metadata as last published by `displayUpdater.update()`. */
export type DisplayState = z.infer<typeof DisplayStateSchema>;

const timelineShape = {
  startTime: milliseconds,
  endTime: milliseconds,
  minSeekTime: milliseconds,
  maxSeekTime: milliseconds,
  position: milliseconds,
};
const TimelinePropertiesSchema = z.readonly(z.object(timelineShape, anObject));
/** Timeline in milliseconds (SystemMediaTransportControlsTimelineProperties). */
export type TimelineProperties = z.infer<typeof TimelinePropertiesSchema>;

const timelineFields = Object.keys(timelineShape).join(', ');
/**
 * Schema of what `updateTimelineProperties` takes: the timeline with every field optional (a
 * field left out is 0, as in a fresh WinRT TimelineProperties object); other fields are refused.
 */
export const TimelineUpdateSchema = z.readonly(
  z.strictObject(
    {
      startTime: z._default(milliseconds, 0),
      endTime: z._default(milliseconds, 0),
      minSeekTime: z._default(milliseconds, 0),
      maxSeekTime: z._default(milliseconds, 0),
      position: z._default(milliseconds, 0),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `have no field ${issue.keys.map((key) => `\`${key}\``).join(', ')}; the fields are ${timelineFields}`
          : anObject.error(issue),
    },
  ),
);

/**
 * Schema of everything a task has published to its system controls: the flags, status, repeat,
 * shuffle, rate, the display metadata and the timeline. A parsed state is frozen, level by level.
 */
export const SmtcStateSchema = z.readonly(
  z.object(
    {
      ...flagShape,
      playbackStatus: MediaPlaybackStatusSchema,
      autoRepeatMode: AutoRepeatModeSchema,
      shuffleEnabled: boolean,
      playbackRate: finite,
      display: DisplayStateSchema,
      timeline: TimelinePropertiesSchema,
    },
    anObject,
  ),
);
/**
 * Everything the app has published to the system controls: a frozen plain object that is also a
 * ValueSet, so it can cross a boundary as is.
 */
export type SystemMediaTransportControlsState = z.infer<typeof SmtcStateSchema>;

// ---------------------------------------------------------------------------------------------
// Requests from outside the app

const requestOptions = [
  z.object({ type: z.literal('buttonPressed'), button: SmtcButtonSchema }),
  z.object({
    type: z.literal('playbackPositionChangeRequested'),
    requestedPlaybackPosition: milliseconds,
  }),
  z.object({ type: z.literal('playbackRateChangeRequested'), requestedPlaybackRate: finite }),
  z.object({ type: z.literal('shuffleEnabledChangeRequested'), requestedShuffleEnabled: boolean }),
  z.object({
    type: z.literal('autoRepeatModeChangeRequested'),
    requestedAutoRepeatMode: AutoRepeatModeSchema,
  }),
  z.object({ type: z.literal('soundLevelChanged'), soundLevel: SoundLevelSchema }),
] as const;

const requestTypes = requestOptions.flatMap((option) => option.shape.type.def.values);
const typeOf = (request: unknown): unknown =>
  typeof request === 'object' && request !== null && 'type' in request ? request.type : undefined;
const requestTypeRule = saying(`one of ${requestTypes.map((t) => `'${t}'`).join(', ')}`);

/**
 * Schema of a request from outside the app (a headset, a remote, the OS), as a controls target
 * delivers it. A parsed request is frozen and holds only its known fields.
 */
export const ControlsRequestSchema = z.readonly(
  z.discriminatedUnion('type', requestOptions, {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? requestTypeRule({ input: typeOf(issue.input) })
        : anObject.error(issue),
  }),
);
/** A request from outside the app (a headset, a remote, the OS), as a controls adapter sends it. */
export type SystemMediaTransportControlsRequest = z.infer<typeof ControlsRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Parsing

/**
 * Parses `value` with `schema`. A failure is a TypeError that names `what` and quotes the bad
 * value: `what must be …, got \`…\`` for a value that is wrong as a whole, or zod's pretty list
 * of issues with their paths for a field of an object.
 */
export function parseControlsValue<T>(schema: z.ZodMiniType<T>, what: string, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const { issues } = result.error;
  const [only] = issues;
  if (issues.length === 1 && only !== undefined && only.path.length === 0) {
    throw new TypeError(`${what} ${only.message}`);
  }
  throw new TypeError(`Invalid ${what}:\n${z.prettifyError(result.error)}`);
}

/** Checks a controls request; returns a frozen copy holding only its known fields. */
export function parseControlsRequest(value: unknown): SystemMediaTransportControlsRequest {
  return parseControlsValue(ControlsRequestSchema, 'controls request', value);
}
