import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { type App, createMediaSystem, type MediaSystem, type ValueSet } from 'backbeat';
import type { TaskActorRef } from 'backbeat/testing';
import { waitFor } from 'backbeat/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createActor, createMachine, type InspectionEvent } from 'xstate';

/*
 * One `inspect` observer sees both sides of the boundary: the foreground's mediaSystem actor
 * tree and the actors the background task runs (its player's and playlist's statecharts, and
 * those it starts with `taskInstance.inspect`), relayed as `inspect` envelopes. The observer
 * here is @statelyai/inspect's own inspector with a custom adapter that collects what it would
 * send to the Stately UI.
 */

const fixture = (name: string) => new URL(`../fixtures/policy/${name}.mjs`, import.meta.url);

let system: MediaSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

function collectingInspector() {
  const events: StatelyInspectionEvent[] = [];
  const inspector = createInspector({ send: (event) => events.push(event) });
  return { inspector, events };
}

/** Waits (real time, for message hops and the inspector's own deferral) until `condition`. */
const until = (condition: () => boolean, what: string) =>
  waitFor(condition, { what, timeoutMs: 15_000 });

function nextMessage(app: App, type: string, what?: string): Promise<ValueSet> {
  return new Promise((resolve) => {
    const off = app.backgroundMediaPlayer.on('messageReceivedFromBackground', ({ data }) => {
      if (data.type !== type || (what !== undefined && data.what !== what)) return;
      off();
      resolve(data);
    });
  });
}

const actors = (events: StatelyInspectionEvent[]) =>
  events.filter(
    (e): e is Extract<StatelyInspectionEvent, { type: '@xstate.actor' }> =>
      e.type === '@xstate.actor',
  );

describe.each(['worker', 'process', 'inline'] as const)(
  'inspection across the boundary (%s host)',
  (host) => {
    it("one inspector sees the foreground's statecharts and the task's, by session", async () => {
      const { inspector, events } = collectingInspector();
      system = createMediaSystem({ deviceFamily: 'mobile', inspect: inspector.inspect });
      const app = system.launchApp({ id: 'music', task: fixture('player'), host });
      const ready = nextMessage(app, 'ready');
      const player = app.backgroundMediaPlayer.current;
      await ready;
      const instanceId = app.instanceId!;
      await player.play();
      await until(() => player.snapshot.currentState === 'playing', 'playing');

      const taskSession = (name: string) =>
        actors(events).find((e) => e.name === `${instanceId}/${name}`);
      await until(
        () =>
          taskSession('mediaPlayer') !== undefined &&
          taskSession('playbackList') !== undefined &&
          events.some(
            (e) =>
              e.type === '@xstate.snapshot' &&
              e.sessionId === taskSession('mediaPlayer')?.sessionId &&
              (e.snapshot as { value?: unknown }).value === 'playing',
          ),
        "the task player's `playing` snapshot",
      );

      // The foreground side: the system and its children, under one root.
      const foreground = actors(events).filter((e) => !e.sessionId.includes('/'));
      const root = foreground.find((e) => e.name === 'mediaSystem');
      expect(root).toBeDefined();
      const names = foreground.map((e) => e.name);
      expect(names).toEqual(expect.arrayContaining(['app:music', 'task:music']));
      // The system holds one session per app; the app's task statechart is the session's child.
      const session = foreground.find((e) => e.name === 'app:music')!;
      expect(session.parentId).toBe(root!.sessionId);
      const taskChart = foreground.find((e) => e.name === 'task:music')!;
      expect(taskChart.parentId).toBe(session.sessionId);
      expect(taskChart.rootId).toBe(root!.sessionId);

      // The task side: its actors with session ids qualified by the task instance, each its own
      // root, drawn from Backbeat's machine definitions.
      const mediaPlayer = taskSession('mediaPlayer')!;
      const playbackList = taskSession('playbackList')!;
      for (const actor of [mediaPlayer, playbackList]) {
        expect(actor.sessionId.startsWith(`${instanceId}/`)).toBe(true);
        expect(actor.rootId).toBe(actor.sessionId);
        expect(actor.parentId).toBeUndefined();
      }
      expect(JSON.parse(mediaPlayer.definition!)).toMatchObject({ id: 'mediaPlayer' });
      expect(JSON.parse(playbackList.definition!)).toMatchObject({ id: 'playbackList' });
      // The foreground's play() reached the task's statechart as an event.
      expect(
        events.some(
          (e) =>
            e.type === '@xstate.event' &&
            e.sessionId === mediaPlayer.sessionId &&
            (e.event as { type: string }).type === 'PLAY',
        ),
      ).toBe(true);
      // Session ids never collide across the boundary.
      const ids = actors(events).map((e) => e.sessionId);
      expect(new Set(ids).size).toBe(ids.length);

      // When the task ends, its actors are shown stopped.
      await app.backgroundMediaPlayer.shutdown();
      await until(
        () =>
          events.some(
            (e) =>
              e.type === '@xstate.snapshot' &&
              e.sessionId === mediaPlayer.sessionId &&
              (e.snapshot as { status?: string }).status === 'stopped',
          ),
        "the task player's final snapshot",
      );
    });

    it("the task's own actors are seen when it hands them `taskInstance.inspect`, wherever they start", async () => {
      const { inspector, events } = collectingInspector();
      const raw: InspectionEvent[] = [];
      system = createMediaSystem({
        inspect: (e) => {
          raw.push(e);
          inspector.inspect.next?.(e);
        },
      });
      const app = system.launchApp({ id: 'own', task: fixture('ownMachine'), host });
      const ready = nextMessage(app, 'ready');
      void app.backgroundMediaPlayer.current;
      expect((await ready).inspected).toBe(true);
      const instanceId = app.instanceId!;
      // An actor of the test itself, started while the task runs: it is not the task's.
      createActor(createMachine({ id: 'testOwn' })).start();
      for (const type of ['another', 'tick', 'later']) {
        const done = nextMessage(app, 'done', type);
        app.backgroundMediaPlayer.sendMessageToBackground({ type });
        await done;
      }
      const named = (name: string) =>
        actors(events).filter((e) => e.name === `${instanceId}/${name}`);
      await until(
        () =>
          named('playbackList').length === 2 &&
          events.some(
            (e) =>
              e.type === '@xstate.snapshot' &&
              (e.snapshot as { value?: unknown }).value === 'ticked' &&
              e.sessionId === named('ownCounter')[0]?.sessionId,
          ),
        "the task's own actor ticking and the playlist built from its timer",
      );
      const names = actors(events).map((e) => e.name);
      expect(names).toEqual(
        expect.arrayContaining([`${instanceId}/ownCounter`, `${instanceId}/another`]),
      );
      expect(named('mediaPlayer')).toHaveLength(1);
      // The actor started without the observer is not shown; nor is the test's own.
      expect(names.filter((n) => n.endsWith('hidden'))).toEqual([]);
      expect(names.filter((n) => n.endsWith('testOwn'))).toEqual([]);
      expect(names.filter((n) => n === 'mediaSystem')).toHaveLength(1);
      expect(names.filter((n) => n.includes('/') && n.endsWith('mediaSystem'))).toEqual([]);

      // Each task actor running a machine arrives with the machine's definition: the task's own
      // (one definition for both actors of `ownCounter`) and Backbeat's.
      const standIns = raw
        .filter((e) => e.type === '@xstate.actor' && 'origin' in e.actorRef)
        .map((e) => e.actorRef as unknown as TaskActorRef);
      // The task's own xstate and Backbeat's number their sessions alike: each still has its own.
      expect(new Set(standIns.map((r) => r.sessionId)).size).toBe(standIns.length);
      const byName = (name: string) => standIns.filter((r) => r.id === `${instanceId}/${name}`);
      const [own] = byName('ownCounter');
      const [another] = byName('another');
      expect(own!.machine).toBe('ownCounter');
      expect(own!.definition).toEqual({
        id: 'ownCounter',
        root: expect.objectContaining({
          type: 'compound',
          initial: 'idle',
          states: {
            idle: expect.objectContaining({
              path: ['idle'],
              transitions: [{ event: 'TICK', targets: ['ticked'] }],
            }),
            ticked: expect.objectContaining({
              path: ['ticked'],
              transitions: [{ event: 'TICK', targets: ['idle'] }],
            }),
          },
        }),
      });
      expect(another!.machine).toBe('ownCounter');
      expect(another!.definition).toBe(own!.definition);
      const [mediaPlayer] = byName('mediaPlayer');
      expect(mediaPlayer!.definition?.id).toBe('mediaPlayer');
      expect(Object.keys(mediaPlayer!.definition!.root.states)).toEqual(
        expect.arrayContaining(['closed', 'playing']),
      );
      const lists = byName('playbackList');
      expect(lists).toHaveLength(2);
      expect(lists[0]!.definition?.id).toBe('playbackList');
      expect(lists[1]!.definition).toBe(lists[0]!.definition);
    });

    it('without an inspect observer the task has none to hand out', async () => {
      system = createMediaSystem({});
      const app = system.launchApp({ id: 'plain', task: fixture('ownMachine'), host });
      const ready = nextMessage(app, 'ready');
      void app.backgroundMediaPlayer.current;
      expect((await ready).inspected).toBe(false);
    });
  },
);

