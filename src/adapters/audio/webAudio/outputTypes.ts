import type { AudioEngineState } from '../types.js';

/**
 * Where realtime output goes: `'auto'` tries the default device and falls back to the null sink
 * with one notice; `'device'` insists on the default device; `'none'` uses the null sink (no
 * sound, the audio clock still runs in real time).
 */
export type WebAudioSink = 'auto' | 'device' | 'none';

/** What an {@link Output} renders to (`'mediaElement'`: a page's `<audio>` element). */
export type OutputKind = 'device' | 'null' | 'offline' | 'mediaElement';

/**
 * Where a page's realtime output goes: `'destination'` is the context's own destination;
 * `'mediaElement'` is a `MediaStreamAudioDestinationNode` played by an `<audio>` element, which
 * is what makes Chrome show its media controls (Media Session) for Web Audio output.
 */
export type WebAudioRoute = 'destination' | 'mediaElement';

/** Options of `openOutput`. */
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
      /** Browser only: see {@link WebAudioRoute}. */
      route?: WebAudioRoute;
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
  /** The node every track plays into (a gain of 1 in front of the real destination). */
  readonly destination: AudioNode;
  /** Seconds added to `currentTime` when starting sources, so a start is never late. */
  readonly lookahead: number;
  /** `'suspended'` while output is blocked (a page waiting for a user gesture). */
  readonly state: AudioEngineState;
  /** The `<audio>` element the output plays through (route `'mediaElement'`), else `null`. */
  readonly element: HTMLAudioElement | null;
  /** Calls `listener` whenever {@link Output.state} changes; returns a function that removes it. */
  onStateChange(listener: (state: AudioEngineState) => void): () => void;
  /** Resumes a suspended realtime context (no-op otherwise). */
  resume(): void;
  close(): Promise<void>;
}

/** Default realtime lookahead: a few render quanta, so a start lands on its scheduled sample. */
export const DEFAULT_LOOKAHEAD = 0.03;
