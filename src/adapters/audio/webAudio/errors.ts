import { MediaError, type MediaPlayerErrorKind } from '../../../errors.js';

/**
 * How the Web Audio adapter classifies a failed open (the `error` of the `MediaError`):
 *
 * | cause                                                      | kind                 |
 * | ---------------------------------------------------------- | -------------------- |
 * | not an absolute URI, unknown scheme, malformed `data:` URI | `sourceNotSupported` |
 * | `file:` that is a directory or on another host             | `sourceNotSupported` |
 * | bytes in no audio format the decoder knows, or a codec     | `sourceNotSupported` |
 * | inside a known container that it does not (WAV format 0x4d)|                      |
 * | `file:` missing or unreadable (like an HTTP 404 / 403)     | `networkError`       |
 * | HTTP(S) refused, unreachable, or a non-2xx status          | `networkError`       |
 * | known format but the data is empty, corrupt or has no audio| `decodingError`      |
 * | adapter disposed while the source was loading              | `aborted`            |
 * | anything else (I/O errors, output device errors)           | `unknown`            |
 *
 * Every message names the URI: ``Cannot open `URI`: REASON``.
 */
export function openError(
  kind: MediaPlayerErrorKind,
  uri: string,
  reason: string,
  cause?: unknown,
): MediaError {
  return new MediaError(
    kind,
    `Cannot open \`${shortUri(uri)}\`: ${reason}`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * True for the error an aborted `fetch`/`readFile` rejects with.
 */
export function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/**
 * The URI as quoted in messages: long ones (a big `data:` URI) are cut to 120 characters.
 */
export function shortUri(uri: string): string {
  return uri.length > 120 ? `${uri.slice(0, 117)}...` : uri;
}
