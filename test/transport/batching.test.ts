import { describe, expect, it } from 'vitest';
import { Channel } from '../../src/actors/channel/core.ts';
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

describe('batching', () => {
  it('sends what one turn queued as one post, delivered one by one, in order', async () => {
    const { posts, a, b } = pair();
    const sender = new Channel(a, {});
    const receiver = new Channel(b, {});
    const got: number[] = [];
    receiver.on('message', (e) => got.push(e.data.n as number));
    for (let n = 0; n < 50; n++) sender.send({ kind: 'message', data: { n } });
    await settle();
    expect(posts).toHaveLength(1);
    expect(got).toEqual(Array.from({ length: 50 }, (_, n) => n));
    expect(receiver.lastReceivedSeq).toBe(50);
  });

  it('keeps the order across kinds within a batch, and starts a new post next turn', async () => {
    const { posts, a, b } = pair();
    const sender = new Channel(a, {});
    const receiver = new Channel(b, {});
    const seen: string[] = [];
    receiver.on('message', (e) => seen.push(`message ${e.data.n}`));
    receiver.on('control', (e) => seen.push(`control ${e.command.type}`));
    sender.send({ kind: 'message', data: { n: 1 } });
    sender.send({ kind: 'message', data: { n: 2 } });
    sender.send({ kind: 'control', command: { type: 'complete' } });
    sender.send({ kind: 'message', data: { n: 3 } });
    await Promise.resolve();
    sender.send({ kind: 'message', data: { n: 4 } });
    await settle();
    expect(seen).toEqual(['message 1', 'message 2', 'control complete', 'message 3', 'message 4']);
    expect(posts).toHaveLength(2);
    expect(receiver.lastReceivedSeq).toBe(5);
  });

  it('flush() posts at once; close() flushes, then sends throw and nothing is received', async () => {
    const { posts, a, b } = pair();
    const sender = new Channel(a, {});
    const receiver = new Channel(b, {});
    const got: unknown[] = [];
    receiver.on('message', (e) => got.push(e.data.n));
    sender.send({ kind: 'message', data: { n: 1 } });
    sender.flush();
    expect(posts).toHaveLength(1);
    sender.send({ kind: 'message', data: { n: 2 } });
    sender.send({ kind: 'message', data: { n: 3 } });
    sender.close();
    expect(posts).toHaveLength(2);
    expect(sender.closed).toBe(true);
    expect(() => sender.send({ kind: 'message', data: { n: 4 } })).toThrow(
      'The channel is closed; nothing was sent',
    );
    receiver.close();
    await settle();
    expect(got).toEqual([]);
    expect(posts).toHaveLength(2);
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
    const receiver = new Channel(endpoint, { onProtocolError: (e) => errors.push(e.message) });
    const got: unknown[] = [];
    receiver.on('message', (e) => got.push(e.data));
    deliver({
      v: 1,
      kind: 'batch',
      items: [
        { v: 1, kind: 'message', seq: 1, data: { n: 1 } },
        { v: 1, kind: 'message', seq: 2, data: 'not a plain object' },
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
    const sender = new Channel(a, {
      onSendError: (error) => sendErrors.push(error),
    });
    const receiver = new Channel(b, { onProtocolError: (e) => protocolErrors.push(e.message) });
    const got: unknown[] = [];
    receiver.on('message', (e) => got.push(e.data.n));
    receiver.on('control', (e) => got.push(e.command.type));
    sender.send({ kind: 'message', data: { n: 1 } });
    // Not a ValueSet, but the channel does not check drafts: only the post can refuse it.
    sender.send({ kind: 'message', data: { n: 2, f: new Proxy({}, {}) } as never });
    sender.send({ kind: 'message', data: { n: 3 } });
    sender.send({ kind: 'message', data: { n: 4 } });
    await Promise.resolve();
    sender.send({ kind: 'control', command: { type: 'complete' } });
    await settle();
    expect(got).toEqual([1, 3, 4, 'complete']);
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
    const sender = new Channel(a, {});
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
