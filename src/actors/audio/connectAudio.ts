import type {
  AudioEngine,
  AudioEngineEventMap,
  AudioEngineState,
  AudioTrack,
  AudioTrackEventMap,
} from '../../adapters/audio/types.js';
import { type Clock, systemClock } from '../../clock.js';
import { Emitter } from '../../emitter.js';
import { MediaError, type ProtocolError } from '../../errors.js';
import {
  AUDIO_BRIDGE_VERSION,
  type AudioReport,
  type AudioRequest,
  type AudioTrackOp,
  readAudioReport,
} from '../../protocol/audio.js';
import { type AudioPort, checkPort } from './port.js';

/** Options of {@link connectAudio}. */
export interface ConnectAudioOptions {
  /** The task's clock: a track's position is estimated on it between the page's reports. */
  clock?: Clock;
  /** Receives each bad message the page posted (default `console.error`). */
  onProtocolError?: (error: ProtocolError) => void;
}

/** The task side of an audio bridge: an {@link AudioEngine} whose sound is made on the page. */
export interface BridgedAudio extends AudioEngine {
  /** False once the page side is gone or {@link BridgedAudio.dispose} was called. */
  readonly connected: boolean;
  open(uri: string): Promise<AudioTrack>;
  preload(uri: string): void;
  /** Closes this client's tracks on the page and stops listening; pending opens reject. */
  dispose(): void;
}

interface Pending {
  uri: string;
  resolve: (track: BridgedTrack) => void;
  reject: (error: Error) => void;
}

type TrackState = { position: number; advancing: boolean; rate: number };

/**
 * Connects a task to a page's audio engine served with {@link serveAudio} across `port`, and
 * returns the task's `AudioAdapter`: `open`, `preload` and every track operation are posted to
 * the page, which makes the sound (and joins preloaded tracks gaplessly). A track's `position`
 * is estimated here from the page's last report — the reported position plus the time elapsed
 * on `clock` times the rate while it moves — and corrected on every report.
 *
 * Nothing hangs: when the page side stops serving (or {@link BridgedAudio.dispose} is called),
 * pending opens reject with a `MediaError` (`aborted`) and open tracks report `failed`. `state`
 * follows the page engine's (`'suspended'` while the page waits for a user gesture; its playing
 * tracks then report `bufferingStarted`), with `stateChanged` on every change.
 *
 * The port is the `port2` of a `MessageChannel` made on the page and transferred into the
 * task's worker (see {@link serveAudio}).
 *
 * @example
 * ```ts
 * import { connectAudio } from 'backbeat/audio/bridge';
 * self.onmessage = async ({ data }) => {
 *   const audio = connectAudio(data.audioPort, { clock: systemClock });
 *   audio.on('stateChanged', ({ state }) => console.log('page audio is', state));
 *   const track = await audio.open('/music/a.wav');
 *   audio.preload('/music/b.wav'); // b starts on the sample a ends, on the page
 *   track.play();
 * };
 * ```
 */
export function connectAudio(
  port: MessagePort | AudioPort,
  options: ConnectAudioOptions = {},
): BridgedAudio {
  return new AudioClient(checkPort(port, 'connectAudio'), options);
}

class AudioClient implements BridgedAudio {
  #port: AudioPort;
  #clock: Clock;
  #onProtocolError: (error: ProtocolError) => void;
  #events = new Emitter<AudioEngineEventMap>();
  #pending = new Map<number, Pending>();
  #tracks = new Map<number, BridgedTrack>();
  #nextId = 1;
  #state: AudioEngineState = 'running';
  #lost: string | null = null;
  #onMessage = (event: MessageEvent) => this.#receive(event.data);
  #onClose = () => this.#lose('the page side closed the audio port');

