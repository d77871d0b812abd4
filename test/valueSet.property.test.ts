import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toDotPath } from 'zod/v4/core';
import { ValueSetError } from '../src/errors.ts';
import { defineMessages } from '../src/messages.ts';
import { isValueSet, parseValueSet, type ValueSet } from '../src/valueSet.ts';

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
/** The value put under a refused key, replaced by a payload in the JSON text. */
const MARKER = '__MARKER__';

/** Keys of every kind (unicode, dots, spaces, empty), except the three refused ones. */
const key = fc.string({ unit: 'binary', maxLength: 12 }).filter((k) => !FORBIDDEN.has(k));

const scalar = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.date({ noInvalidDate: true }),
);

/** ValueSets up to depth 6 (the default limit is 8), small enough for every other limit. */
const { valueSet } = fc.letrec<{ value: unknown; valueSet: Record<string, unknown> }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 5 },
    scalar,
    fc.array(tie('value'), { maxLength: 5 }),
    tie('valueSet'),
  ),
  valueSet: fc.dictionary(key, tie('value'), { maxKeys: 6 }),
}));

/** A value that breaks a rule, and whether it goes in as a value, a key or a hole. */
type Injection =
  | { kind: 'value'; value: unknown; key: string }
  | { kind: 'forbiddenKey'; key: string }
  | { kind: 'getter'; key: string }
  | { kind: 'symbolKey' }
  | { kind: 'hole' };

class Song {
  title = 'x';
}

const badValue = fc.constantFrom<unknown>(
  undefined,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  10n,
  Symbol('bad'),
  () => 1,
  new Map(),
  new Set([1]),
  new Song(),
  new Uint8Array(1),
  new Date(Number.NaN),
  /re/,
  'x'.repeat(65_537),
);

const safeKey = key.filter((k) => k !== '');

const injection: fc.Arbitrary<Injection> = fc.oneof(
  fc.record({ kind: fc.constant('value' as const), value: badValue, key: safeKey }),
  fc.record({
    kind: fc.constant('forbiddenKey' as const),
    key: fc.constantFrom('__proto__', 'constructor', 'prototype'),
  }),
  fc.record({ kind: fc.constant('getter' as const), key: safeKey }),
  fc.constant({ kind: 'symbolKey' as const }),
  fc.constant({ kind: 'hole' as const }),
);

function isContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  return typeof v === 'object' && v !== null && !(v instanceof Date);
}

/**
 * Walks down `root` following `choices` (each picks a child container), then breaks the
 * container it stops at. Returns the path the error must name.
 */
function inject(root: Record<string, unknown>, choices: number[], bad: Injection): PropertyKey[] {
  let node: Record<string, unknown> | unknown[] = root;
  const path: PropertyKey[] = [];
  for (const choice of choices) {
    const entries = (
      Array.isArray(node) ? node.map((v, i) => [i, v] as const) : Object.entries(node)
    ).filter(([, v]) => isContainer(v));
    if (entries.length === 0) break;
    const [at, child] = entries[choice % entries.length]!;
    path.push(at);
    node = child as Record<string, unknown> | unknown[];
  }
  if (Array.isArray(node)) {
    const index = node.length === 0 ? 0 : (choices.at(-1) ?? 0) % (node.length + 1);
    switch (bad.kind) {
      case 'value':
        node[index] = bad.value;
        return [...path, index];
      case 'hole':
        node.length = Math.max(node.length, index + 1);
        delete node[index];
        return [...path, index];
      default: {
        // Keys go into a fresh object in the array.
        const holder: Record<string, unknown> = {};
        node[index] = holder;
        return [...path, index, ...breakObject(holder, bad)];
      }
    }
  }
  return [...path, ...breakObject(node, bad)];
}

