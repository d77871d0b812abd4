import { type Clock, systemClock } from '../../../clock.js';
import { InvalidOperationError } from '../../../errors.js';
import type {
  MediaPlaybackAutoRepeatMode,
  SystemMediaTransportControlsButton,
  SystemMediaTransportControlsState,
} from '../../../protocol/controls.js';
import { PositionTracker } from '../mpris/position.js';
import type { ControlsAdapter, ControlsTarget } from '../types.js';
import { createVirtualControls } from '../virtual.js';
import {
  canSeek,
  enabledActions,
  MEDIA_SESSION_ACTIONS,
  type MediaSessionControlsAction,
  type MetadataFields,
  metadataFields,
  type PositionFields,
  playbackStateFor,
  positionFields,
  sameMetadata,
  seekTarget,
} from './mapping.js';
import { createSilentAudio, type SilentAudio } from './silentAudio.js';

/** The part of `navigator.mediaSession` these controls drive. */
export interface MediaSessionLike {
  metadata: MediaMetadata | null;
  playbackState: MediaSessionPlaybackState;
  setActionHandler(action: MediaSessionAction, handler: MediaSessionActionHandler | null): void;
  setPositionState(state?: MediaPositionState): void;
}

/** Options of {@link createMediaSessionControls}. */
export interface MediaSessionControlsOptions {
  /**
   * The Media Session to drive. Default: `navigator.mediaSession`. `null` (or a place without
   * one, such as a worker) means none: the controls then mirror and deliver but show nothing.
   */
  readonly mediaSession?: MediaSessionLike | null;
  /** How far `seekbackward` goes when the browser names no `seekOffset`. Default 10 000 ms. */
  readonly seekBackwardMs?: number;
  /** How far `seekforward` goes when the browser names no `seekOffset`. Default 10 000 ms. */
  readonly seekForwardMs?: number;
  /**
   * Plays a silent, looping `<audio>` element (volume 0) on the page while the app's status is
   * playing, and pauses it with the app, so that Chromium gives the page media controls when the
   * sound comes from Web Audio (it gives them only to pages playing a media element). Not needed
   * with an `<audio>` engine. Default `false`.
   */
  readonly silentAudio?: boolean;
  /** Clock that projects the playback position between timeline updates. Default: the system clock. */
  readonly clock?: Clock;
  /** Where one-line notices go (no Media Session, an action the browser lacks). Default: `console.warn`. */
  readonly notice?: (message: string) => void;
}

/**
 * The browser's media controls (the Media Session API): what the attached controls publish is
 * shown as `navigator.mediaSession` metadata, playback state and position state, and the
 * browser's action handlers (media keys, the media notification, a headset) reach the app as
 * button presses and position change requests.
 */
export interface MediaSessionControls extends ControlsAdapter {
  /** The Media Session driven, or `null` when there is none. */
  readonly mediaSession: MediaSessionLike | null;
  /** The actions whose handlers are set right now, in {@link MEDIA_SESSION_ACTIONS} order. */
  readonly actions: readonly MediaSessionControlsAction[];
  /** Actions the browser refused (`setActionHandler` threw); they are not tried again. */
  readonly unsupportedActions: readonly MediaSessionControlsAction[];
}

const DEFAULT_SEEK_MS = 10_000;

function offsetOption(what: string, value: number | undefined): number {
  if (value === undefined) return DEFAULT_SEEK_MS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${what} must be a finite number > 0, got \`${String(value)}\``);
  }
  return value;
}

function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

function defaultSession(): MediaSessionLike | null {
  const nav = (globalThis as { navigator?: { mediaSession?: MediaSessionLike } }).navigator;
  return nav?.mediaSession ?? null;
}

function isSession(value: unknown): value is MediaSessionLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as MediaSessionLike).setActionHandler === 'function' &&
    typeof (value as MediaSessionLike).setPositionState === 'function'
  );
}

function makeMetadata(fields: MetadataFields): MediaMetadata {
  const init: MediaMetadataInit = {
    title: fields.title,
    artist: fields.artist,
    album: fields.album,
    artwork: fields.artwork.map((image) => ({ src: image.src })),
  };
  const Metadata = (globalThis as { MediaMetadata?: typeof MediaMetadata }).MediaMetadata;
  return Metadata ? new Metadata(init) : (init as MediaMetadata);
}

