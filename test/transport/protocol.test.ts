import { describe, expect, it } from 'vitest';
import { assign, createActor, createMachine } from 'xstate';
import { SystemMediaTransportControls } from '../../src/actors/task/systemMediaTransportControls.ts';
import {
  BackbeatError,
  InvalidOperationError,
  MediaError,
  MessageBufferOverflowError,
  ProtocolError,
  TaskUnavailableError,
} from '../../src/errors.ts';
import {
  ENVELOPE_KINDS,
  type Envelope,
  fromSnapshotValue,
  type InspectRecord,
  InspectRecordSchema,
  isBatch,
  type PlayerSnapshot,
  PROTOCOL_VERSION,
  readEnvelope,
  reviveError,
  serializeError,
  toInspectRecord,
} from '../../src/protocol.ts';

/** What a fresh task publishes as its controls' state. */
const smtcState = new SystemMediaTransportControls().getState();

const snapshot: PlayerSnapshot = {
  currentState: 'playing',
  position: 1_000,
  naturalDuration: 60_000,
  volume: 1,
  isMuted: false,
  playbackRate: 1,
  autoPlay: true,
  isLoopingEnabled: false,
  bufferingProgress: 1,
  canSeek: true,
  canPause: true,
  currentItem: { index: 0, uri: 'virtual:a', title: 'A' },
};

const valid: Envelope[] = [
  { v: 1, kind: 'call', seq: 1, id: 1, name: 'setVolume', args: [0.5] },
  { v: 1, kind: 'result', seq: 1, id: 1, ok: true, value: { at: new Date(0) } },
  {
    v: 1,
    kind: 'result',
    seq: 2,
    id: 2,
    ok: false,
    error: { name: 'RangeError', message: 'x', code: 'E', props: { n: 1, f: null } },
  },
  { v: 1, kind: 'event', seq: 1, name: 'mediaOpened', payload: {} },
  {
    v: 1,
    kind: 'event',
    seq: 2,
    name: 'currentStateChanged',
    payload: { state: 'paused' },
    snapshot: { ...snapshot, currentState: 'paused' },
  },
  {
    v: 1,
    kind: 'event',
    seq: 3,
    name: 'mediaFailed',
    payload: { error: 'networkError', errorMessage: 'offline' },
  },
  { v: 1, kind: 'event', seq: 4, name: 'controls.stateChanged', payload: smtcState },
  { v: 1, kind: 'snapshot', seq: 2, state: snapshot },
  { v: 1, kind: 'message', seq: 3, data: { type: 'skip', at: new Date(0), list: [1, 'a', null] } },
  { v: 1, kind: 'lifecycle', seq: 4, notice: { type: 'runEntered' } },
  {
    v: 1,
    kind: 'lifecycle',
    seq: 5,
    notice: { type: 'taskError', error: { name: 'RangeError', message: 'x', code: 'E' } },
  },
  { v: 1, kind: 'control', seq: 6, command: { type: 'cancel', reason: 'idleTask' } },
  {
    v: 1,
    kind: 'control',
    seq: 8,
    command: { type: 'systemState', foreground: 'suspended', otherMediaPlaying: true },
  },
  { v: 1, kind: 'heartbeat', seq: 8, beat: 'pong', n: 0 },
  {
    v: 1,
    kind: 'inspect',
    seq: 9,
    record: { type: '@xstate.event', sessionId: 'x:1', rootId: 'x:0', event: { type: 'GO' } },
  },
  {
    v: 1,
    kind: 'checkpoint',
    seq: 10,
    state: {
      version: 1,
      reason: 'paused',
      instanceId: 'a#1.1',
      items: [{ uri: 'virtual:a', properties: { title: 'A' } }, { uri: 'virtual:b' }],
      currentItemIndex: 1,
      position: 1_500,
      currentState: 'paused',
      volume: 0.5,
      isMuted: false,
      playbackRate: 1,
      isLoopingEnabled: false,
      autoRepeatEnabled: true,
      shuffleEnabled: false,
      shuffledOrder: [1, 0],
      appState: { chapter: 2 },
    },
  },
];

function invalid(data: unknown): string {
  const result = readEnvelope(data);
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.error).toBeInstanceOf(ProtocolError);
  expect(result.error.code).toBe('PROTOCOL');
  return result.error.message;
}

