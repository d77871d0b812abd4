import { afterAll, describe, type ExpectStatic, it } from 'vitest';
import type { ForegroundChannel } from '../../src/actors/channel.ts';
import { superviseHeartbeat } from '../../src/actors/foreground/watchdog.ts';
import { HOST_KINDS } from '../../src/adapters/transport/hostFactory.ts';
import type { ExitInfo, HostKind } from '../../src/adapters/transport/types.ts';
import { VirtualClock } from '../../src/clock.ts';
import { TaskUnavailableError } from '../../src/errors.ts';
import {
  type EchoApi,
  next,
  nextMessage,
  outcome,
  settlesAtOnce,
  startEcho,
  terminateAll,
} from '../fixtures/transport/support.ts';

/**
 * Generous real-time bound for tests that start tasks (many side by side on busy cores). Only
 * real process events are awaited; no policy timeout is ever waited for in real time.
 */
const SPAWN_TIMEOUT = 60_000;

/** Hosts that run the task apart from the test (it can die or spin without taking us along). */
const ISOLATED: HostKind[] = ['worker', 'process'];

/** Starts calls that can only end when the task goes away; their outcomes are tracked at once. */
function pendingCalls(channel: ForegroundChannel<EchoApi>) {
  return [
    outcome(channel.call('hang', [])),
    outcome(channel.call('hang', [])),
    outcome(channel.call('add', [1, 1]).then(() => channel.call('hang', []))),
  ];
}

/** Every pending call rejected with TaskUnavailableError(reason); later calls and sends fail at once. */
async function expectUnavailable(
  expect: ExpectStatic,
  channel: ForegroundChannel<EchoApi>,
  pending: Promise<{ error?: unknown }>[],
  reason: string | RegExp,
) {
  for (const result of await Promise.all(pending)) {
    expect(result.error).toBeInstanceOf(TaskUnavailableError);
    expect((result.error as TaskUnavailableError).reason).toMatch(reason);
  }
  expect(channel.pendingCalls).toBe(0);
  expect(channel.unavailable).toBeInstanceOf(TaskUnavailableError);
  const later = channel.call('add', [1, 2]);
  expect(await settlesAtOnce(later)).toBe(true);
  await expect(later).rejects.toBeInstanceOf(TaskUnavailableError);
  const unserved = channel.call('teleport', []);
  expect(await settlesAtOnce(unserved)).toBe(true);
  await expect(unserved).rejects.toBeInstanceOf(TaskUnavailableError);
  expect(() => channel.send({ kind: 'control', command: { type: 'complete' } })).toThrow(
    TaskUnavailableError,
  );
}

afterAll(terminateAll);

// Each test starts its own task and waits only on real process events, so they run side by side.
describe.concurrent.each(HOST_KINDS)(
  '%s host: every way a task ends',
  { timeout: SPAWN_TIMEOUT },
  (kind) => {
    it('throws an uncaught error: crashed, with the error; what it sent just before arrives', async ({
      expect,
    }) => {
      const { channel, exited } = await startEcho(kind);
      const pending = pendingCalls(channel);
      const crashing = outcome(nextMessage(channel, 'crashing'));
      await channel.call('crash', []);
      const info = await exited;
      if (kind !== 'inline') {
        // The host runs the channel's flush before the task ends (the inline host cannot yet).
        expect(await Promise.race([crashing, 'lost'])).toMatchObject({
          value: { data: { type: 'crashing' } },
        });
      }
      expect(info.reason).toBe('crashed');
      expect(info.error).toBeInstanceOf(RangeError);
      expect(info.error).toMatchObject({ message: 'boom', code: 'E_BOOM' });
      await expectUnavailable(expect, channel, pending, 'crashed: RangeError: boom');
    });

    it('ends itself through its context right after sending: exited with the code, the sends arrive', async ({
      expect,
    }) => {
      const { channel, exited } = await startEcho(kind);
      const pending = pendingCalls(channel);
      const seen: string[] = [];
      channel.on('lifecycle', (e) => seen.push(e.notice.type));
      channel.on('message', (e) => seen.push(`${String(e.data.type)} ${String(e.data.n)}`));
      const call = outcome(channel.call('contextExit', [3]));
      const info = await exited;
      // Answered just before the exit: the answer is kept, not overtaken by the exit notice.
      expect((await call).error).toBeUndefined();
      expect(info).toMatchObject({ reason: 'exited', code: 3 });
      // Sent in the exit's own turn: flushed before the task ended.
      expect(seen).toEqual(['last 1', 'last 2', 'last 3', 'completed']);
      await expectUnavailable(expect, channel, pending, 'exited: code 3');
    });
  },
);

