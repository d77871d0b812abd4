import { createMediaSystem, type MediaSystem, type ValueSet } from 'backbeat';
import { waitFor } from 'backbeat/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { noise, tempDir } from './support/signals.ts';

// A worker task plays three generated WAV files on the null sink while the test freezes the
// foreground's event loop twice for 2 s with a busy loop: once in the middle of the first item,
// once across the join into the second. The task thread and the audio render thread do not need
// the foreground, so playback must go on as if nothing happened.
//
// Every probe is answered by the task with its player's position, the audio clock
// (`context.currentTime`) and the wall clock, read together (same render quantum), so no message
// latency enters a comparison. Two checks per block:
// - right after the block, the position moved exactly as far as the audio clock (±1 ms: reading
//   granularity). A paused, buffering or restarted player falls behind its clock by at least the
//   30 ms start lookahead; a restart also shows as an extra buffer source (checked exactly);
// - 400 ms after the block, the position moved as far as the wall clock, ±50 ms. The null sink's
//   clock moves in 128-frame quanta (2.7 ms at 48 kHz), renders in catch-up bursts (about 13 ms
//   seen) and drifts about 1 ms per 2 s. On a loaded 2-core machine the busy loop takes a core
//   and the render thread can fall behind during the block (seen: down to half speed); it
//   catches up on its own schedule once the CPU is free, which the 400 ms allow for. A paused
//   player would be short by the whole pause.
const RATE = 48_000;
const BLOCK_MS = 2_000;
const SETTLE_MS = 400;
const TOLERANCE_MS = 50;
/** Where in block 2 the join should fall (ms of media before the first item's end). */
const JOIN_INTO_BLOCK_MS = 600;
// Awkward lengths (no multiple of the 128-frame quantum): about 4 s, 3 s and 1.5 s.
const FRAMES = [192_013, 144_007, 72_011] as const;
const duration = (frames: number) => (frames / RATE) * 1000;

const tmp = tempDir('backbeat-busy-');
afterAll(() => tmp.remove());
const uris = FRAMES.map((n, i) => tmp.writeWav(`item${i}.wav`, [noise(n, i + 1, 0.25)], RATE));
const taskUrl = new URL('../fixtures/audioTasks/listPlayer.mjs', import.meta.url);

let system: MediaSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

/** Epoch milliseconds with sub-millisecond precision, comparable with the task's thread. */
const wallNow = () => performance.timeOrigin + performance.now();

/** Freezes this thread's event loop for `ms` with a synchronous loop; returns its wall span. */
function blockForeground(ms: number): { from: number; to: number } {
  const from = wallNow();
  let to = from;
  while (to - from < ms) to = wallNow();
  return { from, to };
}

interface Probe {
  index: number;
  position: number;
  elapsed: number;
  audioTime: number;
  wall: number;
  state: string;
}

/** The position advance over a block, read by the task at both ends, against the wall clock. */
function advance(before: Probe, after: Probe) {
  const position = after.elapsed - before.elapsed;
  const audio = (after.audioTime - before.audioTime) * 1000;
  const wall = after.wall - before.wall;
  return { position, audio, wall };
}