describe('readEnvelope', () => {
  it.each(valid.map((e) => [`${e.kind} ${'name' in e ? e.name : ''}`, e] as const))(
    'accepts a valid %s envelope',
    (_kind, e) => {
      const result = readEnvelope(structuredClone(e));
      expect(result).toEqual({ ok: true, envelope: e });
    },
  );

  it('covers every envelope kind', () => {
    expect(new Set(valid.map((e) => e.kind))).toEqual(new Set(ENVELOPE_KINDS));
    expect(ENVELOPE_KINDS).toHaveLength(10);
    expect(PROTOCOL_VERSION).toBe(1);
  });

  it('refuses another protocol version before anything else, quoting it', () => {
    expect(invalid({ v: 2, kind: 'nonsense' })).toBe(
      'Unsupported protocol version: expected 1, got `2`',
    );
  });

  it('names the envelope, the issue and its path (z.prettifyError)', () => {
    expect(invalid({ v: 1, kind: 'message', seq: 0, data: {} })).toBe(
      'Invalid `message` envelope:\n✖ Too small: expected number to be >=1\n  → at seq',
    );
    expect(
      invalid({ v: 1, kind: 'control', seq: 1, command: { type: 'cancel', reason: 'bored' } }),
    ).toMatch(
      /^Invalid `control` envelope:\n✖ Invalid option: expected one of[\s\S]*→ at command\.reason/,
    );
    expect(invalid({ v: 1, kind: 'teleport', seq: 1 })).toBe(
      `Invalid envelope: unknown kind \`teleport\`; expected one of ${ENVELOPE_KINDS.join(', ')}`,
    );
    expect(invalid({ v: 1, kind: 'batch', items: [] })).toMatch(/unknown kind `batch`/);
    expect(invalid(null)).toBe('Invalid null: not an envelope');
    expect(invalid([1])).toBe('Invalid array: not an envelope');
    expect(invalid('hello')).toBe('Invalid string `hello`: not an envelope');
  });

  it('checks calls and results: ids, names, arguments, wire errors', () => {
    const call = { v: 1, kind: 'call', seq: 1, id: 1, name: 'play', args: [] };
    expect(invalid({ ...call, id: 0 })).toMatch(/→ at id/);
    expect(invalid({ ...call, id: 1.5 })).toMatch(/→ at id/);
    expect(invalid({ ...call, name: '' })).toMatch(/→ at name/);
    expect(invalid({ ...call, args: { 0: 1 } })).toMatch(/→ at args/);
    const result = { v: 1, kind: 'result', seq: 1, id: 1 };
    expect(invalid({ ...result, ok: true, id: 'x' })).toMatch(
      /^Invalid `result` envelope:[\s\S]*→ at id/,
    );
    expect(invalid({ ...result, ok: false, error: { message: 'no name' } })).toMatch(
      /^Invalid `result` envelope:[\s\S]*→ at error\.name/,
    );
    expect(invalid({ ...result, ok: 'yes', value: 1 })).toMatch(
      /^Invalid `result` envelope:[\s\S]*→ at ok/,
    );
    const props = { name: 'E', message: 'm', props: { deep: { no: 1 } } };
    expect(invalid({ ...result, ok: false, error: props })).toMatch(
      /^Invalid `result` envelope:[\s\S]*→ at error\.props\.deep/,
    );
  });

  it('takes only player events with their payload, and the controls state', () => {
    const event = { v: 1, kind: 'event', seq: 1 };
    expect(invalid({ ...event, name: 'tick', payload: {} })).toMatch(
      /^Invalid `event` envelope:[\s\S]*→ at name/,
    );
    expect(invalid({ ...event, name: 'mediaPlayerRateChanged', payload: {} })).toMatch(
      /→ at payload\.newRate/,
    );
    expect(
      invalid({ ...event, name: 'currentStateChanged', payload: { state: 'dancing' } }),
    ).toMatch(/→ at payload\.state/);
    expect(
      invalid({
        ...event,
        name: 'volumeChanged',
        payload: {},
        snapshot: { ...snapshot, volume: 'loud' },
      }),
    ).toMatch(/→ at snapshot\.volume/);
    expect(invalid({ ...event, name: 'controls.stateChanged', payload: [] })).toMatch(
      /must be an object, got ``[\s\S]*→ at payload/,
    );
    expect(
      invalid({
        ...event,
        name: 'controls.stateChanged',
        payload: { ...smtcState, playbackStatus: 'dancing' },
      }),
    ).toMatch(/got `dancing`[\s\S]*→ at payload\.playbackStatus/);
  });

  it('refuses the commands and the notice that are no longer part of the contract', () => {
    for (const command of [
      { type: 'shutdown' },
      { type: 'press', button: 'next' },
      { type: 'shuffleChangeRequested', enabled: true },
    ]) {
      expect(invalid({ v: 1, kind: 'control', seq: 1, command })).toMatch(/→ at command\.type/);
    }
    expect(
      invalid({
        v: 1,
        kind: 'lifecycle',
        seq: 1,
        notice: { type: 'canceled', reason: 'idleTask' },
      }),
    ).toMatch(/→ at notice\.type/);
  });

  it("checks a message's data is a plain object (its ValueSet was checked by the sender)", () => {
    const message = { v: 1, kind: 'message', seq: 1 };
    for (const data of [new Map(), [1], 'text', null, new Date(0)]) {
      expect(invalid({ ...message, data })).toMatch(
        /^Invalid `message` envelope:\n✖ Expected a plain object\n {2}→ at data/,
      );
    }
    expect(readEnvelope({ ...message, data: Object.create(null) }).ok).toBe(true);
  });

  it('tells a batch from an envelope', () => {
    expect(isBatch({ v: 1, kind: 'batch', items: [] })).toBe(true);
    expect(isBatch({ v: 2, kind: 'batch', items: [] })).toBe(false);
    expect(isBatch({ v: 1, kind: 'batch', items: {} })).toBe(false);
    expect(isBatch({ v: 1, kind: 'message', seq: 1, data: {} })).toBe(false);
    expect(isBatch(null)).toBe(false);
  });
});

