import { createMediaSystem, type MediaSystem, type ValueSet } from 'backbeat';
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
  return { position, audio, wall, ratio: position / audio };
}

describe('playback survives a busy UI (worker host, Web Audio on the null sink)', () => {
  it('keeps playing through two 2 s foreground freezes, one across a sample-exact join', async () => {
    system = createMediaSystem({ audio: { kind: 'webAudio', sink: 'none', sampleRate: RATE } });
    const app = system.launchApp({ id: 'busy', task: taskUrl, host: 'worker' });
    const bmp = app.backgroundMediaPlayer;
    const inbox: ValueSet[] = [];
    const waiters: Array<{ match: (d: ValueSet) => boolean; resolve: (d: ValueSet) => void }> = [];
    bmp.on('messageReceivedFromBackground', ({ data }) => {
      const i = waiters.findIndex((w) => w.match(data));
      if (i >= 0) waiters.splice(i, 1)[0]?.resolve(data);
      else inbox.push(data);
    });
    const next = (type: string, extra: (d: ValueSet) => boolean = () => true) => {
      const match = (d: ValueSet) => d.type === type && extra(d);
      const i = inbox.findIndex(match);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0] as ValueSet);
      return new Promise<ValueSet>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no \`${type}\` within 15 s`)), 15_000);
        waiters.push({
          match,
          resolve: (d) => {
            clearTimeout(timer);
            resolve(d);
          },
        });
      });
    };
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

    // Block 1: in the middle of the first item (from about 0.5 s to 2.5 s of its 3.5 s).
    let p0 = await probe();
    while (p0.index !== 0 || p0.state !== 'playing' || p0.position < 500) {
      await new Promise((r) => setTimeout(r, 20));
      p0 = await probe();
    }
    const block1 = blockForeground(BLOCK_MS);
    const p1 = await probe();
    // Block 2: right away, so the join into the second item (at 3.5 s) falls about 1 s into it.
    const block2 = blockForeground(BLOCK_MS);
    const p2 = await probe();
    const join1 = await next('join', (d) => d.index === 1);
    // The second join (at 6.5 s) happens with the foreground idle, for comparison.
    const join2 = await next('join', (d) => d.index === 2);
    const p3 = await probe();
    const reportReply = next('report');
    bmp.sendMessageToBackground({ type: 'report' });
    const report = await reportReply;

    const mid = advance(p0, p1);
    const across = advance(p1, p2);
    console.log(
      `[busy] mid-track block ${(block1.to - block1.from).toFixed(1)} ms: position +${mid.position.toFixed(1)} ms, ` +
        `audio clock +${mid.audio.toFixed(1)} ms, task wall +${mid.wall.toFixed(1)} ms (ratio ${mid.ratio.toFixed(4)})`,
    );
    console.log(
      `[busy] join block ${(block2.to - block2.from).toFixed(1)} ms: position +${across.position.toFixed(1)} ms, ` +
        `audio clock +${across.audio.toFixed(1)} ms, task wall +${across.wall.toFixed(1)} ms (ratio ${across.ratio.toFixed(4)})`,
    );
    console.log(
      `[busy] join 0->1 at +${(Number(join1.wall) - block2.from).toFixed(1)} ms into block 2: ` +
        `diff ${String(join1.diffSamples)} samples (end ${String(join1.prevEnd)} s, start ${String(join1.nextStart)} s); ` +
        `join 1->2 (idle): diff ${String(join2.diffSamples)} samples; bufferingStarted fg ${buffering.length}, ` +
        `task ${String(report.buffering)}; states ${String(report.states)}`,
    );

    // The probes bracket each block and stay where planned.
    expect([p0.index, p1.index, p2.index]).toEqual([0, 0, 1]);
    expect(p1.wall).toBeGreaterThanOrEqual(block1.to);
    expect(p0.wall).toBeLessThanOrEqual(block1.from);
    expect(p2.wall).toBeGreaterThanOrEqual(block2.to);
    for (const [a, b] of [
      [mid, block1],
      [across, block2],
    ] as const) {
      // The interval between the two readings holds the whole block ...
      expect(a.wall).toBeGreaterThanOrEqual(b.to - b.from);
      // ... and the position moved on with the time that passed, across the join too.
      expect(Math.abs(a.position - a.wall)).toBeLessThanOrEqual(TOLERANCE_MS);
      expect(a.position).toBeGreaterThanOrEqual(BLOCK_MS - TOLERANCE_MS);
      // Position and audio clock are one clock when nothing stalls (reading skew only).
      expect(Math.abs(a.position - a.audio)).toBeLessThanOrEqual(1);
    }
    expect([p1.state, p2.state, p3.state]).toEqual(['playing', 'playing', 'playing']);

    // The join happened while the foreground was frozen, on the exact sample.
    expect(Number(join1.wall)).toBeGreaterThan(block2.from);
    expect(Number(join1.wall)).toBeLessThan(block2.to);
    expect(join1.prevFrames).toBe(FRAMES[0]);
    expect(join1.nextFrames).toBe(FRAMES[1]);
    expect(join1.diffSamples).toBe(0);
    expect(join2.prevFrames).toBe(FRAMES[1]);
    expect(join2.nextFrames).toBe(FRAMES[2]);
    expect(join2.diffSamples).toBe(0);
    // Scheduled well before it was due: the next item did not wait for anybody.
    expect(Number(join1.scheduledAhead)).toBeGreaterThan(1);

    // No buffering on either side, no restart: one buffer source per item, each from its start.
    expect(buffering).toEqual([]);
    expect(report.buffering).toBe(0);
    expect(report.states).not.toContain('buffering');
    expect(report.failures).toEqual([]);
    expect(report.startedFrames).toEqual([...FRAMES]);
    expect(report.startedOffsets).toEqual([0, 0, 0]);
    expect(taskStates).not.toContain('terminated');
    // Media time and the audio clock agree over the whole run (same clock, no lost time).
    const whole = advance(p0, p3);
    expect(Math.abs(whole.position - whole.audio)).toBeLessThanOrEqual(1);
    expect(p3.elapsed).toBeLessThan(
      duration(FRAMES[0]) + duration(FRAMES[1]) + duration(FRAMES[2]),
    );
  }, 40_000);
});
