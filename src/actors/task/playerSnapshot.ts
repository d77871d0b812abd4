/**
 * Helpers over the player's snapshot, whose shape is the contract's `PlayerSnapshotSchema`:
 * comparing two, and an item's metadata.
 *
 * @packageDocumentation
 */
import type { PlayerSnapshot, PlayerSnapshotItem } from '../../protocol.js';

const scalarKeys = [
  'currentState',
  'naturalDuration',
  'volume',
  'isMuted',
  'playbackRate',
  'autoPlay',
  'isLoopingEnabled',
  'bufferingProgress',
  'canSeek',
  'canPause',
] as const satisfies ReadonlyArray<keyof PlayerSnapshot>;

/**
 * Whether two snapshots are equal in everything but `position` (which moves on its own while
 * playing, so a change of it alone is no reason to publish).
 */
export function sameSnapshotIgnoringPosition(a: PlayerSnapshot, b: PlayerSnapshot): boolean {
  if (scalarKeys.some((k) => a[k] !== b[k])) return false;
  const x = a.currentItem;
  const y = b.currentItem;
  if (x === null || y === null) return x === y;
  return (
    x.index === y.index &&
    x.uri === y.uri &&
    x.title === y.title &&
    x.artist === y.artist &&
    x.albumTitle === y.albumTitle
  );
}

/**
 * Reads the snapshot item metadata out of a source's custom properties: the string values of
 * `title`, `artist` and `albumTitle`.
 */
export function snapshotItem(
  index: number,
  uri: string,
  properties: ReadonlyMap<string, unknown>,
): PlayerSnapshotItem {
  const item: PlayerSnapshotItem = { index, uri };
  for (const key of ['title', 'artist', 'albumTitle'] as const) {
    const value = properties.get(key);
    if (typeof value === 'string') item[key] = value;
  }
  return item;
}
