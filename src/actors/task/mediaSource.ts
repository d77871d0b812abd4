/**
 * MediaSource and MediaPlaybackItem: what a background task gives its MediaPlayer to play.
 * Objects may come from another copy of this module (a bundled task, a second build), so they
 * are recognised by a brand (`Symbol.for`) rather than by `instanceof`; `instanceof` still works
 * because the classes define `Symbol.hasInstance` through the brand.
 */

/** Brand of {@link MediaSource} objects. */
export const mediaSourceBrand: unique symbol = Symbol.for('backbeat.MediaSource');
/** Brand of {@link MediaPlaybackItem} objects. */
const mediaPlaybackItemBrand: unique symbol = Symbol.for('backbeat.MediaPlaybackItem');

function hasBrand(value: unknown, brand: symbol): boolean {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true
  );
}

/**
 * Whether `value` is a {@link MediaSource} (from any copy of Backbeat).
 */
export function isMediaSource(value: unknown): value is MediaSource {
  return hasBrand(value, mediaSourceBrand);
}

/**
 * Whether `value` is a {@link MediaPlaybackItem} (from any copy of Backbeat).
 */
export function isMediaPlaybackItem(value: unknown): value is MediaPlaybackItem {
  return hasBrand(value, mediaPlaybackItemBrand);
}

/**
 * A playable source, identified by its URI. `customProperties` carries the app's metadata;
 * the player reports the string values of `title`, `artist` and `albumTitle` with the current
 * item.
 *
 * @example
 * ```ts
 * const source = MediaSource.createFromUri('file:///music/a.flac');
 * source.customProperties.set('title', 'Intro');
 * ```
 */
export class MediaSource {
  readonly [mediaSourceBrand] = true;
  /** The URI, normalised (`new URL(uri).href`). */
  readonly uri: string;
  /** Metadata such as `title`, `artist`, `albumTitle`, `trackid`. */
  readonly customProperties = new Map<string, unknown>();

  private constructor(uri: string) {
    this.uri = uri;
  }

  /**
   * Creates a source for `uri`. Throws a `TypeError` quoting `uri` when it cannot be parsed.
   *
   * @example
   * ```ts
   * MediaSource.createFromUri(new URL('./a.mp3', import.meta.url));
   * MediaSource.createFromUri('virtual:a?duration=3000');
   * ```
   */
  static createFromUri(uri: string | URL): MediaSource {
    const text = uri instanceof URL ? uri.href : uri;
    if (typeof text !== 'string') {
      throw new TypeError(
        `MediaSource.createFromUri expects a URI string or URL, got \`${String(uri)}\``,
      );
    }
    let href: string;
    try {
      href = new URL(text).href;
    } catch {
      throw new TypeError(`MediaSource.createFromUri expects an absolute URI, got \`${text}\``);
    }
    return new MediaSource(href);
  }

  /** What `JSON.stringify` shows: the URI and the custom properties as a plain object. */
  toJSON(): { uri: string; customProperties: Record<string, unknown> } {
    return { uri: this.uri, customProperties: Object.fromEntries(this.customProperties) };
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return isMediaSource(value);
  }
}

/**
 * One entry of a MediaPlaybackList (or a single source for the player), wrapping a
 * {@link MediaSource}.
 *
 * @example
 * ```ts
 * const item = new MediaPlaybackItem(MediaSource.createFromUri('file:///music/a.flac'));
 * list.items.push(item);
 * ```
 */
export class MediaPlaybackItem {
  readonly [mediaPlaybackItemBrand] = true;
  readonly source: MediaSource;

  constructor(source: MediaSource) {
    if (!isMediaSource(source)) {
      throw new TypeError(`MediaPlaybackItem expects a MediaSource, got \`${String(source)}\``);
    }
    this.source = source;
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return isMediaPlaybackItem(value);
  }
}
