import { Emitter, type Listener } from '../../emitter.js';
import {
  type SystemMediaTransportControlsButton,
  systemMediaTransportControlsButtons,
} from '../../protocol/controls.js';

export { type SystemMediaTransportControlsButton, systemMediaTransportControlsButtons };

/** What the controls show as the playback state (MediaPlaybackStatus). */
export type MediaPlaybackStatus = 'closed' | 'changing' | 'stopped' | 'playing' | 'paused';

/** Repeat mode shown by the controls (MediaPlaybackAutoRepeatMode). */
export type MediaPlaybackAutoRepeatMode = 'none' | 'track' | 'list';

/** Kind of media the display metadata describes (MediaPlaybackType). */
export type MediaPlaybackType = 'unknown' | 'music' | 'video' | 'image';

/** The system's sound level for the app (SoundLevel). */
export type SoundLevel = 'muted' | 'low' | 'full';

/** A property the system changes (SystemMediaTransportControlsProperty). */
export type SystemMediaTransportControlsProperty = 'soundLevel';

const PLAYBACK_STATUSES: readonly MediaPlaybackStatus[] = [
  'closed',
  'changing',
  'stopped',
  'playing',
  'paused',
];
const REPEAT_MODES: readonly MediaPlaybackAutoRepeatMode[] = ['none', 'track', 'list'];
const PLAYBACK_TYPES: readonly MediaPlaybackType[] = ['unknown', 'music', 'video', 'image'];
const SOUND_LEVELS: readonly SoundLevel[] = ['muted', 'low', 'full'];

/** The enable flags, one per button plus the master switch `isEnabled`. */
export type SystemMediaTransportControlsFlag =
  | 'isEnabled'
  | 'isPlayEnabled'
  | 'isPauseEnabled'
  | 'isStopEnabled'
  | 'isRecordEnabled'
  | 'isFastForwardEnabled'
  | 'isRewindEnabled'
  | 'isNextEnabled'
  | 'isPreviousEnabled'
  | 'isChannelUpEnabled'
  | 'isChannelDownEnabled';

const BUTTON_FLAGS: Readonly<
  Record<SystemMediaTransportControlsButton, SystemMediaTransportControlsFlag>
> = {
  play: 'isPlayEnabled',
  pause: 'isPauseEnabled',
  stop: 'isStopEnabled',
  record: 'isRecordEnabled',
  fastForward: 'isFastForwardEnabled',
  rewind: 'isRewindEnabled',
  next: 'isNextEnabled',
  previous: 'isPreviousEnabled',
  channelUp: 'isChannelUpEnabled',
  channelDown: 'isChannelDownEnabled',
};

/** Music metadata as published (MusicDisplayProperties). */
export interface MusicDisplayPropertiesState {
  readonly title: string;
  readonly artist: string;
  readonly albumArtist: string;
  readonly albumTitle: string;
  readonly trackNumber: number;
}

/** Display metadata as last published by `displayUpdater.update()`. */
export interface DisplayState {
  readonly type: MediaPlaybackType;
  readonly musicProperties: MusicDisplayPropertiesState;
  /** Thumbnail URI, or `null`. */
  readonly thumbnail: string | null;
}

/** Timeline in milliseconds (SystemMediaTransportControlsTimelineProperties). */
export interface TimelineProperties {
  readonly startTime: number;
  readonly endTime: number;
  readonly minSeekTime: number;
  readonly maxSeekTime: number;
  readonly position: number;
}

/**
 * Everything the app has published to the system controls: a frozen plain object that is also a
 * ValueSet, so it can cross a boundary as is. A new object is made for every change; `display`
 * and `timeline` keep their identity until they themselves change.
 */
export interface SystemMediaTransportControlsState
  extends Readonly<Record<SystemMediaTransportControlsFlag, boolean>> {
  readonly playbackStatus: MediaPlaybackStatus;
  readonly autoRepeatMode: MediaPlaybackAutoRepeatMode;
  readonly shuffleEnabled: boolean;
  readonly playbackRate: number;
  readonly display: DisplayState;
  readonly timeline: TimelineProperties;
}

