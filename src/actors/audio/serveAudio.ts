import type { AudioAdapter, AudioEngine, AudioTrack } from '../../adapters/audio/types.js';
import { type Clock, systemClock } from '../../clock.js';
import type { ProtocolError } from '../../errors.js';
import {
  AUDIO_BRIDGE_VERSION,
  type AudioReport,
  type AudioRequest,
  type AudioTrackOp,
  readAudioRequest,
} from '../../protocol/audio.js';
import { mediaPlayerErrorKinds } from '../../protocol/player.js';
import { type AudioPort, checkPort } from './port.js';

/** Options of {@link serveAudio}. */
export interface ServeAudioOptions {
  /** Milliseconds between position reports of a playing track (default 250). */
  reportEveryMs?: number;
  /** The clock the reports run on (default the system clock). */
  clock?: Clock;
  /** Receives each bad message the task side posted (default `console.error`). */
  onProtocolError?: (error: ProtocolError) => void;
}

/** The page side of an audio bridge. */
export interface AudioServer {
  /**
   * Stops serving: the task side is told (`gone`), so its pending opens reject and its tracks
   * report `failed`; the tracks opened for it are closed. The engine itself is left alone.
   */
  close(reason?: string): void;
}

interface Served {
  track: AudioTrack;
  playing: boolean;
  stalled: boolean;
  rate: number;
  off: Array<() => void>;
}

/**
 * Serves a page's audio engine (`createWebAudio()` from `backbeat/audio/webAudio`,
 * `createHtmlMediaAudio()` from `backbeat/audio/htmlMedia`, or any `AudioAdapter`) to a task
 * across `port`: the task opens, preloads and drives tracks through {@link connectAudio}; the
 * page answers and reports each track's position on every change and every `reportEveryMs`
 * while it plays, its events, and the engine's state (`running`/`suspended`/`closed`) on start
 * and on every change. Gapless joins happen here, on the page: a `preload` from the task
 * reaches the engine's `preload`.
 *
 * The port comes from a `MessageChannel` made on the page: keep `port1` here and transfer
 * `port2` into the task's worker, where `connectAudio(port2)` is the task's `AudioAdapter`.
 *
 * @example
 * ```ts
 * import { serveAudio } from 'backbeat/audio/bridge';
 * import { createWebAudio } from 'backbeat/audio/webAudio';
 * const channel = new MessageChannel();
 * const server = serveAudio(createWebAudio(), channel.port1);
 * worker.postMessage({ audioPort: channel.port2 }, [channel.port2]);
 * // later: server.close();
 * ```
 */
