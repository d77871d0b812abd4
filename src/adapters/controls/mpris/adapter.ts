import * as dbus from 'dbus-next';
import { type Clock, systemClock } from '../../../clock.js';
import { InvalidOperationError } from '../../../errors.js';
import type {
  MediaPlaybackAutoRepeatMode,
  SystemMediaTransportControlsButton,
  SystemMediaTransportControlsRequest,
  SystemMediaTransportControlsState,
} from '../../../protocol/controls.js';
import type { ControlsAdapter, ControlsTarget } from '../types.js';
import { createVirtualControls } from '../virtual.js';
import { sessionBusAddress } from './bus.js';
import { mprisMetadata, TrackIds } from './metadata.js';
import { mprisBusName } from './names.js';
import { type NoticeSink, noticeOnce, warnNotice } from './notice.js';
import type { MprisPlayerHost } from './player.js';
import { PositionTracker } from './position.js';
import { changedProperties, type MprisPlayerProperties, playerProperties } from './properties.js';
import { type MprisSession, openMprisSession } from './session.js';

/** Options of {@link createMprisControls}. */
export interface MprisControlsOptions {
  /**
   * Names the player: the bus name is `org.mpris.MediaPlayer2.backbeat.<id>`, the id sanitised
   * (characters other than letters, digits and `_` become `_`). Default `instance<pid>`.
   */
  readonly id?: string;
  /** The name clients show (MPRIS `Identity`). Default `'Backbeat'`. */
  readonly identity?: string;
  /**
   * The session bus address. Default: `DBUS_SESSION_BUS_ADDRESS`. `null` or an empty string
   * means there is no session bus.
   */
  readonly address?: string | null;
  /** Clock for the position projection and the bus time budget. Default: the system clock. */
  readonly clock?: Clock;
  /** How long a bus call (connect, name request and release) may take. Default 5 000 ms. */
  readonly timeoutMs?: number;
  /**
   * How far a published position may stray from the projected one before it counts as a seek
   * and MPRIS `Seeked` is emitted. Default 1 000 ms.
   */
  readonly seekToleranceMs?: number;
  /** MPRIS `MinimumRate` (at most 1). Default 0.25. */
  readonly minimumRate?: number;
  /** MPRIS `MaximumRate` (at least 1). Default 4. */
  readonly maximumRate?: number;
  /** Where one-line notices go (no bus, bus lost, name taken). Default: `console.warn`. */
  readonly notice?: NoticeSink;
}

/**
 * System media controls on Linux: the attached controls shown as an MPRIS player on the D-Bus
 * session bus, so desktop shells, media keys and `playerctl` see and drive the background task.
 *
 * Attaching connects and publishes the player; detaching releases the bus name and closes the
 * connection. Both happen in the background: {@link MprisControls.ready} waits for them. Without
 * a session bus the controls say so once and work as plain controls: `state` mirrors the target
 * and requests reach it, but nothing is published.
 */
export interface MprisControls extends ControlsAdapter {
  /** The bus name the player owns while published. */
  readonly busName: string;
  /** Whether the player is on the bus right now. */
  readonly published: boolean;
  /** Waits for pending bus work (publishing, releasing); resolves {@link published}. */
  ready(): Promise<boolean>;
  /** Detaches, waits until the bus connection is closed, and refuses later attaches. */
  dispose(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_SEEK_TOLERANCE_MS = 1_000;

function positive(what: string, value: number | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= min) {
    throw new TypeError(`${what} must be a finite number > ${min}, got \`${String(value)}\``);
  }
  return value;
}

function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

class MprisControlsImpl implements MprisControls {
  readonly busName: string;
  readonly #mirror = createVirtualControls();
  readonly #address: string | null;
  readonly #identity: string;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #rates: { minimumRate: number; maximumRate: number };
  readonly #notice: NoticeSink;
  readonly #trackIds = new TrackIds();
  readonly #position: PositionTracker;
  readonly #host: MprisPlayerHost;
  #target: ControlsTarget | null = null;
  #fresh = false;
  #state: SystemMediaTransportControlsState | null = null;
  #current: MprisPlayerProperties | null = null;
  #session: MprisSession | null = null;
  #shown: MprisPlayerProperties | null = null;
  #seeked: number | null = null;
  #flushQueued = false;
  #work: Promise<void> = Promise.resolve();
  #generation = 0;
  #disposed = false;