describe('serializeError / reviveError', () => {
  const roundTrip = (e: unknown) => reviveError(structuredClone(serializeError(e)));

  it('brings built-in errors back as their class', () => {
    for (const E of [
      Error,
      TypeError,
      RangeError,
      SyntaxError,
      ReferenceError,
      EvalError,
      URIError,
    ]) {
      const back = roundTrip(new E('m'));
      expect(back).toBeInstanceOf(E);
      expect(back.name).toBe(E.name);
      expect(back.message).toBe('m');
      expect(back.stack).toContain('m');
    }
  });

  it("brings Backbeat's errors back as their class, with code and fields", () => {
    const gone = roundTrip(new TaskUnavailableError('crashed: RangeError: x'));
    expect(gone).toBeInstanceOf(TaskUnavailableError);
    expect(gone).toBeInstanceOf(BackbeatError);
    expect(gone).toMatchObject({
      name: 'TaskUnavailableError',
      code: 'TASK_UNAVAILABLE',
      reason: 'crashed: RangeError: x',
    });
    expect(roundTrip(new MessageBufferOverflowError('foreground', 64))).toMatchObject({
      limit: 64,
      code: 'MESSAGE_BUFFER_OVERFLOW',
    });
    const media = roundTrip(new MediaError('networkError', 'offline'));
    expect(media).toBeInstanceOf(MediaError);
    expect(media).toMatchObject({ error: 'networkError', message: 'offline' });
    expect(roundTrip(new InvalidOperationError('no'))).toBeInstanceOf(InvalidOperationError);
  });

  it('keeps the name and code of unknown errors; wraps thrown non-errors', () => {
    const custom = Object.assign(new Error('disk'), { name: 'DiskError', code: 'E_DISK', n: 1 });
    const back = roundTrip(custom);
    expect(back).toBeInstanceOf(Error);
    expect(back).toMatchObject({ name: 'DiskError', code: 'E_DISK', n: 1, message: 'disk' });
    expect(serializeError('oops')).toEqual({
      name: 'Error',
      message: 'Non-error value thrown: `oops`',
    });
    expect(
      serializeError(Object.assign(new Error('x'), { nested: { no: 1 } })).props,
    ).toBeUndefined();
  });
});