function samePosition(a: PositionFields | null, b: PositionFields | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.duration === b.duration && a.position === b.position && a.playbackRate === b.playbackRate
  );
}

class MediaSessionControlsImpl implements MediaSessionControls {
  readonly mediaSession: MediaSessionLike | null;
  readonly #mirror = createVirtualControls();
  readonly #backMs: number;
  readonly #forwardMs: number;
  readonly #notice: (message: string) => void;
  readonly #noticed = new Set<string>();
  readonly #position: PositionTracker;
  readonly #handlers = new Map<MediaSessionControlsAction, MediaSessionActionHandler>();
  readonly #set = new Set<MediaSessionControlsAction>();
  readonly #unsupported = new Set<MediaSessionControlsAction>();
  #target: ControlsTarget | null = null;
  #fresh = false;
  #metadata: MetadataFields | null = null;
  #playbackState: MediaSessionPlaybackState = 'none';
  #positionState: PositionFields | null = null;
  #touched = false;
  readonly #silent: SilentAudio | null = null;

  constructor(options: MediaSessionControlsOptions) {
    const session = options.mediaSession === undefined ? defaultSession() : options.mediaSession;
    if (session !== null && !isSession(session)) {
      throw new TypeError(
        `mediaSession must be a MediaSession (with setActionHandler and setPositionState) or null, got \`${String(session)}\``,
      );
    }
    this.mediaSession = session;
    this.#backMs = offsetOption('seekBackwardMs', options.seekBackwardMs);
    this.#forwardMs = offsetOption('seekForwardMs', options.seekForwardMs);
    const clock = options.clock ?? systemClock;
    if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function') {
      throw new TypeError(`clock must be a Clock, got \`${String(clock)}\``);
    }
    this.#position = new PositionTracker(clock, 0);
    this.#notice = options.notice ?? ((message) => console.warn(message));
    if (typeof this.#notice !== 'function') {
      throw new TypeError(`notice must be a function, got \`${String(this.#notice)}\``);
    }
    for (const action of MEDIA_SESSION_ACTIONS) {
      this.#handlers.set(action, (details) => this.#act(action, details));
    }
    this.#mirror.on('stateChanged', (state) => {
      if (state !== null) this.#show(state);
    });
    const silent = options.silentAudio ?? false;
    if (typeof silent !== 'boolean') {
      throw new TypeError(`silentAudio must be a boolean, got \`${String(silent)}\``);
    }
    if (silent && session !== null) {
      this.#silent = createSilentAudio((error) =>
        this.#noticeOnce(
          'silent',
          `Backbeat: the browser did not let the silent media element play (${reason(error)}); the media controls may not show until the page is clicked`,
        ),
      );
      if (this.#silent === null) {
        this.#noticeOnce(
          'silent:none',
          'Backbeat: there is no document here for the silent media element; silentAudio is off',
        );
      }
    }
    if (session === null) {
      this.#noticeOnce(
        'none',
        'Backbeat: there is no navigator.mediaSession here; the Media Session controls show nothing',
      );
    }
  }

  get attached(): boolean {
    return this.#target !== null;
  }

  get state(): SystemMediaTransportControlsState | null {
    return this.#mirror.state;
  }

  get actions(): readonly MediaSessionControlsAction[] {
    return MEDIA_SESSION_ACTIONS.filter((action) => this.#set.has(action));
  }

  get unsupportedActions(): readonly MediaSessionControlsAction[] {
    return MEDIA_SESSION_ACTIONS.filter((action) => this.#unsupported.has(action));
  }

  attach(target: ControlsTarget): void {
    if (this.#target === target) return;
    if (this.#target) {
      throw new InvalidOperationError(
        'Media Session controls are already attached to other controls; call detach() first',
      );
    }
    this.#target = target;
    this.#fresh = true;
    this.#mirror.attach(target);
  }

  detach(): void {
    if (!this.#target) return;
    this.#target = null;
    this.#mirror.detach();
    this.#clear();
  }

  press(button: SystemMediaTransportControlsButton): Promise<boolean> {
    return this.#mirror.press(button);
  }

  requestPosition(position: number): Promise<boolean> {
    return this.#mirror.requestPosition(position);
  }

  requestRate(rate: number): Promise<boolean> {
    return this.#mirror.requestRate(rate);
  }

  requestShuffle(enabled: boolean): Promise<boolean> {
    return this.#mirror.requestShuffle(enabled);
  }

  requestRepeat(mode: MediaPlaybackAutoRepeatMode): Promise<boolean> {
    return this.#mirror.requestRepeat(mode);
  }

  #noticeOnce(key: string, message: string): void {
    if (this.#noticed.has(key)) return;
    this.#noticed.add(key);
    this.#notice(message);
  }

  /** Runs one call on the session; a throw becomes a notice, never the app's problem. */
  #call(key: string, what: string, call: (session: MediaSessionLike) => void): boolean {
    const session = this.mediaSession;
    if (session === null) return false;
    try {
      call(session);
      return true;
    } catch (error) {
      this.#noticeOnce(key, `Backbeat: the Media Session refused ${what}: ${reason(error)}`);
      return false;
    }
  }

  #show(state: SystemMediaTransportControlsState): void {
    const first = this.#fresh;
    if (first) {
      this.#fresh = false;
      this.#position.reset(state);
    } else {
      this.#position.update(state);
    }
    if (this.mediaSession === null) return;
    this.#touched = true;
    this.#showMetadata(metadataFields(state));
    const playbackState = playbackStateFor(state, this.#playbackState);
    if (playbackState !== this.#playbackState || first) {
      this.#playbackState = playbackState;
      this.#call('playbackState', `playbackState \`${playbackState}\``, (session) => {
        session.playbackState = playbackState;
      });
    }
    this.#silent?.set(playbackState === 'none' ? 'off' : playbackState);
    this.#showPosition(positionFields(state, this.#position.positionMs()));
    this.#showActions(enabledActions(state));
  }

  #showMetadata(fields: MetadataFields | null): void {
    if (sameMetadata(fields, this.#metadata)) return;
    this.#metadata = fields;
    if (fields === null) {
      this.#call('metadata', 'clearing the metadata', (session) => {
        session.metadata = null;
      });
      return;
    }
    const artwork = fields.artwork[0]?.src;
    const what =
      artwork === undefined ? 'the metadata' : `the metadata with artwork \`${artwork}\``;
    const shown = this.#call('metadata', what, (session) => {
      session.metadata = makeMetadata(fields);
    });
    if (!shown && fields.artwork.length > 0) {
      this.#call('metadata:plain', 'the metadata', (session) => {
        session.metadata = makeMetadata({ ...fields, artwork: [] });
      });
    }
  }

  #showPosition(fields: PositionFields | null): void {
    if (samePosition(fields, this.#positionState)) return;
    this.#positionState = fields;
    const what =
      fields === null
        ? 'clearing the position state'
        : `the position state \`${JSON.stringify(fields)}\``;
    this.#call('position', what, (session) => {
      if (fields === null) session.setPositionState();
      else session.setPositionState({ ...fields });
    });
  }

  #showActions(wanted: ReadonlySet<MediaSessionControlsAction>): void {
    for (const action of MEDIA_SESSION_ACTIONS) {
      if (this.#unsupported.has(action)) continue;
      const on = wanted.has(action);
      if (on === this.#set.has(action)) continue;
      try {
        this.mediaSession?.setActionHandler(action, on ? this.#handlers.get(action)! : null);
      } catch (error) {
        this.#unsupported.add(action);
        this.#set.delete(action);
        this.#notice(
          `Backbeat: this browser's Media Session has no \`${action}\` action (${reason(error)}); it stays off`,
        );
        continue;
      }
      if (on) this.#set.add(action);
      else this.#set.delete(action);
    }
  }

  #clear(): void {
    this.#showActions(new Set());
    this.#silent?.set('off');
    if (this.#touched) {
      this.#touched = false;
      this.#metadata = null;
      this.#positionState = null;
      this.#playbackState = 'none';
      this.#call('metadata', 'clearing the metadata', (session) => {
        session.metadata = null;
      });
      this.#call('playbackState', 'playbackState `none`', (session) => {
        session.playbackState = 'none';
      });
      this.#call('position', 'clearing the position state', (session) => {
        session.setPositionState();
      });
    }
  }

  #act(action: MediaSessionControlsAction, details: MediaSessionActionDetails): void {
    const state = this.#mirror.state;
    if (state === null) return;
    let request: Promise<boolean>;
    switch (action) {
      case 'play':
        request = this.press('play');
        break;
      case 'pause':
        request = this.press('pause');
        break;
      case 'stop':
        request = this.press('stop');
        break;
      case 'previoustrack':
        request = this.press('previous');
        break;
      case 'nexttrack':
        request = this.press('next');
        break;
      case 'seekbackward':
      case 'seekforward': {
        const back = action === 'seekbackward';
        if (!canSeek(state)) {
          request = this.press(back ? 'rewind' : 'fastForward');
          break;
        }
        const given = details?.seekOffset;
        const offset =
          typeof given === 'number' && Number.isFinite(given) && given > 0
            ? given * 1000
            : back
              ? this.#backMs
              : this.#forwardMs;
        const now = this.#position.positionMs();
        request = this.requestPosition(seekTarget(state, back ? now - offset : now + offset));
        break;
      }
      case 'seekto': {
        const time = details?.seekTime;
        if (typeof time !== 'number' || !Number.isFinite(time) || time < 0) {
          this.#notice(
            `Backbeat: a Media Session seekto without a usable seekTime was dropped, got \`${String(time)}\``,
          );
          return;
        }
        request = this.requestPosition(seekTarget(state, state.timeline.startTime + time * 1000));
        break;
      }
    }
    request.catch((error: unknown) => {
      this.#noticeOnce(
        `deliver:${action}`,
        `Backbeat: the Media Session action \`${action}\` did not reach the app: ${reason(error)}`,
      );
    });
  }
}

