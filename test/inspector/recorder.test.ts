import type { Clock } from 'backbeat';
import {
  createRecorder,
  loadRecording,
  type Recording,
  type RecordingDelta,
  RecordingError,
  serializeMachine,
} from 'backbeat/inspector';
import { createTestSystem, type TestSystem, VirtualClock } from 'backbeat/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { assign, createActor, createMachine } from 'xstate';

/*
 * The recorder is an inspection observer: a media system on a virtual clock runs the quickstart
 * task inline while the recorder records both sides of the boundary.
 */

const quickstartTask = new URL('../../examples/quickstart/task.mjs', import.meta.url);

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

/** The test system's clock, before there is a test system to ask. */
const systemClock: Clock = {
  now: () => system?.clock.now() ?? 0,
  setTimeout: (fn, ms) => system?.clock.setTimeout(fn, ms),
  clearTimeout: (handle) => system?.clock.clearTimeout(handle),
};

/** Applies deltas in order to an empty recording, as an inspector page does. */
function applyDeltas(startedAt: number, deltas: readonly RecordingDelta[]): Recording {
  const recording: Recording = {
    format: 'backbeat.recording',
    version: 1,
    startedAt,
    definitions: {},
    actors: {},
    entries: [],
  };
  for (const delta of deltas) {
    Object.assign(recording.definitions, delta.definitions);
    Object.assign(recording.actors, delta.actors);
    recording.entries.push(...delta.entries);
  }
  return recording;
}

const counter = (id = 'counter') =>
  createMachine({
    id,
    initial: 'idle',
    context: { count: 0 },
    states: {
      idle: { on: { START: 'counting' } },
      counting: {
        on: { TICK: { actions: assign({ count: ({ context }) => context.count + 1 }) } },
      },
    },
  });

