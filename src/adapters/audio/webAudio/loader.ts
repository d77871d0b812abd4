import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isAbort, openError } from './errors.js';
import { type LoadOptions, lookup, parseDataUri } from './sources.js';

export type { InMemorySources, LoadOptions } from './sources.js';
export { parseDataUri } from './sources.js';

/**
 * Fetches the encoded bytes of `uri`: an in-memory source, a `file:` URL, an `http:`/`https:`
 * URL or a `data:` URI. Rejects with a `MediaError` naming the URI (see `openError` for the
 * table of kinds).
 *
 * @example
 * ```ts
 * const bytes = await loadSource(pathToFileURL('music/a.flac').href);
 * const mem = await loadSource('memory:beep', { sources: { 'memory:beep': encodeWav([tone], 44_100) } });
 * ```
 */
export async function loadSource(uri: string, options: LoadOptions = {}): Promise<Uint8Array> {
  const held = lookup(options.sources, uri);
  if (held) return held;
  let url: URL;
  try {
    url = new URL(uri);
  } catch (error) {
    throw openError(
      'sourceNotSupported',
      uri,
      'not an absolute URI (use a file: URL for a path)',
      error,
    );
  }
  switch (url.protocol) {
    case 'file:':
      return loadFile(uri, url, options.signal);
    case 'http:':
    case 'https:':
      return loadHttp(uri, url, options.signal);
    case 'data:':
      return parseDataUri(uri);
    default:
      throw openError(
        'sourceNotSupported',
        uri,
        `unsupported scheme \`${url.protocol}\` (file:, http:, https: and data: are supported)`,
      );
  }
}

async function loadFile(
  uri: string,
  url: URL,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch (error) {
    throw openError('sourceNotSupported', uri, 'not a local file URL', error);
  }
  try {
    const buffer = await readFile(path, signal ? { signal } : {});
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    if (isAbort(error)) throw openError('aborted', uri, 'loading was aborted', error);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw openError('networkError', uri, 'file not found', error);
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw openError('networkError', uri, 'permission denied', error);
    }
    if (code === 'EISDIR') throw openError('sourceNotSupported', uri, 'is a directory', error);
    throw openError('unknown', uri, `reading failed (${code ?? String(error)})`, error);
  }
}

async function loadHttp(
  uri: string,
  url: URL,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, signal ? { signal } : {});
  } catch (error) {
    if (isAbort(error)) throw openError('aborted', uri, 'loading was aborted', error);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw openError('networkError', uri, `request failed (${why})`, error);
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
