import type { Variant } from 'dbus-next';
import * as dbus from 'dbus-next';
import type {
  SystemMediaTransportControlsButton,
  SystemMediaTransportControlsRequest,
  SystemMediaTransportControlsState,
} from '../../../protocol/controls.js';
import { metadataVariants } from './metadata.js';
import type { MprisLoopStatus, MprisPlaybackStatus, MprisPlayerProperties } from './properties.js';
import {
  loopStatusRequest,
  playPauseButton,
  rateRequest,
  seekRequest,
  setPositionRequest,
  shuffleRequest,
} from './requests.js';

const { Interface } = dbus.interface;

const INVALID_ARGS = 'org.freedesktop.DBus.Error.InvalidArgs';
const FAILED = 'org.freedesktop.DBus.Error.Failed';
const NOT_SUPPORTED = 'org.freedesktop.DBus.Error.NotSupported';

/** What the player interface reads from and sends to. */
export interface MprisPlayerHost {
  /** The state the app published (the last one seen while detaching). */
  state(): SystemMediaTransportControlsState;
  /** The property values to show now. */
  properties(): MprisPlayerProperties;
  /** The projected playback position in milliseconds. */
  positionMs(): number;
  /**
   * Hands a request to the attached controls. Resolves whether an app listener got it; rejects
   * when delivery failed.
   */
  send(request: SystemMediaTransportControlsRequest): Promise<boolean>;
}

/** The rate bounds the player announces. */
export interface MprisRateBounds {
  readonly minimumRate: number;
  readonly maximumRate: number;
}

function invalidArgs(error: unknown): never {
  throw new dbus.DBusError(INVALID_ARGS, error instanceof Error ? error.message : String(error));
}

/**
 * `org.mpris.MediaPlayer2`, the root interface: it names the player and says it can neither be
 * raised nor quit from outside, and keeps no track list.
 */
export class MprisRootInterface extends Interface {
  readonly #identity: string;

  constructor(identity: string) {
    super('org.mpris.MediaPlayer2');
    this.#identity = identity;
  }

  get Identity(): string {
    return this.#identity;
  }
  get CanQuit(): boolean {
    return false;
  }
  get CanRaise(): boolean {
    return false;
  }
  get HasTrackList(): boolean {
    return false;
  }
  get SupportedUriSchemes(): string[] {
    return [];
  }
  get SupportedMimeTypes(): string[] {
    return [];
  }

  /** Does nothing: `CanRaise` is false. */
  Raise(): void {}

  /** Does nothing: `CanQuit` is false. */
  Quit(): void {}
}

MprisRootInterface.configureMembers({
  properties: {
    Identity: { signature: 's', access: 'read' },
    CanQuit: { signature: 'b', access: 'read' },
    CanRaise: { signature: 'b', access: 'read' },
    HasTrackList: { signature: 'b', access: 'read' },
    SupportedUriSchemes: { signature: 'as', access: 'read' },
    SupportedMimeTypes: { signature: 'as', access: 'read' },
  },
  methods: { Raise: {}, Quit: {} },
});

/**
 * `org.mpris.MediaPlayer2.Player`: shows what the app published through its host, and turns
 * method calls and property writes into requests to the app. Writes to `LoopStatus`, `Shuffle`
 * and `Rate` only ask: the property changes when the app publishes the new value.
 */
export class MprisPlayerInterface extends Interface {
  readonly #host: MprisPlayerHost;
  readonly #rates: MprisRateBounds;

  constructor(host: MprisPlayerHost, rates: MprisRateBounds) {
    super('org.mpris.MediaPlayer2.Player');
    this.#host = host;
    this.#rates = rates;
  }

  get PlaybackStatus(): MprisPlaybackStatus {
    return this.#host.properties().PlaybackStatus;
  }

  get LoopStatus(): MprisLoopStatus {
    return this.#host.properties().LoopStatus;
  }
  set LoopStatus(value: string) {
    this.#ask(() => loopStatusRequest(value));
  }

  get Rate(): number {
    return this.#host.properties().Rate;
  }
  set Rate(value: number) {
    this.#ask(() => rateRequest(value));
  }

  get Shuffle(): boolean {
    return this.#host.properties().Shuffle;
  }
  set Shuffle(value: boolean) {
    this.#ask(() => shuffleRequest(value));
  }

