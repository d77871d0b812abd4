import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_KINDS } from '../../src/adapters/transport/hostFactory.ts';
import type { HostKind } from '../../src/adapters/transport/types.ts';
import { BackbeatError, TaskUnavailableError, ValueSetError } from '../../src/errors.ts';
import {
  deep,
  next,
  outcome,
  type Started,
  settlesAtOnce,
  startEcho,
  terminateAll,
} from '../fixtures/transport/support.ts';

const init = { at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), tags: ['a', 'b'], count: 2 };
const hosts = new Map<HostKind, Started>();

// One task per host kind for this file, started side by side.
beforeAll(async () => {
  const all = await Promise.all(HOST_KINDS.map((kind) => startEcho(kind, { init })));
  for (const started of all) hosts.set(started.host.kind, started);
}, 60_000); // real start-up of three tasks side by side on possibly busy cores
afterAll(terminateAll);

describe.each(HOST_KINDS)('%s host: calls and relay', (kind) => {
  let started: Started;
  beforeAll(() => {
    started = hosts.get(kind)!;
  });

  it('round-trips calls, property reads at depth and init data', async () => {
    const { remote } = started.channel;
    expect(await remote.add(2, 3)).toBe(5);
    expect(await remote.kind).toBe(kind);
    expect(await deep(remote).nested.deep.value).toBe(42);
    expect(await deep(remote).nested.deep.twice(21)).toBe(42);
    const value = { list: [1, 'two', null, { three: true }], map: new Map([['k', 1]]) };
    expect(await remote.echo(value)).toEqual(value);
    expect(await started.channel.call((r) => r.add(40, 2))).toBe(42);
    expect(await remote.init()).toEqual(init);
    expect(started.channel.pendingCalls).toBe(0);
  });

  it('keeps the class, name, message and code of errors thrown by the task', async () => {
    const { remote } = started.channel;
    const range = await remote.throwRange().catch((e: unknown) => e);
    expect(range).toBeInstanceOf(RangeError);
    expect(range).toMatchObject({ name: 'RangeError', message: 'out of range: `7`' });

    const valueSet = await remote.throwValueSet().catch((e: unknown) => e);
    expect(valueSet).toBeInstanceOf(ValueSetError);
    expect(valueSet).toBeInstanceOf(BackbeatError);
    expect(valueSet).toMatchObject({
      name: 'ValueSetError',
      code: 'VALUE_SET_INVALID',
      message: 'Invalid ValueSet: key `__proto__` refused',
    });

    const coded = await remote.throwCoded().catch((e: unknown) => e);
    expect(coded).toBeInstanceOf(Error);
    expect(coded).toMatchObject({
      name: 'Error',
      message: 'disk gone',
      code: 'E_DISK',
      attempt: 3,
    });
    expect(String((coded as Error).stack)).toContain('disk gone');

    await expect(remote.rejectAsync()).rejects.toThrow(TypeError);
    await expect(remote.rejectAsync()).rejects.toThrow('async nope');
    await expect(remote.throwString()).rejects.toBe('plain string');
    // The channel is still fine after errors.
    expect(await remote.add(1, 1)).toBe(2);
  });

  it('delivers 1000 relay envelopes in order, both ways', async () => {
    const { channel } = started;
    const ticks: { seq: number; i: number }[] = [];
    const all = new Promise<void>((resolve) => {
      const off = channel.on('event', (e) => {
        if (e.name !== 'tick') return;
        ticks.push({ seq: e.seq, i: (e.payload as { i: number }).i });
        if (ticks.length === 1000) {
          off();
          resolve();
        }
      });
    });
    const lastSeq = await channel.remote.burst(1000);
    await all;
    expect(ticks.map((t) => t.i)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(ticks.at(-1)?.seq).toBe(lastSeq);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]!.seq).toBe(ticks[i - 1]!.seq + 1);

    const sent: number[] = [];
    for (let i = 0; i < 1000; i++) {
      sent.push(channel.send({ kind: 'control', command: { type: 'press', button: 'next' } }));
    }
    // One pipe: the call is answered after the task handled every control sent before it.
    const seen = await channel.remote.controlsSeen();
    expect(seen.slice(-1000)).toEqual(sent);
    expect(started.protocolErrors).toEqual([]);
  });

  it('drops and reports invalid envelopes, in both directions', async () => {
    const { channel, host } = started;
    const names: string[] = [];
    const off = channel.on('event', (e) => names.push(e.name));
    const before = started.protocolErrors.length;
    const after = next(channel, 'event', (e) => e.name === 'afterInvalid');
    await channel.remote.sendInvalid();
    await after;
    off();
    const reported = started.protocolErrors.slice(before).map((e) => e.message);
    expect(reported).toHaveLength(5);
    expect(reported[0]).toContain('Invalid string `not an envelope`');
    expect(reported[1]).toMatch(/Invalid `event` envelope:[\s\S]*→ at seq/);
    expect(reported[2]).toContain('Unsupported protocol version: expected 1, got `2`');
    expect(reported[3]).toMatch(/Invalid `rpc` envelope:[\s\S]*→ at msg\.id/);
    expect(reported[4]).toMatch(/Invalid `message` envelope: Invalid ValueSet/);
    expect(started.protocolErrors.slice(before).every((e) => e.code === 'PROTOCOL')).toBe(true);
    expect(names).toEqual(['afterInvalid']);

    host.endpoint.postMessage({ v: 1, kind: 'control', seq: 1, command: { type: 'explode' } });
    host.endpoint.postMessage(42);
    const taskSide = await channel.remote.protocolErrors();
    expect(taskSide).toHaveLength(2);
    expect(taskSide[0]).toMatch(/Invalid `control` envelope:[\s\S]*→ at command\.type/);
    expect(taskSide[1]).toContain('Invalid number `42`');
    // Nothing got out of step: a valid envelope still goes through.
    const sent = channel.send({ kind: 'control', command: { type: 'shutdown' } });
    expect((await channel.remote.controlsSeen()).at(-1)).toBe(sent);
  });

  it('carries Dates across, in calls and in messages', async () => {
    const { channel } = started;
    const when = new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 999));
    const described = await channel.remote.describeDate(when);
    expect(described.isDate).toBe(true);
    expect(described.iso).toBe('1999-12-31T23:59:59.999Z');
    expect(described.back).toBeInstanceOf(Date);
    expect(described.back.getTime()).toBe(when.getTime());

    const echoed = next(channel, 'message');
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
    const pending = [outcome(channel.remote.hang()), outcome(channel.call((r) => r.hang()))];
    // Three waiting: hang(), the call() and the hang() inside it.
    expect(channel.pendingCalls).toBe(3);
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
    const later = channel.remote.add(1, 2);
    expect(await settlesAtOnce(later)).toBe(true);
    await expect(later).rejects.toBeInstanceOf(TaskUnavailableError);
    expect(() => channel.send({ kind: 'control', command: { type: 'shutdown' } })).toThrow(
      TaskUnavailableError,
    );
    await host.terminate('again'); // resolves at once, changes nothing
    expect(host.exitInfo?.terminateReason).toBe('cancellationTimeout');
  });
});
