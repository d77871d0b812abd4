import * as v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as Comlink from 'comlink';
import { describe, expect, it } from 'vitest';
import { CallGate } from '../../src/actors/channel/callGate.ts';
import { openForegroundChannel, openTaskChannel } from '../../src/actors/channel.ts';
import { createEndpointPair } from '../../src/adapters/transport/inline.ts';
import {
  createExitNotice,
  createQueuedEndpoint,
  type TransportEndpoint,
} from '../../src/adapters/transport/types.ts';
import { InvalidOperationError, ProtocolError, TaskUnavailableError } from '../../src/errors.ts';
import type { RelayEnvelope } from '../../src/protocol.ts';
import { outcome, settlesAtOnce } from '../fixtures/transport/support.ts';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** A foreground channel on one end of an in-memory pair; the test holds the other end raw. */
function foreground<T = unknown>() {
  const pair = createEndpointPair();
  const exit = createExitNotice();
  const errors: ProtocolError[] = [];
  const channel = openForegroundChannel<T>(
    { endpoint: pair.a, onExit: (fn) => exit.on(fn) },
    { onProtocolError: (e) => errors.push(e) },
  );
  return { pair, exit, errors, channel, raw: pair.b };
}

/** A foreground and a task channel joined by an in-memory pair. */
function joined<T extends object>(api: T) {
  const f = foreground<T>();
  const taskErrors: ProtocolError[] = [];
  const task = openTaskChannel(f.pair.b, { onProtocolError: (e) => taskErrors.push(e) });
  task.expose(api);
  return { ...f, task, taskErrors };
}

describe('relay order', () => {
  it('delivers in seq order, reports a gap (and delivers), drops and reports a late one', async () => {
    const { channel, raw, errors } = foreground();
    const got: number[] = [];
    channel.on('event', (e) => got.push(e.seq));
    for (const seq of [1, 2, 4, 3, 5, 5]) raw.postMessage({ v: 1, kind: 'event', seq, name: 'x' });
    await tick();
    expect(got).toEqual([1, 2, 4, 5]);
    expect(errors.map((e) => e.message)).toEqual([
      'Relay gap: expected seq 3, got `4`; 1 envelope(s) missing before this `event`, which is delivered',
      'Relay `event` envelope out of order: expected seq 5, got `3` (already past it); dropped',
      'Relay `event` envelope out of order: expected seq 6, got `5` (already past it); dropped',
    ]);
    expect(channel.lastReceivedSeq).toBe(5);
  });

  it('numbers what it sends 1, 2, 3 and shares one sequence across kinds', async () => {
    const { channel, raw } = foreground();
    const seen: RelayEnvelope[] = [];
    raw.onMessage((m) => seen.push(m as RelayEnvelope));
    expect(channel.send({ kind: 'control', command: { type: 'shutdown' } })).toBe(1);
    expect(channel.send({ kind: 'message', data: { a: 1 } })).toBe(2);
    expect(channel.send({ kind: 'heartbeat', beat: 'ping', n: 7 })).toBe(3);
    await tick();
    expect(seen.map((e) => [e.kind, e.seq, e.v])).toEqual([
      ['control', 1, 1],
      ['message', 2, 1],
      ['heartbeat', 3, 1],
    ]);
    expect(channel.lastSentSeq).toBe(3);
  });

  it('refuses an invalid draft at the sender: nothing sent, no seq used', async () => {
    const { channel, raw } = foreground();
    const seen: unknown[] = [];
    raw.onMessage((m) => seen.push(m));
    expect(() =>
      channel.send({ kind: 'control', command: { type: 'cancel', reason: 'bored' } } as never),
    ).toThrow(/Refusing to send an invalid `control` relay envelope:[\s\S]*→ at command\.reason/);
    expect(() => channel.send({ kind: 'rpc', msg: {} } as never)).toThrow(ProtocolError);
    expect(channel.send({ kind: 'event', name: 'ok' })).toBe(1);
    await tick();
    expect(seen).toHaveLength(1);
  });

  it('keeps delivering to the other listeners when one throws; unsubscribe works', async () => {
    const pair = createEndpointPair();
    const exit = createExitNotice();
    const thrown: unknown[] = [];
    const channel = openForegroundChannel(
      { endpoint: pair.a, onExit: (fn) => exit.on(fn) },
      { onListenerError: (e) => thrown.push(e) },
    );
    const got: string[] = [];
    channel.on('event', () => {
      throw new Error('listener bug');
    });
    const off = channel.on('event', (e) => got.push(e.name));
    pair.b.postMessage({ v: 1, kind: 'event', seq: 1, name: 'a' });
    await tick();
    off();
    pair.b.postMessage({ v: 1, kind: 'event', seq: 2, name: 'b' });
    await tick();
    expect(got).toEqual(['a']);
    expect(thrown).toHaveLength(2);
    expect(() => channel.on('event', 'nope' as never)).toThrow(
      "Relay listener for 'event' must be a function, got `nope`",
    );
  });

  it('the task side answers pings from its event loop, unless told not to', async () => {
    const { channel, pair } = foreground();
    openTaskChannel(pair.b);
    const pongs: number[] = [];
    channel.on('heartbeat', (e) => pongs.push(e.n));
    channel.send({ kind: 'heartbeat', beat: 'ping', n: 41 });
    channel.send({ kind: 'heartbeat', beat: 'ping', n: 42 });
    await tick();
    expect(pongs).toEqual([41, 42]);

    const quiet = foreground();
    openTaskChannel(quiet.pair.b, { answerPings: false });
    const none: number[] = [];
    quiet.channel.on('heartbeat', (e) => none.push(e.n));
    quiet.channel.send({ kind: 'heartbeat', beat: 'ping', n: 1 });
    await tick();
    expect(none).toEqual([]);
  });
});

