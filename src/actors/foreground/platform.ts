/**
 * What a media system does by default on its platform, in Node: checkpoints in memory, and
 * nothing more to join. The browser build has its own (`platform.browser.ts`), chosen by the
 * `browser` condition of the package's `#platform/system` import.
 *
 * @packageDocumentation
 */
import { createMemoryStateStore } from '../../adapters/store/memory.js';
import type { PlaybackStateStore } from '../../adapters/store/types.js';

/** Where a system keeps checkpoints when it is given no `stateStore`. */
export function defaultStateStore(): PlaybackStateStore {
  return createMemoryStateStore();
}

/** Joins a new system to what its platform shares (nothing in Node). */
export function joinPlatform(_system: object, _options: { tabs?: boolean }): void {}

/** Makes a new app follow its platform's foreground (nothing in Node: the app says it). */
export function followPlatform(_app: object, _options: { pageLifecycle?: boolean }): void {}
