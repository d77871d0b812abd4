/**
 * Where the page's data comes from, decided by its query: `?channel=NAME` (a BroadcastChannel of
 * the app's origin: post `hello`, then take the recording and its deltas), `?recording=URL`
 * (one JSON file, offline), or else the server's Server-Sent Events (`events`, relative to the
 * page), falling back to loading `recording.json` once when there is no live stream.
 *
 * @packageDocumentation
 */
import { type FeedMessage, FeedMessageSchema } from '../../protocol/recording.js';
import { describeIssues, parseRecordingText } from './model.js';

/** What a source tells the page. */
export interface SourceHandlers {
  message(message: FeedMessage): void;
  /** A message that is not a feed message was ignored. */
  ignored(reason: string): void;
  /** The source's description changed (`live (events)`, `channel NAME`, `file URL`, …). */
  status(text: string, state: 'connecting' | 'live' | 'offline' | 'lost' | 'failed'): void;
  /** Loading failed: `what` names the source, `reason` what is wrong. */
  failed(what: string, reason: string): void;
}

/** A connected source; `close` stops it. */
export interface Source {
  close(): void;
}

/** Validates one feed message (JSON text or a structured-clone value). */
export function parseFeedMessage(
  data: unknown,
): { ok: true; message: FeedMessage } | { ok: false; reason: string } {
  let json = data;
  if (typeof data === 'string') {
    try {
      json = JSON.parse(data);
    } catch (error) {
      return { ok: false, reason: `not JSON (${(error as Error).message})` };
    }
  }
  const result = FeedMessageSchema.safeParse(json);
  return result.success
    ? { ok: true, message: result.data }
    : { ok: false, reason: describeIssues(result.error.issues) };
}

/** Connects the source the page's query names. */
export function connect(query: URLSearchParams, handlers: SourceHandlers): Source {
  const channel = query.get('channel');
  if (channel !== null) return connectChannel(channel || 'backbeat-inspector', handlers);
  const recording = query.get('recording');
  if (recording !== null) {
    loadUrl(recording, handlers, `file ${recording}`);
    return { close() {} };
  }
  return connectEvents(handlers);
}

function connectChannel(name: string, handlers: SourceHandlers): Source {
  if (typeof BroadcastChannel === 'undefined') {
    handlers.failed(`channel ${name}`, 'this browser has no BroadcastChannel');
    return { close() {} };
  }
  const channel = new BroadcastChannel(name);
  handlers.status(`channel ${name} (waiting for the app)`, 'connecting');
  channel.onmessage = (event: MessageEvent) => {
    const parsed = parseFeedMessage(event.data);
    if (!parsed.ok) {
      handlers.ignored(`a message on channel ${name} that is not a feed message: ${parsed.reason}`);
      return;
    }
    if (parsed.message.kind === 'hello') return; // another page asking
    if (parsed.message.kind === 'recording') handlers.status(`live over channel ${name}`, 'live');
    handlers.message(parsed.message);
  };
  channel.onmessageerror = () =>
    handlers.ignored(`a message on channel ${name} that could not be read`);
  channel.postMessage({ kind: 'hello' } satisfies FeedMessage);
  return { close: () => channel.close() };
}

function connectEvents(handlers: SourceHandlers): Source {
  if (typeof EventSource === 'undefined') {
    loadUrl('recording.json', handlers, 'recording.json');
    return { close() {} };
  }
  const events = new EventSource('events');
  let opened = false;
  let closed = false;
  handlers.status('live stream (connecting)', 'connecting');
  events.onopen = () => {
    opened = true;
    handlers.status('live stream (events)', 'live');
  };
  events.onmessage = (event: MessageEvent<string>) => {
    const parsed = parseFeedMessage(event.data);
    if (!parsed.ok) handlers.ignored(`an event that is not a feed message: ${parsed.reason}`);
    else handlers.message(parsed.message);
  };
  events.onerror = () => {
    if (closed) return;
    if (!opened) {
      // no live stream here: read the recording once
      closed = true;
      events.close();
      loadUrl('recording.json', handlers, 'recording.json (no live stream)');
    } else if (events.readyState === EventSource.CLOSED) {
      handlers.status('live stream: connection lost', 'lost');
    } else {
      handlers.status('live stream: connection lost, reconnecting', 'lost');
    }
  };
  return {
    close() {
      closed = true;
      events.close();
    },
  };
}

function loadUrl(url: string, handlers: SourceHandlers, label: string): void {
  handlers.status(`${label} (loading)`, 'connecting');
  fetch(url)
    .then(async (response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
      const recording = parseRecordingText(await response.text());
      handlers.status(label, 'offline');
      handlers.message({ kind: 'recording', recording });
    })
    .catch((error: unknown) => {
      handlers.status(`${label}: not loaded`, 'failed');
      handlers.failed(url, error instanceof Error ? error.message : String(error));
    });
}
