import { Emitter, type Listener } from '../../emitter.js';
import {
  AutoRepeatModeSchema,
  type DeliveryOutcome,
  FlagValueSchema,
  type MediaPlaybackAutoRepeatMode,
  type MediaPlaybackStatus,
  MediaPlaybackStatusSchema,
  PlaybackRateSchema,
  parseControlsValue,
  ShuffleEnabledSchema,
  type SoundLevel,
  type SystemMediaTransportControlsFlag,
  type SystemMediaTransportControlsRequest,
  type SystemMediaTransportControlsState,
  type TimelineProperties,
  TimelineUpdateSchema,
} from '../../protocol/controls.js';
import {
  EMPTY_DISPLAY,
  SystemMediaTransportControlsDisplayUpdater,
} from './systemMediaTransportControlsDisplayUpdater.js';
import {
  ControlsRequestDelivery,
  type IgnoredRequest,
  type SystemMediaTransportControlsEvents,
} from './systemMediaTransportControlsRequests.js';

const ZERO_TIMELINE: TimelineProperties = Object.freeze({
  startTime: 0,
  endTime: 0,
  minSeekTime: 0,
  maxSeekTime: 0,
  position: 0,
});

function sameTimeline(a: TimelineProperties, b: TimelineProperties): boolean {
  return (
    a.startTime === b.startTime &&
    a.endTime === b.endTime &&
    a.minSeekTime === b.minSeekTime &&
    a.maxSeekTime === b.maxSeekTime &&
    a.position === b.position
  );
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
  readonly #events = new Emitter<SystemMediaTransportControlsEvents>();
  readonly #delivery = new ControlsRequestDelivery(this.#events);

  /** Stages and publishes the metadata shown by the controls. */
  readonly displayUpdater = new SystemMediaTransportControlsDisplayUpdater((display) => {
    this.#set('display', display);
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
    this.#set(
      'playbackStatus',
      parseControlsValue(MediaPlaybackStatusSchema, 'playbackStatus', value),
    );
  }

  /** Repeat mode shown by the controls. Default `'none'`. */
  get autoRepeatMode(): MediaPlaybackAutoRepeatMode {
    return this.#state.autoRepeatMode;
  }
  set autoRepeatMode(value: MediaPlaybackAutoRepeatMode) {
    this.#set('autoRepeatMode', parseControlsValue(AutoRepeatModeSchema, 'autoRepeatMode', value));
  }

  /** Shuffle state shown by the controls. Default false. */
  get shuffleEnabled(): boolean {
    return this.#state.shuffleEnabled;
  }
  set shuffleEnabled(value: boolean) {
    this.#set('shuffleEnabled', parseControlsValue(ShuffleEnabledSchema, 'shuffleEnabled', value));
  }

  /** Playback rate shown by the controls (1 = normal speed). */
  get playbackRate(): number {
    return this.#state.playbackRate;
  }
  set playbackRate(value: number) {
    this.#set('playbackRate', parseControlsValue(PlaybackRateSchema, 'playbackRate', value));
  }

  /** The system's sound level for the app; changes raise `propertyChanged`. Default `'full'`. */
  get soundLevel(): SoundLevel {
    return this.#delivery.soundLevel;
  }

  /**
   * Publishes the timeline, in milliseconds. Like a fresh WinRT TimelineProperties object, a
   * field left out is 0: pass every field each time.
   *
   * @throws TypeError for an unknown field or a value that is not a finite number >= 0.
   */
  updateTimelineProperties(properties: Partial<TimelineProperties>): void {
    const next = parseControlsValue(TimelineUpdateSchema, 'timeline properties', properties);
    if (!sameTimeline(next, this.#state.timeline)) this.#set('timeline', next);
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
    return this.#delivery.ignored;
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
    return this.#delivery.deliver(this.#state, request);
  }

  #setFlag(flag: SystemMediaTransportControlsFlag, value: boolean): void {
    this.#set(flag, parseControlsValue(FlagValueSchema, flag, value));
  }

  #set<K extends keyof SystemMediaTransportControlsState>(
    key: K,
    value: SystemMediaTransportControlsState[K],
  ): void {
    if (this.#state[key] === value) return;
    this.#state = Object.freeze({ ...this.#state, [key]: value });
    this.#events.emit('stateChanged', this.#state);
  }
}
