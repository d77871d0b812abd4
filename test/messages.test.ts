import {
  type AnyMessageSet,
  defineMessages,
  type MessageFields,
  type MessageOf,
  type MessageOfType,
  type MessageTypeOf,
  ValueSetError,
} from 'backbeat';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';

const messages = defineMessages({
  trackChanged: z.object({ title: z.string(), index: z.number().int().optional() }),
  skipNext: z.object({}),
  updatePlaylist: z.object({
    songs: z.array(z.object({ title: z.string(), uri: z.string() })),
    at: z.date(),
  }),
  appSuspended: z.strictObject({ timestamp: z.date() }),
});

function refusal(run: () => unknown): ValueSetError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValueSetError);
    return error as ValueSetError;
  }
  throw new Error('expected a ValueSetError');
}

describe('defineMessages', () => {
  it('lists its types in definition order', () => {
    expect(messages.types).toEqual(['trackChanged', 'skipNext', 'updatePlaylist', 'appSuspended']);
    expect(messages.has('skipNext')).toBe(true);
    expect(messages.has('toString')).toBe(false);
    expect(messages.has(1)).toBe(false);
  });

  it('create builds { type, ...fields }, validated', () => {
    expect(messages.create('trackChanged', { title: 'a' })).toEqual({
      type: 'trackChanged',
      title: 'a',
    });
    expect(messages.create('skipNext')).toEqual({ type: 'skipNext' });
    const at = new Date(5);
    const playlist = messages.create('updatePlaylist', { songs: [{ title: 't', uri: 'u' }], at });
    expect(playlist.at).toBe(at);
  });

  it('create refuses a field of the wrong type, naming the path', () => {
    const error = refusal(() =>
      messages.create('updatePlaylist', {
        songs: [
          { title: 't', uri: 'u' },
          { title: 2 as unknown as string, uri: 'v' },
        ],
        at: new Date(),
      }),
    );
    expect(error.message).toMatch(/^Invalid `updatePlaylist` message:\n✖ /);
    expect(error.message).toMatch(/→ at songs\[1\]\.title/);
  });

  it('create refuses fields that are not a ValueSet before the schema sees them', () => {
    const error = refusal(() =>
      messages.create('trackChanged', JSON.parse('{"title": "a", "__proto__": {"x": 1}}')),
    );
    expect(error.message).toMatch(/^Invalid ValueSet:/);
    expect(error.message).toMatch(/→ at __proto__/);
    expect(() => messages.create('trackChanged', { title: 'a', extra: 1n } as never)).toThrow(
      /→ at extra/,
    );
  });

  it('create refuses an unknown type and a type inside the fields', () => {
    const unknown = refusal(() => messages.create('nope' as 'skipNext'));
    expect(unknown.message).toMatch(
      /Unknown message type `nope`; expected one of 'trackChanged', 'skipNext', 'updatePlaylist', 'appSuspended'/,
    );
    expect(unknown.message).toMatch(/→ at type/);
    const inFields = refusal(() => messages.create('skipNext', { type: 'other' } as never));
    expect(inFields.message).toMatch(/must not contain `type`.*got `other`/);
  });

  it('parse returns the discriminated message', () => {
    const m = messages.parse({ type: 'trackChanged', title: 'b', index: 2 });
    expect(m).toEqual({ type: 'trackChanged', title: 'b', index: 2 });
    if (m.type === 'trackChanged') expect(m.title).toBe('b');
  });

  it('parse accepts what create made, after a structured clone', () => {
    const sent = messages.create('updatePlaylist', {
      songs: [{ title: 't', uri: 'file:///a.flac' }],
      at: new Date(7),
    });
    expect(messages.parse(structuredClone(sent))).toEqual(sent);
  });

  it('parse refuses unknown, missing and non-string types at the path `type`', () => {
    expect(refusal(() => messages.parse({ type: 'gone' })).message).toMatch(
      /Unknown message type `gone`[^\n]*\n {2}→ at type$/,
    );
    expect(refusal(() => messages.parse({ title: 'x' })).message).toMatch(
      /Expected a message type string, got no type\n {2}→ at type$/,
    );
    expect(refusal(() => messages.parse({ type: 3 })).message).toMatch(/got `3`/);
  });

  it('parse refuses wrong fields, naming the path', () => {
    const error = refusal(() => messages.parse({ type: 'trackChanged', title: 5 }));
    expect(error.message).toMatch(/^Invalid `trackChanged` message:/);
    expect(error.message).toMatch(/→ at title/);
    expect(
      refusal(() => messages.parse({ type: 'appSuspended', timestamp: new Date(), x: 1 })).message,
    ).toMatch(/Unrecognized key: "x"/);
  });

  it('parse refuses data that is not a ValueSet', () => {
    expect(refusal(() => messages.parse([])).message).toMatch(/plain object/);
    expect(refusal(() => messages.parse({ type: 'skipNext', n: Number.NaN })).message).toMatch(
      /→ at n/,
    );
  });

  it('strips unknown fields the way the schema does', () => {
    expect(messages.parse({ type: 'skipNext', extra: 1 })).toEqual({ type: 'skipNext' });
  });

  it('refuses a transforming schema that produces something that is not a ValueSet', () => {
    const risky = defineMessages({
      count: z.object({ n: z.number().transform((n) => BigInt(n)) }),
    });
    const error = refusal(() => risky.create('count', { n: 1 }));
    expect(error.message).toMatch(/bigint `1n`\n {2}→ at n/);
  });

  it('applies the given ValueSet limits', () => {
    const small = defineMessages(
      { note: z.object({ text: z.string() }) },
      { limits: { maxStringLength: 4 } },
    );
    expect(small.create('note', { text: 'abcd' })).toEqual({ type: 'note', text: 'abcd' });
    expect(() => small.create('note', { text: 'abcde' })).toThrow(/maxStringLength \(4\)/);
    expect(() => small.parse({ type: 'note', text: 'abcde' })).toThrow(/→ at text/);
  });

  it('refuses definitions that are not zod schemas or that declare `type`', () => {
    expect(() => defineMessages({ a: {} as never })).toThrow(
      /Message `a` must be defined by a zod schema, got `\[object Object\]`/,
    );
    expect(() => defineMessages({ a: z.object({ type: z.string() }) })).toThrow(
      /must not declare a `type` field/,
    );
  });
});