describe('createRecorder on a media system', () => {
  it("records both sides' actors, their definitions and every event in order", async () => {
    const recorder = createRecorder({ clock: systemClock });
    const deltas: RecordingDelta[] = [];
    recorder.subscribe((delta) => deltas.push(delta));
    system = createTestSystem({ deviceFamily: 'mobile', inspect: recorder.inspect });
    const app = system.launchApp({ id: 'music', task: quickstartTask });
    const recording = system.record(app);
    await system.waitFor(() => recording.taskState === 'alive', { what: 'the task alive' });
    app.backgroundMediaPlayer.sendMessageToBackground({ type: 'start' });
    await system.settle();
    await system.advance(200); // the first track buffers for 100 ms
    await system.waitFor(() => recording.playing, { what: 'playing' });
    await system.advance(1_000);
    const suspendedAt = system.clock.now();
    expect(suspendedAt).toBe(1_200);
    app.suspend();
    await system.advance(500);
    const instanceId = app.instanceId as string;

    const saved = recorder.recording();
    const actors = Object.values(saved.actors);
    const byName = (name: string) => actors.find((a) => a.name === name);

    // The foreground: the system, the app's session, its task lifecycle and policies.
    expect(byName('mediaSystem')).toMatchObject({ side: 'foreground', definition: 'mediaSystem' });
    expect(byName('mediaSystem')?.appId).toBeUndefined();
    expect(byName('mediaSystem')?.parentId).toBeUndefined();
    const session = byName('app:music');
    expect(session).toMatchObject({
      side: 'foreground',
      appId: 'music',
      definition: 'appSession',
      parentId: byName('mediaSystem')?.sessionId,
    });
    expect(byName('task:music')).toMatchObject({
      side: 'foreground',
      appId: 'music',
      definition: 'backgroundTask',
      parentId: session?.sessionId,
    });
    expect(byName('inactivityTimeout:music')).toMatchObject({ appId: 'music' });
    expect(byName('relay:music')).toMatchObject({ appId: 'music', parentId: session?.sessionId });
    // the system's own exclusivity relay belongs to no app
    expect(byName('relay:exclusivity')?.appId).toBeUndefined();

    // The task: its player and playlist, qualified by the task instance.
    const player = byName(`${instanceId}/mediaPlayer`);
    expect(player).toMatchObject({
      side: 'task',
      appId: 'music',
      instanceId,
      definition: 'mediaPlayer',
    });
    expect(player?.sessionId.startsWith(`${instanceId}/`)).toBe(true);
    expect(byName(`${instanceId}/playbackList`)).toMatchObject({
      side: 'task',
      definition: 'playbackList',
    });

    // Each machine serialized once, under its id.
    for (const key of [
      'mediaSystem',
      'appSession',
      'backgroundTask',
      'mediaPlayer',
      'playbackList',
    ])
      expect(saved.definitions[key]?.id).toBe(key);
    expect(saved.definitions.backgroundTask?.root.states).toHaveProperty('alive');
    for (const actor of actors) {
      if (actor.definition !== undefined)
        expect(saved.definitions).toHaveProperty(actor.definition);
      if (actor.parentId !== undefined) expect(saved.actors).toHaveProperty(actor.parentId);
    }

    // Entries: seq 0, 1, 2, … ; virtual times in order; sides and session ids that are actors.
    expect(saved.entries.map((e) => e.seq)).toEqual(saved.entries.map((_, i) => i));
    const times = saved.entries.map((e) => e.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.at(-1)).toBeLessThanOrEqual(system.clock.now());
    expect(times.some((t) => t > 1_200)).toBe(true);
    for (const { side, record } of saved.entries) {
      expect(saved.actors[record.sessionId]?.side).toBe(side);
    }
    expect(saved.entries.some((e) => e.side === 'task')).toBe(true);
    // the task player's `playing` snapshot and the foreground's suspension are in it
    expect(
      saved.entries.some(
        (e) =>
          e.record.sessionId === player?.sessionId &&
          (e.record.snapshot as { value?: unknown } | undefined)?.value === 'playing',
      ),
    ).toBe(true);
    const suspension = saved.entries.filter((e) => e.time === suspendedAt);
    expect(
      suspension.some((e) => e.side === 'foreground' && e.record.type === '@xstate.event'),
    ).toBe(true);

    // A JSON round trip loads as the same recording.
    expect(loadRecording(JSON.parse(JSON.stringify(saved)))).toEqual(saved);

    // The deltas, in order, make up the same recording.
    expect(deltas.length).toBeGreaterThan(1);
    expect(applyDeltas(saved.startedAt, deltas)).toEqual(saved);

    // The recording is a copy: changing it changes nothing in the recorder.
    saved.entries.length = 0;
    expect(recorder.recording().entries.length).toBeGreaterThan(0);
  });
});

