/**
 * A playback state store in memory: checkpoints last as long as the store object (the test
 * kit's default, and the media system's when no store is given).
 *
 * @packageDocumentation
 */
import { type PlaybackCheckpoint, parsePlaybackCheckpoint } from '../../protocol.js';
import { checkStoreKey, type PlaybackStateStore } from './types.js';

/** A {@link PlaybackStateStore} in memory, with a synchronous view for tests. */
export interface MemoryStateStore extends PlaybackStateStore {
  /** The keys that hold a checkpoint. */
  keys(): string[];
  /** How many checkpoints were saved in all (each `save` counts). */
  readonly saves: number;
}

/**
 * Creates a playback state store in memory. Each checkpoint is validated and copied on the way
 * in and out, so a caller's later changes never reach the stored one.
 *
 * @example
 * ```ts
 * import { createMemoryStateStore } from 'backbeat/store/memory';
 *
 * const stateStore = createMemoryStateStore();
 * const app = system.launchApp({ id: 'music', task, stateStore });
 * // … later, after the task checkpointed:
 * (await stateStore.load('music'))?.position;
 * ```
 */
export function createMemoryStateStore(): MemoryStateStore {
  const entries = new Map<string, PlaybackCheckpoint>();
  let saves = 0;
  return {
    async load(key) {
      const stored = entries.get(checkStoreKey(key));
      return stored ? structuredClone(stored) : null;
    },
    async save(key, checkpoint) {
      checkStoreKey(key);
      entries.set(key, parsePlaybackCheckpoint(structuredClone(checkpoint)));
      saves++;
    },
    async clear(key) {
      entries.delete(checkStoreKey(key));
    },
    keys: () => [...entries.keys()],
    get saves() {
      return saves;
    },
  };
}