/** A request from outside the app (a headset, a remote, the OS), as a controls adapter sends it. */
export type SystemMediaTransportControlsRequest =
  | { readonly type: 'buttonPressed'; readonly button: SystemMediaTransportControlsButton }
  | { readonly type: 'playbackPositionChangeRequested'; readonly requestedPlaybackPosition: number }
  | { readonly type: 'playbackRateChangeRequested'; readonly requestedPlaybackRate: number }
  | { readonly type: 'shuffleEnabledChangeRequested'; readonly requestedShuffleEnabled: boolean }
  | {
      readonly type: 'autoRepeatModeChangeRequested';
      readonly requestedAutoRepeatMode: MediaPlaybackAutoRepeatMode;
    }
  | { readonly type: 'soundLevelChanged'; readonly soundLevel: SoundLevel };

/**
 * What happened to a request: `delivered` to at least one listener, `ignored` because the
 * controls or that button are disabled (see `ignoredRequests`), or `unhandled` because the app
 * has no listener for that event.
 */
export type DeliveryOutcome = 'delivered' | 'ignored' | 'unhandled';

/** Why a request was ignored. */
export type IgnoredReason = 'controlsDisabled' | 'buttonDisabled';

/** A request that was not delivered because the controls or the button were disabled. */
export interface IgnoredRequest {
  readonly request: SystemMediaTransportControlsRequest;
  readonly reason: IgnoredReason;
}

/** Events of {@link SystemMediaTransportControls} and their payloads. */
export type SystemMediaTransportControlsEvents = {
  buttonPressed: { readonly button: SystemMediaTransportControlsButton };
  propertyChanged: { readonly property: SystemMediaTransportControlsProperty };
  playbackPositionChangeRequested: { readonly requestedPlaybackPosition: number };
  playbackRateChangeRequested: { readonly requestedPlaybackRate: number };
  shuffleEnabledChangeRequested: { readonly requestedShuffleEnabled: boolean };
  autoRepeatModeChangeRequested: { readonly requestedAutoRepeatMode: MediaPlaybackAutoRepeatMode };
  /** Beyond WinRT: the published state changed; the payload is the new {@link getState} value. */
  stateChanged: SystemMediaTransportControlsState;
};

/** How many ignored requests `ignoredRequests` keeps (the oldest are dropped first). */
export const IGNORED_REQUESTS_KEPT = 100;

function oneOf<T extends string>(what: string, allowed: readonly T[], value: unknown): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) {
    return value as T;
  }
  throw new TypeError(
    `${what} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got \`${String(value)}\``,
  );
}

function bool(what: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new TypeError(`${what} must be a boolean, got \`${String(value)}\``);
  }
  return value;
}

function finite(what: string, value: unknown, min = Number.NEGATIVE_INFINITY): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    const range = min === 0 ? 'a finite number >= 0' : 'a finite number';
    throw new TypeError(`${what} must be ${range}, got \`${String(value)}\``);
  }
  return value;
}

function text(what: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new TypeError(`${what} must be a string, got \`${String(value)}\``);
  }
  return value;
}

/**
 * Checks a controls request and returns a frozen copy holding only its known fields.
 *
 * @throws TypeError quoting the bad value for an unknown type or button, a position that is not
 * a finite number >= 0, a rate that is not finite, a non-boolean shuffle, an unknown repeat mode
 * or sound level.
 * @example
 * ```ts
 * checkControlsRequest({ type: 'buttonPressed', button: 'next' }); // ok
 * checkControlsRequest({ type: 'buttonPressed', button: 'eject' }); // TypeError
 * ```
 */
export function checkControlsRequest(request: unknown): SystemMediaTransportControlsRequest {
  if (typeof request !== 'object' || request === null) {
    throw new TypeError(`A controls request must be an object, got \`${String(request)}\``);
  }
  const r = request as Record<string, unknown>;
  switch (r.type) {
    case 'buttonPressed':
      return Object.freeze({
        type: r.type,
        button: oneOf('button', systemMediaTransportControlsButtons, r.button),
      });
    case 'playbackPositionChangeRequested':
      return Object.freeze({
        type: r.type,
        requestedPlaybackPosition: finite(
          'requestedPlaybackPosition',
          r.requestedPlaybackPosition,
          0,
        ),
      });
    case 'playbackRateChangeRequested':
      return Object.freeze({
        type: r.type,
        requestedPlaybackRate: finite('requestedPlaybackRate', r.requestedPlaybackRate),
      });
    case 'shuffleEnabledChangeRequested':
      return Object.freeze({
        type: r.type,
        requestedShuffleEnabled: bool('requestedShuffleEnabled', r.requestedShuffleEnabled),
      });
    case 'autoRepeatModeChangeRequested':
      return Object.freeze({
        type: r.type,
        requestedAutoRepeatMode: oneOf(
          'requestedAutoRepeatMode',
          REPEAT_MODES,
          r.requestedAutoRepeatMode,
        ),
      });
    case 'soundLevelChanged':
      return Object.freeze({
        type: r.type,
        soundLevel: oneOf('soundLevel', SOUND_LEVELS, r.soundLevel),
      });
    default:
      throw new TypeError(`Unknown controls request type \`${String(r.type)}\``);
  }
}

