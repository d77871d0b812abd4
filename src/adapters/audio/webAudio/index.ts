import { type WebAudio, WebAudioAdapter, type WebAudioOptions } from './adapter.js';

export { decodeSource } from '#platform/audio/decode';
export { loadSource } from '#platform/audio/loader';
export { likelyHasAudioDevice } from '#platform/audio/output';
export type { AudioEngineState } from '../types.js';
export { type EncodeWavOptions, encodeWav, type WavSampleFormat } from '../wav.js';
export type { RenderedAudio, WebAudio, WebAudioOptions } from './adapter.js';
export type { DecodedAudio } from './decodedAudio.js';
export { type Mp3GaplessInfo, readMp3GaplessInfo } from './gaplessInfo.js';
export type { OutputKind, WebAudioRoute, WebAudioSink } from './outputTypes.js';
export { type RenderOptions, renderToBuffer } from './render.js';
export type { InMemorySources } from './sources.js';
export type { WebAudioTrack } from './track.js';

/**
 * Creates the Web Audio adapter (node-web-audio-api in Node): real decoding with audio-decode
 * (wav, mp3, flac, ogg/vorbis, opus), sample-exact gapless chaining of preloaded items, volume,
 * mute, rate, seek and pause on the audio clock.
 *
 * Realtime (default) plays on the default device, or on the null sink when there is none (one
 * notice) or when `sink: 'none'`. Offline (`mode: 'offline'` with `sampleRate` and `duration`
 * or `length`) schedules the same way and renders with `render()`; `renderToBuffer(uris)` does
 * a whole list in one call. The output opens on the first `open`; call `dispose()` to release
 * it (an open `AudioContext` keeps the process alive).
 *
 * On a page (the `browser` condition) the same function gives the page engine: one
 * `AudioContext`, opened at once; sources are fetched (http(s), `blob:`, `data:` or relative
 * URLs) and decoded with the page's `decodeAudioData` (resampled to the context's rate; MP3
 * encoder delay trimmed as in Node when the browser has not), and at most the current track and
 * the preloaded next are held decoded. The output goes to the context's destination
 * (`route: 'mediaElement'` sends it through an `<audio>` element instead). `state` reads `'suspended'` while the autoplay policy waits for a user
 * gesture (playing tracks report `bufferingStarted`); the page's next `pointerdown` or `keydown`
 * resumes it (`stateChanged`, then `bufferingEnded`).
 *
 * @example
 * ```ts
 * const audio = createWebAudio({ sink: 'auto' });
 * const track = await audio.open(pathToFileURL('a.flac').href);
 * track.on('ended', async () => (await audio.open(pathToFileURL('b.flac').href)).play());
 * track.play();
 * audio.preload(pathToFileURL('b.flac').href); // b starts on the sample a ends
 * ```
 *
 * @example
 * ```ts
 * // On a page: tell the listener to click when the browser holds the sound back.
 * const audio = createWebAudio();
 * audio.on('stateChanged', ({ state }) => (hint.hidden = state !== 'suspended'));
 * (await audio.open('/music/a.mp3')).play();
 * ```
 */
export function createWebAudio(options: WebAudioOptions = {}): WebAudio {
  return new WebAudioAdapter(options);
}
