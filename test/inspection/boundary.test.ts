import { type App, createMediaSystem, type MediaSystem, type ValueSet } from 'backbeat';
import { waitFor } from 'backbeat/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';

/*
 * What crosses a task boundary reaches the `inspect` observer as `@xstate.event`s between the
 * app's session actor (`app:ID`) and a stand-in of the task instance: calls and their results,
 * messages both ways, player events, lifecycle notices and the system's commands.
 */

const task = new URL('../fixtures/policy/player.mjs', import.meta.url);

let system: MediaSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

function nextMessage(app: App, type: string): Promise<ValueSet> {
  return new Promise((resolve) => {
    const off = app.backgroundMediaPlayer.on('messageReceivedFromBackground', ({ data }) => {
      if (data.type !== type) return;
      off();
      resolve(data);
    });
  });
}

interface Crossing {
  type: string;
  target: string;
  source: string | undefined;
}

function crossings(events: InspectionEvent[]): Crossing[] {
  return events.flatMap((e) =>
    e.type === '@xstate.event' &&
    /^(call|result|message|event|lifecycle|control)/.test(e.event.type)
      ? [{ type: e.event.type, target: e.actorRef.sessionId, source: e.sourceRef?.sessionId }]
      : [],
  );
}

describe.each(['worker', 'inline'] as const)('the boundary, inspected (%s host)', (host) => {
  it('shows calls, results, messages, player events and notices between the app and its task', async () => {
    const events: InspectionEvent[] = [];
    system = createMediaSystem({ inspect: (e) => events.push(e) });
    const app = system.launchApp({ id: 'music', task, host });
    const ready = nextMessage(app, 'ready');
    const player = app.backgroundMediaPlayer.current;
    await ready;
    const instanceId = app.instanceId!;
    const instance = `${instanceId}/instance`;
    const session = events.find(
      (e) => e.type === '@xstate.actor' && (e.actorRef as { id?: string }).id === 'app:music',
    )?.actorRef.sessionId;
    expect(session).toBeDefined();

    // the instance is announced once, as a child of the app's session, on the task side
    const announced = events.filter(
      (e) => e.type === '@xstate.actor' && e.actorRef.sessionId === instance,
    );
    expect(announced).toHaveLength(1);
    const ref = announced[0]!.actorRef as unknown as {
      id: string;
      _parent?: { sessionId: string };
      origin: unknown;
    };
    expect(ref.id).toBe(instanceId);
    expect(ref._parent?.sessionId).toBe(session);
    expect(ref.origin).toEqual({ side: 'task', appId: 'music', instanceId });

    await player.setVolume(0.25);
    app.backgroundMediaPlayer.sendMessageToBackground({ type: 'hello', n: 1 });
    await waitFor(() => crossings(events).some((c) => c.type === 'event.volumeChanged'), {
      what: 'the volumeChanged event',
      timeoutMs: 15_000,
    });

    const seen = crossings(events);
    const find = (type: string) => seen.find((c) => c.type === type);
    // foreground -> task: the app's session is the source, the instance the target
    expect(find('call.setVolume')).toEqual({
      type: 'call.setVolume',
      target: instance,
      source: session,
    });
    expect(find('message')).toBeDefined();
    const out = seen.filter((c) => c.type === 'message' && c.target === instance);
    expect(out).toHaveLength(1);
    // task -> foreground: the other way round
    expect(find('result.setVolume')).toEqual({
      type: 'result.setVolume',
      target: session,
      source: instance,
    });
    expect(find('lifecycle.runEntered')).toEqual({
      type: 'lifecycle.runEntered',
      target: session,
      source: instance,
    });
    expect(seen.some((c) => c.type === 'message' && c.source === instance)).toBe(true);
    // in the order they crossed: the call before its result, the result before the message sent after it
    const order = seen.map((c) => c.type);
    expect(order.indexOf('call.setVolume')).toBeLessThan(order.indexOf('result.setVolume'));
    expect(order.indexOf('result.setVolume')).toBeLessThan(
      seen.findIndex((c) => c.type === 'message' && c.target === instance),
    );
    // the message carries its data, the call its arguments
    const message = events.find(
      (e) =>
        e.type === '@xstate.event' &&
        e.event.type === 'message' &&
        e.actorRef.sessionId === instance,
    ) as Extract<InspectionEvent, { type: '@xstate.event' }>;
    expect(message.event).toEqual({ type: 'message', data: { type: 'hello', n: 1 } });

    // when the task ends, its stand-in's last snapshot says so
    await app.backgroundMediaPlayer.shutdown();
    await waitFor(
      () =>
        events.some(
          (e) =>
            e.type === '@xstate.snapshot' &&
            e.actorRef.sessionId === instance &&
            (e.snapshot as { status?: string }).status === 'stopped',
        ),
      { what: "the instance's stopped snapshot", timeoutMs: 15_000 },
    );
  });
});

it('an inspect observer that throws does not break the boundary', async () => {
  system = createMediaSystem({
    inspect: (e) => {
      if (e.type === '@xstate.event' && e.event.type.startsWith('call.'))
        throw new Error('observer broke');
    },
  });
  const app = system.launchApp({ id: 'music', task, host: 'inline' });
  const ready = nextMessage(app, 'ready');
  const player = app.backgroundMediaPlayer.current;
  await ready;
  await player.setVolume(0.5);
  expect(player.snapshot.volume).toBe(0.5);
});
