import { Emitter, type Listener } from '../../emitter.js';
import { InvalidOperationError } from '../../errors.js';
import {
  type DeliveryOutcome,
  type MediaPlaybackAutoRepeatMode,
  parseControlsRequest,
  type SoundLevel,
  type SystemMediaTransportControlsButton,
  type SystemMediaTransportControlsRequest,
  type SystemMediaTransportControlsState,
} from '../../protocol/controls.js';
import type { ControlsAdapter, ControlsOutcome, ControlsTarget } from './types.js';

/** One request sent by virtual controls and what became of it. */
export interface VirtualControlsRecord {
  readonly request: SystemMediaTransportControlsRequest;
  readonly outcome: ControlsOutcome;
}

/** Events of {@link VirtualControls}. */
export type VirtualControlsEvents = {
  /** The mirrored state changed; `null` after detach. */
  stateChanged: SystemMediaTransportControlsState | null;
  /** A request was answered (`outcome` is final). */
  request: VirtualControlsRecord;
};

/**
 * Scripted system controls for tests: a Bluetooth headset, a remote or a media-key panel that
 * presses buttons and asks for changes, and shows what the app published.
 */
export interface VirtualControls extends ControlsAdapter {
  /** Every request sent, oldest first, with its outcome (the last {@link HISTORY_KEPT}). */
  readonly history: readonly VirtualControlsRecord[];
  /** How many requests did not reach an app listener (ignored, unhandled, no target, failed). */
  readonly unhandledCount: number;
  /** Reports a new system sound level; the app sees `propertyChanged`. */
  setSoundLevel(level: SoundLevel): Promise<boolean>;
  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof VirtualControlsEvents>(
    type: K,
    listener: Listener<VirtualControlsEvents[K]>,
  ): () => void;
}

/** How many records `history` keeps (the oldest are dropped first). */
export const HISTORY_KEPT = 1000;

function isThenable(value: unknown): value is PromiseLike<DeliveryOutcome> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Creates virtual system controls. Attach them to a `SystemMediaTransportControls` (or a replica
 * of one); `state` then mirrors what the app publishes, and `press('next')` reaches the app's
 * `buttonPressed` listener.
 *
 * A request is never kept for later: with nothing attached it resolves to `false` and is recorded
 * with outcome `noTarget`. Against an in-process target the app listener runs synchronously,
 * before `press` returns. Arguments are checked synchronously: a bad button or value throws a
 * TypeError.
 *
 * @example
 * ```ts
 * const controls = createVirtualControls();
 * controls.attach(smtc);
 * await controls.press('next');             // true when a buttonPressed listener got it
 * controls.state?.display.musicProperties;  // what the app published with update()
 * controls.detach();
 * await controls.press('play');             // false: recorded as 'noTarget'
 * ```
 */
export function createVirtualControls(): VirtualControls {
  const events = new Emitter<VirtualControlsEvents>();
  const history: VirtualControlsRecord[] = [];
  let unhandledCount = 0;
  let target: ControlsTarget | null = null;
  let state: SystemMediaTransportControlsState | null = null;
  let unsubscribe: (() => void) | null = null;

  function record(request: SystemMediaTransportControlsRequest, outcome: ControlsOutcome): boolean {
    const entry: VirtualControlsRecord = Object.freeze({ request, outcome });
    if (history.length >= HISTORY_KEPT) history.shift();
    history.push(entry);
    if (outcome !== 'delivered') unhandledCount++;
    events.emit('request', entry);
    return outcome === 'delivered';
  }

  function send(raw: SystemMediaTransportControlsRequest): Promise<boolean> {
    const request = parseControlsRequest(raw);
    if (!target) return Promise.resolve(record(request, 'noTarget'));
    let result: DeliveryOutcome | PromiseLike<DeliveryOutcome>;
    try {
      result = target.deliver(request);
    } catch (error) {
      record(request, 'failed');
      return Promise.reject(error);
    }
    if (!isThenable(result)) return Promise.resolve(record(request, result));
    return Promise.resolve(result).then(
      (outcome) => record(request, outcome),
      (error: unknown) => {
        record(request, 'failed');
        throw error;
      },
    );
  }

  function setState(next: SystemMediaTransportControlsState | null): void {
    state = next;
    events.emit('stateChanged', next);
  }

  const controls: VirtualControls = {
    attach(next) {
      if (target === next) return;
      if (target) {
        throw new InvalidOperationError(
          'Virtual controls are already attached to other controls; call detach() first',
        );
      }
      target = next;
      unsubscribe = next.on('stateChanged', setState);
      setState(next.getState());
    },
    detach() {
      if (!target) return;
      unsubscribe?.();
      unsubscribe = null;
      target = null;
      setState(null);
    },
    get attached() {
      return target !== null;
    },
    get state() {
      return state;
    },
    get history() {
      return history;
    },
    get unhandledCount() {
      return unhandledCount;
    },
    press(button: SystemMediaTransportControlsButton) {
      return send({ type: 'buttonPressed', button });
    },
    requestPosition(position: number) {
      return send({ type: 'playbackPositionChangeRequested', requestedPlaybackPosition: position });
    },
    requestRate(rate: number) {
      return send({ type: 'playbackRateChangeRequested', requestedPlaybackRate: rate });
    },
    requestShuffle(enabled: boolean) {
      return send({ type: 'shuffleEnabledChangeRequested', requestedShuffleEnabled: enabled });
    },
    requestRepeat(mode: MediaPlaybackAutoRepeatMode) {
      return send({ type: 'autoRepeatModeChangeRequested', requestedAutoRepeatMode: mode });
    },
    setSoundLevel(level: SoundLevel) {
      return send({ type: 'soundLevelChanged', soundLevel: level });
    },
    on(type, listener) {
      return events.on(type, listener);
    },
  };
  return controls;
}
