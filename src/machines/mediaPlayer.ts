import { assign, emit, enqueueActions, not, type SnapshotFrom, setup, stateIn } from 'xstate';
import type { MediaPlayerErrorKind } from '../errors.js';

/**
 * The state of one MediaPlayer, as a pure statechart. The machine knows nothing about time or
 * sound: the runtime opens sources through an audio adapter, feeds the results back as events
 * (`OPENED`, `BUFFERING_STARTED`, `ENDED`, ...) and carries out the output commands the machine
 * emits. Playback position is owned by the adapter's clock.
 *
 * Emitted events come in two groups:
 * - MediaPlayer events, forwarded to listeners as they are: `mediaOpened`, `mediaEnded`,
 *   `mediaFailed { error, errorMessage }`, `currentStateChanged { state }`, `seekCompleted`,
 *   `volumeChanged` (volume or mute changed; 1511 has no `isMutedChanged`), `bufferingStarted`,
 *   `bufferingEnded`, `mediaPlayerRateChanged { newRate }`;
 * - output commands for the runtime: `startOutput` (make the open track sound), `pauseOutput`
 *   (silence it, keeping its position) and `seekTo { position, reason }` (move the track to
 *   `position` ms; `reason` is `'seek'` for an app seek, which the runtime confirms with
 *   `SEEK_COMPLETED`, or `'stop'` / `'loop'` / `'restart'` for the machine's own rewinds).
 *
 * Semantics: `PLAY` while opening is remembered (`playRequested`) and honoured by `OPENED`;
 * without it `autoPlay` decides between `playing` and `paused`. `ENDED` with looping rewinds
 * and keeps playing; without looping it pauses at the end and the next `PLAY` starts over.
 * `PAUSE` while buffering ends the buffering episode (`bufferingEnded`); the adapter starts a
 * new one when playback resumes. `STOP` silences and rewinds. A failure (`OPEN_FAILED`,
 * `FAILED`) closes the player with `error` set. `SET_SOURCE` without a source closes it from
 * any state; with one it (re)enters `opening` (`play: true` asks to play once open). Volume
 * outside 0–1, a non-finite or non-positive rate and a seek while the source cannot seek are
 * ignored; seek targets are clamped to `[0, naturalDuration]`. Setting an unchanged value
 * emits nothing. `currentStateChanged` is emitted on entering each state, so exactly on a
 * change of state.
 */

/** Every state name of {@link mediaPlayerMachine} (MediaPlayerState). */
export const mediaPlayerStates = [
  'closed',
  'opening',
  'buffering',
  'playing',
  'paused',
  'stopped',
] as const;

/** A state of {@link mediaPlayerMachine}; what `currentState` reports. */
export type MediaPlayerState = (typeof mediaPlayerStates)[number];

/** The payload of `mediaFailed`: the error kind and a message naming the source. */
export interface MediaPlayerFailure {
  error: MediaPlayerErrorKind;
  errorMessage: string;
}

/** Context of {@link mediaPlayerMachine}. Durations and positions are milliseconds. */
export interface MediaPlayerContext {
  /** URI of the source being opened or played, or null when closed by the app. */
  source: string | null;
  volume: number;
  isMuted: boolean;
  playbackRate: number;
  autoPlay: boolean;
  isLoopingEnabled: boolean;
  naturalDuration: number;
  bufferingProgress: number;
  canSeek: boolean;
  canPause: boolean;
  /** The last failure; cleared by the next `SET_SOURCE`. */
  error: MediaPlayerFailure | null;
  /** `PLAY` arrived while opening. */
  playRequested: boolean;
  /** The media ended without looping; the next `PLAY` rewinds first. */
  atEnd: boolean;
}

/** Input of {@link mediaPlayerMachine}: starting settings (invalid values fall back to defaults). */
export interface MediaPlayerInput {
  volume?: number;
  isMuted?: boolean;
  playbackRate?: number;
  autoPlay?: boolean;
  isLoopingEnabled?: boolean;
}

