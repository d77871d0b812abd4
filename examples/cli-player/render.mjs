// --render FILE: the whole playlist rendered offline, gaplessly, into one WAV file.
import { writeFile } from 'node:fs/promises';
import { encodeWav, renderToBuffer } from 'backbeat/audio/webAudio';

/**
 * Renders `tracks` back to back at `sampleRate` (default: the first item's) and writes a
 * 16-bit PCM WAV file. Resolves to what was written.
 *
 * @example
 * const { seconds } = await renderPlaylist(tracks, 'out.wav');
 */
export async function renderPlaylist(tracks, file, { sampleRate = null } = {}) {
  const uris = tracks.map((track) => track.uri);
  const rendered = await renderToBuffer(uris, sampleRate ? { sampleRate } : {});
  await writeFile(file, encodeWav(rendered.channels, rendered.sampleRate));
  return {
    file,
    items: uris.length,
    frames: rendered.length,
    sampleRate: rendered.sampleRate,
    channels: rendered.channels.length,
    seconds: rendered.length / rendered.sampleRate,
  };
}
