import {
  createMediaSystem,
  type MediaSystem,
  type ValueSet,
  ValueSetError,
  VirtualClock,
} from 'backbeat';
import { afterEach, describe, expect, it } from 'vitest';
import { hosts, nextMessage, taskState, taskUrl } from './helpers.ts';

let system: MediaSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
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

async function start(host: (typeof hosts)[number], options = {}) {
  system = createMediaSystem(options);
  const app = system.launchApp({ id: 'a', task: taskUrl('crossing'), host });
  const bmp = app.backgroundMediaPlayer;
  const errors: Error[] = [];
  bmp.on('error', (e) => errors.push(e));
  const ready = nextMessage(bmp, (d) => d.type === 'ready', 20_000);
  const player = bmp.current;
  await ready;
  return { app, bmp, player, errors };
}

describe.each(hosts)('values that cannot cross, on the %s host', (host) => {
  it('foreground: refused at once, naming the path; the valid messages of the turn arrive in order', async () => {
    const { bmp, errors } = await start(host);
    bmp.sendMessageToBackground({ type: 'seq', n: 1 });
    const proxy = refusal(() =>
      bmp.sendMessageToBackground({ type: 'seq', n: 2, meta: new Proxy({ a: 1 }, {}) }),
    );
    expect(proxy.message).toMatch(/Proxy/);
    expect(proxy.message).toMatch(/→ at meta/);
    const expando = refusal(() =>
      bmp.sendMessageToBackground({ type: 'seq', list: Object.assign([1], { extra: 1 }) }),
    );
    expect(expando.message).toMatch(/→ at list\.extra/);
    const withProto = [1];
    Object.defineProperty(withProto, '__proto__', { value: 1, enumerable: true });
    expect(
      refusal(() => bmp.sendMessageToBackground({ type: 'seq', list: withProto })).message,
    ).toMatch(/`__proto__` is not allowed/);
    bmp.sendMessageToBackground({ type: 'seq', n: 3 });
    bmp.sendMessageToBackground({ type: 'report' });
    const report = await nextMessage(bmp, (d) => d.type === 'report');
    expect(report.order).toEqual([1, 3]);
    expect(errors).toEqual([]);
  });

  it('foreground: what was checked is what arrives, whatever the value does after the send', async () => {
    const { bmp } = await start(host);
    const data = { list: ['a'] as unknown[], inner: { n: 1 } as Record<string, unknown> };
    bmp.sendMessageToBackground({ type: 'echo', data: data as ValueSet });
    // In the same turn, before any post: changes that could not be cloned.
    data.list.push(new Proxy({}, {}));
    data.inner.n = 1n;
    const echo = await nextMessage(bmp, (d) => d.type === 'echo');
    expect(echo.data).toEqual({ list: ['a'], inner: { n: 1 } });
  });

  it('background: refused at once in the task, naming the path; the others arrive in order', async () => {
    const { bmp, errors } = await start(host);
    const got: ValueSet[] = [];
    const done = new Promise<void>((resolve) => {
      bmp.on('messageReceivedFromBackground', ({ data }) => {
        got.push(data);
        if (data.type === 'refused') resolve();
      });
    });
    bmp.sendMessageToBackground({ type: 'sendBad' });
    await done;
    expect(got.map((d) => d.type)).toEqual(['ok', 'ok', 'refused']);
    const refused = got[2]?.refused as { name: string; message: string }[];
    expect(refused.map((r) => r.name)).toEqual(['ValueSetError', 'ValueSetError']);
    expect(refused[0]?.message).toMatch(/Proxy[\s\S]*→ at nested\.value/);
    expect(refused[1]?.message).toMatch(/→ at nested\.value\.extra/);
    expect(errors).toEqual([]);
  });
});

describe('message order across suspend and resume', () => {
  it.each(hosts)(
    '%s: messages held while suspended come before newer ones after resume()',
    async (host) => {
      const { app, bmp, player } = await start(host);
      const got: number[] = [];
      bmp.on('messageReceivedFromBackground', ({ data }) => {
        if (data.type === 'm') got.push(data.i as number);
      });
      app.suspend();
      bmp.sendMessageToBackground({ type: 'burst', from: 0, to: 3 });
      // The call's answer comes after the burst: the three messages are held by now.
      await player.setMuted(false);
      expect(got).toEqual([]);
      // The foreground resumes on an event; the task's next message is right behind it.
      const off = player.on('volumeChanged', () => app.resume());
      const fourth = nextMessage(bmp, (d) => d.type === 'm' && d.i === 3);
      bmp.sendMessageToBackground({ type: 'pivot', volume: 0.5, i: 3 });
      await fourth;
      off();
      bmp.sendMessageToBackground({ type: 'burst', from: 4, to: 6 });
      await nextMessage(bmp, (d) => d.type === 'm' && d.i === 5);
      expect(got).toEqual([0, 1, 2, 3, 4, 5]);
    },
  );
});

describe('faults of an inline task', () => {
  it('a throw in a message handler ends the task as crashed; the foreground carries on', async () => {
    const { bmp, errors } = await start('inline');
    const terminated = taskState(bmp, 'terminated');
    bmp.sendMessageToBackground({ type: 'throwInHandler' });
    expect((await terminated).reason).toBe('crashed');
    // The task's own error is reported, as thrown in the task.
    expect(errors.map((e) => e.message)).toEqual(['handler blew up']);
    // A fresh instance starts and works.
    const ready = nextMessage(bmp, (d) => d.type === 'ready');
    await bmp.current.setVolume(0.4);
    await ready;
  });

  it('a throw in a player event handler ends the task as crashed', async () => {
    const { bmp } = await start('inline');
    const terminated = taskState(bmp, 'terminated');
    bmp.sendMessageToBackground({ type: 'throwInPlayerHandler' });
    expect((await terminated).reason).toBe('crashed');
  });

  it('a throw in a handler run by a timer of the task clock ends the task, not clock.advance()', async () => {
    const clock = new VirtualClock();
    const { bmp } = await start('inline', { clock });
    const terminated = taskState(bmp, 'terminated');
    bmp.sendMessageToBackground({
      type: 'throwOnMediaOpened',
      uri: 'virtual:song?duration=5000&open=100',
    });
    await bmp.current.setMuted(false);
    await expect(clock.advanceAsync(1_000)).resolves.toBeUndefined();
    expect((await terminated).reason).toBe('crashed');
  });

  it('ending a playing task stops its player and every timer it set on the clock', async () => {
    const clock = new VirtualClock();
    const { bmp, player } = await start('inline', { clock });
    const before = clock.pending;
    bmp.sendMessageToBackground({ type: 'play', uri: 'virtual:song?duration=600000' });
    await player.setMuted(false);
    await clock.advanceAsync(1_000);
    expect(player.snapshot.currentState).toBe('playing');
    expect(clock.pending).toBeGreaterThan(before);
    // dispose() cancels first; the grace period runs on the (virtual) system clock.
    const disposed = system?.dispose();
    system = undefined;
    await clock.advanceAsync(5_000);
    await disposed;
    expect(clock.pending).toBe(0);
  });
});
