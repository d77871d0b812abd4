/**
 * A playback state store in one JSON file (Node). Every change is written atomically: the new
 * content goes to a temporary file beside the target, which is then renamed over it, so a
 * process killed mid-write leaves the previous file whole.
 *
 * @packageDocumentation
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProtocolError } from '../../errors.js';
import { type PlaybackCheckpoint, parsePlaybackCheckpoint } from '../../protocol.js';
import { checkStoreKey, type PlaybackStateStore } from './types.js';

/** Options of {@link createJsonFileStateStore}. */
export interface JsonFileStateStoreOptions {
  /** The file: a path or a `file:` URL. Its directory is created when missing. */
  path: string | URL;
}

/** A {@link PlaybackStateStore} in a JSON file. */
export interface JsonFileStateStore extends PlaybackStateStore {
  /** The file's path. */
  readonly path: string;
}

const FORMAT = 'backbeat.playbackState';

interface FileContent {
  format: typeof FORMAT;
  version: 1;
  entries: Record<string, unknown>;
}

// JSON has no Date: a Date becomes `{ "$date": iso }`, and an object key that starts with `$`
// gets one more `$`, so no value of the app can be mistaken for a Date on the way back.
function encode(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map(encode);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k.startsWith('$') ? `$${k}` : k, encode(v)]),
    );
  }
  return value;
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]![0] === '$date' && typeof entries[0]![1] === 'string') {
      return new Date(entries[0]![1]);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      Object.defineProperty(out, k.startsWith('$$') ? k.slice(1) : k, {
        value: decode(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

const toPath = (path: string | URL): string => {
  if (path instanceof URL) return fileURLToPath(path);
  if (typeof path === 'string' && path.length > 0) {
    return path.startsWith('file:') ? fileURLToPath(path) : path;
  }
  throw new TypeError(
    `createJsonFileStateStore expects { path } as a file path or file: URL, got \`${String(path)}\``,
  );
};

let tempCounter = 0;

/**
 * Creates a playback state store in the JSON file at `path`. Calls are carried out one after
 * the other, in the order they were made; each `save` or `clear` resolves once the file is
 * replaced. A missing file is an empty store; a file that is not this store's JSON makes
 * `load` and `save` reject with a `ProtocolError` quoting the path (the file is left as it is).
 *
 * @example
 * ```ts
 * import { createMediaSystem } from 'backbeat';
 * import { createJsonFileStateStore } from 'backbeat/store/jsonFile';
 *
 * const stateStore = createJsonFileStateStore({ path: new URL('./state.json', import.meta.url) });
 * const system = createMediaSystem({ stateStore });
 * ```
 */
export function createJsonFileStateStore(options: JsonFileStateStoreOptions): JsonFileStateStore {
  const path = toPath(options?.path as string | URL);
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => {});
    return next;
  };

  const read = async (): Promise<FileContent> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { format: FORMAT, version: 1, entries: {} };
      }
      throw error;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new ProtocolError(`Playback state file \`${path}\` is not valid JSON`, {
        cause: error,
      });
    }
    const content = data as Partial<FileContent> | null;
    if (
      typeof content !== 'object' ||
      content === null ||
      content.format !== FORMAT ||
      content.version !== 1 ||
      typeof content.entries !== 'object' ||
      content.entries === null
    ) {
      throw new ProtocolError(
        `Playback state file \`${path}\` is not a ${FORMAT} file of version 1`,
      );
    }
    return content as FileContent;
  };

  const write = async (content: FileContent): Promise<void> => {
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.${++tempCounter}.tmp`;
    try {
      await writeFile(temp, `${JSON.stringify(content, null, 2)}\n`, 'utf8');
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  };

  return {
    path,
    async load(key) {
      checkStoreKey(key);
      return serial(async () => {
        const content = await read();
        if (!Object.hasOwn(content.entries, key)) return null;
        try {
          return parsePlaybackCheckpoint(decode(content.entries[key]));
        } catch (error) {
          throw new ProtocolError(
            `Playback state file \`${path}\` holds an invalid checkpoint for \`${key}\`: ${(error as Error).message}`,
            { cause: error },
          );
        }
      });
    },
    async save(key: string, checkpoint: PlaybackCheckpoint) {
      checkStoreKey(key);
      const valid = parsePlaybackCheckpoint(structuredClone(checkpoint));
      return serial(async () => {
        const content = await read();
        content.entries = { ...content.entries, [key]: encode(valid) };
        await write(content);
      });
    },
    async clear(key) {
      checkStoreKey(key);
      return serial(async () => {
        const content = await read();
        if (!Object.hasOwn(content.entries, key)) return;
        const { [key]: _gone, ...rest } = content.entries;
        content.entries = rest;
        await write(content);
      });
    },
  };
}
