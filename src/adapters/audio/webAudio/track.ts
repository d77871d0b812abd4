import { Emitter } from '../../../emitter.js';
import type { MediaPlayerErrorKind } from '../../../errors.js';
import type { AudioTrack, AudioTrackEventMap } from '../types.js';
import type { Output } from './outputTypes.js';

/** A stretch of playback: `source` plays the buffer from `offset` seconds, starting at `when`. */
interface Span {
  when: number;
  offset: number;
  rate: number;
  source: AudioBufferSourceNode;
  /** Started by a seek: the position reads `offset` at once, even before `when`. */
  seek: boolean;
}

/** What a track tells the adapter that made it. */
export interface TrackHost {
  /** The track was closed (once). */
  closed(track: WebAudioTrack): void;
}

/**
 * One decoded source on a Web Audio context: an `AudioBufferSourceNode` per stretch of playback
 * into the track's own `GainNode` (volume and mute). Position is read from the audio clock
 * (`context.currentTime`) and accounts for the playback rate.
 *
 * Tracks can be chained: a successor is started with `start(endOfThisTrack)`, so it begins on
 * the exact sample this one ends (at a steady rate). Pausing, seeking, changing the rate or
 * closing this track re-plans or cancels a successor that has not started yet. A successor that
 * nobody opened yet (unclaimed) follows this track's volume, mute and rate, and keeps an `ended`
 * that happened before it was claimed to report it then.
 *
 * Starts, seeks and rate changes take effect `output.lookahead` seconds ahead (default 30 ms in
 * realtime, 0 offline) so the first sample lands where it was planned; a seek or rate change
 * hands over from the old source to the new one on the same sample.
 * `position` reads a seek's target from the call on (so `seekCompleted` and any snapshot
 * taken with it show the new position), and moves on from there once it sounds.
 *
 * Tracks are made by the adapter (`createWebAudio(...).open(uri)`), not constructed directly.
 *
 * @example
 * ```ts
 * const track = await audio.open('file:///music/a.flac');
 * track.setVolume(0.8);
 * track.play();
 * track.seek(30_000);          // continues from 30 s on the next sample after the lookahead
 * console.log(track.position); // ms, from context.currentTime
 * ```
 */
export class WebAudioTrack implements AudioTrack {
  readonly uri: string;
  /** Duration in ms. */
  readonly duration: number;
  readonly canSeek = true;
  /** Sample rate of the decoded media. */
  readonly sampleRate: number;
  /** Length of the decoded media in sample frames. */
  readonly frames: number;
  #out: Output;
  #host: TrackHost;
  #buffer: AudioBuffer;
  #gain: GainNode;
  #seconds: number;
  #events = new Emitter<AudioTrackEventMap>();
  #spans: Span[] = [];
  #offset = 0;
  #rate = 1;
  #volume = 1;
  #muted = false;
  #playing = false;
  #ended = false;
  #closed = false;
  #failed = false;
  #claimed: boolean;
  #endedUnclaimed = false;
  /** The predecessor ended while this track was scheduled after it: this one is sounding. */
  #followsEnded = false;
  #next: WebAudioTrack | null = null;
  #before: WebAudioTrack | null = null;
  /** Playing while the output is blocked: `bufferingStarted` was reported. */
  #stalled = false;

  constructor(uri: string, buffer: AudioBuffer, out: Output, host: TrackHost, claimed: boolean) {
    this.uri = uri;
    this.#buffer = buffer;
    this.#out = out;
    this.#host = host;
    this.#claimed = claimed;
    this.sampleRate = buffer.sampleRate;
    this.frames = buffer.length;
    this.#seconds = buffer.length / buffer.sampleRate;
    this.duration = this.#seconds * 1000;
    this.#gain = out.context.createGain();
    this.#gain.connect(out.destination);
  }

