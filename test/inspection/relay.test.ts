import { describe, expect, it } from 'vitest';
import { Actor, createActor, createMachine, fromPromise, type InspectionEvent } from 'xstate';
import { createTaskInspectionRelay, TaskActorRef } from '../../src/actors/foreground/taskActors.ts';
import { createTaskInspection } from '../../src/actors/task/taskInspection.ts';
import { InvalidOperationError } from '../../src/errors.ts';
import { serializeMachine } from '../../src/inspector/definition.ts';
import { type InspectRecord, InspectRecordSchema } from '../../src/protocol.ts';

const toggle = createMachine({
  id: 'toggle',
  initial: 'off',
  states: { off: { on: { FLIP: 'on' } }, on: { on: { FLIP: 'off' } } },
});

const parent = createMachine({
  id: 'parent',
  invoke: { id: 'child', src: toggle },
});

describe('task side: createTaskInspection', () => {
  it('disabled, there is no observer: actors are created without one', () => {
    const inspection = createTaskInspection({ enabled: false });
    expect(inspection.inspect).toBeUndefined();
    expect(() => inspection.connect(() => {})).not.toThrow();
  });

  it('enabled, only actors created with its observer report, and no prototype is replaced', () => {
    const start = Actor.prototype.start;
    const records: InspectRecord[] = [];
    const inspection = createTaskInspection({ enabled: true });
    expect(Actor.prototype.start).toBe(start);
    const outsider = createActor(toggle).start();
    // Records made before the relay is connected are held, then sent in order.
    const mine = createActor(parent, { inspect: inspection.inspect }).start();
    expect(records).toEqual([]);
    inspection.connect((r) => records.push(r));
    outsider.send({ type: 'FLIP' });
    mine.getSnapshot().children.child?.send({ type: 'FLIP' });
    expect(Actor.prototype.start).toBe(start);

    for (const record of records) expect(InspectRecordSchema.parse(record)).toEqual(record);
    const sessions = new Set(records.map((r) => r.sessionId));
    expect(sessions.has(outsider.sessionId)).toBe(false);
    const announced = records.filter((r) => r.type === '@xstate.actor');
    expect(announced.map((r) => [r.name, r.parentId])).toEqual([
      ['parent', undefined],
      ['child', mine.sessionId],
    ]);
    const child = announced[1]!.sessionId;
    expect(
      records.some(
        (r) =>
          r.type === '@xstate.snapshot' &&
          r.sessionId === child &&
          (r.snapshot as { value?: string }).value === 'on',
      ),
    ).toBe(true);
    expect(records.every((r) => r.rootId === mine.sessionId)).toBe(true);
  });

  it('an actor running a machine names it; the first of each machine id carries its definition', () => {
    const records: InspectRecord[] = [];
    const inspection = createTaskInspection({ enabled: true });
    inspection.connect((r) => records.push(r));
    createActor(parent, { inspect: inspection.inspect }).start();
    createActor(toggle, { id: 'second', inspect: inspection.inspect }).start();
    createActor(
      fromPromise(() => new Promise(() => {})),
      { inspect: inspection.inspect },
    ).start();
    const announced = records.filter((r) => r.type === '@xstate.actor');
    expect(announced.map((r) => [r.name, r.machine, r.definition?.id])).toEqual([
      ['parent', 'parent', 'parent'],
      ['child', 'toggle', 'toggle'],
      ['second', 'toggle', undefined],
      [announced[3]!.sessionId, undefined, undefined],
    ]);
    expect(announced[1]!.definition).toEqual(serializeMachine(toggle));
    for (const record of records) expect(InspectRecordSchema.parse(record)).toEqual(record);
    // Another task instance (another inspection) sends its own definitions.
    const again: InspectRecord[] = [];
    const other = createTaskInspection({ enabled: true });
    other.connect((r) => again.push(r));
    createActor(toggle, { inspect: other.inspect }).start();
    expect(again.find((r) => r.type === '@xstate.actor')?.definition?.id).toBe('toggle');
  });

  it('a machine that cannot be described still reports its actor and events, without a definition', () => {
    const records: InspectRecord[] = [];
    const inspection = createTaskInspection({ enabled: true });
    inspection.connect((r) => records.push(r));
    // A state node whose transitions serializeMachine cannot read.
    const broken = createMachine({
      id: 'broken',
      initial: 'a',
      states: { a: { on: { GO: 'b' } }, b: {} },
    });
    Object.defineProperty(broken.root, 'transitions', {
      get() {
        throw new Error('unreadable');
      },
    });
    const actor = createActor(broken, { inspect: inspection.inspect }).start();
    actor.send({ type: 'GO' });
    // And one whose definition the schema refuses (a state type it does not know).
    const odd = createMachine({ id: 'odd', initial: 'a', states: { a: {} } });
    (odd.root as unknown as { type: string }).type = 'weird';
    createActor(odd, { inspect: inspection.inspect }).start();
    const announced = records.filter((r) => r.type === '@xstate.actor');
    expect(announced.map((r) => [r.machine, r.definition])).toEqual([
      ['broken', undefined],
      ['odd', undefined],
    ]);
    expect(
      records.some(
        (r) => r.type === '@xstate.snapshot' && (r.snapshot as { value?: string }).value === 'b',
      ),
    ).toBe(true);
    for (const record of records) expect(InspectRecordSchema.parse(record)).toEqual(record);
  });

  it('actors of two xstate copies with the same session id are told apart', () => {
    const records: InspectRecord[] = [];
    const inspection = createTaskInspection({ enabled: true });
    inspection.connect((r) => records.push(r));
    // Two roots and a child as two copies of xstate would number them: both roots `x:0`.
    const ours = { sessionId: 'x:0', id: 'x:0' };
    const theirs = { sessionId: 'x:0', id: 'x:0' };
    const child = { sessionId: 'x:1', id: 'kid', _parent: theirs };
    const inspect = inspection.inspect as (event: InspectionEvent) => void;
    const announce = (actorRef: object) =>
      inspect({ type: '@xstate.actor', actorRef, rootId: 'x:0' } as never);
    announce(ours);
    announce(theirs);
    announce(child);
    inspect({
      type: '@xstate.event',
      actorRef: ours,
      sourceRef: child,
      rootId: 'x:0',
      event: { type: 'PING' },
    } as never);
    expect(records.map((r) => [r.sessionId, r.parentId, r.rootId, r.sourceId])).toEqual([
      ['x:0', undefined, 'x:0', undefined],
      ['x:0~2', undefined, 'x:0~2', undefined],
      ['x:1', 'x:0~2', 'x:0~2', undefined],
      ['x:0', undefined, 'x:0', 'x:1'],
    ]);
  });

  it('a sink that throws (the channel closed) ends the forwarding quietly', () => {
    let calls = 0;
    const inspection = createTaskInspection({ enabled: true });
    inspection.connect(() => {
      calls++;
      throw new Error('closed');
    });
    const actor = createActor(toggle, { inspect: inspection.inspect }).start();
    actor.send({ type: 'FLIP' });
    expect(calls).toBe(1);
  });
});