describe('message types', () => {
  type Messages = typeof messages;

  /** A runtime's typed send / on, as a task or foreground would offer them. */
  function createRuntime<M extends AnyMessageSet>(set: M) {
    const sent: MessageOf<M>[] = [];
    const handlers = new Map<string, (m: never) => void>();
    return {
      sent,
      send<K extends MessageTypeOf<M>>(type: K, fields: MessageFields<M, K>) {
        sent.push(set.create(type, fields) as MessageOf<M>);
      },
      on<K extends MessageTypeOf<M>>(type: K, handler: (m: MessageOfType<M, K>) => void) {
        handlers.set(type, handler as (m: never) => void);
      },
      receive(data: unknown) {
        const m = set.parse(data);
        handlers.get(m.type)?.(m as never);
      },
    };
  }

  it('type-check send and on against the definitions', () => {
    const runtime = createRuntime(messages);
    const titles: string[] = [];
    runtime.on('trackChanged', (m) => titles.push(m.title));
    runtime.send('trackChanged', { title: 'x' });
    runtime.receive(runtime.sent[0]);
    expect(titles).toEqual(['x']);

    // @ts-expect-error title must be a string
    expect(() => runtime.send('trackChanged', { title: 1 })).toThrow(ValueSetError);
    // @ts-expect-error title is required
    expect(() => runtime.send('trackChanged', {})).toThrow(ValueSetError);
    // @ts-expect-error unknown message type
    expect(() => runtime.send('trackChange', { title: 'x' })).toThrow(ValueSetError);
    runtime.on('skipNext', (m) => {
      // @ts-expect-error skipNext has no title
      m.title;
    });
    // @ts-expect-error trackChanged needs its fields
    expect(() => messages.create('trackChanged')).toThrow(/→ at title/);
    const song = { title: 't' };
    const at = new Date();
    // @ts-expect-error a song needs a uri
    expect(() => messages.create('updatePlaylist', { songs: [song], at })).toThrow(ValueSetError);
  });

  it('expose the message union and each message', () => {
    expectTypeOf<MessageTypeOf<Messages>>().toEqualTypeOf<
      'trackChanged' | 'skipNext' | 'updatePlaylist' | 'appSuspended'
    >();
    expectTypeOf<MessageOfType<Messages, 'trackChanged'>>().toEqualTypeOf<{
      type: 'trackChanged';
      title: string;
      index?: number | undefined;
    }>();
    expectTypeOf<MessageOfType<Messages, 'skipNext'>>().toEqualTypeOf<{ type: 'skipNext' }>();
    expectTypeOf(messages.parse).returns.toEqualTypeOf<MessageOf<Messages>>();
    expectTypeOf(messages.create('skipNext')).toEqualTypeOf<{ type: 'skipNext' }>();
    expectTypeOf<MessageFields<Messages, 'updatePlaylist'>>().toEqualTypeOf<{
      songs: { title: string; uri: string }[];
      at: Date;
    }>();
  });
});