  /** Current position in ms, from the audio clock. */
  get position(): number {
    return this.#positionAt(this.#out.context.currentTime) * 1000;
  }
  /** True from `play()` (or from being scheduled as a successor) until pause, end or close. */
  get playing(): boolean {
    return this.#playing;
  }
  get closed(): boolean {
    return this.#closed;
  }
  /** Opened by the player (a preloaded successor is unclaimed until then). */
  get claimed(): boolean {
    return this.#claimed;
  }
  /** Context time (s) at which the current stretch starts, or `null` when not playing. */
  get startTime(): number | null {
    return this.#spans[0]?.when ?? null;
  }
  /** Context time (s) at which playback reaches the end at the current rate, or `null`. */
  get endTime(): number | null {
    const last = this.#spans.at(-1);
    return last ? last.when + (this.#seconds - last.offset) / last.rate : null;
  }
  /** Playing, but the output is blocked (waiting for a user gesture): the position holds. */
  get stalled(): boolean {
    return this.#stalled;
  }
  /** The successor chained after this track, if any. */
  get next(): WebAudioTrack | null {
    return this.#next;
  }

  play(): void {
    if (this.#closed || this.#failed || this.#playing) return;
    this.#out.resume();
    this.#playing = true;
    this.#ended = false;
    this.#runFrom(this.#out.context.currentTime + this.#out.lookahead, this.#offset);
    if (this.#out.state === 'suspended') {
      queueMicrotask(() => this.outputBlocked(this.#out.state === 'suspended'));
    }
  }

  pause(): void {
    // Pausing ends a buffering episode (the player's statechart says so): no `bufferingEnded`.
    this.#stalled = false;
    if (!this.#playing) return;
    this.#offset = this.#positionAt(this.#out.context.currentTime);
    this.#stopSources();
    this.#playing = false;
    this.#unscheduleNext();
  }

  seek(position: number): void {
    if (this.#closed || this.#failed || typeof position !== 'number' || Number.isNaN(position)) {
      return;
    }
    const target = Math.min(Math.max(0, position / 1000), this.#seconds);
    this.#ended = false;
    if (!this.#playing) {
      this.#offset = target;
      return;
    }
    this.#restart(target, undefined, true);
  }

  setRate(rate: number): void {
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) return;
    const next = this.#unclaimedNext();
    if (next && next.#rate !== rate) next.#rate = rate;
    if (rate === this.#rate) return;
    if (!this.#playing || this.#spans.length === 0) {
      this.#rate = rate;
      return;
    }
    const at = this.#out.context.currentTime + this.#out.lookahead;
    const position = this.#positionAt(at);
    this.#rate = rate;
    this.#restart(position, at);
  }

  setVolume(volume: number): void {
    if (typeof volume !== 'number' || !(volume >= 0 && volume <= 1)) return;
    this.#volume = volume;
    this.#applyGain();
    this.#unclaimedNext()?.setVolume(volume);
  }

  setMuted(muted: boolean): void {
    this.#muted = Boolean(muted);
    this.#applyGain();
    this.#unclaimedNext()?.setMuted(this.#muted);
  }

  on<K extends keyof AudioTrackEventMap>(
    type: K,
    listener: (payload: AudioTrackEventMap[K]) => void,
  ): () => void {
    return this.#events.on(type, listener);
  }

  close(): void {
    if (this.#closed) return;
    this.#stopSources();
    this.#playing = false;
    this.#unscheduleNext();
    this.#closed = true;
    if (this.#next) this.#next.#before = null;
    this.#next = null;
    if (this.#before) this.#before.#next = null;
    this.#before = null;
    this.#gain.disconnect();
    this.#events.clear();
    this.#host.closed(this);
  }

  /**
   * Chains `next` after this track: it starts on the sample this one ends, now if this track is
   * playing, else when it plays. A different successor chained before is unscheduled and
   * unlinked. Returns false (nothing linked) when this track is closed or already ended.
   */
  link(next: WebAudioTrack): boolean {
    if (this.#closed || this.#ended || next.#closed || next === this) return false;
    if (this.#next === next) return true;
    if (this.#next) {
      this.#unscheduleNext();
      this.#next.#before = null;
    }
    const previous = next.#before;
    if (previous) previous.#unlink();
    this.#next = next;
    next.#before = this;
    this.#scheduleNext();
    return true;
  }

  /**
   * Marks the track as opened by the player. A successor whose start is still ahead (its
   * predecessor still playing) is taken off the schedule and unlinked: it was opened early, so
   * it plays when told to. One already sounding keeps playing; if it already ended, `ended` is
   * reported on the next macrotask.
   */
  claim(): void {
    if (this.#claimed) return;
    this.#claimed = true;
    const before = this.#before;
    if (before) {
      if (!this.#started()) this.#cancel();
      before.#next = null;
      this.#before = null;
    }
    if (this.#playing && this.#out.state === 'suspended') {
      queueMicrotask(() => this.outputBlocked(this.#out.state === 'suspended'));
    }
    if (this.#endedUnclaimed) {
      this.#endedUnclaimed = false;
      setTimeout(() => {
        if (!this.#closed) this.#events.emit('ended', undefined);
      }, 0);
    }
  }

  /**
   * An offline render reached context time `time` (s): if this track's last stretch ends by
   * then and its `ended` has not come, the track ends now.
   */
  renderedTo(time: number): void {
    const last = this.#spans.at(-1);
    const end = this.endTime;
    if (this.#closed || this.#failed || !this.#playing || !last || end === null) return;
    if (end > time + 1 / this.sampleRate) return;
    this.#sourceEnded(last.source);
  }

  /**
   * The output became blocked (a page waiting for a user gesture) or unblocked: a playing track
   * the player opened reports `bufferingStarted`, then `bufferingEnded` once sound flows again.
   */
  outputBlocked(blocked: boolean): void {
    if (this.#closed || this.#failed) return;
    if (blocked && this.#playing && this.#claimed && !this.#stalled) {
      this.#stalled = true;
      this.#events.emit('bufferingStarted', undefined);
    } else if (!blocked && this.#stalled) {
      this.#stalled = false;
      if (this.#playing) this.#events.emit('bufferingEnded', undefined);
    }
  }

  /** Fails the track (e.g. its output closed): it stops and is unusable afterwards. */
  fail(error: MediaPlayerErrorKind, message: string): void {
    if (this.#closed || this.#failed) return;
    this.#stopSources();
    this.#playing = false;
    this.#failed = true;
    this.#unscheduleNext();
    this.#events.emit('failed', { error, message });
  }

  #predecessorEnded(): void {
    if (this.#playing) this.#followsEnded = true;
  }

  #unlink(): void {
    if (this.#next) this.#next.#before = null;
    this.#next = null;
  }

  #unclaimedNext(): WebAudioTrack | null {
    const next = this.#next;
    return next && !next.#claimed ? next : null;
  }

  #started(): boolean {
    const first = this.#spans[0];
    if (this.#ended || this.#followsEnded) return true;
    return first !== undefined && first.when <= this.#out.context.currentTime;
  }

  #positionAt(time: number): number {
    const spans = this.#spans;
    if (spans.length === 0) return this.#offset;
    let span = spans[0] as Span;
    // A seek counts from the call on: its span is read before it sounds (the lookahead).
    for (const s of spans) if (s.when <= time || s.seek) span = s;
    if (time <= span.when) return span.offset;
    return Math.min(this.#seconds, span.offset + (time - span.when) * span.rate);
  }

  #applyGain(): void {
    this.#gain.gain.value = this.#muted ? 0 : this.#volume;
  }

  /** Starts output at context time `when` from `offset` seconds, then re-plans the successor. */
  #runFrom(when: number, offset: number, seek = false): void {
    if (offset >= this.#seconds) {
      this.#stopSources();
      this.#offset = this.#seconds;
      queueMicrotask(() => {
        if (this.#playing && this.#spans.length === 0 && !this.#closed) this.#finish();
      });
      return;
    }
    try {
      const source = this.#out.context.createBufferSource();
      source.buffer = this.#buffer;
      source.playbackRate.value = this.#rate;
      source.connect(this.#gain);
      source.onended = () => this.#sourceEnded(source);
      source.start(when, offset);
      this.#spans.push({ when, offset, rate: this.#rate, source, seek });
    } catch (error) {
      this.fail('unknown', `Playing \`${this.uri}\` failed: ${String(error)}`);
      return;
    }
    this.#scheduleNext();
  }

  /** Hands over to a new source at `offset` seconds: at `at`, on the same sample. */
  #restart(
    offset: number,
    at = this.#out.context.currentTime + this.#out.lookahead,
    seek = false,
  ): void {
    const now = this.#out.context.currentTime;
    const last = this.#spans.at(-1);
    const when = last ? Math.max(at, last.when) : at;
    for (const span of this.#spans) {
      span.source.onended = () => span.source.disconnect();
      try {
        span.source.stop(when);
      } catch {}
    }
    // Keep only the spans still needed to read the position before `when`.
    let keep = 0;
    this.#spans.forEach((span, i) => {
      if (span.when <= now) keep = i;
    });
    this.#spans = this.#spans.slice(keep);
    if (this.#spans.every((s) => s.when >= when)) this.#spans = [];
    this.#unscheduleNext();
    this.#runFrom(when, offset, seek);
  }

  #stopSources(): void {
    for (const { source } of this.#spans) {
      source.onended = null;
      try {
        source.stop();
      } catch {}
      source.disconnect();
    }
    this.#spans = [];
  }

  #sourceEnded(source: AudioBufferSourceNode): void {
    if (this.#spans.at(-1)?.source !== source) return;
    source.disconnect();
    this.#spans = [];
    this.#offset = this.#seconds;
    this.#finish();
  }

  #finish(): void {
    this.#playing = false;
    this.#ended = true;
    // The successor, if any, is sounding now and no longer depends on this track.
    if (this.#next) this.#next.#predecessorEnded();
    this.#unlink();
    if (this.#claimed) this.#events.emit('ended', undefined);
    else this.#endedUnclaimed = true;
  }

  /** Puts the successor on the schedule at this track's end (when this one is playing). */
  #scheduleNext(): void {
    const next = this.#next;
    if (!next || next.#closed || next.#claimed || next.#started()) return;
    next.#cancel();
    const end = this.endTime;
    if (!this.#playing || end === null) return;
    next.#rate = this.#rate;
    next.#volume = this.#volume;
    next.#muted = this.#muted;
    next.#applyGain();
    next.#playing = true;
    next.#ended = false;
    next.#runFrom(end, 0);
  }

  #unscheduleNext(): void {
    const next = this.#next;
    if (next && !next.#claimed && !next.#started()) next.#cancel();
  }

  /** Back to paused at 0, with the successor chain unscheduled. */
  #cancel(): void {
    this.#stopSources();
    this.#playing = false;
    this.#followsEnded = false;
    this.#offset = 0;
    this.#unscheduleNext();
  }
}