describe('foreground side: createTaskInspectionRelay', () => {
  const record = (r: Partial<InspectRecord> & Pick<InspectRecord, 'type' | 'sessionId'>) =>
    ({ rootId: 'x:0', ...r }) as InspectRecord;
  /** A relay of one task instance and the inspection events it emits. */
  const relayOf = (appId: string, instanceId: string) => {
    const seen: InspectionEvent[] = [];
    const relay = createTaskInspectionRelay({ appId, instanceId, inspect: (e) => seen.push(e) });
    return { relay, seen };
  };

  it('re-emits records as inspection events with stand-in actors, sessions qualified', () => {
    const { relay, seen } = relayOf('music', 'music#1.1');
    relay.receive(
      record({
        type: '@xstate.actor',
        sessionId: 'x:0',
        name: 'mediaPlayer',
        machine: 'mediaPlayer',
        snapshot: { status: 'active', value: 'closed' },
      }),
    );
    relay.receive(
      record({ type: '@xstate.actor', sessionId: 'x:1', parentId: 'x:0', name: 'prefetch' }),
    );
    relay.receive(
      record({ type: '@xstate.event', sessionId: 'x:0', sourceId: 'x:1', event: { type: 'PLAY' } }),
    );
    relay.receive(
      record({
        type: '@xstate.snapshot',
        sessionId: 'x:0',
        event: { type: 'PLAY' },
        snapshot: { status: 'active', value: 'playing' },
      }),
    );

    const [player, child, event, snapshot] = seen as any[];
    expect(player.actorRef).toBeInstanceOf(TaskActorRef);
    expect(player.actorRef).toMatchObject({
      sessionId: 'music#1.1/x:0',
      id: 'music#1.1/mediaPlayer',
      origin: { side: 'task', appId: 'music', instanceId: 'music#1.1' },
    });
    expect(player.rootId).toBe('music#1.1/x:0');
    expect(player.actorRef.logic.config.id).toBe('mediaPlayer');
    expect(child.actorRef._parent).toBe(player.actorRef);
    expect(child.actorRef.logic).toBeUndefined();
    expect(event.sourceRef).toBe(child.actorRef);
    expect(event.event).toEqual({ type: 'PLAY' });
    expect(snapshot.snapshot.value).toBe('playing');
    expect(player.actorRef.getSnapshot().value).toBe('playing');
    expect(() => player.actorRef.send({ type: 'PAUSE' })).toThrow(InvalidOperationError);
    expect(() => player.actorRef.send({ type: 'PAUSE' })).toThrow(/`PAUSE`/);
  });

  it('shows the actors of an ended task stopped, once, and then ignores the task', () => {
    const { relay, seen } = relayOf('a', 'a#1.1');
    relay.receive(
      record({ type: '@xstate.actor', sessionId: 'x:0', snapshot: { status: 'active' } }),
    );
    relay.receive(
      record({ type: '@xstate.actor', sessionId: 'x:1', snapshot: { status: 'active' } }),
    );
    relay.receive(
      record({ type: '@xstate.snapshot', sessionId: 'x:1', snapshot: { status: 'done' } }),
    );
    seen.length = 0;
    relay.end('graceExpired');
    relay.end('graceExpired');
    relay.receive(record({ type: '@xstate.event', sessionId: 'x:0', event: { type: 'LATE' } }));
    expect(seen).toEqual([
      expect.objectContaining({
        type: '@xstate.snapshot',
        event: { type: 'backbeat.taskEnded', reason: 'graceExpired' },
        snapshot: { status: 'stopped' },
      }),
    ]);
    expect((seen[0] as any).actorRef.sessionId).toBe('a#1.1/x:0');
  });

  it('remembers each machine definition of the instance: later actors of that machine get it too', () => {
    const { relay, seen } = relayOf('a', 'a#1.1');
    const definition = serializeMachine(toggle);
    relay.receive(
      record({ type: '@xstate.actor', sessionId: 'x:0', machine: 'toggle', definition }),
    );
    relay.receive(record({ type: '@xstate.actor', sessionId: 'x:1', machine: 'toggle' }));
    relay.receive(record({ type: '@xstate.actor', sessionId: 'x:2', machine: 'unknown' }));
    relay.receive(record({ type: '@xstate.actor', sessionId: 'x:3' }));
    const [first, second, unknown, plain] = seen.map((e) => e.actorRef as unknown as TaskActorRef);
    expect(first!.definition).toBe(definition);
    expect(second!.definition).toBe(definition);
    expect(second!.machine).toBe('toggle');
    expect(second!.logic).toBeUndefined();
    expect(unknown!.machine).toBe('unknown');
    expect(unknown!.definition).toBeUndefined();
    expect(plain!.machine).toBeUndefined();
    expect(plain!.definition).toBeUndefined();
    // Another instance of the task knows nothing of this one's definitions.
    const { relay: otherRelay, seen: other } = relayOf('a', 'a#1.2');
    otherRelay.receive(record({ type: '@xstate.actor', sessionId: 'x:1', machine: 'toggle' }));
    expect((other[0]!.actorRef as unknown as TaskActorRef).definition).toBeUndefined();
  });

  it('puts a snapshot sent as context changes together with the one before it', () => {
    const { relay, seen } = relayOf('a', 'a#1.1');
    relay.receive(
      record({
        type: '@xstate.actor',
        sessionId: 'x:0',
        snapshot: { status: 'active', value: 'idle', context: { volume: 1, muted: false } },
      }),
    );
    relay.receive(
      record({
        type: '@xstate.snapshot',
        sessionId: 'x:0',
        event: { type: 'SET_VOLUME' },
        snapshot: { status: 'active', value: 'idle', contextChanges: { volume: 0.5 } },
      }),
    );
    const expected = { status: 'active', value: 'idle', context: { volume: 0.5, muted: false } };
    expect((seen[1] as any).snapshot).toEqual(expected);
    expect((seen[1] as any).actorRef.getSnapshot()).toEqual(expected);
  });
});
