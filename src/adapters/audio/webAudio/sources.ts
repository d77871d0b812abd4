import { openError } from './errors.js';

/** Encoded media held in memory, keyed by the exact URI that opens it (e.g. `memory:intro`). */
export type InMemorySources =
  | ReadonlyMap<string, Uint8Array | ArrayBuffer>
  | Readonly<Record<string, Uint8Array | ArrayBuffer>>;

/** Options of `loadSource`. */
export interface LoadOptions {
  /** Looked up first, by exact URI, whatever its scheme. */
  sources?: InMemorySources;
  /** Aborts a file read or a request; the load then rejects with `aborted`. */
  signal?: AbortSignal;
}

/** The bytes held in `sources` for exactly `uri`, or `null`. */
export function lookup(sources: InMemorySources | undefined, uri: string): Uint8Array | null {
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
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
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
