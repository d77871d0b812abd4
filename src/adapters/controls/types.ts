import type {
  DeliveryOutcome,
  MediaPlaybackAutoRepeatMode,
  SystemMediaTransportControlsButton,
  SystemMediaTransportControlsRequest,
  SystemMediaTransportControlsState,
} from '../../protocol/controls.js';

/**
 * What a controls adapter attaches to: a `SystemMediaTransportControls`, or a replica of one
 * kept in step across a boundary (then `deliver` may answer with a promise).
 */
export interface ControlsTarget {
  /** The state the app has published. */
  getState(): SystemMediaTransportControlsState;
  /** Calls `listener` with the new state whenever the published state changes. */
  on(
    type: 'stateChanged',
    listener: (state: SystemMediaTransportControlsState) => void,
  ): () => void;
  /** Hands a request from outside the app to the controls. */
  deliver(
    request: SystemMediaTransportControlsRequest,
  ): DeliveryOutcome | PromiseLike<DeliveryOutcome>;
}

/**
 * What became of a request sent by an adapter: a {@link DeliveryOutcome}, `noTarget` when no
 * controls were attached, or `failed` when delivery threw (for example, the task was gone).
 */
export type ControlsOutcome = DeliveryOutcome | 'noTarget' | 'failed';

/**
 * A controls adapter connects the system media transport controls of one background task to
 * the outside: it mirrors the published state (to a virtual panel, the browser Media Session,
 * MPRIS on D-Bus) and turns outside input into requests.
 *
 * Request methods resolve to `true` only when the request reached an app listener. A request
 * made while nothing is attached is never kept for later: it resolves to `false` and counts as
 * unhandled.
 */
export interface ControlsAdapter {
  /** Mirrors `target` from now on. Attaching while another target is attached throws. */
  attach(target: ControlsTarget): void;
  /** Stops mirroring; `state` becomes `null`. Does nothing when nothing is attached. */
  detach(): void;
  /** Whether a target is attached. */
  readonly attached: boolean;
  /** The mirrored state, or `null` while nothing is attached. */
  readonly state: SystemMediaTransportControlsState | null;
  /** A button press (a headset, a remote, a media key). */
  press(button: SystemMediaTransportControlsButton): Promise<boolean>;
  /** A request to seek to `position` milliseconds. */
  requestPosition(position: number): Promise<boolean>;
  /** A request to change the playback rate. */
  requestRate(rate: number): Promise<boolean>;
  /** A request to turn shuffle on or off. */
  requestShuffle(enabled: boolean): Promise<boolean>;
  /** A request to change the repeat mode. */
  requestRepeat(mode: MediaPlaybackAutoRepeatMode): Promise<boolean>;
}
