import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_LIMIT } from '../../src/actors/channel/core.ts';
import { HOST_KINDS } from '../../src/adapters/transport/hostFactory.ts';
import type { HostKind } from '../../src/adapters/transport/types.ts';
import {
  BackbeatError,
  ProtocolError,
  TaskUnavailableError,
  ValueSetError,
} from '../../src/errors.ts';
import {
  nextMessage,
  outcome,
  type Started,
  settlesAtOnce,
  startEcho,
  terminateAll,
} from '../fixtures/transport/support.ts';

const init = { at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), tags: ['a', 'b'], count: 2 };
const hosts = new Map<HostKind, Started>();
const idle = { type: 'systemState', foreground: 'visible', otherMediaPlaying: false } as const;

// One task per host kind for this file, started side by side.
beforeAll(async () => {
  const all = await Promise.all(HOST_KINDS.map((kind) => startEcho(kind, { init })));
  for (const started of all) hosts.set(started.host.kind, started);
}, 60_000); // real start-up of three tasks side by side on possibly busy cores
afterAll(terminateAll);

/** How many envelopes each post carries when `n` are sent in one turn. */
const batchesOf = (n: number): number[] => {
  const sizes: number[] = [];
  for (let left = n; left > 0; left -= BATCH_LIMIT) sizes.push(Math.min(BATCH_LIMIT, left));
  return sizes;
};

