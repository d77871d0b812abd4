/**
 * What a media system does by default in a browser: checkpoints in IndexedDB, the origin's
 * other tabs as one device (exclusivity and the task list, see `tabs.ts`), and each app's
 * foreground following its page's lifecycle (see `pageLifecycle.ts`). `createMediaSystem({ tabs:
 * false })` and `launchApp({ pageLifecycle: false })` turn the last two off.
 *
 * @packageDocumentation
 */
import { createIndexedDbStateStore } from '../../adapters/store/indexedDb.js';
import { createMemoryStateStore } from '../../adapters/store/memory.js';
import type { PlaybackStateStore } from '../../adapters/store/types.js';
import { followPageLifecycle, type PageLifecycleApp } from './pageLifecycle.js';
import { shareTasksAcrossTabs } from './tabs.js';

/** Where a system keeps checkpoints when it is given no `stateStore`: IndexedDB where there is one. */
export function defaultStateStore(): PlaybackStateStore {
  return typeof indexedDB === 'object' && indexedDB !== null
    ? createIndexedDbStateStore()
    : createMemoryStateStore();
}

/**
 * Joins a new system to the systems of the origin's other tabs, where the page has Web Locks and
 * BroadcastChannel (a secure context): it stops by itself when the system is disposed.
 */
export function joinPlatform(system: object, options: { tabs?: boolean }): void {
  if (options.tabs === false) return;
  const locks = (globalThis as { navigator?: { locks?: unknown } }).navigator?.locks;
  if (!locks || typeof BroadcastChannel !== 'function') return;
  shareTasksAcrossTabs(system as Parameters<typeof shareTasksAcrossTabs>[0]);
}

/** Makes a new app's foreground follow its page, on a page (not in a worker). */
export function followPlatform(app: object, options: { pageLifecycle?: boolean }): void {
  if (options.pageLifecycle === false) return;
  if (typeof window !== 'object' || typeof document !== 'object') return;
  followPageLifecycle(app as PageLifecycleApp, { target: window });
}