const EMPTY_MUSIC: MusicDisplayPropertiesState = Object.freeze({
  title: '',
  artist: '',
  albumArtist: '',
  albumTitle: '',
  trackNumber: 0,
});

const EMPTY_DISPLAY: DisplayState = Object.freeze({
  type: 'unknown',
  musicProperties: EMPTY_MUSIC,
  thumbnail: null,
});

const ZERO_TIMELINE: TimelineProperties = Object.freeze({
  startTime: 0,
  endTime: 0,
  minSeekTime: 0,
  maxSeekTime: 0,
  position: 0,
});

const TIMELINE_KEYS = Object.keys(ZERO_TIMELINE) as (keyof TimelineProperties)[];

function sameMusic(a: MusicDisplayPropertiesState, b: MusicDisplayPropertiesState): boolean {
  return (
    a.title === b.title &&
    a.artist === b.artist &&
    a.albumArtist === b.albumArtist &&
    a.albumTitle === b.albumTitle &&
    a.trackNumber === b.trackNumber
  );
}

function sameDisplay(a: DisplayState, b: DisplayState): boolean {
  return (
    a.type === b.type &&
    a.thumbnail === b.thumbnail &&
    sameMusic(a.musicProperties, b.musicProperties)
  );
}

/**
 * Music metadata staged on the display updater (MusicDisplayProperties). Changes are shown only
 * after `displayUpdater.update()`.
 *
 * @example
 * ```ts
 * smtc.displayUpdater.musicProperties.title = 'Song';
 * smtc.displayUpdater.update();
 * ```
 */
export class MusicDisplayProperties {
  #title = '';
  #artist = '';
  #albumArtist = '';
  #albumTitle = '';
  #trackNumber = 0;

  get title(): string {
    return this.#title;
  }
  set title(value: string) {
    this.#title = text('musicProperties.title', value);
  }
  get artist(): string {
    return this.#artist;
  }
  set artist(value: string) {
    this.#artist = text('musicProperties.artist', value);
  }
  get albumArtist(): string {
    return this.#albumArtist;
  }
  set albumArtist(value: string) {
    this.#albumArtist = text('musicProperties.albumArtist', value);
  }
  get albumTitle(): string {
    return this.#albumTitle;
  }
  set albumTitle(value: string) {
    this.#albumTitle = text('musicProperties.albumTitle', value);
  }
  /** Track number: an unsigned integer (0 = none). */
  get trackNumber(): number {
    return this.#trackNumber;
  }
  set trackNumber(value: number) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new TypeError(
        `musicProperties.trackNumber must be an integer >= 0, got \`${String(value)}\``,
      );
    }
    this.#trackNumber = value;
  }

  /** @internal The staged values as a frozen plain object. */
  snapshot(): MusicDisplayPropertiesState {
    return Object.freeze({
      title: this.#title,
      artist: this.#artist,
      albumArtist: this.#albumArtist,
      albumTitle: this.#albumTitle,
      trackNumber: this.#trackNumber,
    });
  }

  /** @internal Clears every staged value. */
  reset(): void {
    this.#title = '';
    this.#artist = '';
    this.#albumArtist = '';
    this.#albumTitle = '';
    this.#trackNumber = 0;
  }
}

/**
 * Stages the metadata the system controls show (SystemMediaTransportControlsDisplayUpdater).
 * Nothing is shown until {@link SystemMediaTransportControlsDisplayUpdater.update} publishes it.
 *
 * @example
 * ```ts
 * const display = smtc.displayUpdater;
 * display.type = 'music';
 * display.musicProperties.title = 'Song';
 * display.thumbnail = 'https://example.com/cover.png';
 * display.update();
 * ```
 */
