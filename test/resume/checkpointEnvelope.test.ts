import { describe, expect, it } from 'vitest';
import type { PlaybackCheckpoint } from '../../src/protocol.ts';
import { parseEnvelope } from '../../src/protocol.ts';

// The envelope a checkpoint crosses in is internal: checked here against the source.
const checkpoint = (over: Partial<PlaybackCheckpoint> = {}): PlaybackCheckpoint => ({
  version: 1,
  reason: 'paused',
  instanceId: 'music#1.1',
  items: [{ uri: 'virtual:a?duration=1000', properties: { title: 'A', $price: 3 } }],
  currentItemIndex: 0,
  position: 250,
  currentState: 'paused',
  volume: 0.5,
  isMuted: false,
  playbackRate: 1,
  isLoopingEnabled: false,
  autoRepeatEnabled: false,
  shuffleEnabled: false,
  shuffledOrder: [],
  appState: { at: new Date(1_000) },
  ...over,
});

describe('the checkpoint envelope', () => {
  it('is checked on arrival, its ValueSets too', () => {
    const state = checkpoint();
    expect(parseEnvelope({ v: 1, kind: 'checkpoint', seq: 1, state })).toMatchObject({
      ok: true,
      envelope: { kind: 'checkpoint', state: { position: 250, appState: { at: new Date(1_000) } } },
    });
    const bad = parseEnvelope({
      v: 1,
      kind: 'checkpoint',
      seq: 1,
      state: checkpoint({ appState: { deep: { fn: Symbol('x') } } as never }),
    });
    expect(bad).toMatchObject({
      ok: false,
      error: {
        name: 'ProtocolError',
        message: expect.stringMatching(/Invalid `checkpoint` envelope[\s\S]*deep/),
      },
    });
  });
});
