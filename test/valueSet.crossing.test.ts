import { describe, expect, it } from 'vitest';
import { ValueSetError } from '../src/errors.ts';
import { copyValueSet, isValueSet, parseValueSet } from '../src/valueSet.ts';

/** The ValueSetError `run` throws. */
function refusal(run: () => unknown): ValueSetError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValueSetError);
    return error as ValueSetError;
  }
  throw new Error('expected a ValueSetError');
}

const pathOf = (error: ValueSetError) => /→ at (.*)$/m.exec(error.message)?.[1];

/** Every way of checking a value: each must refuse what cannot cross. */
const checks = {
  parseValueSet: (v: unknown) => parseValueSet(v),
  copyValueSet: (v: unknown) => copyValueSet(v),
};

describe.each(Object.entries(checks))('%s refuses what structuredClone cannot copy', (_, check) => {
  it('a Proxy, at the top, in an object and in an array, naming the path', () => {
    const proxy = new Proxy({ a: 1 }, {});
    expect(refusal(() => check(proxy)).message).toMatch(/got a Proxy/);
    const inObject = refusal(() => check({ track: { meta: proxy } }));
    expect(inObject.message).toMatch(/got a Proxy/);
    expect(pathOf(inObject)).toBe('track.meta');
    const inArray = refusal(() => check({ list: [1, new Proxy([2], {})] }));
    expect(pathOf(inArray)).toBe('list[1]');
    expect(isValueSet({ p: proxy })).toBe(false);
    // A structured clone of the same value throws: this is what must never reach a post.
    expect(() => structuredClone({ p: proxy })).toThrow();
  });

  it('a revoked Proxy, without touching its traps', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(pathOf(refusal(() => check({ gone: proxy })))).toBe('gone');
  });

  it('an array with an extra own property, quoting the key', () => {
    const list = Object.assign([1, 2], { extra: 'x' });
    const error = refusal(() => check({ list }));
    expect(error.message).toMatch(/extra own property `extra`/);
    expect(pathOf(error)).toBe('list.extra');
  });

  it('own __proto__ and constructor keys on arrays', () => {
    const withProto = [1];
    Object.defineProperty(withProto, '__proto__', {
      value: { polluted: true },
      enumerable: true,
      configurable: true,
      writable: true,
    });
    const protoError = refusal(() => check({ list: withProto }));
    expect(protoError.message).toMatch(/Key `__proto__` is not allowed/);
    expect(pathOf(protoError)).toBe('list.__proto__');
    const withConstructor = Object.assign(['a'], { constructor: 'x' });
    expect(refusal(() => check({ a: [withConstructor] })).message).toMatch(
      /Key `constructor` is not allowed/,
    );
  });

  it('a getter in an object, without calling it', () => {
    let calls = 0;
    const throwing = {};
    Object.defineProperty(throwing, 'boom', {
      enumerable: true,
      get() {
        calls++;
        throw new Error('getter ran');
      },
    });
    const error = refusal(() => check({ a: throwing }));
    expect(error.message).toMatch(/Accessor properties/);
    expect(pathOf(error)).toBe('a.boom');
    expect(calls).toBe(0);
  });

  it('an array element whose getter throws, naming its index', () => {
    const list = [1, 2];
    Object.defineProperty(list, 1, {
      enumerable: true,
      get() {
        throw new Error('element getter');
      },
    });
    const error = refusal(() => check({ list }));
    expect(error.message).toMatch(/Reading this element threw Error `element getter`/);
    expect(pathOf(error)).toBe('list[1]');
  });

  it('a Proxy whose traps throw is refused, never thrown through', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
        getPrototypeOf() {
          throw new Error('trap');
        },
      },
    );
    expect(() => check({ x: hostile })).toThrow(ValueSetError);
  });
});

describe('copyValueSet', () => {
  it('returns a plain-data copy equal to the value, sharing no object with it', () => {
    const at = new Date(5);
    const value = { a: [1, { b: 'c' }], at, n: null, o: Object.create(null) };
    const copy = copyValueSet(value);
    expect(copy).toEqual({ a: [1, { b: 'c' }], at: new Date(5), n: null, o: {} });
    expect(copy).not.toBe(value);
    expect(copy.a).not.toBe(value.a);
    expect((copy.a as unknown[])[1]).not.toBe(value.a[1]);
    expect(copy.at).not.toBe(at);
    expect(structuredClone(copy)).toEqual(copy);
  });

  it('closes the gap between check and send: later changes do not reach the copy', () => {
    const value = { tags: ['a'] as unknown[] };
    const copy = copyValueSet(value);
    value.tags.push(1n);
    expect(copy).toEqual({ tags: ['a'] });
    expect(() => structuredClone(copy)).not.toThrow();
  });

  it('reads an array element getter once and keeps what it read', () => {
    let calls = 0;
    const list: unknown[] = [1, 2];
    Object.defineProperty(list, 1, { enumerable: true, get: () => (++calls === 1 ? 'first' : 1n) });
    const copy = copyValueSet({ list });
    expect(calls).toBe(1);
    expect(copy).toEqual({ list: [1, 'first'] });
    expect(Object.getOwnPropertyDescriptor(copy.list, 1)).toHaveProperty('value', 'first');
  });

  it('the copy holds data only: no Proxy, accessor or extra key survives', () => {
    const copy = copyValueSet({ list: [1, 2], nested: { deep: [{ x: 1 }] } });
    const list = copy.list as unknown[];
    expect(Object.getOwnPropertyNames(list)).toEqual(['0', '1', 'length']);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  });
});