describe('calls', () => {
  const api = {
    n: 1,
    add: (a: number, b: number) => a + b,
    slow: () => new Promise<number>(() => {}),
  };

  it('call() and the proxy both go through Comlink over the rpc sub-channel', async () => {
    const { channel } = joined(api);
    expect(await channel.remote.add(1, 2)).toBe(3);
    expect(await channel.call((r) => r.add(3, 4))).toBe(7);
    expect(await channel.remote.n).toBe(1);
    // The root is not thenable: awaiting it gives the proxy back instead of hanging.
    expect(await channel.remote).toBe(channel.remote);
    expect((channel.remote as unknown as Record<symbol, unknown>)[Symbol.iterator]).toBeUndefined();
  });

  it('sets properties through the proxy', async () => {
    const { channel } = joined({ ...api });
    (channel.remote as unknown as { n: number }).n = 5;
    expect(await channel.remote.n).toBe(5);
  });

  it('refuses releaseProxy, createEndpoint and transferables, which cannot work here', async () => {
    const { channel } = joined(api);
    expect(() => channel.remote[Comlink.releaseProxy]()).toThrow(InvalidOperationError);
    expect(() => channel.remote[Comlink.createEndpoint]()).toThrow(InvalidOperationError);
    await expect(channel.remote.add(Comlink.proxy(() => 1) as never, 1)).rejects.toThrow(
      'cannot cross a Backbeat channel',
    );
    expect(await channel.remote.add(1, 1)).toBe(2);
  });

  it('rejects pending calls the moment the host exits, and later ones at once', async () => {
    const { channel, exit } = joined(api);
    const pending = [outcome(channel.remote.slow()), outcome(channel.call((r) => r.slow()))];
    await tick();
    expect(channel.pendingCalls).toBe(3);
    exit.fire({ reason: 'crashed', error: new RangeError('boom') });
    for (const { error } of await Promise.all(pending)) {
      expect(error).toBeInstanceOf(TaskUnavailableError);
      expect((error as TaskUnavailableError).reason).toBe('crashed: RangeError: boom');
    }
    expect(channel.unavailable?.reason).toBe('crashed: RangeError: boom');
    expect(await settlesAtOnce(channel.remote.add(1, 1))).toBe(true);
    expect(() => channel.send({ kind: 'control', command: { type: 'shutdown' } })).toThrow(
      /unavailable \(crashed: RangeError: boom\); the pending message cannot complete/,
    );
  });

  it('a host that already exited rejects calls at once', async () => {
    const pair = createEndpointPair();
    const exit = createExitNotice();
    exit.fire({ reason: 'exited', code: 0 });
    const channel = openForegroundChannel<typeof api>({ endpoint: pair.a, onExit: exit.on });
    const call = channel.remote.add(1, 2);
    await expect(call).rejects.toThrow(TaskUnavailableError);
    expect(channel.unavailable?.reason).toBe('exited: code 0');
  });
});