describe('createRecorder', () => {
  it('batches deltas per turn, sends none without subscribers, and misses nothing after recording()', async () => {
    const clock = new VirtualClock(100);
    const recorder = createRecorder({ clock });
    const actor = createActor(counter(), { inspect: recorder.inspect }).start();
    actor.send({ type: 'START' });
    const before = recorder.recording();
    expect(before.startedAt).toBe(100);
    const deltas: RecordingDelta[] = [];
    const off = recorder.subscribe((delta) => deltas.push(delta));
    clock.advance(5);
    for (let i = 0; i < 10; i++) actor.send({ type: 'TICK' });
    expect(deltas).toEqual([]); // not yet: once per turn
    await Promise.resolve();
    expect(deltas).toHaveLength(1);
    expect(deltas[0]?.entries[0]?.seq).toBe(before.entries.length);
    expect(deltas[0]?.entries.every((e) => e.time === 105)).toBe(true);
    expect(deltas[0]?.actors).toEqual({}); // the actor was in the recording already
    const after = recorder.recording();
    expect(after.entries).toEqual([...before.entries, ...(deltas[0]?.entries ?? [])]);
    off();
    actor.send({ type: 'TICK' });
    await Promise.resolve();
    expect(deltas).toHaveLength(1);
  });

  it('keeps the last maxEntries entries and every actor’s latest snapshot', () => {
    const recorder = createRecorder({ clock: new VirtualClock(), maxEntries: 20 });
    const quiet = createActor(counter('quiet'), { inspect: recorder.inspect }).start();
    const busy = createActor(counter('busy'), { inspect: recorder.inspect }).start();
    busy.send({ type: 'START' });
    for (let i = 0; i < 100; i++) busy.send({ type: 'TICK' });
    const { entries, actors } = recorder.recording();
    const quietId = Object.values(actors).find((a) => a.name === 'quiet')?.sessionId;
    expect(quietId).toBe(quiet.sessionId);
    expect(entries.length).toBeLessThanOrEqual(21);
    const seqs = entries.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs.at(-1)).toBeGreaterThan(300);
    const lastQuiet = entries.filter((e) => e.record.sessionId === quietId);
    expect(lastQuiet).toHaveLength(1);
    expect(lastQuiet[0]?.record.snapshot).toMatchObject({ value: 'idle' });
    const lastBusy = entries.at(-1)?.record.snapshot as { context: { count: number } };
    expect(lastBusy.context.count).toBe(100);
    expect(() => createRecorder({ maxEntries: 0 })).toThrow(/`0`/);
  });

  it('keys definitions by machine id, qualified when two machines share one', () => {
    const recorder = createRecorder();
    const one = counter('same');
    createActor(one, { inspect: recorder.inspect }).start();
    createActor(one, { inspect: recorder.inspect }).start();
    const other = createMachine({ id: 'same', initial: 'x', states: { x: {} } });
    createActor(other, { inspect: recorder.inspect }).start();
    const { definitions, actors } = recorder.recording();
    expect(Object.keys(definitions).sort()).toEqual(['same', 'same@2']);
    expect(definitions.same?.root.states).toHaveProperty('counting');
    expect(definitions['same@2']?.root.states).toHaveProperty('x');
    expect(Object.values(actors).map((a) => a.definition)).toEqual(['same', 'same', 'same@2']);
    // two roots' `x:0` session ids do not collide
    expect(new Set(Object.keys(actors)).size).toBe(3);
  });

  it("uses a task actor's own definition, and reads a stand-in's name at its announcement", () => {
    const recorder = createRecorder();
    const origin = { side: 'task', appId: 'books', instanceId: 'books#1.1' } as const;
    const ref = {
      sessionId: 'books#1.1/x:3',
      id: 'books#1.1/x:3',
      _parent: undefined,
      logic: undefined,
      definition: serializeMachine(counter('chapters')),
      origin,
      getSnapshot: () => ({ status: 'active', value: 'idle', context: { count: 0 } }),
    };
    // an event before the announcement (the stand-in made for a child's parent)
    recorder.inspect({
      type: '@xstate.snapshot',
      actorRef: ref,
      rootId: 'books#1.1/x:3',
      event: { type: 'x' },
      snapshot: ref.getSnapshot(),
    } as never);
    ref.id = 'books#1.1/chapters';
    recorder.inspect({ type: '@xstate.actor', actorRef: ref, rootId: ref.sessionId } as never);
    const { actors, definitions, entries } = recorder.recording();
    expect(actors['books#1.1/x:3']).toEqual({
      sessionId: 'books#1.1/x:3',
      name: 'books#1.1/chapters',
      side: 'task',
      appId: 'books',
      instanceId: 'books#1.1',
      definition: 'chapters',
    });
    expect(definitions.chapters?.root.states).toHaveProperty('counting');
    expect(entries.map((e) => [e.side, e.record.type])).toEqual([
      ['task', '@xstate.snapshot'],
      ['task', '@xstate.actor'],
    ]);
    expect(entries[1]?.record).toMatchObject({ machine: 'chapters', snapshot: { value: 'idle' } });
  });

  it('ignores what is not an inspection event, and a listener that throws breaks nothing', async () => {
    const recorder = createRecorder();
    for (const junk of [
      null,
      42,
      {},
      { type: 'nope', actorRef: { sessionId: 'a' } },
      { type: '@xstate.event' },
      { type: '@xstate.event', actorRef: {} },
    ]) {
      expect(() => recorder.inspect(junk as never)).not.toThrow();
    }
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    const thrower = {
      toJSON() {
        throw new Error('no');
      },
    };
    const actor = createActor(counter(), { inspect: recorder.inspect }).start();
    actor.send({ type: 'START', cyclic } as never);
    actor.send({ type: 'TICK', thrower } as never);
    const seen: number[] = [];
    recorder.subscribe(() => {
      throw new Error('listener');
    });
    recorder.subscribe((delta) => seen.push(delta.entries.length));
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.on('uncaughtException', onError);
    try {
      actor.send({ type: 'TICK' });
      await new Promise((resolve) => setTimeout(resolve, 5));
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(seen.length).toBe(1);
    expect(errors).toHaveLength(1);
    const recording = recorder.recording();
    expect(loadRecording(JSON.parse(JSON.stringify(recording)))).toEqual(recording);
    expect(() => recorder.subscribe('no' as never)).toThrow(/`no`/);
  });

  it('starts from a saved recording and appends to it', () => {
    const first = createRecorder({ clock: new VirtualClock(7) });
    createActor(counter(), { inspect: first.inspect }).start();
    const saved = first.recording();
    const next = createRecorder({ recording: saved });
    createActor(counter(), { inspect: next.inspect }).start();
    const recording = next.recording();
    expect(recording.startedAt).toBe(7);
    expect(recording.entries.slice(0, saved.entries.length)).toEqual(saved.entries);
    expect(recording.entries.map((e) => e.seq)).toEqual(recording.entries.map((_, i) => i));
    expect(Object.keys(recording.actors)).toHaveLength(2);
    expect(Object.keys(recording.definitions)).toEqual(['counter']);
  });
});

