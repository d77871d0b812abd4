/**
 * The inspector in a browser app: the page opens in a window or a panel of the app's own
 * origin and is fed over a BroadcastChannel. The page posts `{ kind: 'hello' }`; the app
 * answers with the whole recording (`{ kind: 'recording' }`) and then posts every delta.
 *
 * No `node:` imports: this runs in browsers (and in Node, without a page to open).
 *
 * @packageDocumentation
 */
import type { InspectionEvent } from 'xstate';
import type { Clock } from '../clock.js';
import { InvalidOperationError } from '../errors.js';
import type { FeedMessage, Recording } from '../protocol/recording.js';
import { createRecorder } from './recorder.js';

/** Where the inspector page the app serves is, by default (the Vite plugin serves it there). */
export const DEFAULT_INSPECTOR_URL = '/__backbeat/inspector/';
/** The BroadcastChannel the app and its inspector page talk on, by default. */
export const DEFAULT_INSPECTOR_CHANNEL = 'backbeat-inspector';

/** Options of {@link openInspector}. */
export interface OpenInspectorOptions {
  /**
   * Where the page opens: `'window'` (the default) a window of its own (`window.open`; a popup
   * blocker may refuse one not opened from a click: then link to `url` yourself), an element
   * to hold it as an `<iframe>` panel, or `null` for nowhere (link to `url` yourself).
   */
  target?: 'window' | HTMLElement | null;
  /** The inspector page, on the app's origin. Default `'/__backbeat/inspector/'`. */
  url?: string;
  /** The BroadcastChannel's name. Default `'backbeat-inspector'`. */
  channel?: string;
  /** The media system's clock, for the times of the recording. */
  clock?: Clock;
}

/** A browser inspector; see {@link openInspector}. */
export interface BrowserInspector {
  /** The page's address, with its channel: `…/__backbeat/inspector/?channel=backbeat-inspector`. */
  readonly url: string;
  /** The inspection observer: pass it as `createMediaSystem({ inspect })`. A no-op once closed. */
  readonly inspect: (event: InspectionEvent) => void;
  /** The whole recording so far (JSON-safe, a fresh copy). */
  recording(): Recording;
  /** Stops feeding the page, closes the channel and the window or panel it opened. */
  close(): void;
}

interface ElementLike {
  ownerDocument: Document;
  appendChild(node: Node): unknown;
}

function isElement(value: unknown): value is ElementLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { appendChild?: unknown }).appendChild === 'function' &&
    typeof (value as { ownerDocument?: unknown }).ownerDocument === 'object'
  );
}

/** The page's address with `?channel=NAME`, absolute when there is a page to resolve it by. */
function pageUrl(url: string, channel: string): string {
  const base = typeof location === 'object' && location !== null ? location.href : undefined;
  try {
    const address = new URL(url, base);
    address.searchParams.set('channel', channel);
    return address.href;
  } catch {
    return `${url}${url.includes('?') ? '&' : '?'}channel=${encodeURIComponent(channel)}`;
  }
}

/**
 * Opens Backbeat's inspector for a browser app: records what its `inspect` observer sees and
 * feeds it to the inspector page over a BroadcastChannel, the page opened in a window, in a
 * panel (an `<iframe>` in `target`), or not at all (`target: null`; link to `url`).
 *
 * @example
 * ```ts
 * import { createMediaSystem } from 'backbeat';
 * import { openInspector } from 'backbeat/inspector';
 *
 * const inspector = openInspector({ target: document.querySelector('#inspector') });
 * const system = createMediaSystem({ inspect: inspector.inspect });
 * ```
 */
export function openInspector(options: OpenInspectorOptions = {}): BrowserInspector {
  const target = options.target === undefined ? 'window' : options.target;
  if (target !== 'window' && target !== null && !isElement(target)) {
    throw new TypeError(
      `openInspector: \`target\` must be 'window', an element or null, got \`${String(target)}\``,
    );
  }
  const name = options.channel ?? DEFAULT_INSPECTOR_CHANNEL;
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(
      `openInspector: \`channel\` must be a non-empty string, got \`${String(name)}\``,
    );
  }
  const base = options.url ?? DEFAULT_INSPECTOR_URL;
  if (typeof base !== 'string' || base === '') {
    throw new TypeError(
      `openInspector: \`url\` must be a non-empty string, got \`${String(base)}\``,
    );
  }
  if (typeof BroadcastChannel !== 'function') {
    throw new InvalidOperationError(
      'openInspector needs BroadcastChannel, which this runtime lacks; in Node use startInspector()',
    );
  }
  if (target === 'window' && (typeof window !== 'object' || typeof window.open !== 'function')) {
    throw new InvalidOperationError(
      "openInspector({ target: 'window' }) needs a browser window; pass `target: null` and open `url` yourself",
    );
  }

  const recorder = createRecorder(options.clock ? { clock: options.clock } : {});
  const url = pageUrl(base, name);
  const channel = new BroadcastChannel(name);
  let closed = false;
  let unsubscribe: (() => void) | undefined;

  const post = (message: FeedMessage) => {
    if (closed) return;
    try {
      channel.postMessage(message);
    } catch {
      // a channel closed under us: nothing to feed
    }
  };
  channel.onmessage = (event: MessageEvent) => {
    const data = event.data as { kind?: unknown } | null;
    if (closed || typeof data !== 'object' || data === null || data.kind !== 'hello') return;
    // the recording first (pending deltas are flushed before it), then every delta
    post({ kind: 'recording', recording: recorder.recording() });
    unsubscribe ??= recorder.subscribe(post);
  };

  let frame: HTMLIFrameElement | undefined;
  let opened: Window | null = null;
  if (target === 'window') {
    opened = window.open(url, 'backbeat-inspector');
  } else if (target !== null) {
    frame = target.ownerDocument.createElement('iframe');
    frame.src = url;
    frame.title = 'Backbeat inspector';
    frame.style.width = '100%';
    frame.style.height = '100%';
    frame.style.border = '0';
    target.appendChild(frame);
  }

  return {
    url,
    inspect: (event) => {
      if (!closed) recorder.inspect(event);
    },
    recording: () => recorder.recording(),
    close() {
      if (closed) return;
      closed = true;
      unsubscribe?.();
      channel.onmessage = null;
      channel.close();
      frame?.remove();
      try {
        opened?.close();
      } catch {
        // a window that is already gone
      }
    },
  };
}