  constructor(options: MprisControlsOptions) {
    this.busName = mprisBusName(options.id ?? `instance${process.pid}`);
    const identity = options.identity ?? 'Backbeat';
    if (typeof identity !== 'string' || identity === '') {
      throw new TypeError(`identity must be a non-empty string, got \`${String(identity)}\``);
    }
    this.#identity = identity;
    const address = options.address === undefined ? sessionBusAddress() : options.address;
    if (address !== null && typeof address !== 'string') {
      throw new TypeError(`address must be a string or null, got \`${String(address)}\``);
    }
    this.#address = address?.trim() ? address.trim() : null;
    this.#clock = options.clock ?? systemClock;
    this.#timeoutMs = positive('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS);
    const tolerance = options.seekToleranceMs ?? DEFAULT_SEEK_TOLERANCE_MS;
    if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) {
      throw new TypeError(
        `seekToleranceMs must be a finite number >= 0, got \`${String(tolerance)}\``,
      );
    }
    this.#position = new PositionTracker(this.#clock, tolerance);
    const minimumRate = positive('minimumRate', options.minimumRate, 0.25);
    const maximumRate = positive('maximumRate', options.maximumRate, 4);
    if (minimumRate > 1) {
      throw new TypeError(`minimumRate must be at most 1, got \`${String(minimumRate)}\``);
    }
    if (maximumRate < 1) {
      throw new TypeError(`maximumRate must be at least 1, got \`${String(maximumRate)}\``);
    }
    this.#rates = { minimumRate, maximumRate };
    this.#notice = options.notice ?? warnNotice;
    if (typeof this.#notice !== 'function') {
      throw new TypeError(`notice must be a function, got \`${String(this.#notice)}\``);
    }
    this.#host = {
      state: () => this.#state!,
      properties: () => this.#current!,
      positionMs: () => this.#position.positionMs(),
      send: (request) => this.#send(request),
    };
    this.#mirror.on('stateChanged', (state) => this.#onState(state));
    if (this.#address === null) {
      noticeOnce(
        'mpris:noBus',
        'Backbeat: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set); MPRIS media controls are off',
        this.#notice,
      );
    }
  }

  get attached(): boolean {
    return this.#target !== null;
  }

  get state(): SystemMediaTransportControlsState | null {
    return this.#mirror.state;
  }

  get published(): boolean {
    return this.#session?.open === true;
  }

  attach(target: ControlsTarget): void {
    if (this.#disposed) {
      throw new InvalidOperationError('These MPRIS controls were disposed; create new ones');
    }
    if (this.#target === target) return;
    if (this.#target) {
      throw new InvalidOperationError(
        'MPRIS controls are already attached to other controls; call detach() first',
      );
    }
    this.#target = target;
    this.#fresh = true;
    this.#mirror.attach(target);
    if (this.#address !== null) {
      const generation = ++this.#generation;
      this.#enqueue(() => this.#open(generation));
    }
  }

  detach(): void {
    if (!this.#target) return;
    this.#target = null;
    this.#mirror.detach();
    this.#generation++;
    this.#enqueue(() => this.#close());
  }

  async ready(): Promise<boolean> {
    let work: Promise<void>;
    do {
      work = this.#work;
      await work;
    } while (work !== this.#work);
    return this.published;
  }

  async dispose(): Promise<void> {
    this.detach();
    this.#disposed = true;
    await this.ready();
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

  #send(request: SystemMediaTransportControlsRequest): Promise<boolean> {
    switch (request.type) {
      case 'buttonPressed':
        return this.#mirror.press(request.button);
      case 'playbackPositionChangeRequested':
        return this.#mirror.requestPosition(request.requestedPlaybackPosition);
      case 'playbackRateChangeRequested':
        return this.#mirror.requestRate(request.requestedPlaybackRate);
      case 'shuffleEnabledChangeRequested':
        return this.#mirror.requestShuffle(request.requestedShuffleEnabled);
      case 'autoRepeatModeChangeRequested':
        return this.#mirror.requestRepeat(request.requestedAutoRepeatMode);
      case 'soundLevelChanged':
        return this.#mirror.setSoundLevel(request.soundLevel);
    }
  }

  #onState(state: SystemMediaTransportControlsState | null): void {
    if (state === null) return; // keep showing the last state until the player is withdrawn
    if (this.#fresh) {
      this.#fresh = false;
      this.#position.reset(state);
    } else {
      const jumped = this.#position.update(state);
      if (jumped !== null) this.#seeked = jumped;
    }
    this.#state = state;
    this.#current = playerProperties(state, mprisMetadata(state, this.#trackIds.idFor(state)));
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => this.#flush());
    }
  }

  #flush(): void {
    this.#flushQueued = false;
    const session = this.#session;
    const seeked = this.#seeked;
    this.#seeked = null;
    if (!session?.open || this.#shown === null || this.#current === null) return;
    const changed = changedProperties(this.#shown, this.#current);
    this.#shown = this.#current;
    try {
      if (Object.keys(changed).length > 0) {
        dbus.interface.Interface.emitPropertiesChanged(session.player, changed, []);
      }
      if (seeked !== null) session.player.Seeked(BigInt(Math.round(seeked * 1000)));
    } catch (error) {
      noticeOnce(
        `mpris:emit:${this.busName}`,
        `Backbeat: MPRIS could not announce a change of ${this.busName}: ${reason(error)}`,
        this.#notice,
      );
    }
  }

  #enqueue(task: () => Promise<void>): void {
    this.#work = this.#work.then(task).catch(() => {});
  }

  async #open(generation: number): Promise<void> {
    const address = this.#address;
    if (generation !== this.#generation || this.#target === null || address === null) return;
    let session: MprisSession | null = null;
    try {
      session = await openMprisSession({
        address,
        busName: this.busName,
        identity: this.#identity,
        host: this.#host,
        rates: this.#rates,
        clock: this.#clock,
        timeoutMs: this.#timeoutMs,
        onLost: (error) => this.#lost(session, error),
      });
    } catch (error) {
      noticeOnce(
        `mpris:open:${address}:${this.busName}`,
        `Backbeat: MPRIS media controls are off: ${reason(error)}`,
        this.#notice,
      );
      return;
    }
    if (generation !== this.#generation) {
      await session.close();
      return;
    }
    this.#session = session;
    this.#shown = this.#current;
    this.#seeked = null;
  }

  #lost(session: MprisSession | null, error: unknown): void {
    if (session === null || this.#session !== session) return;
    this.#session = null;
    this.#shown = null;
    noticeOnce(
      `mpris:lost:${this.busName}`,
      `Backbeat: MPRIS lost the D-Bus session bus (${reason(error)}); media controls are off`,
      this.#notice,
    );
  }

  async #close(): Promise<void> {
    const session = this.#session;
    this.#session = null;
    this.#shown = null;
    if (session) await session.close();
  }
}

/**
 * Creates Linux system media controls: attach them to a task's `SystemMediaTransportControls`
 * (or a replica of one) and the task shows up as an MPRIS player on the D-Bus session bus, named
 * `org.mpris.MediaPlayer2.backbeat.<id>`. What the app publishes becomes MPRIS properties
 * (`PlaybackStatus`, `Metadata`, `Position`, `LoopStatus`, `Shuffle`, `Rate`, the `Can*` flags);
 * MPRIS method calls and property writes reach the app as button presses and change requests.
 *
 * Without a session bus (`DBUS_SESSION_BUS_ADDRESS` unset) it gives a one-line notice, once per
 * process, and works without publishing anything.
 *
 * @throws TypeError quoting the value for a bad option.
 * @example
 * ```ts
 * const controls = createMprisControls({ id: 'music', identity: 'My Music' });
 * controls.attach(player.systemMediaTransportControls);
 * await controls.ready();   // true once `playerctl -p backbeat.music status` can see it
 * await controls.dispose(); // releases the name and closes the connection
 * ```
 */
export function createMprisControls(options: MprisControlsOptions = {}): MprisControls {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`MPRIS controls options must be an object, got \`${String(options)}\``);
  }
  return new MprisControlsImpl(options);
}