/** Events a runtime sends to {@link mediaPlayerMachine}. */
export type MediaPlayerEvent =
  | { type: 'SET_SOURCE'; source?: string | null; play?: boolean }
  | { type: 'OPENED'; duration: number; canSeek: boolean }
  | { type: 'OPEN_FAILED'; error: MediaPlayerErrorKind; errorMessage: string }
  | { type: 'FAILED'; error: MediaPlayerErrorKind; errorMessage: string }
  | { type: 'PLAY' }
  | { type: 'PAUSE' }
  | { type: 'STOP' }
  | { type: 'BUFFERING_STARTED' }
  | { type: 'BUFFERING_PROGRESS'; progress: number }
  | { type: 'BUFFERING_ENDED' }
  | { type: 'ENDED' }
  | { type: 'SEEK'; position: number }
  | { type: 'SEEK_COMPLETED' }
  | { type: 'SET_VOLUME'; volume: number }
  | { type: 'SET_MUTED'; muted: boolean }
  | { type: 'SET_RATE'; rate: number }
  | { type: 'SET_LOOPING'; enabled: boolean }
  | { type: 'SET_AUTOPLAY'; enabled: boolean };

/** Why the machine asks the runtime to move the track. */
export type SeekReason = 'seek' | 'stop' | 'loop' | 'restart';

/** Events {@link mediaPlayerMachine} emits: MediaPlayer events, then output commands. */
export type MediaPlayerEmitted =
  | { type: 'mediaOpened' }
  | { type: 'mediaEnded' }
  | { type: 'mediaFailed'; error: MediaPlayerErrorKind; errorMessage: string }
  | { type: 'currentStateChanged'; state: MediaPlayerState }
  | { type: 'seekCompleted' }
  | { type: 'volumeChanged' }
  | { type: 'bufferingStarted' }
  | { type: 'bufferingEnded' }
  | { type: 'mediaPlayerRateChanged'; newRate: number }
  | { type: 'startOutput' }
  | { type: 'pauseOutput' }
  | { type: 'seekTo'; position: number; reason: SeekReason };

const isVolume = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1;
const isRate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function initialContext(input: MediaPlayerInput | undefined): MediaPlayerContext {
  return {
    source: null,
    volume: isVolume(input?.volume) ? input.volume : 1,
    isMuted: input?.isMuted === true,
    playbackRate: isRate(input?.playbackRate) ? input.playbackRate : 1,
    autoPlay: input?.autoPlay !== false,
    isLoopingEnabled: input?.isLoopingEnabled === true,
    naturalDuration: 0,
    bufferingProgress: 0,
    canSeek: false,
    canPause: false,
    error: null,
    playRequested: false,
    atEnd: false,
  };
}

const closedMedia = {
  naturalDuration: 0,
  bufferingProgress: 0,
  canSeek: false,
  canPause: false,
  playRequested: false,
  atEnd: false,
} as const;

const stateChanged = (state: MediaPlayerState) =>
  ({ type: 'emitState', params: { state } }) as const;

/**
 * The MediaPlayer statechart (id `'mediaPlayer'`). See the module comment for the contract.
 */