export function serveAudio(
  adapter: AudioAdapter,
  port: MessagePort | AudioPort,
  options: ServeAudioOptions = {},
): AudioServer {
  if (!adapter || typeof adapter.open !== 'function') {
    throw new TypeError(
      `serveAudio needs an audio adapter with open(), got \`${String(adapter)}\``,
    );
  }
  const channel = checkPort(port, 'serveAudio');
  const every = options.reportEveryMs ?? 250;
  if (!(Number.isFinite(every) && every > 0)) {
    throw new TypeError(`reportEveryMs must be a positive number, got \`${String(every)}\``);
  }
  const clock = options.clock ?? systemClock;
  const onProtocolError = options.onProtocolError ?? ((error) => console.error(error));
  const tracks = new Map<number, Served>();
  let closed = false;
  let timer: unknown = null;

  const post = (report: AudioReport) => {
    if (!closed) channel.postMessage(report);
  };
  const stateOf = (served: Served) => {
    const position = served.track.position;
    return {
      position: Number.isFinite(position) && position >= 0 ? position : 0,
      advancing: served.playing && !served.stalled,
      rate: served.rate,
    };
  };
  const report = (id: number, served: Served) => {
    post({ v: AUDIO_BRIDGE_VERSION, kind: 'position', track: id, ...stateOf(served) });
  };
  const tick = () => {
    timer = null;
    if (closed) return;
    for (const [id, served] of tracks) if (served.playing) report(id, served);
    schedule();
  };
  const schedule = () => {
    if (closed || timer !== null) return;
    if ([...tracks.values()].some((s) => s.playing)) timer = clock.setTimeout(tick, every);
  };

  const forget = (id: number) => {
    const served = tracks.get(id);
    if (!served) return;
    tracks.delete(id);
    for (const off of served.off) off();
    served.track.close();
  };

  const adopt = (id: number, track: AudioTrack) => {
    const served: Served = { track, playing: false, stalled: false, rate: 1, off: [] };
    const event = (name: 'ended' | 'bufferingStarted' | 'bufferingEnded') => () => {
      if (name === 'ended') served.playing = false;
      if (name === 'bufferingStarted') served.stalled = true;
      if (name === 'bufferingEnded') served.stalled = false;
      report(id, served);
      post({ v: AUDIO_BRIDGE_VERSION, kind: 'trackEvent', track: id, event: { name } });
    };
    served.off.push(
      track.on('ended', event('ended')),
      track.on('bufferingStarted', event('bufferingStarted')),
      track.on('bufferingEnded', event('bufferingEnded')),
      track.on('failed', ({ error, message }) => {
        served.playing = false;
        report(id, served);
        post({
          v: AUDIO_BRIDGE_VERSION,
          kind: 'trackEvent',
          track: id,
          event: { name: 'failed', error, message },
        });
      }),
    );
    // A preloaded successor may already be sounding when the task opens it.
    const already = (track as { playing?: unknown }).playing === true;
    served.playing = already;
    served.stalled = (track as { stalled?: unknown }).stalled === true;
    tracks.set(id, served);
    return served;
  };

  const open = (id: number, uri: string) => {
    let opening: Promise<AudioTrack>;
    try {
      opening = Promise.resolve(adapter.open(uri));
    } catch (error) {
      opening = Promise.reject(error);
    }
    opening.then(
      (track) => {
        if (closed) {
          track.close();
          return;
        }
        const served = adopt(id, track);
        const duration = track.duration;
        post({
          v: AUDIO_BRIDGE_VERSION,
          kind: 'opened',
          id,
          duration: Number.isFinite(duration) && duration >= 0 ? duration : null,
          canSeek: Boolean(track.canSeek),
          ...stateOf(served),
        });
        schedule();
      },
      (error: unknown) => {
        const kind = (error as { error?: unknown })?.error;
        post({
          v: AUDIO_BRIDGE_VERSION,
          kind: 'openFailed',
          id,
          error: mediaPlayerErrorKinds.includes(kind as never)
            ? (kind as (typeof mediaPlayerErrorKinds)[number])
            : 'unknown',
          message:
            error instanceof Error ? error.message : `Cannot open \`${uri}\`: ${String(error)}`,
        });
      },
    );
  };

  const operate = (id: number, action: AudioTrackOp) => {
    const served = tracks.get(id);
    if (!served) return;
    const { track } = served;
    switch (action.op) {
      case 'play':
        served.playing = true;
        track.play();
        break;
      case 'pause':
        served.playing = false;
        served.stalled = false;
        track.pause();
        break;
      case 'close':
        forget(id);
        return;
      case 'seek':
        track.seek(action.position);
        break;
      case 'setRate':
        served.rate = action.rate;
        track.setRate(action.rate);
        break;
      case 'setVolume':
        track.setVolume(action.volume);
        break;
      case 'setMuted':
        track.setMuted(action.muted);
        break;
    }
    report(id, served);
    schedule();
  };

  const handle = (request: AudioRequest) => {
    switch (request.kind) {
      case 'open':
        open(request.id, request.uri);
        break;
      case 'preload':
        adapter.preload?.(request.uri);
        break;
      case 'track':
        operate(request.track, request.action);
        break;
      case 'dispose':
        for (const id of [...tracks.keys()]) forget(id);
        break;
    }
  };

  const onMessage = (event: MessageEvent) => {
    if (closed) return;
    const read = readAudioRequest(event.data);
    if (read.ok) {
      handle(read.message);
      return;
    }
    onProtocolError(read.error);
    // An open that cannot be read is still answered, so the task's promise does not hang.
    const data = event.data as { kind?: unknown; id?: unknown } | null;
    if (data?.kind === 'open' && Number.isInteger(data.id) && (data.id as number) > 0) {
      post({
        v: AUDIO_BRIDGE_VERSION,
        kind: 'openFailed',
        id: data.id as number,
        error: 'unknown',
        message: read.error.message,
      });
    }
  };

  channel.addEventListener('message', onMessage);
  channel.start?.();

  const engine = adapter as Partial<AudioEngine>;
  let offEngine: (() => void) | null = null;
  if (typeof engine.state === 'string' && typeof engine.on === 'function') {
    post({ v: AUDIO_BRIDGE_VERSION, kind: 'engine', state: engine.state });
    offEngine = engine.on('stateChanged', ({ state }) => {
      post({ v: AUDIO_BRIDGE_VERSION, kind: 'engine', state });
    });
  }

  return {
    close(reason = 'the page stopped serving audio') {
      if (closed) return;
      post({ v: AUDIO_BRIDGE_VERSION, kind: 'gone', reason: String(reason) });
      closed = true;
      if (timer !== null) clock.clearTimeout(timer);
      offEngine?.();
      channel.removeEventListener('message', onMessage);
      for (const id of [...tracks.keys()]) forget(id);
      channel.close?.();
    },
  };
}
