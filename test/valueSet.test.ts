import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValueSetError } from '../src/errors.ts';
import {
  defaultValueSetLimits,
  isValueSet,
  parseValueSet,
  resolveValueSetLimits,
  type ValueSetLimits,
  valueSetSchema,
} from '../src/valueSet.ts';

/** Runs `parseValueSet` and returns the ValueSetError it must throw. */
function refusal(value: unknown, limits?: Partial<ValueSetLimits>): ValueSetError {
  try {
    parseValueSet(value, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(ValueSetError);
    return error as ValueSetError;
  }
  throw new Error('expected a ValueSetError');
}

/** The `→ at` line of a refusal, or undefined when the problem is at the top. */
function pathOf(error: ValueSetError): string | undefined {
  return /→ at (.*)$/m.exec(error.message)?.[1];
}

/** Nested objects: depth 1 is `{ leaf }`, depth n wraps it n - 1 times under `k`. */
function nested(depth: number, leaf: unknown = 1): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf };
  for (let d = 1; d < depth; d++) value = { k: value };
  return value;
}

describe('parseValueSet accepts', () => {
  it('nested ValueSets, arrays and every scalar, returning the same object', () => {
    const value = {
      type: 'trackChanged',
      title: 'Song',
      index: 3,
      negative: -0.5,
      playing: true,
      art: null,
      at: new Date(0),
      track: { tags: ['a', 'b'], rating: { stars: 4, votes: [1, 2, 3] } },
      matrix: [
        [1, 2],
        [3, [4, { deep: 'yes' }]],
      ],
      empty: {},
      none: [],
    };
    expect(parseValueSet(value)).toBe(value);
    expect(isValueSet(value)).toBe(true);
  });

  it('objects without a prototype', () => {
    const value = Object.create(null) as Record<string, unknown>;
    value.a = 1;
    expect(parseValueSet(value)).toBe(value);
  });

  it('Dates across a structured clone, as Dates with the same time', () => {
    const sent = { at: new Date(Date.UTC(2015, 10, 12, 8, 30)), list: [new Date(1)] };
    const received = parseValueSet(structuredClone(sent));
    expect(received.at).toBeInstanceOf(Date);
    expect((received.at as Date).getTime()).toBe(sent.at.getTime());
    expect(received).toEqual(sent);
  });

  it('keys that only look dangerous', () => {
    expect(() =>
      parseValueSet({ proto: 1, __proto: 2, Constructor: 3, prototypes: 4 }),
    ).not.toThrow();
  });
});

