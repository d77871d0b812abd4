import { describe, expect, it } from 'vitest';
import { type PlaybackCheckpoint, readEnvelope } from '../../src/protocol.ts';

// The envelope a checkpoint crosses in is internal: checked here against the source.
const checkpoint = (over: Partial<PlaybackCheckpoint> = {}): PlaybackCheckpoint => ({
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
  appState: { at: new Date(1_000), list: [1, 2, null] },
  ...over,
});

describe('the checkpoint envelope', () => {
  it('is checked by its schema on arrival, naming what is wrong', () => {
    const ok = readEnvelope({ v: 1, kind: 'checkpoint', seq: 1, state: checkpoint() });
    expect(ok).toEqual({ ok: true, envelope: expect.objectContaining({ state: checkpoint() }) });
    for (const [over, path] of [
      [{ volume: 3 }, /→ at state\.volume/],
      [{ currentItemIndex: 2 }, /currentItemIndex `2` is past the 2 item\(s\)/],
      [{ appState: [1] as never }, /→ at state\.appState/],
    ] as const) {
      const bad = readEnvelope({ v: 1, kind: 'checkpoint', seq: 1, state: checkpoint(over) });
      expect(bad.ok).toBe(false);
      if (bad.ok) continue;
      expect(bad.error).toMatchObject({ name: 'ProtocolError', code: 'PROTOCOL' });
      expect(bad.error.message).toMatch(/^Invalid `checkpoint` envelope:/);
      expect(bad.error.message).toMatch(path);
    }
  });
});
