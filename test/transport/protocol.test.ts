import * as Comlink from 'comlink';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor, createMachine } from 'xstate';
import {
  BackbeatError,
  InvalidOperationError,
  MediaError,
  MessageBufferOverflowError,
  ProtocolError,
  TaskUnavailableError,
} from '../../src/errors.ts';
import {
  type Envelope,
  InspectRecordSchema,
  PROTOCOL_VERSION,
  parseEnvelope,
  RELAY_KINDS,
  RpcMessageSchema,
  reviveError,
  serializeError,
  toInspectRecord,
} from '../../src/protocol.ts';

const valid: Envelope[] = [
  { v: 1, kind: 'rpc', msg: { id: 'a', type: 'GET', path: ['x', 'y'] } },
  { v: 1, kind: 'event', seq: 1, name: 'mediaOpened', payload: { at: new Date(0) } },
  { v: 1, kind: 'snapshot', seq: 2, state: { currentState: 'playing', position: 1_000 } },
  { v: 1, kind: 'message', seq: 3, data: { type: 'skip', at: new Date(0), list: [1, 'a', null] } },
  { v: 1, kind: 'lifecycle', seq: 4, notice: { type: 'canceled', reason: 'idleTask' } },
  {
    v: 1,
    kind: 'lifecycle',
    seq: 5,
    notice: { type: 'taskError', error: { name: 'RangeError', message: 'x', code: 'E' } },
  },
  { v: 1, kind: 'control', seq: 6, command: { type: 'press', button: 'fastForward' } },
  {
    v: 1,
    kind: 'control',
    seq: 7,
    command: { type: 'autoRepeatModeChangeRequested', mode: 'list' },
  },
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
  const result = parseEnvelope(data);
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.error).toBeInstanceOf(ProtocolError);
  expect(result.error.code).toBe('PROTOCOL');
  return result.error.message;
}

describe('parseEnvelope', () => {
  it.each(valid.map((e) => [e.kind, e] as const))('accepts a valid %s envelope', (_kind, e) => {
    const result = parseEnvelope(structuredClone(e));
    expect(result).toEqual({ ok: true, envelope: e });
  });

  it('covers every relay kind', () => {
    expect(new Set(valid.map((e) => e.kind))).toEqual(new Set(['rpc', ...RELAY_KINDS]));
    expect(PROTOCOL_VERSION).toBe(1);
  });

  it('refuses another protocol version before anything else, quoting it', () => {
    expect(invalid({ v: 2, kind: 'nonsense' })).toBe(
      'Unsupported protocol version: expected 1, got `2`',
    );
  });

  it('names the envelope, the issue and its path (z.prettifyError)', () => {
    expect(invalid({ v: 1, kind: 'event', seq: 0, name: 'x' })).toBe(
      'Invalid `event` envelope:\n✖ Too small: expected number to be >=1\n  → at seq',
    );
    expect(
      invalid({ v: 1, kind: 'lifecycle', seq: 1, notice: { type: 'canceled', reason: 'bored' } }),
    ).toMatch(
      /Invalid `lifecycle` envelope:\n✖ Invalid option: expected one of[\s\S]*→ at notice\.reason/,
    );
    expect(invalid({ v: 1, kind: 'teleport', seq: 1 })).toMatch(/^Invalid `teleport` envelope:/);
    expect(invalid(null)).toMatch(/^Invalid null:/);
    expect(invalid([1])).toMatch(/^Invalid array:/);
    expect(invalid('hello')).toMatch(/^Invalid string `hello`:/);
  });

  it('checks Comlink messages: ids, paths and wire values', () => {
    const bad = [
      { id: 'a', type: 'APPLY', path: [] }, // no argumentList
      { id: 'a', type: 'APPLY', path: [1], argumentList: [] }, // path of numbers
      { id: 'a', type: 'SET', path: ['x'], value: { type: 'PROXY', value: 1 } }, // unknown wire type
      { id: 'a', type: 'HANDLER', value: 1 }, // handler without a name
      { type: 'RAW', value: 1 }, // response without id
      { id: '', type: 'GET', path: [] }, // empty id
      { id: 'a', type: 'EVAL', path: [] },
    ];
    for (const msg of bad) expect(invalid({ v: 1, kind: 'rpc', msg })).toMatch(/^Invalid `rpc`/);
  });

  it('checks the ValueSet of a message envelope', () => {
    expect(invalid({ v: 1, kind: 'message', seq: 1, data: { n: Number.NaN } })).toMatch(
      /^Invalid `message` envelope: Invalid ValueSet/,
    );
    const proto = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(invalid({ v: 1, kind: 'message', seq: 1, data: proto })).toMatch(/__proto__/);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(invalid({ v: 1, kind: 'message', seq: 1, data: new Map() })).toMatch(
      /Expected a plain object/,
    );
    // Limits come from the options.
    const long = { v: 1, kind: 'message', seq: 1, data: { s: 'x'.repeat(50) } };
    expect(parseEnvelope(long).ok).toBe(true);
    expect(parseEnvelope(long, { valueSetLimits: { maxStringLength: 10 } }).ok).toBe(false);
  });

  it('accepts every message Comlink itself puts on the wire', async () => {
    const wire: unknown[] = [];
    const api = { a: { b: (x: unknown) => x }, C: class {}, v: 1 };
    // A loopback endpoint pair that records every message crossing it.
    const listeners = {
      left: new Set<(e: unknown) => void>(),
      right: new Set<(e: unknown) => void>(),
    };
    const end = (
      mine: keyof typeof listeners,
      other: keyof typeof listeners,
    ): Comlink.Endpoint => ({
      // Copies when posted, as a real endpoint does: uncloneable data throws at the sender.
      postMessage: (data: unknown) => {
        const copy = structuredClone(data);
        wire.push(data);
        queueMicrotask(() => {
          for (const l of listeners[other]) l({ data: copy });
        });
      },
      addEventListener: (_t: string, l: any) => listeners[mine].add(l),
      removeEventListener: (_t: string, l: any) => listeners[mine].delete(l),
    });
    Comlink.expose(api, end('right', 'left'));
    const remote = Comlink.wrap<typeof api>(end('left', 'right'));
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const deep = remote as unknown as { a: { b: (x: unknown) => Promise<unknown> } };
        expect(await deep.a.b(value)).toEqual(value);
      }),
      { numRuns: 50 },
    );
    expect(await remote.v).toBe(1);
    await (remote as unknown as { v: number }).v;
    (remote as unknown as { v: number }).v = 2;
    // CONSTRUCT answers with a proxy (a MessagePort), which cannot cross a plain endpoint.
    await expect(new remote.C()).rejects.toThrow('Unserializable return value');
    await expect((remote as any).missing()).rejects.toThrow();
    remote[Comlink.releaseProxy]();
    await new Promise((r) => setTimeout(r, 0));
    const types = new Set(wire.map((m) => (m as { type: string }).type));
    expect(types).toEqual(
      new Set(['APPLY', 'RAW', 'GET', 'SET', 'CONSTRUCT', 'HANDLER', 'RELEASE']),
    );
    for (const msg of wire) {
      const result = RpcMessageSchema.safeParse(msg);
      expect(result.success, JSON.stringify(msg)).toBe(true);
      expect(parseEnvelope({ v: 1, kind: 'rpc', msg }).ok).toBe(true);
    }
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
});
