/**
 * The page's audio engines, in a browser: one per kind (`webAudio`, `htmlMedia`) for the whole
 * page, made the first time a task needs it, for the tasks of every media system on the page
 * (one AudioContext, however many apps). A system given its own `audioEngine` uses that instead.
 *
 * @packageDocumentation
 */
import { createHtmlMediaAudio } from '../../adapters/audio/htmlMedia/index.js';
import type { AudioEngine } from '../../adapters/audio/types.js';
import { createWebAudio } from '../../adapters/audio/webAudio/index.js';
import type { TaskAudio } from '../../protocol.js';

const engines = new Map<string, AudioEngine>();

/** The page's engine for `audio` (made on first use). */
export function pageAudioEngine(audio: Exclude<TaskAudio, { kind: 'virtual' }>): AudioEngine {
  const key =
    audio.kind === 'webAudio'
      ? `webAudio:${audio.sampleRate ?? ''}:${audio.sink ?? ''}`
      : audio.kind;
  let engine = engines.get(key);
  if (!engine) {
    engine =
      audio.kind === 'webAudio'
        ? createWebAudio({
            ...(audio.sink === undefined ? {} : { sink: audio.sink }),
            ...(audio.sampleRate === undefined ? {} : { sampleRate: audio.sampleRate }),
          })
        : createHtmlMediaAudio();
    engines.set(key, engine);
  }
  return engine;
}
