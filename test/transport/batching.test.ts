import { describe, expect, it } from 'vitest';
import { ChannelCore } from '../../src/actors/channel/core.ts';
import type { TransportEndpoint } from '../../src/adapters/transport/types.ts';
import { ValueSetError } from '../../src/errors.ts';

/** Two endpoints wired back to back; `posts` records what crossed, one entry per postMessage. */
function pair() {
  const posts: unknown[] = [];
  const listeners: { a: ((m: unknown) => void)[]; b: ((m: unknown) => void)[] } = { a: [], b: [] };
  const make = (self: 'a' | 'b', other: 'a' | 'b'): TransportEndpoint => ({
    postMessage(message) {
      posts.push(structuredClone(message));
      const copy = structuredClone(message);
      queueMicrotask(() => {
        for (const l of listeners[other]) l(copy);
      });
    },
    onMessage(listener) {
      listeners[self].push(listener);
      return () => {};
    },
  });
  return { posts, a: make('a', 'b'), b: make('b', 'a') };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('message batching (foreground side)', () => {
  it('sends the messages of one turn as one post, delivered one by one, in order', async () => {
    const { posts, a, b } = pair();
    const sender = new ChannelCore(a, { batchMessages: true });
    const receiver = new ChannelCore(b, {});
    const got: number[] = [];
    receiver.on('message', (e) => got.push(e.data.n as number));
    for (let n = 0; n < 50; n++) sender.send({ kind: 'message', data: { n } });
    await settle();
    expect(posts).toHaveLength(1);
    expect(got).toEqual(Array.from({ length: 50 }, (_, n) => n));
    expect(receiver.lastReceivedSeq).toBe(50);
  });

  it('flushes queued messages before anything else, so order holds across kinds', async () => {
    const { posts, a, b } = pair();
    const sender = new ChannelCore(a, { batchMessages: true });
    const receiver = new ChannelCore(b, {});
    const seen: string[] = [];
    receiver.on('message', (e) => seen.push(`message ${e.data.n}`));
    receiver.on('control', (e) => seen.push(`control ${e.command.type}`));
    sender.send({ kind: 'message', data: { n: 1 } });
    sender.send({ kind: 'message', data: { n: 2 } });
    sender.send({ kind: 'control', command: { type: 'shutdown' } });
    sender.send({ kind: 'message', data: { n: 3 } });
    await settle();
    expect(seen).toEqual(['message 1', 'message 2', 'control shutdown', 'message 3']);
    expect(posts).toHaveLength(3);
  });

  it('an invalid item in a batch is dropped and reported; the others are delivered', () => {
    let deliver: (m: unknown) => void = () => {};
    const endpoint: TransportEndpoint = {
      postMessage() {},
      onMessage(listener) {
        deliver = listener;
        return () => {};
      },
    };
    const errors: string[] = [];
    const receiver = new ChannelCore(endpoint, { onProtocolError: (e) => errors.push(e.message) });
    const got: unknown[] = [];
    receiver.on('message', (e) => got.push(e.data));
    deliver({
      v: 1,
      kind: 'batch',
      items: [
        { v: 1, kind: 'message', seq: 1, data: { n: 1 } },
        { v: 1, kind: 'message', seq: 2, data: { n: Number.NaN } },
        { v: 1, kind: 'message', seq: 3, data: { n: 3 } },
      ],
    });
    expect(got).toEqual([{ n: 1 }, { n: 3 }]);
    expect(errors).toHaveLength(2); // the invalid item, then the gap it left
    expect(errors[0]).toMatch(/message/);
  });
});

describe('a batched post that fails', () => {
  it('never throws on a microtask: the bad message becomes a ValueSetError, the others go in order without a gap', async () => {
    const { posts, a, b } = pair();
    const sendErrors: Error[] = [];
    const protocolErrors: string[] = [];
    const sender = new ChannelCore(a, {
      batchMessages: true,
      onSendError: (error) => sendErrors.push(error),
    });
    const receiver = new ChannelCore(b, { onProtocolError: (e) => protocolErrors.push(e.message) });
    const got: unknown[] = [];
    receiver.on('message', (e) => got.push(e.data.n));
    receiver.on('control', (e) => got.push(e.command.type));
    sender.send({ kind: 'message', data: { n: 1 } });
    // Past the check (a relay draft is not a user ValueSet), so only the post can refuse it.
    sender.send({ kind: 'message', data: { n: 2, f: new Proxy({}, {}) } as never });
    sender.send({ kind: 'message', data: { n: 3 } });
    sender.send({ kind: 'message', data: { n: 4 } });
    await Promise.resolve();
    sender.send({ kind: 'control', command: { type: 'shutdown' } });
    await settle();
    expect(got).toEqual([1, 3, 4, 'shutdown']);
    expect(sendErrors).toHaveLength(1);
    expect(sendErrors[0]).toBeInstanceOf(ValueSetError);
    expect(sendErrors[0]?.message).toMatch(/Message 2 could not be sent and was dropped/);
    expect(protocolErrors).toEqual([]);
    expect(sender.lastSentSeq).toBe(4);
    expect(receiver.lastReceivedSeq).toBe(4);
    expect(posts).toHaveLength(4);
  });

  it('without a handler it is a warning, not an uncaught error', async () => {
    const { a } = pair();
    const sender = new ChannelCore(a, { batchMessages: true });
    const warned: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => warned.push(message);
    try {
      sender.send({ kind: 'message', data: { f: new Proxy({}, {}) } as never });
      await settle();
    } finally {
      console.warn = warn;
    }
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatch(/could not be sent/);
  });
});

describe('a direct post that fails', () => {
  it('throws a ValueSetError to the sender at once and uses no sequence number', () => {
    let fail = true;
    const posted: unknown[] = [];
    const endpoint: TransportEndpoint = {
      postMessage(message) {
        if (fail) throw new DOMException('could not be cloned', 'DataCloneError');
        posted.push(message);
      },
      onMessage: () => () => {},
    };
    const sender = new ChannelCore(endpoint, {});
    const error = (() => {
      try {
        sender.send({ kind: 'message', data: { n: 1 } });
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(ValueSetError);
    expect((error as Error).message).toMatch(/Message 1 could not be sent[\s\S]*DataCloneError/);
    expect(sender.lastSentSeq).toBe(0);
    fail = false;
    expect(sender.send({ kind: 'message', data: { n: 2 } })).toBe(1);
    expect(posted).toHaveLength(1);
  });
});