  constructor(port: AudioPort, options: ConnectAudioOptions) {
    this.#port = port;
    this.#clock = options.clock ?? systemClock;
    this.#onProtocolError = options.onProtocolError ?? ((error) => console.error(error));
    port.addEventListener('message', this.#onMessage);
    (port as { addEventListener(type: string, fn: () => void): void }).addEventListener(
      'close',
      this.#onClose,
    );
    port.start?.();
  }

  get state(): AudioEngineState {
    return this.#state;
  }
  get connected(): boolean {
    return this.#lost === null;
  }

  on<K extends keyof AudioEngineEventMap>(
    type: K,
    listener: (payload: AudioEngineEventMap[K]) => void,
  ): () => void {
    return this.#events.on(type, listener);
  }

  open(uri: string): Promise<AudioTrack> {
    const key = String(uri);
    if (this.#lost !== null) {
      return Promise.reject(new MediaError('aborted', `Cannot open \`${key}\`: ${this.#lost}`));
    }
    const id = this.#nextId++;
    return new Promise<AudioTrack>((resolve, reject) => {
      this.#pending.set(id, { uri: key, resolve, reject });
      this.#post({ v: AUDIO_BRIDGE_VERSION, kind: 'open', id, uri: key });
    });
  }

  preload(uri: string): void {
    this.#post({ v: AUDIO_BRIDGE_VERSION, kind: 'preload', uri: String(uri) });
  }

  dispose(): void {
    if (this.#lost !== null) return;
    this.#post({ v: AUDIO_BRIDGE_VERSION, kind: 'dispose' });
    this.#lose('the audio adapter was disposed', false);
  }

  /** @internal A track's operation, posted to the page. */
  send(track: number, action: AudioTrackOp): void {
    this.#post({ v: AUDIO_BRIDGE_VERSION, kind: 'track', track, action });
  }

  /** @internal A track was closed: nothing more is reported for it. */
  forget(track: number): void {
    this.#tracks.delete(track);
  }

  #post(request: AudioRequest): void {
    if (this.#lost !== null) return;
    try {
      this.#port.postMessage(request);
    } catch (error) {
      this.#lose(`posting to the page failed (${String(error)})`);
    }
  }

  #receive(data: unknown): void {
    if (this.#lost !== null) return;
    const read = readAudioReport(data);
    if (!read.ok) {
      this.#onProtocolError(read.error);
      // The answer to an open that cannot be read still settles that open.
      const id = (data as { id?: unknown } | null)?.id;
      const pending = typeof id === 'number' ? this.#pending.get(id) : undefined;
      if (pending) {
        this.#pending.delete(id as number);
        pending.reject(
          new MediaError(
            'unknown',
            `Cannot open \`${pending.uri}\`: the page answered with a bad message (${read.error.message})`,
            { cause: read.error },
          ),
        );
      }
      return;
    }
    this.#handle(read.message);
  }

  #handle(report: AudioReport): void {
    switch (report.kind) {
      case 'engine':
        if (report.state === this.#state) return;
        this.#state = report.state;
        this.#events.emit('stateChanged', { state: report.state });
        return;
      case 'opened': {
        const pending = this.#pending.get(report.id);
        if (!pending) return;
        this.#pending.delete(report.id);
        const track = new BridgedTrack(this, this.#clock, report.id, pending.uri, {
          duration: report.duration ?? Number.POSITIVE_INFINITY,
          canSeek: report.canSeek,
          position: report.position,
          advancing: report.advancing,
          rate: report.rate,
        });
        this.#tracks.set(report.id, track);
        pending.resolve(track);
        return;
      }
      case 'openFailed': {
        const pending = this.#pending.get(report.id);
        if (!pending) return;
        this.#pending.delete(report.id);
        pending.reject(new MediaError(report.error, report.message));
        return;
      }
      case 'position':
        this.#tracks.get(report.track)?.correct(report);
        return;
      case 'trackEvent':
        this.#tracks.get(report.track)?.report(report.event);
        return;
      case 'gone':
        this.#lose(`the page's audio engine is gone (${report.reason})`);
        return;
    }
  }

  #lose(reason: string, failTracks = true): void {
    if (this.#lost !== null) return;
    this.#lost = reason;
    this.#port.removeEventListener('message', this.#onMessage);
    port(this.#port).removeEventListener('close', this.#onClose);
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      pending.reject(new MediaError('aborted', `Cannot open \`${pending.uri}\`: ${reason}`));
    }
    const tracks = [...this.#tracks.values()];
    this.#tracks.clear();
    for (const track of tracks) {
      if (failTracks)
        track.report({
          name: 'failed',
          error: 'aborted',
          message: `Playing \`${track.uri}\` stopped: ${reason}`,
        });
      track.detach();
    }
    if (this.#state !== 'closed') {
      this.#state = 'closed';
      this.#events.emit('stateChanged', { state: 'closed' });
    }
  }
}

function port(p: AudioPort): { removeEventListener(type: string, fn: () => void): void } {
  return p as unknown as { removeEventListener(type: string, fn: () => void): void };
}

/**
 * A track the page plays. Its position is estimated on the task's clock from the page's last
 * report and corrected on every report; operations are posted to the page, and the estimate
 * follows them at once (a seek reads its target from the call on, a pause holds the position).
 */
class BridgedTrack implements AudioTrack {
  readonly uri: string;
  readonly duration: number;
  readonly canSeek: boolean;
  #client: AudioClient;
  #clock: Clock;
  #id: number;
  #events = new Emitter<AudioTrackEventMap>();
  #state: TrackState;
  #at: number;
  #closed = false;
  #failed = false;

  constructor(
    client: AudioClient,
    clock: Clock,
    id: number,
    uri: string,
    init: TrackState & { duration: number; canSeek: boolean },
  ) {
    this.#client = client;
    this.#clock = clock;
    this.#id = id;
    this.uri = uri;
    this.duration = init.duration;
    this.canSeek = init.canSeek;
    this.#state = { position: init.position, advancing: init.advancing, rate: init.rate };
    this.#at = clock.now();
  }

  get position(): number {
    const { position, advancing, rate } = this.#state;
    if (!advancing) return position;
    const elapsed = Math.max(0, this.#clock.now() - this.#at);
    return Math.min(this.duration, position + elapsed * rate);
  }

  play(): void {
    if (this.#closed || this.#failed) return;
    this.#client.send(this.#id, { op: 'play' });
  }

  pause(): void {
    if (this.#closed || this.#failed) return;
    this.#rebase({ advancing: false });
    this.#client.send(this.#id, { op: 'pause' });
  }

  seek(position: number): void {
    if (this.#closed || this.#failed || typeof position !== 'number' || Number.isNaN(position)) {
      return;
    }
    const target = Math.min(Math.max(0, position), this.duration);
    this.#rebase({ position: target });
    this.#client.send(this.#id, { op: 'seek', position: target });
  }

  setRate(rate: number): void {
    if (this.#closed || typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) return;
    this.#rebase({ rate });
    this.#client.send(this.#id, { op: 'setRate', rate });
  }

  setVolume(volume: number): void {
    if (this.#closed || typeof volume !== 'number' || !(volume >= 0 && volume <= 1)) return;
    this.#client.send(this.#id, { op: 'setVolume', volume });
  }

  setMuted(muted: boolean): void {
    if (this.#closed) return;
    this.#client.send(this.#id, { op: 'setMuted', muted: Boolean(muted) });
  }

  on<K extends keyof AudioTrackEventMap>(
    type: K,
    listener: (payload: AudioTrackEventMap[K]) => void,
  ): () => void {
    return this.#events.on(type, listener);
  }

  close(): void {
    if (this.#closed) return;
    this.#client.send(this.#id, { op: 'close' });
    this.detach();
  }

  /** @internal The page's report: the estimate starts again from it. */
  correct(state: TrackState): void {
    if (this.#closed) return;
    this.#state = { position: state.position, advancing: state.advancing, rate: state.rate };
    this.#at = this.#clock.now();
  }

  /** @internal An event of the page's track. */
  report(
    event:
      | { name: 'ended' | 'bufferingStarted' | 'bufferingEnded' }
      | { name: 'failed'; error: MediaError['error']; message: string },
  ): void {
    if (this.#closed || this.#failed) return;
    if (event.name === 'failed') {
      this.#failed = true;
      this.#rebase({ advancing: false });
      this.#events.emit('failed', { error: event.error, message: event.message });
      return;
    }
    this.#events.emit(event.name, undefined);
  }

  /** @internal Stops listening: later calls and reports do nothing. */
  detach(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#rebase({ advancing: false });
    this.#events.clear();
    this.#client.forget(this.#id);
  }

  #rebase(change: Partial<TrackState>): void {
    this.#state = { ...this.#state, position: this.position, ...change };
    this.#at = this.#clock.now();
  }
}
