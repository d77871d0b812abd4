/**
 * A playback state store in IndexedDB (browsers: a page or a worker). Each app's checkpoint is
 * one record of an object store, keyed by the app id; a save replaces the record in one
 * readwrite transaction, so a page closed mid-save leaves the previous checkpoint whole.
 * Checkpoints are stored as structured clones: Dates stay Dates, no encoding is needed.
 *
 * @packageDocumentation
 */
import { ProtocolError } from '../../errors.js';
import { type PlaybackCheckpoint, parsePlaybackCheckpoint } from '../../protocol.js';
import { checkStoreKey, type PlaybackStateStore } from './types.js';

/** Options of {@link createIndexedDbStateStore}. */
export interface IndexedDbStateStoreOptions {
  /** The database's name (default `'backbeat'`). Apps of one origin that share it share the store. */
  name?: string;
  /** The IndexedDB to use (default: the global `indexedDB`). */
  indexedDB?: IDBFactory;
}

/** A {@link PlaybackStateStore} in an IndexedDB database. */
export interface IndexedDbStateStore extends PlaybackStateStore {
  /** The database's name. */
  readonly name: string;
  /** Closes the connection; a later call opens it again. */
  close(): void;
}

const VERSION = 1;
const OBJECT_STORE = 'playbackState';

const describe = (value: unknown): string => {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
};

/** Settles with a request's result or error. */
const settle = <T>(request: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

/** Settles once a transaction committed (or rejects with why it aborted). */
const committed = (transaction: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onabort = () =>
      reject(transaction.error ?? new DOMException('The transaction was aborted', 'AbortError'));
    transaction.onerror = (event) => event.preventDefault();
  });

/**
 * Creates a playback state store in the IndexedDB database `name` (created when missing, with
 * one object store, `playbackState`). Each `save` or `clear` resolves once its transaction has
 * committed; calls take effect in the order they were made. A record that is no longer a valid
 * checkpoint makes `load` of that key reject with a `ProtocolError` naming the database and the
 * key (the record is left as it is; a `save` replaces it). A database of that name that is not
 * this store's (another version, no `playbackState`) makes every call reject with a
 * `ProtocolError` quoting the name.
 *
 * @example
 * ```ts
 * import { createMediaSystem } from 'backbeat';
 * import { createIndexedDbStateStore } from 'backbeat/store/indexedDb';
 *
 * const stateStore = createIndexedDbStateStore({ name: 'my-player' });
 * const system = createMediaSystem({ stateStore });
 * ```
 */
export function createIndexedDbStateStore(
  options: IndexedDbStateStoreOptions = {},
): IndexedDbStateStore {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `createIndexedDbStateStore expects an options object, got \`${describe(options)}\``,
    );
  }
  const name = options.name ?? 'backbeat';
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(
      `createIndexedDbStateStore expects { name } as a non-empty string, got \`${describe(name)}\``,
    );
  }
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (typeof factory?.open !== 'function') {
    throw new TypeError(
      `createIndexedDbStateStore needs IndexedDB (a browser page or worker), got \`${describe(factory)}\``,
    );
  }
  const where = `IndexedDB database \`${name}\``;

  let connection: Promise<IDBDatabase> | null = null;

  const open = async (): Promise<IDBDatabase> => {
    const request = factory.open(name, VERSION);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(OBJECT_STORE)) {
        request.result.createObjectStore(OBJECT_STORE);
      }
    };
    let db: IDBDatabase;
    try {
      db = await settle(request);
    } catch (error) {
      const reason = error instanceof DOMException ? `${error.name}: ${error.message}` : error;
      throw new ProtocolError(
        `${where} could not be opened as a playback state store (${reason})`,
        {
          cause: error,
        },
      );
    }
    if (!db.objectStoreNames.contains(OBJECT_STORE)) {
      db.close();
      throw new ProtocolError(
        `${where} is not a playback state store: it has no \`${OBJECT_STORE}\` object store`,
      );
    }
    // Another tab upgrading or deleting the database, or the browser closing the connection
    // (storage cleared), ends this connection; the next call opens a new one.
    db.onversionchange = () => {
      db.close();
      connection = null;
    };
    db.onclose = () => {
      connection = null;
    };
    return db;
  };

  const database = (): Promise<IDBDatabase> => {
    if (!connection) {
      const opening = open();
      connection = opening;
      opening.catch(() => {
        if (connection === opening) connection = null;
      });
    }
    return connection;
  };

  /** Runs `work` in a new transaction on the object store; resolves once it committed. */
  const transact = async <T>(
    mode: IDBTransactionMode,
    work: (store: IDBObjectStore) => IDBRequest<T>,
  ): Promise<T> => {
    const db = await database();
    const transaction = db.transaction(OBJECT_STORE, mode);
    const done = committed(transaction);
    const result = settle(work(transaction.objectStore(OBJECT_STORE)));
    // A failed request aborts the transaction: `done` rejects with the same error.
    result.catch(() => {});
    await done;
    return result;
  };

  return {
    name,
    async load(key) {
      checkStoreKey(key);
      const record = await transact('readonly', (store) => store.get(key));
      if (record === undefined) return null;
      try {
        return parsePlaybackCheckpoint(record);
      } catch (error) {
        throw new ProtocolError(
          `${where} holds an invalid checkpoint for \`${key}\`: ${(error as Error).message}`,
          { cause: error },
        );
      }
    },
    async save(key: string, checkpoint: PlaybackCheckpoint) {
      checkStoreKey(key);
      const valid = parsePlaybackCheckpoint(structuredClone(checkpoint));
      await transact('readwrite', (store) => store.put(valid, key));
    },
    async clear(key) {
      checkStoreKey(key);
      await transact('readwrite', (store) => store.delete(key));
    },
    close() {
      const current = connection;
      connection = null;
      current?.then(
        (db) => db.close(),
        () => {},
      );
    },
  };
}