export const mediaPlayerMachine = setup({
  types: {
    context: {} as MediaPlayerContext,
    events: {} as MediaPlayerEvent,
    emitted: {} as MediaPlayerEmitted,
    input: {} as MediaPlayerInput | undefined,
  },
  guards: {
    hasSource: ({ event }) =>
      event.type === 'SET_SOURCE' && typeof event.source === 'string' && event.source !== '',
    shouldPlayOnOpen: ({ context }) => context.autoPlay || context.playRequested,
    canPauseNow: ({ context }) => context.canPause,
    isLooping: ({ context }) => context.isLoopingEnabled,
    isAtEnd: ({ context }) => context.atEnd,
    canSeekTo: ({ context, event }) =>
      event.type === 'SEEK' &&
      context.canSeek &&
      typeof event.position === 'number' &&
      Number.isFinite(event.position),
    isNewVolume: ({ context, event }) =>
      event.type === 'SET_VOLUME' && isVolume(event.volume) && event.volume !== context.volume,
    isNewMuted: ({ context, event }) =>
      event.type === 'SET_MUTED' &&
      typeof event.muted === 'boolean' &&
      event.muted !== context.isMuted,
    isNewRate: ({ context, event }) =>
      event.type === 'SET_RATE' && isRate(event.rate) && event.rate !== context.playbackRate,
    isBoolean: ({ event }) =>
      (event.type === 'SET_LOOPING' || event.type === 'SET_AUTOPLAY') &&
      typeof event.enabled === 'boolean',
    isProgress: ({ event }) =>
      event.type === 'BUFFERING_PROGRESS' &&
      typeof event.progress === 'number' &&
      Number.isFinite(event.progress),
  },
  actions: {
    assignSource: assign(({ event }) => {
      if (event.type !== 'SET_SOURCE') return {};
      return {
        ...closedMedia,
        source: event.source ?? null,
        error: null,
        playRequested: !!event.play,
      };
    }),
    clearSource: assign({ ...closedMedia, source: null, error: null }),
    assignOpened: assign(({ event }) => {
      if (event.type !== 'OPENED') return {};
      const d = event.duration;
      return {
        naturalDuration: typeof d === 'number' && Number.isFinite(d) && d > 0 ? d : 0,
        canSeek: event.canSeek === true,
        canPause: true,
        bufferingProgress: 1,
        playRequested: false,
      };
    }),
    assignFailure: assign(({ event }) => {
      if (event.type !== 'OPEN_FAILED' && event.type !== 'FAILED') return {};
      return { ...closedMedia, error: { error: event.error, errorMessage: event.errorMessage } };
    }),
    emitFailed: emit(({ event }) => {
      const failure =
        event.type === 'OPEN_FAILED' || event.type === 'FAILED'
          ? { error: event.error, errorMessage: event.errorMessage }
          : { error: 'unknown' as const, errorMessage: 'unknown failure' };
      return { type: 'mediaFailed', ...failure } as const;
    }),
    requestPlay: assign({ playRequested: true }),
    cancelPlay: assign({ playRequested: false }),
    startOutput: emit({ type: 'startOutput' } as const),
    pauseOutput: emit({ type: 'pauseOutput' } as const),
    rewindForStop: emit({ type: 'seekTo', position: 0, reason: 'stop' } as const),
    rewindForLoop: emit({ type: 'seekTo', position: 0, reason: 'loop' } as const),
    rewindForRestart: emit({ type: 'seekTo', position: 0, reason: 'restart' } as const),
    markEnded: assign({ atEnd: true }),
    clearEnded: assign({ atEnd: false }),
    seek: emit(({ context, event }) => {
      const wanted = event.type === 'SEEK' ? event.position : 0;
      const max = context.naturalDuration > 0 ? context.naturalDuration : Number.POSITIVE_INFINITY;
      return { type: 'seekTo', position: clamp(wanted, 0, max), reason: 'seek' } as const;
    }),
    emitState: emit((_, params: { state: MediaPlayerState }) => ({
      type: 'currentStateChanged' as const,
      state: params.state,
    })),
    bufferingStarted: enqueueActions(({ enqueue }) => {
      enqueue.assign({ bufferingProgress: 0 });
      enqueue.emit({ type: 'bufferingStarted' });
    }),
    bufferingEnded: enqueueActions(({ enqueue }) => {
      enqueue.assign({ bufferingProgress: 1 });
      enqueue.emit({ type: 'bufferingEnded' });
    }),
  },
}).createMachine({
  id: 'mediaPlayer',
  context: ({ input }) => initialContext(input),
  initial: 'closed',
  on: {
    SET_SOURCE: [
      { guard: 'hasSource', target: '.opening', actions: 'assignSource' },
      { target: '.closed', actions: 'clearSource' },
    ],
    FAILED: {
      guard: not(stateIn('#mediaPlayer.closed')),
      target: '.closed',
      actions: ['assignFailure', 'emitFailed'],
    },
    SEEK: { guard: 'canSeekTo', actions: ['clearEnded', 'seek'] },
    SEEK_COMPLETED: { actions: emit({ type: 'seekCompleted' } as const) },
    BUFFERING_PROGRESS: {
      guard: 'isProgress',
      actions: assign({
        bufferingProgress: ({ event }) =>
          event.type === 'BUFFERING_PROGRESS' ? clamp(event.progress, 0, 1) : 0,
      }),
    },
    SET_VOLUME: {
      guard: 'isNewVolume',
      actions: [
        assign({
          volume: ({ event, context }) =>
            event.type === 'SET_VOLUME' ? event.volume : context.volume,
        }),
        emit({ type: 'volumeChanged' } as const),
      ],
    },
    SET_MUTED: {
      guard: 'isNewMuted',
      actions: [
        assign({
          isMuted: ({ event, context }) =>
            event.type === 'SET_MUTED' ? event.muted : context.isMuted,
        }),
        emit({ type: 'volumeChanged' } as const),
      ],
    },
    SET_RATE: {
      guard: 'isNewRate',
      actions: [
        assign({
          playbackRate: ({ event, context }) =>
            event.type === 'SET_RATE' ? event.rate : context.playbackRate,
        }),
        emit(
          ({ context }) =>
            ({ type: 'mediaPlayerRateChanged', newRate: context.playbackRate }) as const,
        ),
      ],
    },
    SET_LOOPING: {
      guard: 'isBoolean',
      actions: assign({
        isLoopingEnabled: ({ event, context }) =>
          event.type === 'SET_LOOPING' ? event.enabled : context.isLoopingEnabled,
      }),
    },
    SET_AUTOPLAY: {
      guard: 'isBoolean',
      actions: assign({
        autoPlay: ({ event, context }) =>
          event.type === 'SET_AUTOPLAY' ? event.enabled : context.autoPlay,
      }),
    },
  },
  states: {
    closed: {
      entry: stateChanged('closed'),
      on: {
        SET_SOURCE: [
          { guard: 'hasSource', target: 'opening', actions: 'assignSource' },
          { actions: 'clearSource' },
        ],
      },
    },
    opening: {
      entry: stateChanged('opening'),
      on: {
        SET_SOURCE: [
          { guard: 'hasSource', actions: 'assignSource' },
          { target: 'closed', actions: 'clearSource' },
        ],
        OPENED: [
          {
            guard: 'shouldPlayOnOpen',
            target: 'playing',
            actions: ['assignOpened', emit({ type: 'mediaOpened' } as const), 'startOutput'],
          },
          { target: 'paused', actions: ['assignOpened', emit({ type: 'mediaOpened' } as const)] },
        ],
        OPEN_FAILED: { target: 'closed', actions: ['assignFailure', 'emitFailed'] },
        PLAY: { actions: 'requestPlay' },
        PAUSE: { actions: 'cancelPlay' },
        STOP: { actions: 'cancelPlay' },
      },
    },
    buffering: {
      entry: stateChanged('buffering'),
      on: {
        BUFFERING_ENDED: { target: 'playing', actions: 'bufferingEnded' },
        PAUSE: {
          guard: 'canPauseNow',
          target: 'paused',
          actions: ['pauseOutput', 'bufferingEnded'],
        },
        STOP: { target: 'stopped', actions: ['pauseOutput', 'rewindForStop', 'bufferingEnded'] },
      },
    },
    playing: {
      entry: stateChanged('playing'),
      on: {
        BUFFERING_STARTED: { target: 'buffering', actions: 'bufferingStarted' },
        PAUSE: { guard: 'canPauseNow', target: 'paused', actions: 'pauseOutput' },
        STOP: { target: 'stopped', actions: ['pauseOutput', 'rewindForStop'] },
        ENDED: [
          { guard: 'isLooping', actions: ['rewindForLoop', 'startOutput'] },
          {
            target: 'paused',
            actions: ['markEnded', 'pauseOutput', emit({ type: 'mediaEnded' } as const)],
          },
        ],
      },
    },
    paused: {
      entry: stateChanged('paused'),
      on: {
        PLAY: [
          {
            guard: 'isAtEnd',
            target: 'playing',
            actions: ['clearEnded', 'rewindForRestart', 'startOutput'],
          },
          { target: 'playing', actions: 'startOutput' },
        ],
        STOP: { target: 'stopped', actions: ['clearEnded', 'rewindForStop'] },
      },
    },
    stopped: {
      entry: stateChanged('stopped'),
      on: {
        PLAY: { target: 'playing', actions: 'startOutput' },
      },
    },
  },
});

/** A snapshot of {@link mediaPlayerMachine}. */
export type MediaPlayerSnapshot = SnapshotFrom<typeof mediaPlayerMachine>;