describe('playback survives a busy UI (worker host, Web Audio on the null sink)', () => {
  it('keeps playing through two 2 s foreground freezes, one across a sample-exact join', async () => {
    system = createMediaSystem({ audio: { kind: 'webAudio', sink: 'none', sampleRate: RATE } });
    const app = system.launchApp({ id: 'busy', task: taskUrl, host: 'worker' });
    const bmp = app.backgroundMediaPlayer;
    const inbox: ValueSet[] = [];
    bmp.on('messageReceivedFromBackground', ({ data }) => inbox.push(data));
    /** Takes the oldest matching message from the inbox, waiting up to 15 s for one. */
    const next = (type: string, extra: (d: ValueSet) => boolean = () => true) =>
      waitFor(
        () => {
          const i = inbox.findIndex((d) => d.type === type && extra(d));
          return i >= 0 ? inbox.splice(i, 1)[0] : undefined;
        },
        { timeoutMs: 15_000, what: `a \`${type}\` message` },
      );
    let tags = 0;
    const probe = async (): Promise<Probe> => {
      const tag = ++tags;
      const reply = next('probe', (d) => d.tag === tag);
      bmp.sendMessageToBackground({ type: 'probe', tag });
      return (await reply) as unknown as Probe;
    };

    const player = bmp.current;
    const buffering: number[] = [];
    player.on('bufferingStarted', () => buffering.push(wallNow()));
    const taskStates: string[] = [];
    bmp.on('taskStateChanged', ({ state }) => taskStates.push(state));
    await next('ready');
    bmp.sendMessageToBackground({ type: 'load', uris });

    /**
     * Waits until the first item plays at or past `ms`, as the task reads it: the replica's
     * position says when to probe; where the task's reading is behind it (the audio clock runs
     * late on a loaded machine), the replica is waited on for the difference again.
     */
    const playingPast = async (ms: number) => {
      let replicaTarget = ms;
      for (let probes = 1; ; probes++) {
        const target = replicaTarget;
        await waitFor(
          () => {
            const { currentItem, currentState, position } = player.snapshot;
            return currentItem?.index === 0 && currentState === 'playing' && position >= target;
          },
          { timeoutMs: 15_000, what: `the first item to play past ${ms} ms` },
        );
        const p = await probe();
        if (p.index === 0 && p.state === 'playing' && p.position >= ms) return p;
        if (probes === 20) throw new Error(`the task never read ${ms} ms: ${JSON.stringify(p)}`);
        replicaTarget += Math.max(ms - p.position, 1);
      }
    };
    /** Blocks the foreground for 2 s between two probes, then probes again after settling. */
    const blockBetweenProbes = async (before: Probe) => {
      const span = blockForeground(BLOCK_MS);
      const after = await probe();
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const settled = await probe();
      return { span, before, after, settled };
    };

    // Block 1: in the middle of the first item (from about 0.5 s to 2.5 s of its 4 s).
    const block1 = await blockBetweenProbes(await playingPast(500));
    // Block 2: the join into the second item falls 0.6 s into it (of media time).
    const block2 = await blockBetweenProbes(
      await playingPast(duration(FRAMES[0]) - JOIN_INTO_BLOCK_MS),
    );
    const join1 = await next('join', (d) => d.index === 1);
    // The second join (at 7 s) happens with the foreground idle, for comparison.
    const join2 = await next('join', (d) => d.index === 2);
    const last = await probe();
    const reportReply = next('report');
    bmp.sendMessageToBackground({ type: 'report' });
    const report = await reportReply;

    for (const [name, b] of [
      ['mid-track', block1],
      ['across the join', block2],
    ] as const) {
      const during = advance(b.before, b.after);
      const settled = advance(b.before, b.settled);
      console.log(
        `[busy] ${name}: block ${(b.span.to - b.span.from).toFixed(1)} ms; right after: ` +
          `position +${during.position.toFixed(1)} ms, audio clock +${during.audio.toFixed(1)} ms, ` +
          `wall +${during.wall.toFixed(1)} ms; ${SETTLE_MS} ms later: position ` +
          `+${settled.position.toFixed(1)} ms, wall +${settled.wall.toFixed(1)} ms ` +
          `(difference ${(settled.position - settled.wall).toFixed(1)} ms)`,
      );
      // The readings bracket the block ...
      expect(b.before.wall).toBeLessThanOrEqual(b.span.from);
      expect(b.after.wall).toBeGreaterThanOrEqual(b.span.to);
      expect([b.before.state, b.after.state, b.settled.state]).toEqual([
        'playing',
        'playing',
        'playing',
      ]);
      // ... the player never fell behind its audio clock during it ...
      expect(Math.abs(during.position - during.audio)).toBeLessThanOrEqual(1);
      // ... and it moved on with the time that passed: the whole block and the settling.
      expect(settled.position).toBeGreaterThanOrEqual(BLOCK_MS + SETTLE_MS - TOLERANCE_MS);
      expect(Math.abs(settled.position - settled.wall)).toBeLessThanOrEqual(TOLERANCE_MS);
    }
    console.log(
      `[busy] join 0->1 at +${(Number(join1.wall) - block2.span.from).toFixed(1)} ms into block 2: ` +
        `${String(join1.diffSamples)} samples between the first item's end (${String(join1.prevEnd)} s) ` +
        `and the second's start (${String(join1.nextStart)} s); join 1->2 (foreground idle): ` +
        `${String(join2.diffSamples)} samples; bufferingStarted: foreground ${buffering.length}, ` +
        `task ${String(report.buffering)}; task player states: ${String(report.states)}`,
    );

    // The probes are where they were planned.
    expect([block1.before.index, block1.settled.index]).toEqual([0, 0]);
    expect([block2.before.index, block2.settled.index]).toEqual([0, 1]);
    // The join happened while the foreground was frozen, on the exact sample.
    expect(Number(join1.wall)).toBeGreaterThan(block2.span.from);
    expect(Number(join1.wall)).toBeLessThan(block2.span.to);
    expect(join1.prevFrames).toBe(FRAMES[0]);
    expect(join1.nextFrames).toBe(FRAMES[1]);
    expect(join1.diffSamples).toBe(0);
    expect(join2.prevFrames).toBe(FRAMES[1]);
    expect(join2.nextFrames).toBe(FRAMES[2]);
    expect(join2.diffSamples).toBe(0);
    // Scheduled long before it was due: the next item did not wait for anybody.
    expect(Number(join1.scheduledAhead)).toBeGreaterThan(1);

    // No buffering on either side, no restart: one buffer source per item, each from its start.
    expect(buffering).toEqual([]);
    expect(report.buffering).toBe(0);
    expect(report.states).not.toContain('buffering');
    expect(report.failures).toEqual([]);
    expect(report.startedFrames).toEqual([...FRAMES]);
    expect(report.startedOffsets).toEqual([0, 0, 0]);
    expect(taskStates).not.toContain('terminated');
    // Media time and the audio clock agree over the whole run (same clock, no time lost).
    const whole = advance(block1.before, last);
    expect(Math.abs(whole.position - whole.audio)).toBeLessThanOrEqual(1);
    expect(last.index).toBe(2);
  }, 30_000);
});