export class SystemMediaTransportControlsDisplayUpdater {
  /** Music metadata, staged until {@link update}. */
  readonly musicProperties = new MusicDisplayProperties();
  #type: MediaPlaybackType = 'unknown';
  #thumbnail: string | null = null;
  readonly #publish: (display: DisplayState) => void;

  /** @internal Created by {@link SystemMediaTransportControls}. */
  constructor(publish: (display: DisplayState) => void) {
    this.#publish = publish;
  }

  /** Kind of media; set it even when there is no other metadata. */
  get type(): MediaPlaybackType {
    return this.#type;
  }
  set type(value: MediaPlaybackType) {
    this.#type = oneOf('displayUpdater.type', PLAYBACK_TYPES, value);
  }

  /** Thumbnail URI (`https:`, `file:`, `data:` ...), or `null` for none. */
  get thumbnail(): string | null {
    return this.#thumbnail;
  }
  set thumbnail(value: string | null) {
    if (value !== null && (typeof value !== 'string' || !URL.canParse(value))) {
      throw new TypeError(
        `displayUpdater.thumbnail must be an absolute URI string or null, got \`${String(value)}\``,
      );
    }
    this.#thumbnail = value;
  }

  /** Publishes the staged metadata to the system controls. */
  update(): void {
    this.#publish(
      Object.freeze({
        type: this.#type,
        musicProperties: this.musicProperties.snapshot(),
        thumbnail: this.#thumbnail,
      }),
    );
  }

  /** Clears the staged metadata and removes the published metadata from the controls. */
  clearAll(): void {
    this.#type = 'unknown';
    this.#thumbnail = null;
    this.musicProperties.reset();
    this.#publish(EMPTY_DISPLAY);
  }
}

/**
 * The system media transport controls of the background task: the app says which buttons work,
 * what is playing and where; presses and change requests from outside the app (a Bluetooth
 * headset, a remote, the OS media keys) arrive as events. A controls adapter mirrors
 * {@link getState} (event `stateChanged`) and hands requests in through {@link deliver}.
 *
 * Requests are dropped while `isEnabled` is false, and a press is dropped while its button's
 * `is*Enabled` flag is false; dropped requests are kept in {@link ignoredRequests}.
 *
 * @example
 * ```ts
 * const smtc = player.systemMediaTransportControls;
 * smtc.isPlayEnabled = true;
 * smtc.isPauseEnabled = true;
 * smtc.on('buttonPressed', ({ button }) => {
 *   if (button === 'play') player.play();
 *   if (button === 'pause') player.pause();
 * });
 * smtc.playbackStatus = 'playing';
 * ```
 */
