/**
 * The contract of a playback state store: where the foreground keeps each app's last playback
 * checkpoint between task instances (and, with a persistent store, between runs of the app).
 * Small and asynchronous, so a JSON file in Node, IndexedDB in a browser and memory in tests all
 * fit it.
 *
 * @packageDocumentation
 */
import type { PlaybackCheckpoint } from '../../protocol.js';

export type { PlaybackCheckpoint };

/**
 * Keeps the last playback checkpoint of each app, by key (the app id). `load` of a key never
 * saved resolves to `null`; a stored value that is no longer a valid checkpoint rejects with a
 * `ProtocolError` naming what is wrong. Calls on one key take effect in the order they were made.
 */
export interface PlaybackStateStore {
  /** The last checkpoint saved under `key`, or null. */
  load(key: string): Promise<PlaybackCheckpoint | null>;
  /** Replaces the checkpoint under `key`; resolves once it is stored. */
  save(key: string, checkpoint: PlaybackCheckpoint): Promise<void>;
  /** Forgets the checkpoint under `key`. */
  clear(key: string): Promise<void>;
}

/**
 * Checks a store key: a non-empty string; a TypeError quoting anything else.
 */
export function checkStoreKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new TypeError(
      `A playback state store key must be a non-empty string, got \`${String(key)}\``,
    );
  }
  return key;
}

/**
 * Checks that `store` is a {@link PlaybackStateStore} (has `load`, `save` and `clear`); a
 * TypeError naming what it got otherwise.
 */
export function checkStateStore(store: unknown, what = 'stateStore'): PlaybackStateStore {
  const missing = ['load', 'save', 'clear'].find(
    (name) =>
      typeof store !== 'object' ||
      store === null ||
      typeof (store as Record<string, unknown>)[name] !== 'function',
  );
  if (missing) {
    throw new TypeError(
      `${what} must be a PlaybackStateStore with load, save and clear functions, got \`${String(store)}\` (no ${missing})`,
    );
  }
  return store as PlaybackStateStore;
}
