/**
 * How a task in a browser makes the sound its init asks for. A Web Worker has no AudioContext
 * and no media element: real sound is made by the page's audio engine, which the task reaches
 * through the port its host handed over. Virtual media needs nothing from the page.
 *
 * @packageDocumentation
 */
import type { AudioAdapter } from '../../adapters/audio/types.js';
import { createVirtualAudio } from '../../adapters/audio/virtual.js';
import type { TaskContext } from '../../adapters/transport/types.js';
import type { Clock } from '../../clock.js';
import type { TaskAudio } from '../../protocol.js';
import { connectAudio } from '../audio/connectAudio.js';

/** The audio adapter for `audio`: virtual media on the task's clock, or the page's engine. */
export async function createTaskAudio(
  audio: TaskAudio,
  clock: Clock,
  context: TaskContext,
): Promise<AudioAdapter> {
  if (audio.kind === 'virtual') return createVirtualAudio({ clock });
  if (context.audioPort) return connectAudio(context.audioPort, { clock });
  throw new Error(
    `Audio \`${audio.kind}\` in a browser is made by the page's audio engine, and this task (host \`${context.kind}\`) was given none`,
  );
}
