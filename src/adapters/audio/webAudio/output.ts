import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { AudioContext, OfflineAudioContext } from 'node-web-audio-api';

/**
 * Where realtime output goes: `'auto'` tries the default device and falls back to the null sink
 * with one notice; `'device'` insists on the default device; `'none'` uses the null sink (no
 * sound, the audio clock still runs in real time).
 */
export type WebAudioSink = 'auto' | 'device' | 'none';

/** What an {@link Output} renders to. */
export type OutputKind = 'device' | 'null' | 'offline';

/** Options of {@link openOutput}. */
export type OutputOptions =
  | {
      mode: 'realtime';
      sink?: WebAudioSink;
      sampleRate?: number;
      latencyHint?: 'interactive' | 'balanced' | 'playback' | number;
      /** Seconds between a play/seek/rate call and the sample it takes effect on. */
      lookahead?: number;
      /** Receives the one-line notice when `'auto'` falls back to the null sink. */
      onNotice?: (message: string) => void;
    }
  | {
      mode: 'offline';
      sampleRate: number;
      /** Frames to render. */
      length: number;
      numberOfChannels?: number;
    };

/** An audio context plus the facts the tracks need about it. */
export interface Output {
  readonly kind: OutputKind;
  readonly context: BaseAudioContext;
  /** Seconds added to `currentTime` when starting sources, so a start is never late. */
  readonly lookahead: number;
  /** Resumes a suspended realtime context (no-op otherwise). */
  resume(): void;
  close(): Promise<void>;
}

/** Default realtime lookahead: a few render quanta, so a start lands on its scheduled sample. */
export const DEFAULT_LOOKAHEAD = 0.03;

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

function wrap(kind: OutputKind, context: BaseAudioContext, lookahead: number): Output {
  let closing: Promise<void> | null = null;
  return {
    kind,
    context,
    lookahead,
    resume() {
      if (context instanceof AudioContext && context.state === 'suspended') {
        context.resume().catch(() => {});
      }
    },
    close() {
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
