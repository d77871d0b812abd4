import { InvalidOperationError, VirtualClock } from 'backbeat';
import { type FeedMessage, openInspector } from 'backbeat/inspector';
import { afterEach, describe, expect, it } from 'vitest';
import { createActor, createMachine } from 'xstate';

/*
 * openInspector without a page to open (Node has BroadcastChannel, not windows): the feed is
 * the same as in a browser; the real browser runs are in test/browser/inspectorChannel.test.ts.
 */

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

const machine = createMachine({
  id: 'toggle',
  initial: 'off',
  states: { off: { on: { FLIP: 'on' } }, on: { on: { FLIP: 'off' } } },
});

/** A page's side of the channel: says hello, keeps what comes. */
function viewer(name: string) {
  const channel = new BroadcastChannel(name);
  const messages: FeedMessage[] = [];
  const waiters: (() => void)[] = [];
  channel.onmessage = (event: MessageEvent) => {
    messages.push(event.data as FeedMessage);
    for (const wake of waiters.splice(0)) wake();
  };
  closers.push(() => channel.close());
  return {
    messages,
    hello: () => channel.postMessage({ kind: 'hello' }),
    /** Resolves when `count` messages have come. */
    until: (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (messages.length >= count ? resolve() : waiters.push(check));
        check();
      }),
  };
}

describe('openInspector (no page)', () => {
  it('answers a hello with the recording, then sends every delta', async () => {
    const inspector = openInspector({
      target: null,
      channel: 'node-feed',
      clock: new VirtualClock(9),
    });
    closers.push(() => inspector.close());
    expect(inspector.url).toBe('/__backbeat/inspector/?channel=node-feed');
    const actor = createActor(machine, { inspect: inspector.inspect }).start();
    const page = viewer('node-feed');
    page.hello();
    await page.until(1);
    const first = page.messages[0] as Extract<FeedMessage, { kind: 'recording' }>;
    expect(first.kind).toBe('recording');
    expect(first.recording.startedAt).toBe(9);
    expect(Object.keys(first.recording.definitions)).toEqual(['toggle']);
    actor.send({ type: 'FLIP' });
    await page.until(2);
    const delta = page.messages[1] as Extract<FeedMessage, { kind: 'delta' }>;
    expect(delta.kind).toBe('delta');
    expect(delta.entries[0]?.seq).toBe(first.recording.entries.length);
    expect(inspector.recording().entries).toEqual([...first.recording.entries, ...delta.entries]);
  });

  it('refuses what it cannot do, naming it', () => {
    expect(() => openInspector()).toThrow(InvalidOperationError);
    expect(() => openInspector({ target: 'window' })).toThrow(/target: null/);
    expect(() => openInspector({ target: 'tab' as never })).toThrow(/`tab`/);
    expect(() => openInspector({ target: null, channel: '' })).toThrow(/channel/);
    expect(() => openInspector({ target: null, url: 42 as never })).toThrow(/`42`/);
  });

  it('records nothing more once closed', () => {
    const inspector = openInspector({ target: null, url: 'http://127.0.0.1:1/page/?x=1' });
    expect(inspector.url).toBe('http://127.0.0.1:1/page/?x=1&channel=backbeat-inspector');
    const actor = createActor(machine, { inspect: inspector.inspect }).start();
    const before = inspector.recording().entries.length;
    inspector.close();
    inspector.close();
    actor.send({ type: 'FLIP' });
    expect(inspector.recording().entries).toHaveLength(before);
  });
});
