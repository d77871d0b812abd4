import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isAbort, openError } from './errors.js';

/** Encoded media held in memory, keyed by the exact URI that opens it (e.g. `memory:intro`). */
export type InMemorySources =
  | ReadonlyMap<string, Uint8Array | ArrayBuffer>
  | Readonly<Record<string, Uint8Array | ArrayBuffer>>;

/** Options of {@link loadSource}. */
export interface LoadOptions {
  /** Looked up first, by exact URI, whatever its scheme. */
  sources?: InMemorySources;
  /** Aborts a file read or an HTTP(S) request; the load then rejects with `aborted`. */
  signal?: AbortSignal;
}

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

function lookup(sources: InMemorySources | undefined, uri: string): Uint8Array | null {
  if (!sources) return null;
  const value =
    sources instanceof Map
      ? sources.get(uri)
      : Object.hasOwn(sources, uri)
        ? (sources as Record<string, Uint8Array | ArrayBuffer>)[uri]
        : undefined;
  if (value === undefined) return null;
  return value instanceof Uint8Array ? value : new Uint8Array(value);
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

/**
 * Decodes a `data:` URI (RFC 2397) to its bytes; `;base64` payloads and percent-encoded ones.
 */
export function parseDataUri(uri: string): Uint8Array {
  const comma = uri.indexOf(',');
  if (!/^data:/i.test(uri) || comma < 0) {
    throw openError('sourceNotSupported', uri, 'malformed data: URI (no comma)');
  }
  const meta = uri.slice(5, comma);
  const payload = uri.slice(comma + 1);
  const raw = percentDecode(payload, uri);
  if (!/;base64$/i.test(meta)) return raw;
  const text = new TextDecoder('latin1').decode(raw).replace(/[\t\n\f\r ]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    throw openError('sourceNotSupported', uri, 'malformed data: URI (invalid base64)');
  }
  const buffer = Buffer.from(text, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function percentDecode(text: string, uri: string): Uint8Array {
  const input = new TextEncoder().encode(text);
  const out = new Uint8Array(input.length);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i] as number;
    if (byte !== 0x25) {
      out[n++] = byte;
      continue;
    }
    const hex = String.fromCharCode(input[i + 1] ?? 0x20, input[i + 2] ?? 0x20);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
      throw openError(
        'sourceNotSupported',
        uri,
        `malformed data: URI (bad escape \`%${hex.trim()}\`)`,
      );
    }
    out[n++] = Number.parseInt(hex, 16);
    i += 2;
  }
  return out.subarray(0, n);
}
