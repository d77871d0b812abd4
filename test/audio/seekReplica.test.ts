import { createMediaSystem, type MediaSystem } from 'backbeat';
import { waitFor } from 'backbeat/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sine, tempDir } from './support/signals.ts';

// The foreground's replica right after a seek, with real audio: a generated 6 s WAV file played
// by the Web Audio adapter on the null sink, on every host. The seek is answered only after the
// task's player reads the new position, and the snapshot the replica holds then shows it.
const RATE = 22_050;
const tmp = tempDir('backbeat-seek-');
afterAll(() => tmp.remove());
const uri = tmp.writeWav('six-seconds.wav', [sine(RATE * 6, RATE)], RATE);
const taskUrl = new URL('../fixtures/audioTasks/seekPlayer.mjs', import.meta.url);
const LIMIT_MS = 10_000;

let system: MediaSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

describe.each(['worker', 'process', 'inline'] as const)('seek with Web Audio (%s host)', (host) => {
  it('after `await player.seek(4000)` the snapshot shows the new position', async () => {
    system = createMediaSystem({ audio: { kind: 'webAudio', sink: 'none' } });
    const app = system.launchApp({ id: 'seek', task: taskUrl, host });
    const bmp = app.backgroundMediaPlayer;
    const player = bmp.current;
    let playing = false;
    player.on('currentStateChanged', ({ state }) => {
      if (state === 'playing') playing = true;
    });
    const seeks: number[] = [];
    player.on('seekCompleted', () => seeks.push(player.snapshot.position));
    bmp.sendMessageToBackground({ type: 'open', uri });
    await waitFor(() => playing, { timeoutMs: LIMIT_MS, what: 'the player to play' });
    expect(player.snapshot.position).toBeLessThan(2_000);

    await player.seek(4_000);
    // Read at once: the replica projects forward from the update, so a little more is fine.
    const { position } = player.snapshot;
    expect(position).toBeGreaterThanOrEqual(4_000);
    expect(position).toBeLessThan(5_000);
    expect(player.position).toBeGreaterThanOrEqual(4_000);
    expect(seeks).toHaveLength(1);
    expect(seeks[0]).toBeGreaterThanOrEqual(4_000);

    await player.pause();
    const paused = player.snapshot.position;
    expect(paused).toBeGreaterThanOrEqual(4_000);
    await player.seek(1_000);
    expect(player.snapshot.position).toBe(1_000);
  });
});