describe.concurrent.each(ISOLATED)(
  '%s host: ends the runtime cannot survive',
  { timeout: SPAWN_TIMEOUT },
  (kind) => {
    it('calls process.exit(3): exited with code 3', async ({ expect }) => {
      const { channel, exited } = await startEcho(kind);
      const pending = pendingCalls(channel);
      const call = outcome(channel.call('processExit', [3]));
      expect(await exited).toMatchObject({ reason: 'exited', code: 3 });
      // Answered just before the exit: the answer is kept, not overtaken by the exit notice.
      expect((await call).error).toBeUndefined();
      await expectUnavailable(expect, channel, pending, 'exited: code 3');
    });

    it('goes past its memory limit: memoryLimit', async ({ expect }) => {
      const { channel, exited } = await startEcho(kind, {
        memoryLimitMb: 32,
        forwardStderr: false,
      });
      const pending = pendingCalls(channel);
      const allocating = nextMessage(channel, 'allocating');
      await channel.call('oom', []);
      await allocating;
      const from = performance.now();
      const info = await exited;
      const ms = performance.now() - from;
      console.log(`[oom] ${kind}: exit reported ${ms.toFixed(0)} ms after allocation started`);
      expect(info.reason).toBe('memoryLimit');
      if (kind === 'process') expect(info.signal ?? info.code).toBeDefined();
      await expectUnavailable(expect, channel, pending, 'terminated: memoryLimit');
    });

    it('busy-loops: the watchdog (virtual time) finds it unresponsive and it is terminated', async ({
      expect,
    }) => {
      const clock = new VirtualClock();
      const { host, channel, exited } = await startEcho(kind);
      const unresponsive: { n: number; waitedMs: number }[] = [];
      const pong = (n: number) => next(channel, 'heartbeat', (e) => e.beat === 'pong' && e.n === n);
      // While the task's event loop turns, answered pings keep it alive past the timeout.
      const pong1 = pong(1);
      const dog = superviseHeartbeat({
        channel,
        host,
        clock,
        intervalMs: 1_000,
        timeoutMs: 1_500,
        onUnresponsive: (info) => unresponsive.push(info),
      });
      await pong1;
      for (const n of [2, 3]) {
        const answered = pong(n);
        await clock.advanceAsync(1_000);
        await answered;
      }
      expect(clock.now()).toBe(2_000);
      expect(dog.state).toBe('watching');
      expect(dog.outstanding).toBe(0);

      const pending = pendingCalls(channel);
      const spinning = nextMessage(channel, 'spinning');
      await channel.call('spin', []);
      await spinning;
      await clock.advanceAsync(1_000); // ping 4 goes out; the loop cannot answer
      expect(unresponsive).toEqual([]);
      await clock.advanceAsync(1_499);
      expect(unresponsive).toEqual([]);
      await clock.advanceAsync(1); // ping 4 is 1 500 ms old
      expect(unresponsive).toEqual([{ n: 4, waitedMs: 1_500 }]);
      expect(dog.state).toBe('unresponsive');
      const info: ExitInfo = await exited;
      expect(info).toMatchObject({ reason: 'terminated', terminateReason: 'unresponsive' });
      await expectUnavailable(expect, channel, pending, 'terminated: unresponsive');
    });
  },
);

describe('inline host', () => {
  it('hands locals to the task main as they are (not cloned)', async ({ expect }) => {
    const calls: unknown[][] = [];
    const started = (...args: unknown[]) => calls.push(args);
    const { host } = await startEcho('inline', { locals: { started } });
    expect(calls).toHaveLength(1);
    const [kind, channel] = calls[0] ?? [];
    expect(kind).toBe('inline');
    expect(typeof (channel as { send?: unknown }).send).toBe('function');
    await host.terminate('test over');
  });

  it('a task-side listener throws: crashed', async ({ expect }) => {
    const { channel, exited } = await startEcho('inline');
    const pending = pendingCalls(channel);
    channel.send({ kind: 'control', command: { type: 'complete' } });
    const info = await exited;
    expect(info.reason).toBe('crashed');
    expect(info.error).toMatchObject({ name: 'RangeError', message: 'control listener broke' });
    await expectUnavailable(expect, channel, pending, /^crashed: RangeError/);
  });

  // The inline host runs onExiting too: what the task queued in the turn it calls exit() goes.
  it('context.exit() right after a send delivers the send, without a flush of its own', async ({
    expect,
  }) => {
    const { channel, exited } = await startEcho('inline');
    const seen: string[] = [];
    channel.on('lifecycle', (e) => seen.push(e.notice.type));
    await channel.call('contextExit', [3, false]);
    expect(await exited).toMatchObject({ reason: 'exited', code: 3 });
    expect(seen).toEqual(['completed']);
  });

  it('answers pings, so the watchdog stays quiet on virtual time', async ({ expect }) => {
    const clock = new VirtualClock();
    const { host, channel } = await startEcho('inline');
    const dog = superviseHeartbeat({ channel, host, clock, intervalMs: 1_000, timeoutMs: 1_500 });
    for (let i = 0; i < 5; i++) await clock.advanceAsync(1_000);
    expect(dog.state).toBe('watching');
    expect(dog.lastPing).toBe(6);
    expect(dog.outstanding).toBe(0);
    await host.terminate('test over');
    expect(dog.state).toBe('stopped');
  });
});