describe('inspection of inline tasks that share one realm', () => {
  it('two inline tasks running at once each see only their own actors', async () => {
    const { inspector, events } = collectingInspector();
    system = createMediaSystem({ deviceFamily: 'desktop', inspect: inspector.inspect });
    const apps = ['one', 'two'].map((id) =>
      system!.launchApp({ id, task: fixture('ownMachine'), host: 'inline' }),
    );
    await Promise.all(
      apps.map((app) => {
        const ready = nextMessage(app, 'ready');
        void app.backgroundMediaPlayer.current;
        return ready;
      }),
    );
    const [one, two] = apps as [App, App];
    // Interleaved: each task builds a playlist from its own timer while the other is running.
    const send = (app: App, type: string) => {
      const done = nextMessage(app, 'done', type);
      app.backgroundMediaPlayer.sendMessageToBackground({ type });
      return done;
    };
    await Promise.all([send(one, 'later'), send(two, 'another'), send(two, 'later')]);
    await send(one, 'tick');

    // the task's own actors, not the stand-in of the instance as a whole (`INSTANCE/instance`)
    const of = (app: App) =>
      actors(events)
        .filter(
          (e) =>
            e.sessionId.startsWith(`${app.instanceId}/`) &&
            e.sessionId !== `${app.instanceId}/instance`,
        )
        .map((e) => e.name!.slice(`${app.instanceId}/`.length))
        .sort();
    // Nine actors in all, however they are attributed; then each task's must be its own.
    await until(() => of(one).length + of(two).length >= 9, 'the actors of both tasks');
    expect(one.instanceId).not.toBe(two.instanceId);
    expect(of(one)).toEqual(['mediaPlayer', 'ownCounter', 'playbackList', 'playbackList']);
    expect(of(two)).toEqual([
      'another',
      'mediaPlayer',
      'ownCounter',
      'playbackList',
      'playbackList',
    ]);
    // Every session reported by a task is that task's, and none is shown twice.
    const ids = actors(events).map((e) => e.sessionId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