describe('loadRecording', () => {
  const valid = (): Recording => {
    const recorder = createRecorder({ clock: new VirtualClock() });
    createActor(counter(), { inspect: recorder.inspect }).start();
    return recorder.recording();
  };

  it('returns a valid recording', () => {
    const recording = valid();
    expect(loadRecording(recording)).toEqual(recording);
  });

  it.each([
    ['the whole', () => 42, '', /the recording is `42`/],
    ['the format', () => ({ ...valid(), format: 'other' }), 'format', /`format` is `"other"`/],
    ['the version', () => ({ ...valid(), version: 2 }), 'version', /`version` is `2`/],
    [
      'an entry',
      () => {
        const r = valid();
        (r.entries[0] as { seq: number }).seq = -1;
        return r;
      },
      'entries.0.seq',
      /`entries.0.seq` is `-1`/,
    ],
    [
      'a record type',
      () => {
        const r = valid();
        (r.entries[0]?.record as { type: string }).type = '@xstate.nope';
        return r;
      },
      'entries.0.record.type',
      /`"@xstate.nope"`/,
    ],
    [
      'an actor side',
      () => {
        const r = valid();
        const actor = Object.values(r.actors)[0] as { side: string };
        actor.side = 'left';
        return r;
      },
      'actors.FIRST.side',
      /`"left"`/,
    ],
    ['missing entries', () => ({ ...valid(), entries: undefined }), 'entries', /is nothing/],
  ])('rejects a bad %s, naming the field and value', (_what, make, path, message) => {
    let error: unknown;
    const bad = make() as { actors?: Record<string, unknown> };
    const firstActor = Object.keys(bad?.actors ?? {})[0];
    try {
      loadRecording(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RecordingError);
    expect((error as RecordingError).path).toBe(path.replace('FIRST', firstActor ?? ''));
    expect((error as RecordingError).code).toBe('RECORDING_INVALID');
    expect((error as Error).message).toMatch(message);
  });
});