describe('parseValueSet refuses, naming the path', () => {
  it('a bigint deep inside, with the z.prettifyError layout and a short sentence first', () => {
    const error = refusal({ track: { tags: ['a', 'b', 1n] } });
    expect(error.message).toBe(
      'Invalid ValueSet:\n' +
        '✖ Expected a string, finite number, boolean, null, Date, array or plain object, got bigint `1n`\n' +
        '  → at track.tags[2]',
    );
    expect(error.code).toBe('VALUE_SET_INVALID');
    expect(error.cause).toBeInstanceOf(z.core.$ZodError);
    expect((error.cause as z.ZodError).issues[0]?.path).toEqual(['track', 'tags', 2]);
  });

  const badValues: [string, unknown, RegExp][] = [
    ['undefined', undefined, /got undefined/],
    ['NaN', Number.NaN, /finite number, got `NaN`/],
    ['Infinity', Number.POSITIVE_INFINITY, /got `Infinity`/],
    ['-Infinity', Number.NEGATIVE_INFINITY, /got `-Infinity`/],
    ['a function', function play() {}, /got function `play`/],
    ['a symbol', Symbol('s'), /got symbol `Symbol\(s\)`/],
    ['a Map', new Map([[1, 2]]), /instance of Map/],
    ['a Set', new Set([1]), /instance of Set/],
    ['a typed array', new Uint8Array(2), /instance of Uint8Array/],
    ['a class instance', new (class Song {})(), /instance of Song/],
    ['a RegExp', /x/, /instance of RegExp/],
    ['a boxed string', new String('x'), /instance of String/],
    ['an invalid Date', new Date(Number.NaN), /got `Invalid Date`/],
    ['a fake Date', Object.create(Date.prototype), /only inherits from Date/],
    ['an object with a custom prototype', Object.create({ a: 1 }), /another prototype/],
    ['an Array subclass', new (class List extends Array {})(), /instance of List/],
  ];
  for (const [name, bad, message] of badValues) {
    it(`${name} in an object and in an array`, () => {
      const inObject = refusal({ a: { b: bad } });
      expect(inObject.message).toMatch(message);
      expect(pathOf(inObject)).toBe('a.b');
      const inArray = refusal({ list: [1, 'x', bad] });
      expect(inArray.message).toMatch(message);
      expect(pathOf(inArray)).toBe('list[2]');
    });
  }

  it('anything but a plain object at the top, with no path', () => {
    for (const [value, message] of [
      [[1], /got an array/],
      ['text', /got `text`/],
      [null, /got null/],
      [7, /got `7`/],
      [new Map(), /instance of Map/],
    ] as const) {
      const error = refusal(value);
      expect(error.message).toMatch(/A ValueSet must be a plain object/);
      expect(error.message).toMatch(message);
      expect(pathOf(error)).toBeUndefined();
    }
  });

  it('__proto__ as an own key, as JSON.parse makes it, at any depth', () => {
    const top = refusal(JSON.parse('{"__proto__": {"polluted": true}}'));
    expect(top.message).toMatch(/Key `__proto__` is not allowed/);
    expect(pathOf(top)).toBe('__proto__');
    const deep = refusal(JSON.parse('{"a": [{"b": {"__proto__": 1}}]}'));
    expect(pathOf(deep)).toBe('a[0].b.__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('constructor and prototype keys at any depth', () => {
    expect(pathOf(refusal({ constructor: 1 }))).toBe('constructor');
    expect(pathOf(refusal({ a: { prototype: {} } }))).toBe('a.prototype');
    expect(pathOf(refusal(JSON.parse('{"x": {"constructor": {"prototype": {"p": 1}}}}')))).toBe(
      'x.constructor',
    );
  });

  it('symbol keys, at the path of their object', () => {
    const error = refusal({ a: { [Symbol('hidden')]: 1 } });
    expect(error.message).toMatch(/Symbol keys are not allowed, got `Symbol\(hidden\)`/);
    expect(pathOf(error)).toBe('a');
  });

  it('getters and setters', () => {
    const withGetter = {};
    Object.defineProperty(withGetter, 'live', { get: () => 1, enumerable: true });
    const error = refusal({ a: withGetter });
    expect(error.message).toMatch(/Accessor properties/);
    expect(pathOf(error)).toBe('a.live');
  });

  it('holes in sparse arrays', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is what is tested
    const error = refusal({ list: [1, , 3] });
    expect(error.message).toMatch(/Sparse arrays are not ValueSets: index 1 is a hole/);
    expect(pathOf(error)).toBe('list[1]');
  });

  it('paths with keys that are not identifiers', () => {
    expect(pathOf(refusal({ 'user.name': { 'a b': [undefined] } }))).toBe(
      '["user.name"]["a b"][0]',
    );
  });

  it('cycles, through the depth limit', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(refusal(cyclic).message).toMatch(/maxDepth \(8\)/);
  });

  it('reports only the first problem found', () => {
    const error = refusal({ a: undefined, b: Number.NaN });
    expect((error.cause as z.ZodError).issues).toHaveLength(1);
    expect(pathOf(error)).toBe('a');
  });
});

