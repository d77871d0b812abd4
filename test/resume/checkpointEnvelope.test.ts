import { describe, expect, it } from 'vitest';
import { readEnvelope } from '../../src/protocol.ts';
import { checkpoint } from './checkpointFixture.ts';

// The envelope a checkpoint crosses in is internal: checked here against the source.

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
