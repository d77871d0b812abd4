/**
 * How a task in Node makes the sound its init asks for. The browser build has its own
 * (`taskAudio.browser.ts`), chosen by the `browser` condition of the package's
 * `#platform/taskAudio` import.
 *
 * @packageDocumentation
 */
import type { AudioAdapter } from '../../adapters/audio/types.js';
import { createVirtualAudio } from '../../adapters/audio/virtual.js';
import type { TaskContext } from '../../adapters/transport/types.js';
import type { Clock } from '../../clock.js';
import type { TaskAudio } from '../../protocol.js';

/** The audio adapter for `audio`: virtual media on the task's clock, or node-web-audio-api. */
export async function createTaskAudio(
  audio: TaskAudio,
  clock: Clock,
  _context: TaskContext,
): Promise<AudioAdapter> {
  if (audio.kind === 'webAudio') {
    const { createWebAudio } = await import('../../adapters/audio/webAudio/index.js');
    return createWebAudio({
      mode: 'realtime',
      sink: audio.sink ?? 'auto',
      ...(audio.sampleRate === undefined ? {} : { sampleRate: audio.sampleRate }),
    });
  }
  if (audio.kind === 'htmlMedia') {
    throw new TypeError(
      "Audio `htmlMedia` plays through a page's <audio> element: it exists only in a browser; use `webAudio` in Node",
    );
  }
  return createVirtualAudio({ clock });
}
