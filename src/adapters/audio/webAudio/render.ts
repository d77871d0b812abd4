import { decodeSource } from '#platform/audio/decode';
import { loadSource } from '#platform/audio/loader';
import { type RenderedAudio, WebAudioAdapter } from './adapter.js';
import type { DecodedAudio } from './decodedAudio.js';
import type { InMemorySources } from './sources.js';

/** Options of {@link renderToBuffer}. */
export interface RenderOptions {
  /** Output sample rate; default the first item's. Items at another rate are resampled. */
  sampleRate?: number;
  /** Output channels; default the most any item has. */
  numberOfChannels?: number;
  /** Encoded media held in memory, opened by their exact URI. */
  sources?: InMemorySources;
}

/**
 * Renders a list of URIs back to back, gaplessly, through an `OfflineAudioContext`: every item
 * is decoded first (to know the total length), then the first is opened and played and each
 * next one is chained after the previous with `chain` — the same scheduling that realtime
 * `preload` uses. The result has exactly the summed length of the items (at one sample rate),
 * with no silence inserted and no sample lost or overlapped at the joins.
 *
 * Rejects with the first item's `MediaError` when an item cannot be opened.
 *
 * @example
 * ```ts
 * const out = await renderToBuffer(['file:///music/a.flac', 'file:///music/b.flac']);
 * await writeFile('out.wav', encodeWav(out.channels, out.sampleRate));
 * ```
 */
export async function renderToBuffer(
  uris: readonly string[],
  options: RenderOptions = {},
): Promise<RenderedAudio> {
  if (!Array.isArray(uris) || uris.length === 0) {
    throw new TypeError(`renderToBuffer needs a non-empty list of URIs, got \`${String(uris)}\``);
  }
  const unique = [...new Set(uris.map(String))];
  const decoded = new Map<string, DecodedAudio>();
  for (const uri of unique) {
    const bytes = await loadSource(uri, options.sources ? { sources: options.sources } : {});
    decoded.set(uri, await decodeSource(bytes, uri));
  }
  const items = uris.map((uri) => decoded.get(String(uri)) as DecodedAudio);
  const first = items[0] as DecodedAudio;
  const sampleRate = options.sampleRate ?? first.sampleRate;
  const numberOfChannels =
    options.numberOfChannels ?? Math.max(...items.map((item) => item.channels.length));
  const seconds = items.reduce((sum, item) => sum + item.length / item.sampleRate, 0);
  const length = Math.max(1, Math.ceil(seconds * sampleRate - 1e-6));
  const adapter = new WebAudioAdapter(
    { mode: 'offline', sampleRate, length, numberOfChannels },
    { decode: async (uri) => decoded.get(uri) as DecodedAudio },
  );
  try {
    let previous = await adapter.open(String(uris[0]));
    previous.play();
    for (const uri of uris.slice(1)) previous = await adapter.chain(previous, String(uri));
    return await adapter.render();
  } finally {
    adapter.dispose();
  }
}