describe('toInspectRecord', () => {
  it('turns live inspection events into cloneable records that pass the schema', () => {
    const records: unknown[] = [];
    const machine = createMachine({
      id: 'light',
      initial: 'green',
      context: { count: 0 },
      states: {
        green: { on: { NEXT: 'yellow' } },
        yellow: { entry: () => {}, on: { NEXT: 'green' } },
      },
    });
    const actor = createActor(machine, { inspect: (ev) => records.push(toInspectRecord(ev)) });
    actor.start();
    actor.send({ type: 'NEXT' });
    actor.stop();
    const types = new Set(records.map((r) => (r as { type: string }).type));
    expect(types).toContain('@xstate.actor');
    expect(types).toContain('@xstate.event');
    expect(types).toContain('@xstate.snapshot');
    for (const record of records) {
      expect(InspectRecordSchema.safeParse(record).success).toBe(true);
      expect(structuredClone(record)).toEqual(record);
    }
    const snap = records.find(
      (r) =>
        (r as { type: string; event?: { type: string } }).type === '@xstate.snapshot' &&
        (r as { event: { type: string } }).event.type === 'NEXT',
    ) as { snapshot: { value: string }; sessionId: string; rootId: string };
    expect(snap.snapshot.value).toBe('yellow');
    expect(snap.sessionId).toBe(snap.rootId);
  });

  it('copies values as JSON would, without JSON text: toJSON, dropped functions, repeats, bigints', () => {
    const shared = { n: 1 };
    const context = {
      at: new Date(0),
      fn: () => 1,
      list: [1, undefined, () => 2, Number.NaN],
      big: 12n,
      a: shared,
      b: shared,
      ref: { toJSON: () => ({ xstate$$type: 1, id: 'kid' }) },
      gone: undefined,
    };
    const machine = createMachine({ id: 'ctx', context, initial: 'idle', states: { idle: {} } });
    const records: InspectRecord[] = [];
    createActor(machine, { inspect: (ev) => records.push(toInspectRecord(ev)) }).start();
    // The actor is announced before it has a snapshot: its first is the one of `xstate.init`.
    const first = records.find((r) => r.type === '@xstate.snapshot')!;
    expect(first.snapshot).toEqual({
      status: 'active',
      value: 'idle',
      context: {
        at: '1970-01-01T00:00:00.000Z',
        list: [1, null, null, null],
        big: '12n',
        a: { n: 1 },
        b: '[Repeated]',
        ref: { xstate$$type: 1, id: 'kid' },
      },
    });
  });

  it('with the contexts sent, a snapshot carries only the keys that changed, and is put together again', () => {
    const machine = createMachine({
      id: 'counter',
      context: { count: 0, label: 'x', items: [1, 2] },
      on: {
        INC: { actions: assign({ count: ({ context }) => context.count + 1 }) },
        DROP: { actions: assign({ label: () => undefined as never }) },
      },
    });
    const contexts = new WeakMap<object, unknown>();
    const records: InspectRecord[] = [];
    const actor = createActor(machine, {
      inspect: (ev) => records.push(toInspectRecord(ev, { contexts })),
    }).start();
    actor.send({ type: 'INC' });
    actor.send({ type: 'DROP' });
    const snapshots = records.filter((r) => r.type === '@xstate.snapshot');
    const [announced, inc, drop] = snapshots.map((r) => r.snapshot as Record<string, unknown>);
    expect(announced!.context).toEqual({ count: 0, label: 'x', items: [1, 2] });
    expect(inc).toEqual({ status: 'active', value: {}, contextChanges: { count: 1 } });
    // A key whose new value has no JSON form: the whole context again.
    expect(drop!.context).toEqual({ count: 1, items: [1, 2] });
    let last: unknown = announced;
    last = fromSnapshotValue(last, inc);
    expect(last).toEqual({
      status: 'active',
      value: {},
      context: { count: 1, label: 'x', items: [1, 2] },
    });
    expect(fromSnapshotValue(last, drop)).toEqual(drop);
    // Without a snapshot before it, the changes are the context.
    expect(fromSnapshotValue(undefined, inc)).toMatchObject({ context: { count: 1 } });
  });
});