describe('limits, at the boundary and one past it', () => {
  it('defaults', () => {
    expect(defaultValueSetLimits).toEqual({
      maxDepth: 8,
      maxKeys: 1024,
      maxStringLength: 65_536,
      maxBytes: 1_048_576,
    });
    expect(Object.isFrozen(defaultValueSetLimits)).toBe(true);
  });

  it('maxDepth: 8 levels of objects pass, 9 fail at the ninth level', () => {
    expect(() => parseValueSet(nested(8))).not.toThrow();
    const error = refusal(nested(9));
    expect(error.message).toMatch(/Nesting depth 9 is more than maxDepth \(8\)/);
    expect(pathOf(error)).toBe('k.k.k.k.k.k.k.k');
  });

  it('maxDepth counts arrays as levels', () => {
    expect(() => parseValueSet(nested(7, []))).not.toThrow();
    const error = refusal(nested(7, [[]]));
    expect(pathOf(error)).toBe('k.k.k.k.k.k.leaf[0]');
  });

  it('maxKeys: 1024 keys pass, 1025 fail at that object', () => {
    const keys = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    expect(() => parseValueSet({ inner: keys(1024) })).not.toThrow();
    const error = refusal({ inner: keys(1025) });
    expect(error.message).toMatch(/Object has 1025 keys, more than maxKeys \(1024\)/);
    expect(pathOf(error)).toBe('inner');
  });

  it('maxKeys does not bound array length', () => {
    expect(() => parseValueSet({ list: new Array(5000).fill(true) })).not.toThrow();
  });

  it('maxStringLength: 65 536 UTF-16 code units pass, 65 537 fail, quoting the start', () => {
    expect(() => parseValueSet({ s: 'x'.repeat(65_536) })).not.toThrow();
    // Two code units per emoji: the limit counts UTF-16 units, not characters or bytes.
    expect(() => parseValueSet({ s: '😀'.repeat(32_768) })).not.toThrow();
    expect(() => parseValueSet({ s: `${'😀'.repeat(32_768)}x` })).toThrow(ValueSetError);
    const error = refusal({ list: ['ok', 'y'.repeat(65_537)] });
    expect(error.message).toMatch(
      /String of 65537 UTF-16 code units is longer than maxStringLength \(65536\): `y{40}…`/,
    );
    expect(pathOf(error)).toBe('list[1]');
  });

  it('maxStringLength applies to keys, at the path of their object', () => {
    expect(() => parseValueSet({ a: { ['k'.repeat(65_536)]: 1 } })).not.toThrow();
    const error = refusal({ a: { ['k'.repeat(65_537)]: 1 } });
    expect(error.message).toMatch(/Key of 65537 UTF-16 code units/);
    expect(pathOf(error)).toBe('a');
  });

  it('maxBytes: the documented estimate reaching exactly 1 MiB passes, one byte more fails', () => {
    // {} 5 + key "a" (4 + 2) + array 5 = 16; a string is 5 + 2 per unit; true is 1.
    const strings = [...Array.from({ length: 10 }, () => 's'.repeat(50_000)), 't'.repeat(24_250)];
    const exact = { a: [...strings, true, true, true, true, true] };
    expect(() => parseValueSet(exact)).not.toThrow();
    const error = refusal({ a: [...exact.a, true] });
    expect(error.message).toMatch(/Estimated encoded size passed maxBytes \(1048576\) here/);
    expect(pathOf(error)).toBe('a[16]');
  });

  it('maxBytes counts numbers, Dates and keys as documented', () => {
    // {} 5 + "n" 6 + number 9 + "d" 6 + Date 9 + "b" 6 + null 1 = 42
    const value = { n: 1, d: new Date(0), b: null };
    expect(() => parseValueSet(value, { maxBytes: 42 })).not.toThrow();
    expect(pathOf(refusal(value, { maxBytes: 41 }))).toBe('b');
  });

  it('maxBytes refuses a long array before walking it', () => {
    const error = refusal({ list: new Array(2_000_000).fill(0) });
    expect(pathOf(error)).toBe('list');
  });

  it('custom limits replace only the limits given', () => {
    const limits = { maxDepth: 2, maxKeys: 2, maxStringLength: 3 };
    expect(() => parseValueSet({ a: { b: 'abc' }, c: 1 }, limits)).not.toThrow();
    expect(pathOf(refusal({ a: { b: {} } }, limits))).toBe('a.b');
    expect(pathOf(refusal({ a: 1, b: 2, c: 3 }, limits))).toBeUndefined();
    expect(refusal({ a: 'abcd' }, limits).message).toMatch(/maxStringLength \(3\)/);
    expect(() => parseValueSet(nested(8, 'x'.repeat(60_000)), { maxDepth: 8 })).not.toThrow();
  });

  it('limit issues carry the limit name and maximum', () => {
    const issue = (refusal({ a: 'abcd' }, { maxStringLength: 3 }).cause as z.ZodError).issues[0];
    expect(issue).toMatchObject({
      code: 'custom',
      params: { limit: 'maxStringLength', maximum: 3 },
    });
  });

  it('bad limits are a TypeError quoting the value', () => {
    expect(() => resolveValueSetLimits({ maxDepth: 0 })).toThrow(
      /`maxDepth` must be an integer from 1 to 1000, got `0`/,
    );
    expect(() => resolveValueSetLimits({ maxDepth: 1001 })).toThrow(TypeError);
    expect(() => valueSetSchema({ maxKeys: 1.5 })).toThrow(/got `1.5`/);
    expect(() => parseValueSet({}, { maxBytes: Number.POSITIVE_INFINITY })).toThrow(
      /got `Infinity`/,
    );
  });
});

describe('valueSetSchema', () => {
  it('is built once per limits object', () => {
    const limits = { maxDepth: 3 };
    expect(valueSetSchema(limits)).toBe(valueSetSchema(limits));
    expect(valueSetSchema()).toBe(valueSetSchema(defaultValueSetLimits));
    expect(valueSetSchema({ maxDepth: 3 })).not.toBe(valueSetSchema(limits));
  });

  it('composes into other zod schemas, with the full path in errors', () => {
    const envelope = z.object({ seq: z.number(), data: valueSetSchema() });
    expect(envelope.parse({ seq: 1, data: { a: [1] } })).toEqual({ seq: 1, data: { a: [1] } });
    const result = envelope.safeParse({ seq: 1, data: { a: [1, undefined] } });
    expect(result.success).toBe(false);
    expect(z.prettifyError(result.error!)).toMatch(/→ at data\.a\[1\]/);
  });
});

describe('prototype safety', () => {
  it('never assigns to the value or to Object.prototype', () => {
    const before = Reflect.ownKeys(Object.prototype);
    const frozen = Object.freeze({ a: Object.freeze([1, Object.freeze({ b: 'c' })]) });
    expect(() => parseValueSet(frozen)).not.toThrow();
    for (const text of [
      '{"__proto__": {"polluted": 1}}',
      '{"constructor": {"prototype": {"polluted": 1}}}',
      '{"a": {"__proto__": {"polluted": 1}}}',
    ]) {
      expect(() => parseValueSet(JSON.parse(text))).toThrow(ValueSetError);
    }
    expect(Reflect.ownKeys(Object.prototype)).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
