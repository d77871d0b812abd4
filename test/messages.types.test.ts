import {
  type BackgroundMediaPlayer,
  defineMessages,
  type MediaPlayerDataReceivedEventArgs,
  type MessageOf,
  type ValueSet,
  ValueSetError,
  type ValueSetLike,
  z,
} from 'backbeat';
import * as taskEntry from 'backbeat/task';
import {
  type BackgroundMediaPlayerTaskView,
  defineMessages as defineTaskMessages,
} from 'backbeat/task';
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import * as mini from 'zod/mini';

// Schemas built with the zod that 'backbeat' re-exports: no zod import of the app's own.
const messages = defineMessages({
  trackChanged: z.object({ title: z.string(), index: z.number().int().optional() }),
  skipNext: z.object({}),
});

interface Song {
  title: string;
  uri: string;
  tags?: string[];
}
interface UpdatePlaylist {
  type: 'updatePlaylist';
  songs: readonly Song[];
  at: Date;
  current: Song | null;
}

describe('typed message sets', () => {
  it('defineMessages works with the zod re-exported by backbeat, on either side', () => {
    expect(messages.create('trackChanged', { title: 'a' })).toEqual({
      type: 'trackChanged',
      title: 'a',
    });
    const task = defineTaskMessages({ ping: z.object({ n: z.number() }) });
    expect(task.parse({ type: 'ping', n: 1 })).toEqual({ type: 'ping', n: 1 });
    expect(() => task.parse({ type: 'ping', n: 'x' })).toThrow(ValueSetError);
    expectTypeOf(task.parse({ type: 'ping', n: 1 })).toEqualTypeOf<{ type: 'ping'; n: number }>();
  });

  it('defineMessages takes zod/mini schemas, and backbeat/task does not load full zod', () => {
    const task = defineTaskMessages({ ping: mini.object({ n: mini.number() }) });
    expect(task.create('ping', { n: 2 })).toEqual({ type: 'ping', n: 2 });
    expect(() => task.create('ping', { n: 'x' } as never)).toThrow(/Invalid `ping` message:/);
    expectTypeOf(task.create('ping', { n: 2 })).toEqualTypeOf<{ type: 'ping'; n: number }>();
    expect(Object.keys(taskEntry)).not.toContain('z');
  });

  it('listener(): e.data is parsed and e.data.type is the literal union', () => {
    const titles: string[] = [];
    const listener = messages.listener((e) => {
      expectTypeOf(e.data.type).toEqualTypeOf<'trackChanged' | 'skipNext'>();
      expectTypeOf(e).toEqualTypeOf<MediaPlayerDataReceivedEventArgs<MessageOf<typeof messages>>>();
      if (e.data.type === 'trackChanged') {
        expectTypeOf(e.data.title).toEqualTypeOf<string>();
        titles.push(e.data.title);
      }
    });
    expectTypeOf(listener).toEqualTypeOf<(e: MediaPlayerDataReceivedEventArgs) => void>();
    // It fits where the handler of either side goes.
    const register = (bmp: BackgroundMediaPlayer, view: BackgroundMediaPlayerTaskView) => {
      bmp.on('messageReceivedFromBackground', listener);
      view.on('messageReceivedFromForeground', listener);
    };
    expect(register).toBeTypeOf('function');
    listener({ data: { type: 'trackChanged', title: 'x' } });
    listener({ data: { type: 'skipNext' } });
    expect(titles).toEqual(['x']);
  });

  it('listener(): a message that does not parse goes to onInvalid, never to the handler', () => {
    const handler = vi.fn();
    const invalid: [ValueSetError, ValueSet][] = [];
    const listener = messages.listener(handler, (error, data) => invalid.push([error, data]));
    listener({ data: { type: 'trackChanged', title: 3 } });
    listener({ data: { type: 'unknown' } });
    expect(handler).not.toHaveBeenCalled();
    expect(invalid.map(([error]) => error)).toEqual([
      expect.any(ValueSetError),
      expect.any(ValueSetError),
    ]);
    expect(invalid[0]?.[0].message).toMatch(/→ at title/);
    expect(invalid[1]?.[1]).toEqual({ type: 'unknown' });
  });
});

describe('interface payloads', () => {
  it('an interface-typed value is accepted where a ValueSet is expected', () => {
    const message: UpdatePlaylist = {
      type: 'updatePlaylist',
      songs: [{ title: 't', uri: 'u', tags: ['x'] }],
      at: new Date(0),
      current: null,
    };
    const sendBoth = (bmp: BackgroundMediaPlayer, view: BackgroundMediaPlayerTaskView) => {
      bmp.sendMessageToBackground(message);
      view.sendMessageToForeground(message);
      const plain: ValueSet = { type: 'skipNext' };
      bmp.sendMessageToBackground(plain);
      bmp.sendMessageToBackground(messages.create('skipNext'));
    };
    expect(sendBoth).toBeTypeOf('function');
    expectTypeOf<UpdatePlaylist>().toExtend<ValueSetLike<UpdatePlaylist>>();
  });

  it('values that can never be a ValueSet stay type errors', () => {
    interface WithFunction {
      type: 'x';
      run: () => void;
    }
    interface WithBigint {
      n: bigint;
    }
    interface WithMap {
      m: Map<string, string>;
    }
    const check = (bmp: BackgroundMediaPlayer) => {
      // @ts-expect-error a function cannot cross
      bmp.sendMessageToBackground({ type: 'x', run: () => {} } as WithFunction);
      // @ts-expect-error a bigint cannot cross
      bmp.sendMessageToBackground({ n: 1n } as WithBigint);
      // @ts-expect-error a Map cannot cross
      bmp.sendMessageToBackground({ m: new Map() } as WithMap);
      // @ts-expect-error undefined cannot cross
      bmp.sendMessageToBackground({ u: undefined });
    };
    expect(check).toBeTypeOf('function');
  });
});
