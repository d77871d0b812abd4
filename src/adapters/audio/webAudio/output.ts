import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { AudioContext, OfflineAudioContext } from 'node-web-audio-api';

import type { AudioEngineState } from '../types.js';
import {
  DEFAULT_LOOKAHEAD,
  type Output,
  type OutputKind,
  type OutputOptions,
} from './outputTypes.js';

export type { Output, OutputKind, OutputOptions, WebAudioSink } from './outputTypes.js';
export { DEFAULT_LOOKAHEAD } from './outputTypes.js';

/** Node opens its output on the first `open` (an open context keeps the process alive). */
export const OPENS_EAGERLY = false;

/**
 * Opens an output. Offline: an `OfflineAudioContext` of `length` frames. Realtime: an
 * `AudioContext` on the default device, or — for `sink: 'none'`, or `'auto'` when no device is
 * there — on the null sink `{ sinkId: { type: 'none' } }`. The `'auto'` fallback reports one
 * line through `onNotice` (default `console.warn`). When the machine plainly has no sound
 * device (Linux without ALSA cards nor a PulseAudio/PipeWire socket) the device is not even
 * tried, which spares the native libraries' own error spew.
 */
export function openOutput(options: OutputOptions): Output {
  if (options.mode === 'offline') {
    const context = new OfflineAudioContext({
      numberOfChannels: options.numberOfChannels ?? 2,
      length: options.length,
      sampleRate: options.sampleRate,
    });
    return wrap('offline', context, 0);
  }
  const sink = options.sink ?? 'auto';
  const base: AudioContextOptions = {};
  if (options.sampleRate !== undefined) base.sampleRate = options.sampleRate;
  if (options.latencyHint !== undefined) base.latencyHint = options.latencyHint;
  const lookahead = options.lookahead ?? DEFAULT_LOOKAHEAD;
  const nullSink = () =>
    new AudioContext({ ...base, sinkId: { type: 'none' } } as AudioContextOptions);
  if (sink === 'none') return wrap('null', nullSink(), lookahead);
  if (sink === 'device') return wrap('device', new AudioContext(base), lookahead);
  const notice = options.onNotice ?? ((message: string) => console.warn(message));
  if (!likelyHasAudioDevice()) {
    notice(
      'backbeat: no audio output device found; playing to a silent null sink (the audio clock still runs)',
    );
    return wrap('null', nullSink(), lookahead);
  }
  try {
    return wrap('device', new AudioContext(base), lookahead);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    notice(
      `backbeat: the default audio device failed (${why}); playing to a silent null sink (the audio clock still runs)`,
    );
    return wrap('null', nullSink(), lookahead);
  }
}

/**
 * In Node the output never waits for a gesture: it reads `running` until it is closed. (An
 * offline context reads `suspended` until it renders; that is no block.)
 */
function wrap(kind: OutputKind, context: BaseAudioContext, lookahead: number): Output {
  let closing: Promise<void> | null = null;
  const destination = context.createGain();
  destination.connect(context.destination);
  const listeners = new Set<(state: AudioEngineState) => void>();
  let closed = false;
  return {
    kind,
    context,
    destination,
    lookahead,
    element: null,
    get state(): AudioEngineState {
      return closed ? 'closed' : 'running';
    },
    onStateChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    resume() {
      if (context instanceof AudioContext && context.state === 'suspended') {
        context.resume().catch(() => {});
      }
    },
    close() {
      if (!closed) {
        closed = true;
        for (const listener of [...listeners]) listener('closed');
      }
      if (!closing) {
        closing =
          context instanceof AudioContext && context.state !== 'closed'
            ? context.close().catch(() => {})
            : Promise.resolve();
      }
      return closing;
    },
  };
}

/**
 * False only when the machine plainly has no sound output: on Linux, no ALSA card (neither
 * `/proc/asound/cards` entries nor `/dev/snd`) and no PulseAudio or PipeWire socket. Everywhere
 * else it answers true and the device is tried.
 *
 * @example
 * ```ts
 * if (!likelyHasAudioDevice()) console.log('sound goes nowhere here');
 * ```
 */
export function likelyHasAudioDevice(): boolean {
  if (process.platform !== 'linux') return true;
  if (process.env.PULSE_SERVER || process.env.PIPEWIRE_REMOTE || process.env.JACK_DEFAULT_SERVER) {
    return true;
  }
  try {
    const cards = readFileSync('/proc/asound/cards', 'utf8');
    if (!/no soundcards/i.test(cards) && cards.trim() !== '') return true;
  } catch {}
  try {
    if (readdirSync('/dev/snd').some((name) => name.startsWith('pcm'))) return true;
  } catch {}
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const runtime = process.env.XDG_RUNTIME_DIR || `/run/user/${uid}`;
  const sockets = [`${runtime}/pulse/native`, `${runtime}/pipewire-0`, '/run/pulse/native'];
  return sockets.some((path) => existsSync(path));
}
