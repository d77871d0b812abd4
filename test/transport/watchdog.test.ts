import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWatchdog, superviseHeartbeat } from '../../src/actors/foreground/watchdog.ts';
import { createExitNotice } from '../../src/adapters/transport/exit.ts';
import type { ExitInfo } from '../../src/adapters/transport/types.ts';
import { VirtualClock } from '../../src/clock.ts';
import type { Draft, EnvelopeOf } from '../../src/protocol.ts';

function setup(intervalMs = 1_000, timeoutMs = 2_500) {
  const clock = new VirtualClock();
  const pings: { n: number; at: number }[] = [];
  const unresponsive: { n: number; waitedMs: number; at: number }[] = [];
  const dog = createWatchdog({
    clock,
    intervalMs,
    timeoutMs,
    ping: (n) => pings.push({ n, at: clock.now() }),
    onUnresponsive: (info) => unresponsive.push({ ...info, at: clock.now() }),
  });
  return { clock, dog, pings, unresponsive };
}

describe('createWatchdog', () => {
  it('refuses bad timings, quoting them', () => {
    const base = { clock: new VirtualClock(), ping: () => {}, onUnresponsive: () => {} };
    expect(() => createWatchdog({ ...base, intervalMs: 0, timeoutMs: 1 })).toThrow(
      'Watchdog intervalMs must be a finite number > 0, got `0`',
    );
    expect(() => createWatchdog({ ...base, intervalMs: 1, timeoutMs: Number.NaN })).toThrow(
      'got `NaN`',
    );
  });

  it('pings at start and every interval; answered pings keep it quiet for a virtual hour', () => {
    const { clock, dog, pings, unresponsive } = setup();
    expect(dog.state).toBe('idle');
    dog.start();
    expect(pings).toEqual([{ n: 1, at: 0 }]);
    for (let t = 0; t < 3_600; t++) {
      dog.pong(dog.lastPing);
      clock.advance(1_000);
    }
    expect(dog.lastPing).toBe(3_601);
    expect(pings.at(-1)).toEqual({ n: 3_601, at: 3_600_000 });
    expect(unresponsive).toEqual([]);
    expect(dog.state).toBe('watching');
  });

  it('reports the oldest unanswered ping exactly timeoutMs after it was sent, once', () => {
    const { clock, dog, pings, unresponsive } = setup(1_000, 2_500);
    dog.start();
    dog.pong(1);
    clock.advance(1_000); // ping 2 at 1000, never answered
    clock.advance(2_499); // pings 3, 4 at 2000, 3000; t = 3499
    expect(unresponsive).toEqual([]);
    expect(dog.outstanding).toBe(3);
    clock.advance(1); // t = 3500 = 1000 + 2500
    expect(unresponsive).toEqual([{ n: 2, waitedMs: 2_500, at: 3_500 }]);
    expect(dog.state).toBe('unresponsive');
    clock.advance(60_000);
    expect(unresponsive).toHaveLength(1);
    expect(pings.at(-1)?.n).toBe(4); // no ping after the verdict
    expect(clock.pending).toBe(0);
  });

  it('a pong answers its ping and every earlier one, never a later one', () => {
    const { clock, dog, unresponsive } = setup(1_000, 2_500);
    dog.start();
    clock.advance(2_000); // pings 1, 2, 3
    dog.pong(2);
    expect(dog.outstanding).toBe(1);
    dog.pong(1); // stale: changes nothing
    dog.pong(Number.NaN); // ignored
    expect(dog.outstanding).toBe(1);
    clock.advance(2_499); // ping 3 (at 2000) is 2 499 old
    expect(unresponsive).toEqual([]);
    clock.advance(1);
    expect(unresponsive).toEqual([{ n: 3, waitedMs: 2_500, at: 4_500 }]);
  });

  it('stop() is final and leaves no timer behind', () => {
    const { clock, dog, pings } = setup();
    dog.start();
    clock.advance(1_500);
    dog.stop();
    expect(dog.state).toBe('stopped');
    expect(clock.pending).toBe(0);
    clock.advance(10_000);
    expect(pings).toHaveLength(2);
    expect(() => dog.start()).toThrow("Watchdog.start expects state 'idle', got `stopped`");
  });

  it('matches a reference model for any pattern of answer delays', () => {
    const interval = 1_000;
    const timeout = 2_500;
    // A delay per ping: null = never answered. Ties with a deadline are left out: a pong that
    // arrives at the very moment a ping's deadline passes may count either way.
    const delay = fc.option(
      fc.integer({ min: 0, max: 6_000 }).filter((d) => d !== timeout),
      {
        nil: null,
      },
    );
    fc.assert(
      fc.property(fc.array(delay, { minLength: 1, maxLength: 12 }), (delays) => {
        const answers = delays.flatMap((d, i) => (d === null ? [] : [i * interval + d]));
        const deadlines = delays.map((_, i) => i * interval + timeout);
        fc.pre(!answers.some((at) => deadlines.includes(at)));
        const clock = new VirtualClock();
        let verdict: { n: number; at: number } | undefined;
        const dog = createWatchdog({
          clock,
          intervalMs: interval,
          timeoutMs: timeout,
          ping: (n) => {
            const d = n <= delays.length ? delays[n - 1] : 1;
            if (d !== null && d !== undefined) clock.setTimeout(() => dog.pong(n), d);
          },
          onUnresponsive: ({ n }) => {
            verdict = { n, at: clock.now() };
          },
        });
        dog.start();
        const horizon = (delays.length - 1) * interval + timeout + 1;
        clock.advance(horizon);

        // Reference: ping k (sent at (k-1)*interval) is answered by the first pong m >= k.
        let expected: { n: number; at: number } | undefined;
        for (let k = 1; k <= delays.length && !expected; k++) {
          const deadline = (k - 1) * interval + timeout;
          let answeredAt = Number.POSITIVE_INFINITY;
          for (let m = k; m <= delays.length + 10; m++) {
            const d = m <= delays.length ? delays[m - 1] : 1;
            if (d !== null && d !== undefined) {
              answeredAt = Math.min(answeredAt, (m - 1) * interval + d);
            }
          }
          if (answeredAt > deadline) expected = { n: k, at: deadline };
        }
        expect(verdict).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('superviseHeartbeat', () => {
  function fakes() {
    const clock = new VirtualClock();
    const sent: Draft[] = [];
    let pongListener: ((e: EnvelopeOf<'heartbeat'>) => void) | undefined;
    let listening = 0;
    const channel = {
      send: (draft: Draft) => sent.push(draft),
      on: (kind: string, listener: (e: EnvelopeOf<'heartbeat'>) => void) => {
        expect(kind).toBe('heartbeat');
        pongListener = listener;
        listening++;
        return () => {
          listening--;
        };
      },
    };
    const exit = createExitNotice();
    const terminated: string[] = [];
    const host = {
      onExit: (fn: (info: ExitInfo) => void) => exit.on(fn),
      terminate: async (reason?: string) => {
        terminated.push(reason ?? '');
        exit.fire({ reason: 'terminated', terminateReason: reason });
      },
    };
    const pong = (n: number) =>
      pongListener?.({ v: 1, kind: 'heartbeat', seq: n, beat: 'pong', n });
    return { clock, sent, channel, host, exit, terminated, pong, listening: () => listening };
  }

  it('sends heartbeat pings, feeds pongs, terminates an unresponsive task with "unresponsive"', async () => {
    const f = fakes();
    const seen: number[] = [];
    const dog = superviseHeartbeat({
      channel: f.channel as never,
      host: f.host,
      clock: f.clock,
      intervalMs: 1_000,
      timeoutMs: 1_500,
      onUnresponsive: ({ n }) => seen.push(n),
    });
    expect(f.sent).toEqual([{ kind: 'heartbeat', beat: 'ping', n: 1 }]);
    f.pong(1);
    f.clock.advance(1_000);
    f.pong(2);
    f.clock.advance(1_000); // ping 3 at 2000
    f.clock.advance(1_500);
    expect(seen).toEqual([3]);
    expect(f.terminated).toEqual(['unresponsive']);
    expect(dog.state).toBe('unresponsive');
    await Promise.resolve();
    expect(f.listening()).toBe(0);
  });

  it('stops and detaches when the host exits for any reason', async () => {
    const f = fakes();
    const dog = superviseHeartbeat({
      channel: f.channel as never,
      host: f.host,
      clock: f.clock,
      intervalMs: 1_000,
      timeoutMs: 1_500,
    });
    f.exit.fire({ reason: 'crashed', error: new Error('x') });
    expect(dog.state).toBe('stopped');
    expect(f.clock.pending).toBe(0);
    expect(f.listening()).toBe(0);
    f.clock.advance(10_000);
    expect(f.terminated).toEqual([]);
  });
});
