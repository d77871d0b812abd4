import { isAbort, openError } from './errors.js';
import { type LoadOptions, lookup, parseDataUri } from './sources.js';

export type { InMemorySources, LoadOptions } from './sources.js';
export { parseDataUri } from './sources.js';

/**
 * The browser's `loadSource`: an in-memory source, an `http:`/`https:` or `blob:` URL fetched
 * with `fetch`, a `data:` URI, or a relative URL resolved against the page (or worker) address.
 * Rejects with a `MediaError` naming the URI, with the same kinds as in Node (a failed request or
 * a non-2xx status is `networkError`; `file:` and other schemes are `sourceNotSupported`).
 */
export async function loadSource(uri: string, options: LoadOptions = {}): Promise<Uint8Array> {
  const held = lookup(options.sources, uri);
  if (held) return held;
  let url: URL;
  try {
    url = new URL(uri, globalThis.location?.href);
  } catch (error) {
    throw openError('sourceNotSupported', uri, 'not a URL', error);
  }
  switch (url.protocol) {
    case 'http:':
    case 'https:':
    case 'blob:':
      return loadFetch(uri, url, options.signal);
    case 'data:':
      return parseDataUri(uri);
    default:
      throw openError(
        'sourceNotSupported',
        uri,
        `unsupported scheme \`${url.protocol}\` in a browser (http:, https:, blob:, data: and relative URLs are supported)`,
      );
  }
}

async function loadFetch(
  uri: string,
  url: URL,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, signal ? { signal } : {});
  } catch (error) {
    if (isAbort(error)) throw openError('aborted', uri, 'loading was aborted', error);
    throw openError('networkError', uri, `request failed (${String(error)})`, error);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw openError('networkError', uri, `HTTP ${response.status} ${response.statusText}`.trim());
  }
  try {
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    if (isAbort(error)) throw openError('aborted', uri, 'loading was aborted', error);
    throw openError('networkError', uri, `reading the response failed (${String(error)})`, error);
  }
}