describe.each(HOST_KINDS)('%s host: calls and the stream', (kind) => {
  let started: Started;
  beforeAll(() => {
    started = hosts.get(kind)!;
  });

  it('answers calls, with their arguments and the init data', async () => {
    const { channel } = started;
    expect(await channel.call('add', [2, 3])).toBe(5);
    expect(await channel.call('kind', [])).toBe(kind);
    const value = { list: [1, 'two', null, { three: true }], map: new Map([['k', 1]]) };
    expect(await channel.call('echo', [value])).toEqual(value);
    expect(await channel.call('init', [])).toEqual(init);
    const many = await Promise.all([1, 2, 3].map((n) => channel.call('add', [n, n])));
    expect(many).toEqual([2, 4, 6]);
    expect(channel.pendingCalls).toBe(0);
  });

  it('rejects a call to a name the task does not serve with a ProtocolError naming it', async () => {
    const error = await started.channel.call('teleport', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: 'PROTOCOL' });
    expect((error as Error).message).toMatch(/serves no call `teleport`; it serves kind, add,/);
    expect(await started.channel.call('add', [1, 1])).toBe(2);
  });

  it('keeps the class, name, message and code of errors thrown by the task', async () => {
    const { channel } = started;
    const range = await channel.call('throwRange', []).catch((e: unknown) => e);
    expect(range).toBeInstanceOf(RangeError);
    expect(range).toMatchObject({ name: 'RangeError', message: 'out of range: `7`' });

    const valueSet = await channel.call('throwValueSet', []).catch((e: unknown) => e);
    expect(valueSet).toBeInstanceOf(ValueSetError);
    expect(valueSet).toBeInstanceOf(BackbeatError);
    expect(valueSet).toMatchObject({
      name: 'ValueSetError',
      code: 'VALUE_SET_INVALID',
      message: 'Invalid ValueSet: key `__proto__` refused',
    });

    const coded = await channel.call('throwCoded', []).catch((e: unknown) => e);
    expect(coded).toBeInstanceOf(Error);
    expect(coded).toMatchObject({
      name: 'Error',
      message: 'disk gone',
      code: 'E_DISK',
      attempt: 3,
    });
    expect(String((coded as Error).stack)).toContain('disk gone');

    await expect(channel.call('rejectAsync', [])).rejects.toThrow(TypeError);
    await expect(channel.call('rejectAsync', [])).rejects.toThrow('async nope');
    await expect(channel.call('throwString', [])).rejects.toThrow(
      'Non-error value thrown: `plain string`',
    );
    // The channel is still fine after errors.
    expect(await channel.call('add', [1, 1])).toBe(2);
  });

  it('delivers 1000 envelopes in order, both ways, each side posting one turn at once', async () => {
    const { channel, posts } = started;
    const ticks: { seq: number; i: number }[] = [];
    const off = channel.on('message', (e) => {
      if (e.data.type === 'tick') ticks.push({ seq: e.seq, i: e.data.i as number });
    });
    const postsBefore = posts.length;
    // The result is sent in the same turn as the ticks: it arrives after all of them.
    const lastSeq = await channel.call('burst', [1000]);
    off();
    expect(ticks.map((t) => t.i)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(ticks.at(-1)?.seq).toBe(lastSeq);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]!.seq).toBe(ticks[i - 1]!.seq + 1);
    // 1000 messages and the result, sent in one turn: posts of BATCH_LIMIT, then the rest.
    expect(posts.slice(postsBefore)).toEqual(batchesOf(1001));

    const taskPostsBefore = (await channel.call('postsSeen', [])).length;
    const sent: number[] = [];
    for (let i = 0; i < 1000; i++) sent.push(channel.send({ kind: 'control', command: idle }));
    // One pipe: the call is answered after the task handled every control sent before it.
    const seen = await channel.call('controlsSeen', []);
    expect(seen.slice(-1000)).toEqual(sent);
    const taskPosts = await channel.call('postsSeen', []);
    // The 1000 controls and the call behind them, then the postsSeen call.
    expect(taskPosts.slice(taskPostsBefore)).toEqual([...batchesOf(1001), 1]);
    expect(started.protocolErrors).toEqual([]);
  });

  it('drops and reports invalid envelopes, in both directions', async () => {
    const { channel, host } = started;
    const types: unknown[] = [];
    const off = channel.on('message', (e) => types.push(e.data.type));
    const before = started.protocolErrors.length;
    const after = nextMessage(channel, 'afterInvalid');
    await channel.call('sendInvalid', []);
    await after;
    off();
    const reported = started.protocolErrors.slice(before).map((e) => e.message);
    expect(reported).toHaveLength(7);
    expect(reported[0]).toBe('Invalid string `not an envelope`: not an envelope');
    expect(reported[1]).toMatch(/^Invalid `message` envelope:[\s\S]*→ at seq/);
    expect(reported[2]).toBe('Unsupported protocol version: expected 1, got `2`');
    expect(reported[3]).toMatch(/^Invalid envelope: unknown kind `rpc`; expected one of call, /);
    expect(reported[4]).toMatch(/^Invalid `message` envelope:[\s\S]*Expected a plain object/);
    expect(reported[5]).toMatch(/^Invalid `event` envelope:[\s\S]*→ at name/);
    expect(reported[6]).toMatch(/^Invalid `event` envelope:[\s\S]*→ at payload/);
    expect(started.protocolErrors.slice(before).every((e) => e.code === 'PROTOCOL')).toBe(true);
    expect(types).toEqual(['afterInvalid']);

    host.endpoint.postMessage({ v: 1, kind: 'control', seq: 1, command: { type: 'explode' } });
    host.endpoint.postMessage({ v: 1, kind: 'control', seq: 1, command: { type: 'shutdown' } });
    host.endpoint.postMessage(42);
    const taskSide = await channel.call('protocolErrors', []);
    expect(taskSide).toHaveLength(3);
    expect(taskSide[0]).toMatch(/^Invalid `control` envelope:[\s\S]*→ at command\.type/);
    expect(taskSide[1]).toMatch(/^Invalid `control` envelope:[\s\S]*→ at command\.type/);
    expect(taskSide[2]).toBe('Invalid number `42`: not an envelope');
    // Nothing got out of step: a valid envelope still goes through.
    const sent = channel.send({ kind: 'control', command: idle });
    expect((await channel.call('controlsSeen', [])).at(-1)).toBe(sent);
  });

  it('carries Dates across, in calls and in messages', async () => {
    const { channel } = started;
    const when = new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 999));
    const described = await channel.call('describeDate', [when]);
    expect(described.isDate).toBe(true);
    expect(described.iso).toBe('1999-12-31T23:59:59.999Z');
    expect(described.back).toBeInstanceOf(Date);
    expect(described.back.getTime()).toBe(when.getTime());

    const echoed = nextMessage(channel, 'echo');
    channel.send({ kind: 'message', data: { type: 'seek', at: when, list: [when] } });
    const { data } = await echoed;
    const inner = (data as { echo: { at: Date; list: Date[] } }).echo;
    expect(inner.at).toBeInstanceOf(Date);
    expect(inner.at.getTime()).toBe(when.getTime());
    expect(inner.list[0]).toBeInstanceOf(Date);
  });

  it('is terminated by the foreground: pending calls reject, later ones at once', async () => {
    // Runs last in this group: it ends the shared task.
    const { host, channel, exited } = started;
    const pending = [outcome(channel.call('hang', [])), outcome(channel.call('hang', []))];
    expect(channel.pendingCalls).toBe(2);
    // The task has both: a call sent behind them comes back first.
    expect(await channel.call('add', [0, 0])).toBe(0);
    expect(channel.pendingCalls).toBe(2);
    await host.terminate('cancellationTimeout');
    const info = await exited;
    expect(info).toMatchObject({ reason: 'terminated', terminateReason: 'cancellationTimeout' });
    expect(host.exitInfo).toBe(info);
    for (const { error } of await Promise.all(pending)) {
      expect(error).toBeInstanceOf(TaskUnavailableError);
      expect(error).toMatchObject({
        reason: 'terminated: cancellationTimeout',
        code: 'TASK_UNAVAILABLE',
      });
    }
    expect(channel.pendingCalls).toBe(0);
    const later = channel.call('add', [1, 2]);
    expect(await settlesAtOnce(later)).toBe(true);
    await expect(later).rejects.toBeInstanceOf(TaskUnavailableError);
    expect(() => channel.send({ kind: 'control', command: idle })).toThrow(TaskUnavailableError);
    await host.terminate('again'); // resolves at once, changes nothing
    expect(host.exitInfo?.terminateReason).toBe('cancellationTimeout');
  });
});