/**
 * Creates the browser's media controls: attach them to a task's `SystemMediaTransportControls`
 * (or the page's replica of them, as `createMediaSystem` does with `controlsAdapters`) and
 * `navigator.mediaSession` shows what the app publishes — `metadata` from the display updater,
 * `playbackState` from the playback status, `setPositionState` from the timeline and rate — and
 * sets an action handler for each enabled button. Media keys and the browser's media controls
 * then reach the app as `buttonPressed` (play, pause, stop, previous, next; rewind and
 * fast-forward without a seek window) and `playbackPositionChangeRequested` (seekto, and
 * seekbackward / seekforward by the browser's `seekOffset` or the default offsets).
 *
 * Values the browser would refuse are never thrown into the app: the position is clamped into
 * the known length, an unknown length clears the position state, and an action the browser does
 * not support is skipped with a one-line notice. Detaching clears everything it set.
 *
 * When the controls show (measured in headless Chromium 156, whose `chrome://media-internals`
 * Audio Focus list says whether a page's session is controllable — headless draws no controls,
 * and the DevTools protocol's `Media` domain reports media elements only, nothing of an
 * AudioContext or of the Media Session): an `<audio>` element of at least 5 s playing a file
 * makes the page's session "gain" focus and controllable. Web Audio alone takes "ambient" focus,
 * controllable only if `playbackState` was already `playing` when the sound started (a later
 * change is not taken up), and Web Audio played through a `MediaStreamAudioDestinationNode` by an
 * `<audio>` element takes no focus at all. With `silentAudio: true` the controls play a silent
 * looping element at volume 0 (a muted one counts as ambient) while the app plays, which gives a
 * Web Audio page gain focus and keeps it controllable; stopped or detached, the focus goes.
 *
 * @throws TypeError quoting the value for a bad option.
 * @example
 * ```ts
 * import { createMediaSystem } from 'backbeat';
 * import { createMediaSessionControls } from 'backbeat/controls/mediaSession';
 *
 * const system = createMediaSystem({ controlsAdapters: [createMediaSessionControls()] });
 * const app = system.launchApp({ id: 'music', task: new URL('./task.js', import.meta.url) });
 * await app.backgroundMediaPlayer.current.play();
 * // navigator.mediaSession.metadata now shows the task's title; the media keys drive the task
 * ```
 */
export function createMediaSessionControls(
  options: MediaSessionControlsOptions = {},
): MediaSessionControls {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `Media Session controls options must be an object, got \`${String(options)}\``,
    );
  }
  return new MediaSessionControlsImpl(options);
}