/** Breaks a plain object in place; returns the path below it that the error must name. */
function breakObject(node: Record<string, unknown>, bad: Injection): PropertyKey[] {
  switch (bad.kind) {
    case 'value':
      // Remove the other keys so the bad one is found first whatever the key order.
      for (const k of Object.keys(node)) delete node[k];
      node[bad.key] = bad.value;
      return [bad.key];
    case 'forbiddenKey':
      Object.defineProperty(node, bad.key, {
        value: MARKER,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return [bad.key];
    case 'getter':
      for (const k of Object.keys(node)) delete node[k];
      Object.defineProperty(node, bad.key, { get: () => 1, enumerable: true, configurable: true });
      return [bad.key];
    case 'symbolKey':
      node[Symbol('s') as unknown as string] = 1;
      return [];
    case 'hole': {
      const list: unknown[] = [1, 2];
      delete list[1];
      for (const k of Object.keys(node)) delete node[k];
      node.list = list;
      return ['list', 1];
    }
  }
}

function prototypesUntouched(before: PropertyKey[]) {
  expect(Reflect.ownKeys(Object.prototype)).toEqual(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
}

describe('ValueSet properties', () => {
  it('valid values round-trip unchanged through structuredClone + parseValueSet', () => {
    fc.assert(
      fc.property(valueSet, (value) => {
        const received = parseValueSet(structuredClone(value));
        expect(received).toEqual(value);
        expect(parseValueSet(value)).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it('Dates stay Dates with the same time after the round trip', () => {
    fc.assert(
      fc.property(fc.array(fc.date({ noInvalidDate: true }), { maxLength: 5 }), (dates) => {
        const received = parseValueSet(structuredClone({ dates })) as { dates: Date[] };
        received.dates.forEach((d, i) => {
          expect(d).toBeInstanceOf(Date);
          expect(d.getTime()).toBe(dates[i]!.getTime());
        });
      }),
    );
  });

  it('one bad value at a random path always raises a ValueSetError naming that path', () => {
    fc.assert(
      fc.property(
        valueSet,
        fc.array(fc.nat(), { maxLength: 6 }),
        injection,
        (base, choices, bad) => {
          const value = structuredClone(base);
          const path = inject(value, choices, bad);
          let error: unknown;
          try {
            parseValueSet(value);
          } catch (caught) {
            error = caught;
          }
          expect(error).toBeInstanceOf(ValueSetError);
          const message = (error as ValueSetError).message;
          expect(message.startsWith('Invalid ValueSet:\n✖ ')).toBe(true);
          const lines = message.split('\n');
          if (path.length === 0) {
            expect(lines.some((line) => line.includes('→ at'))).toBe(false);
          } else {
            expect(lines).toContain(`  → at ${toDotPath(path as (string | number)[])}`);
          }
          expect(isValueSet(value)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('arbitrary input is either accepted or a ValueSetError, never another error', () => {
    const anything = fc.anything({
      maxDepth: 4,
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      withUnicodeString: true,
    });
    fc.assert(
      fc.property(anything, (value) => {
        let accepted = true;
        try {
          parseValueSet(value);
        } catch (error) {
          expect(error).toBeInstanceOf(ValueSetError);
          accepted = false;
        }
        expect(isValueSet(value)).toBe(accepted);
      }),
      { numRuns: 500 },
    );
  });

  it('no input, JSON.parse with __proto__ / constructor.prototype keys included, pollutes Object.prototype', () => {
    const before = Reflect.ownKeys(Object.prototype);
    const messages = defineMessages({ note: z.looseObject({ text: z.string() }) });
    const payload = fc.constantFrom(
      '{"polluted": true}',
      '{"__proto__": {"polluted": true}}',
      '{"prototype": {"polluted": true}}',
    );
    const badKey = fc.constantFrom('__proto__', 'constructor', 'prototype');
    fc.assert(
      fc.property(
        valueSet,
        fc.array(fc.nat(), { maxLength: 6 }),
        badKey,
        payload,
        (base, choices, k, inner) => {
          // Build the JSON text with the dangerous key at a random depth, then parse it.
          const value = structuredClone(base);
          inject(value, choices, { kind: 'forbiddenKey', key: k });
          const text = JSON.stringify(value).replace(`"${MARKER}"`, inner);
          const parsed: unknown = JSON.parse(text);
          expect(() => parseValueSet(parsed)).toThrow(ValueSetError);
          expect(() => messages.parse(parsed)).toThrow(ValueSetError);
          expect(() => messages.parse({ type: 'note', text: 'x', nested: parsed })).toThrow(
            ValueSetError,
          );
          prototypesUntouched(before);
        },
      ),
      { numRuns: 300 },
    );
    for (const text of [
      '{"__proto__": {"polluted": true}}',
      '{"constructor": {"prototype": {"polluted": true}}}',
      '{"type": "note", "text": "x", "__proto__": {"polluted": true}}',
    ]) {
      const parsed = JSON.parse(text) as ValueSet;
      expect(() => parseValueSet(parsed)).toThrow(ValueSetError);
      expect(() => messages.parse(parsed)).toThrow(ValueSetError);
      expect(() => messages.create('note', parsed as { text: string })).toThrow(ValueSetError);
    }
    prototypesUntouched(before);
  });
});
