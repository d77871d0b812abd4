// One stored checkpoint, as plain data (a type-only import: nothing from src/ runs here).
import type { PlaybackCheckpoint } from '../../src/protocol.ts';

/** A valid checkpoint of two items, the second current, with `over` applied. */
export const checkpoint = (over: Partial<PlaybackCheckpoint> = {}): PlaybackCheckpoint => ({
  version: 1,
  reason: 'paused',
  instanceId: 'music#1.1',
  items: [
    { uri: 'virtual:a?duration=1000', properties: { title: 'A', $price: 3 } },
    { uri: 'virtual:b?duration=1000' },
  ],
  currentItemIndex: 1,
  position: 250,
  currentState: 'paused',
  volume: 0.5,
  isMuted: false,
  playbackRate: 1,
  isLoopingEnabled: false,
  autoRepeatEnabled: false,
  shuffleEnabled: true,
  shuffledOrder: [1, 0],
  appState: {
    at: new Date(1_000),
    $date: 'not a date',
    nested: { $$odd: ['x', new Date(2_000)] },
    list: [1, 2, null],
  },
  ...over,
});