/** The engine's `gc()`, exposed for this test file only. */
function exposedGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('a channel that shut', () => {
  it('keeps the answer of a call that arrived just before the host exited', async () => {
    // A task that answers, then exits: the exit notice comes right behind the answer, in the
    // same turn (worker_threads delivers queued messages, then fires 'exit').
    const pair = createEndpointPair();
    const exit = createExitNotice();
    const endpoint: TransportEndpoint = {
      postMessage: (m) => pair.a.postMessage(m),
      onMessage: (listener) =>
        pair.a.onMessage((m) => {
          listener(m);
          exit.fire({ reason: 'exited', code: 0 });
        }),
    };
    const channel = openForegroundChannel<{ add(a: number, b: number): number }>({
      endpoint,
      onExit: (fn) => exit.on(fn),
    });
    openTaskChannel(pair.b).expose({ add: (a: number, b: number) => a + b });
    await expect(channel.remote.add(1, 2)).resolves.toBe(3);
    await expect(channel.remote.add(1, 2)).rejects.toBeInstanceOf(TaskUnavailableError);
    expect(channel.pendingCalls).toBe(0);
  });

  const api = {
    n: 1,
    add: (a: number, b: number) => a + b,
    nested: { twice: (x: number) => 2 * x },
  };
  /** How the proxy reaches into `nested` (Comlink's types only see a property read there). */
  type Deep = { n: number; nested: { twice(x: number): Promise<number> } };
  const deep = (remote: unknown) => remote as Deep;

  /** Opens, uses and shuts a channel; returns only a weak reference to its proxy. */
  async function usedAndShut(): Promise<WeakRef<object>> {
    const { channel, exit } = joined(api);
    expect(await channel.remote.add(1, 2)).toBe(3);
    expect(await deep(channel.remote).nested.twice(4)).toBe(8);
    const ref = new WeakRef(channel.remote as object);
    exit.fire({ reason: 'exited', code: 0 });
    // Not through expect(…).rejects, which keeps what it was given for the rest of the test.
    const error = await channel.remote.add(1, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskUnavailableError);
    return ref;
  }

  it('is not kept alive by Comlink once its host exited (its proxy is released)', async () => {
    const gc = exposedGc();
    const ref = await usedAndShut();
    // Finalization callbacks run on later turns: collect, let them run, collect again. Only
    // look at the reference at the end: deref() keeps its target alive for the current turn.
    for (let round = 0; round < 10; round++) {
      gc();
      await tick();
    }
    expect(ref.deref()).toBeUndefined();
  });

  it('keeps refusing with TaskUnavailableError at any depth after the release', async () => {
    const { channel, exit } = joined(api);
    expect(await deep(channel.remote).nested.twice(2)).toBe(4);
    exit.fire({ reason: 'crashed', error: new RangeError('gone') });
    const remote = deep(channel.remote);
    await expect(remote.nested.twice(1)).rejects.toBeInstanceOf(TaskUnavailableError);
    await expect(Promise.resolve(remote.nested)).rejects.toBeInstanceOf(TaskUnavailableError);
    expect(() => {
      remote.n = 2;
    }).toThrow(TaskUnavailableError);
    await expect(channel.call((r) => r.add(1, 1))).rejects.toMatchObject({
      reason: 'crashed: RangeError: gone',
    });
  });
});

describe('CallGate', () => {
  it('settles with the result, rejects on close, and at once afterwards', async () => {
    const gate = new CallGate();
    expect(await gate.run(() => 1)).toBe(1);
    await expect(
      gate.run(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    const waiting = outcome(gate.run(() => new Promise(() => {})));
    expect(gate.pending).toBe(1);
    gate.close(() => new TaskUnavailableError('gone'));
    expect((await waiting).error).toBeInstanceOf(TaskUnavailableError);
    expect(gate.pending).toBe(0);
    let started = false;
    const later = gate.run(() => {
      started = true;
      return 1;
    });
    await expect(later).rejects.toThrow(TaskUnavailableError);
    expect(started).toBe(false);
    expect(() => gate.assertOpen()).toThrow(TaskUnavailableError);
  });
});

describe('in-memory endpoints', () => {
  it('copy each message when posted (no aliasing) and throw at the sender for uncloneable data', async () => {
    const pair = createEndpointPair();
    const got: unknown[] = [];
    pair.b.onMessage((m) => got.push(m));
    const payload = { list: [1], at: new Date(5) };
    pair.a.postMessage(payload);
    payload.list.push(2);
    expect(() => pair.a.postMessage({ f: () => 1 })).toThrow(/could not be cloned/);
    await tick();
    expect(got).toEqual([{ list: [1], at: new Date(5) }]);
    expect(got[0]).not.toBe(payload);
  });

  it('deliver asynchronously, in order, and keep messages until the first listener', async () => {
    const pair = createEndpointPair();
    for (let i = 0; i < 5; i++) pair.a.postMessage(i);
    await tick();
    const got: unknown[] = [];
    pair.b.onMessage((m) => got.push(m));
    pair.a.postMessage(5);
    expect(got).toEqual([]);
    await tick();
    expect(got).toEqual([0, 1, 2, 3, 4, 5]);
    pair.close();
    pair.a.postMessage(6);
    await tick();
    expect(got).toHaveLength(6);
  });

  it('a queued endpoint refuses a non-function listener, quoting it', () => {
    const { endpoint } = createQueuedEndpoint(() => {});
    expect(() => endpoint.onMessage(42 as never)).toThrow('onMessage expects a function, got `42`');
  });
});
