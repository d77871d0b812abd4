import type { PlaybackStateStore } from '../../adapters/store/types.js';
import type { PlaybackCheckpoint } from '../../protocol.js';

/**
 * The foreground's side of one app's checkpoints: loads the last one from the store at launch,
 * keeps the newest in memory for the next task instance, and persists each one as it arrives
 * (in order; a failed load or save is reported, never thrown).
 */
export class PlaybackStateKeeper {
  #store: PlaybackStateStore;
  #key: string;
  #report: (error: Error) => void;
  /** undefined while the store is loading. */
  #latest: PlaybackCheckpoint | null | undefined = undefined;
  #loaded: Promise<PlaybackCheckpoint | null>;
  #writes: Promise<void> = Promise.resolve();

  constructor(store: PlaybackStateStore, key: string, report: (error: Error) => void) {
    this.#store = store;
    this.#key = key;
    this.#report = report;
    this.#loaded = Promise.resolve()
      .then(() => store.load(key))
      .catch((error: unknown) => {
        report(error instanceof Error ? error : new Error(String(error)));
        return null;
      })
      .then((stored) => {
        // A checkpoint that arrived while loading is newer than the stored one.
        if (this.#latest === undefined) this.#latest = stored;
        return this.#latest;
      });
  }

  /** The newest checkpoint, null when there is none, undefined while the store is loading. */
  get latest(): PlaybackCheckpoint | null | undefined {
    return this.#latest;
  }

  /** Resolves with the newest checkpoint once the store has loaded. */
  whenLoaded(): Promise<PlaybackCheckpoint | null> {
    return this.#loaded;
  }

  /** A task took a checkpoint: keep it and persist it after the writes before it. */
  receive(checkpoint: PlaybackCheckpoint): void {
    this.#latest = checkpoint;
    const store = this.#store;
    const key = this.#key;
    this.#writes = this.#writes
      .then(() => this.#loaded)
      .then(() => store.save(key, checkpoint))
      .catch((error: unknown) => {
        this.#report(error instanceof Error ? error : new Error(String(error)));
      });
  }

  /** Resolves once every checkpoint received so far is persisted (or reported as failed). */
  flush(): Promise<void> {
    return this.#writes;
  }
}
