/**
 * The inspector in Node: an HTTP server on 127.0.0.1 that serves the inspector page from the
 * package (no network, no CDN) and streams a media system's recording to it as Server-Sent
 * Events.
 *
 * Routes: `GET /` the page, `GET /<asset>` its other files, `GET /recording.json` the recording
 * so far, `GET /events` the feed (`data:` lines, each one {@link FeedMessage} as JSON: first the
 * whole `recording`, then each `delta`, in order).
 *
 * @packageDocumentation
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InspectionEvent } from 'xstate';
import type { Clock } from '../clock.js';
import { PortInUseError } from '../errors.js';
import type { FeedMessage, Recording } from '../protocol/recording.js';
import { contentTypeOf, pageFileOf } from './pageFiles.js';
import { createRecorder, loadRecording } from './recorder.js';

/** A running inspector server; see {@link startInspector}. */
export interface Inspector {
  /** Where the page is: `http://127.0.0.1:PORT/`. */
  readonly url: string;
  /** The inspection observer: pass it as `createMediaSystem({ inspect })`. A no-op once closed. */
  readonly inspect: (event: InspectionEvent) => void;
  /** The whole recording so far (JSON-safe, a fresh copy), as `GET /recording.json` gives it. */
  recording(): Recording;
  /** Ends every open feed and stops the server; calling it again returns the same promise. */
  close(): Promise<void>;
}

/** Options of {@link startInspector}. */
export interface InspectorOptions {
  /** The port on 127.0.0.1; `0` (the default) takes a free one (read it from `url`). */
  port?: number;
  /** The media system's clock, for the times of the recording (virtual in tests). */
  clock?: Clock;
  /** A saved recording to show (offline viewing); `inspect` still appends to it. */
  recording?: Recording;
}

/** @internal Options tests use: where the page's files are. */
interface InternalOptions extends InspectorOptions {
  pageDir?: string;
}

/** Where the built page is: beside this module in `dist/`, or in `dist/` from `src/`. */
const PAGE_DIRS = [
  new URL('./page/', import.meta.url),
  new URL('../../dist/inspector/page/', import.meta.url),
].map((url) => fileURLToPath(url));

/** The hosts a request may name (a page on another name reached through DNS is refused). */
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** A feed this far behind (bytes not yet taken by the page) is ended; the page reconnects. */
const MAX_BACKLOG = 64 * 1024 * 1024;
const KEEP_ALIVE_MS = 15_000;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

/**
 * Starts the inspector: a server on 127.0.0.1 that serves the inspector page and streams the
 * recording of the systems that report to its `inspect` observer. Rejects with a
 * {@link PortInUseError} when the port is taken.
 *
 * @example
 * ```ts
 * import { createMediaSystem } from 'backbeat';
 * import { startInspector } from 'backbeat/inspector';
 *
 * const inspector = await startInspector({ port: 0 });
 * console.log(`inspector: ${inspector.url}`);
 * const system = createMediaSystem({ inspect: inspector.inspect });
 * // … later
 * await inspector.close();
 * ```
 */
export async function startInspector(options: InspectorOptions = {}): Promise<Inspector> {
  const { port = 0, clock, pageDir: ownPageDir } = options as InternalOptions;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(
      `startInspector: \`port\` must be a whole number from 0 to 65535, got \`${String(port)}\``,
    );
  }
  const seed = options.recording === undefined ? undefined : loadRecording(options.recording);
  const recorder = createRecorder({
    ...(clock ? { clock } : {}),
    ...(seed ? { recording: seed } : {}),
  });
  let closed = false;
  const feeds = new Set<ServerResponse>();
  /** Each delta as an event-stream line, made once for all the feeds (they share the delta). */
  const lines = new WeakMap<FeedMessage, string>();

  const pageDir = async (): Promise<string | undefined> => {
    if (ownPageDir !== undefined) return resolve(ownPageDir);
    for (const dir of PAGE_DIRS) if (await isFile(join(dir, 'index.html'))) return dir;
    return undefined;
  };

  const openFeed = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    const send = (message: FeedMessage) => {
      if (res.writableEnded) return;
      let line = lines.get(message);
      if (line === undefined) {
        line = `data: ${JSON.stringify(message)}\n\n`;
        lines.set(message, line);
      }
      res.write(line);
      if (res.writableLength > MAX_BACKLOG) res.end();
    };
    // read and subscribe in one go: nothing is missed, nothing is sent twice
    send({ kind: 'recording', recording: recorder.recording() });
    const unsubscribe = recorder.subscribe(send);
    feeds.add(res);
    const done = () => {
      unsubscribe();
      feeds.delete(res);
    };
    req.on('close', done);
    res.on('close', done);
  };

  const serveFile = async (req: IncomingMessage, res: ServerResponse, pathname: string) => {
    const dir = await pageDir();
    const isIndex = pathname === '/' || pathname === '/index.html';
    const missing = () => {
      if (isIndex) {
        text(
          res,
          500,
          'The inspector page is not built. Run `npm run build` in the backbeat package.\n',
        );
      } else text(res, 404, 'Not found\n');
    };
    if (dir === undefined) return missing();
    const file = pageFileOf(dir, pathname);
    if (file === null) return text(res, 404, 'Not found\n');
    let body: Buffer;
    try {
      if (!(await isFile(file))) throw new Error('not a file');
      body = await readFile(file);
    } catch {
      return missing();
    }
    res.writeHead(200, {
      'content-type': contentTypeOf(file),
      'content-length': body.length,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const host = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/.exec(req.headers.host ?? '')?.[1];
    if (host === undefined || !LOCAL_HOSTS.has(host.toLowerCase())) {
      text(res, 403, `The inspector answers on 127.0.0.1 only, not \`${req.headers.host}\`\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      text(res, 405, `\`${req.method}\` is not allowed; the inspector answers GET\n`);
      return;
    }
    let pathname: string;
    try {
      pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    } catch {
      text(res, 404, 'Not found\n');
      return;
    }
    if (pathname === '/events') {
      if (closed) text(res, 503, 'The inspector is closed\n');
      else if (req.method === 'HEAD') {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
        res.end();
      } else openFeed(req, res);
      return;
    }
    if (pathname === '/recording.json') {
      const body = JSON.stringify(recorder.recording());
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    await serveFile(req, res, pathname);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) text(res, 500, `Inspector error: ${String(error)}\n`);
      else res.end();
    });
  });

  await new Promise<void>((resolvePromise, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, { cause: error }) : error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolvePromise();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
  // a server error after it listens (rare) must not crash the process
  server.on('error', () => {});

  const keepAlive = setInterval(() => {
    for (const res of feeds) if (!res.writableEnded) res.write(': keep-alive\n\n');
  }, KEEP_ALIVE_MS);
  keepAlive.unref();

  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${actualPort}/`,
    inspect: (event) => {
      if (!closed) recorder.inspect(event);
    },
    recording: () => recorder.recording(),
    close() {
      if (closing) return closing;
      closed = true;
      clearInterval(keepAlive);
      closing = new Promise<void>((resolvePromise) => {
        server.close(() => resolvePromise());
        for (const res of [...feeds]) res.end();
        feeds.clear();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