  get Metadata(): Record<string, Variant> {
    return metadataVariants(this.#host.properties().Metadata);
  }

  /** The controls carry no volume: always full, writes have no effect. */
  get Volume(): number {
    return 1;
  }
  set Volume(_value: number) {}

  get Position(): bigint {
    return BigInt(Math.round(this.#host.positionMs() * 1000));
  }

  get MinimumRate(): number {
    return this.#rates.minimumRate;
  }
  get MaximumRate(): number {
    return this.#rates.maximumRate;
  }

  get CanGoNext(): boolean {
    return this.#host.properties().CanGoNext;
  }
  get CanGoPrevious(): boolean {
    return this.#host.properties().CanGoPrevious;
  }
  get CanPlay(): boolean {
    return this.#host.properties().CanPlay;
  }
  get CanPause(): boolean {
    return this.#host.properties().CanPause;
  }
  get CanSeek(): boolean {
    return this.#host.properties().CanSeek;
  }
  get CanControl(): boolean {
    return this.#host.properties().CanControl;
  }

  Next(): Promise<void> {
    return this.#press('next');
  }
  Previous(): Promise<void> {
    return this.#press('previous');
  }
  Pause(): Promise<void> {
    return this.#press('pause');
  }
  PlayPause(): Promise<void> {
    return this.#press(playPauseButton(this.#host.state().playbackStatus));
  }
  Stop(): Promise<void> {
    return this.#press('stop');
  }
  Play(): Promise<void> {
    return this.#press('play');
  }

  Seek(offset: bigint): Promise<void> {
    const request = seekRequest(this.#host.state(), this.#host.positionMs(), Number(offset));
    return request ? this.#send(request) : Promise.resolve();
  }

  SetPosition(trackId: string, position: bigint): Promise<void> {
    const request = setPositionRequest(
      this.#host.state(),
      this.#host.properties().Metadata.trackId,
      trackId,
      Number(position),
    );
    return request ? this.#send(request) : Promise.resolve();
  }

  OpenUri(uri: string): void {
    throw new dbus.DBusError(NOT_SUPPORTED, `This player opens no URIs, got \`${uri}\``);
  }

  /** Emits `Seeked` with the new position in microseconds. */
  Seeked(position: bigint): bigint {
    return position;
  }

  #press(button: SystemMediaTransportControlsButton): Promise<void> {
    return this.#send({ type: 'buttonPressed', button });
  }

  async #send(request: SystemMediaTransportControlsRequest): Promise<void> {
    try {
      await this.#host.send(request);
    } catch (error) {
      throw new dbus.DBusError(
        FAILED,
        `The request did not reach the player: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  #ask(make: () => SystemMediaTransportControlsRequest): void {
    let request: SystemMediaTransportControlsRequest;
    try {
      request = make();
    } catch (error) {
      invalidArgs(error);
    }
    this.#host.send(request).catch(() => {
      // A property write has no reply to carry the failure; the property keeps its value.
    });
  }
}

MprisPlayerInterface.configureMembers({
  properties: {
    PlaybackStatus: { signature: 's', access: 'read' },
    LoopStatus: { signature: 's', access: 'readwrite' },
    Rate: { signature: 'd', access: 'readwrite' },
    Shuffle: { signature: 'b', access: 'readwrite' },
    Metadata: { signature: 'a{sv}', access: 'read' },
    Volume: { signature: 'd', access: 'readwrite' },
    Position: { signature: 'x', access: 'read' },
    MinimumRate: { signature: 'd', access: 'read' },
    MaximumRate: { signature: 'd', access: 'read' },
    CanGoNext: { signature: 'b', access: 'read' },
    CanGoPrevious: { signature: 'b', access: 'read' },
    CanPlay: { signature: 'b', access: 'read' },
    CanPause: { signature: 'b', access: 'read' },
    CanSeek: { signature: 'b', access: 'read' },
    CanControl: { signature: 'b', access: 'read' },
  },
  methods: {
    Next: {},
    Previous: {},
    Pause: {},
    PlayPause: {},
    Stop: {},
    Play: {},
    Seek: { inSignature: 'x' },
    SetPosition: { inSignature: 'ox' },
    OpenUri: { inSignature: 's' },
  },
  signals: { Seeked: { signature: 'x' } },
});