export class SystemMediaTransportControls {
  #state: SystemMediaTransportControlsState = Object.freeze({
    isEnabled: true,
    isPlayEnabled: false,
    isPauseEnabled: false,
    isStopEnabled: false,
    isRecordEnabled: false,
    isFastForwardEnabled: false,
    isRewindEnabled: false,
    isNextEnabled: false,
    isPreviousEnabled: false,
    isChannelUpEnabled: false,
    isChannelDownEnabled: false,
    playbackStatus: 'closed',
    autoRepeatMode: 'none',
    shuffleEnabled: false,
    playbackRate: 1,
    display: EMPTY_DISPLAY,
    timeline: ZERO_TIMELINE,
  });
  #soundLevel: SoundLevel = 'full';
  readonly #events = new Emitter<SystemMediaTransportControlsEvents>();
  readonly #ignored: IgnoredRequest[] = [];

  /** Stages and publishes the metadata shown by the controls. */
  readonly displayUpdater = new SystemMediaTransportControlsDisplayUpdater((display) => {
    if (!sameDisplay(display, this.#state.display)) this.#set({ display });
  });

  /** Whether the controls are shown at all; when false every request is ignored. Default true. */
  get isEnabled(): boolean {
    return this.#state.isEnabled;
  }
  set isEnabled(value: boolean) {
    this.#setFlag('isEnabled', value);
  }
  get isPlayEnabled(): boolean {
    return this.#state.isPlayEnabled;
  }
  set isPlayEnabled(value: boolean) {
    this.#setFlag('isPlayEnabled', value);
  }
  get isPauseEnabled(): boolean {
    return this.#state.isPauseEnabled;
  }
  set isPauseEnabled(value: boolean) {
    this.#setFlag('isPauseEnabled', value);
  }
  get isStopEnabled(): boolean {
    return this.#state.isStopEnabled;
  }
  set isStopEnabled(value: boolean) {
    this.#setFlag('isStopEnabled', value);
  }
  get isRecordEnabled(): boolean {
    return this.#state.isRecordEnabled;
  }
  set isRecordEnabled(value: boolean) {
    this.#setFlag('isRecordEnabled', value);
  }
  get isFastForwardEnabled(): boolean {
    return this.#state.isFastForwardEnabled;
  }
  set isFastForwardEnabled(value: boolean) {
    this.#setFlag('isFastForwardEnabled', value);
  }
  get isRewindEnabled(): boolean {
    return this.#state.isRewindEnabled;
  }
  set isRewindEnabled(value: boolean) {
    this.#setFlag('isRewindEnabled', value);
  }
  get isNextEnabled(): boolean {
    return this.#state.isNextEnabled;
  }
  set isNextEnabled(value: boolean) {
    this.#setFlag('isNextEnabled', value);
  }
  get isPreviousEnabled(): boolean {
    return this.#state.isPreviousEnabled;
  }
  set isPreviousEnabled(value: boolean) {
    this.#setFlag('isPreviousEnabled', value);
  }
  get isChannelUpEnabled(): boolean {
    return this.#state.isChannelUpEnabled;
  }
  set isChannelUpEnabled(value: boolean) {
    this.#setFlag('isChannelUpEnabled', value);
  }
  get isChannelDownEnabled(): boolean {
    return this.#state.isChannelDownEnabled;
  }
  set isChannelDownEnabled(value: boolean) {
    this.#setFlag('isChannelDownEnabled', value);
  }

  /** Playback state shown by the controls. Default `'closed'`. */
  get playbackStatus(): MediaPlaybackStatus {
    return this.#state.playbackStatus;
  }
  set playbackStatus(value: MediaPlaybackStatus) {
    this.#set({ playbackStatus: oneOf('playbackStatus', PLAYBACK_STATUSES, value) });
  }

  /** Repeat mode shown by the controls. Default `'none'`. */
  get autoRepeatMode(): MediaPlaybackAutoRepeatMode {
    return this.#state.autoRepeatMode;
  }
  set autoRepeatMode(value: MediaPlaybackAutoRepeatMode) {
    this.#set({ autoRepeatMode: oneOf('autoRepeatMode', REPEAT_MODES, value) });
  }

  /** Shuffle state shown by the controls. Default false. */
  get shuffleEnabled(): boolean {
    return this.#state.shuffleEnabled;
  }
  set shuffleEnabled(value: boolean) {
    this.#set({ shuffleEnabled: bool('shuffleEnabled', value) });
  }

  /** Playback rate shown by the controls (1 = normal speed). */
  get playbackRate(): number {
    return this.#state.playbackRate;
  }
  set playbackRate(value: number) {
    this.#set({ playbackRate: finite('playbackRate', value) });
  }

  /** The system's sound level for the app; changes raise `propertyChanged`. Default `'full'`. */
  get soundLevel(): SoundLevel {
    return this.#soundLevel;
  }

  /**
   * Publishes the timeline, in milliseconds. Like a fresh WinRT TimelineProperties object, a
   * field left out is 0: pass every field each time.
   *
   * @throws TypeError for an unknown field or a value that is not a finite number >= 0.
   */
  updateTimelineProperties(properties: Partial<TimelineProperties>): void {
    if (typeof properties !== 'object' || properties === null) {
      throw new TypeError(
        `updateTimelineProperties expects an object, got \`${String(properties)}\``,
      );
    }
    for (const key of Object.keys(properties)) {
      if (!(TIMELINE_KEYS as string[]).includes(key)) {
        throw new TypeError(
          `Unknown timeline property \`${key}\`; expected ${TIMELINE_KEYS.join(', ')}`,
        );
      }
    }
    const next = {} as Record<keyof TimelineProperties, number>;
    for (const key of TIMELINE_KEYS) next[key] = finite(`timeline.${key}`, properties[key] ?? 0, 0);
    const current = this.#state.timeline;
    if (TIMELINE_KEYS.every((key) => current[key] === next[key])) return;
    this.#set({ timeline: Object.freeze(next) });
  }

  /**
   * The published state: flags, status, metadata as last published by `displayUpdater.update()`,
   * and timeline. Frozen; the same object is returned until something changes.
   */
  getState(): SystemMediaTransportControlsState {
    return this.#state;
  }

  /** Requests that were not delivered because the controls or the button were disabled. */
  get ignoredRequests(): readonly IgnoredRequest[] {
    return this.#ignored;
  }

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof SystemMediaTransportControlsEvents & string>(
    type: K,
    listener: Listener<SystemMediaTransportControlsEvents[K]>,
  ): () => void {
    return this.#events.on(type, listener);
  }

  /** Removes a listener added with {@link on}. */
  off<K extends keyof SystemMediaTransportControlsEvents & string>(
    type: K,
    listener: Listener<SystemMediaTransportControlsEvents[K]>,
  ): void {
    this.#events.off(type, listener);
  }

  /**
   * Hands in a request from outside the app; called by a controls adapter, not by the app. The
   * matching event is raised synchronously.
   *
   * @throws TypeError when the request is malformed (unknown type or button, bad value).
   * @example
   * ```ts
   * smtc.deliver({ type: 'buttonPressed', button: 'next' }); // 'delivered' | 'ignored' | 'unhandled'
   * ```
   */
  deliver(request: SystemMediaTransportControlsRequest): DeliveryOutcome {
    const checked = checkControlsRequest(request);
    if (checked.type === 'soundLevelChanged') {
      if (checked.soundLevel === this.#soundLevel) return 'unhandled';
      this.#soundLevel = checked.soundLevel;
      return this.#emit('propertyChanged', { property: 'soundLevel' });
    }
    if (!this.#state.isEnabled) return this.#ignore(checked, 'controlsDisabled');
    switch (checked.type) {
      case 'buttonPressed':
        if (!this.#state[BUTTON_FLAGS[checked.button]]) {
          return this.#ignore(checked, 'buttonDisabled');
        }
        return this.#emit('buttonPressed', { button: checked.button });
      case 'playbackPositionChangeRequested':
        return this.#emit('playbackPositionChangeRequested', {
          requestedPlaybackPosition: checked.requestedPlaybackPosition,
        });
      case 'playbackRateChangeRequested':
        return this.#emit('playbackRateChangeRequested', {
          requestedPlaybackRate: checked.requestedPlaybackRate,
        });
      case 'shuffleEnabledChangeRequested':
        return this.#emit('shuffleEnabledChangeRequested', {
          requestedShuffleEnabled: checked.requestedShuffleEnabled,
        });
      case 'autoRepeatModeChangeRequested':
        return this.#emit('autoRepeatModeChangeRequested', {
          requestedAutoRepeatMode: checked.requestedAutoRepeatMode,
        });
    }
  }

  #emit<K extends keyof SystemMediaTransportControlsEvents & string>(
    type: K,
    payload: SystemMediaTransportControlsEvents[K],
  ): DeliveryOutcome {
    if (this.#events.listenerCount(type) === 0) return 'unhandled';
    this.#events.emit(type, payload);
    return 'delivered';
  }

  #ignore(request: SystemMediaTransportControlsRequest, reason: IgnoredReason): DeliveryOutcome {
    if (this.#ignored.length >= IGNORED_REQUESTS_KEPT) this.#ignored.shift();
    this.#ignored.push(Object.freeze({ request, reason }));
    return 'ignored';
  }

  #setFlag(flag: SystemMediaTransportControlsFlag, value: boolean): void {
    this.#set({ [flag]: bool(flag, value) });
  }

  #set(patch: Partial<SystemMediaTransportControlsState>): void {
    const current = this.#state as unknown as Record<string, unknown>;
    const changed = Object.keys(patch).some(
      (key) => current[key] !== (patch as Record<string, unknown>)[key],
    );
    if (!changed) return;
    this.#state = Object.freeze({ ...this.#state, ...patch });
    this.#events.emit('stateChanged', this.#state);
  }
}
