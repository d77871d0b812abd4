import * as z from 'zod/mini';
import { type $ZodError, $ZodRealError } from 'zod/v4/core';
import { ValueSetError } from './errors.js';

/** A value a {@link ValueSet} may hold. */
export type ValueSetValue =
  | string
  | number
  | boolean
  | null
  | Date
  | readonly ValueSetValue[]
  | ValueSet;

/**
 * A message payload: a plain object whose string keys map to strings, finite numbers, booleans,
 * `null`, Dates, arrays of these, or nested ValueSets. It is what crosses the boundary between
 * the foreground and the background task.
 */
export type ValueSet = { [key: string]: ValueSetValue };

type ValueSetLeaf = string | number | boolean | null | Date;

/**
 * The type-level check of a ValueSet that also takes `interface` types: TypeScript does not let
 * an interface stand where an index signature (`ValueSet`) is expected, so the `sendMessageTo…`
 * methods take any `T extends ValueSetLike<T>` instead. Every property of `T` must be a string,
 * number, boolean, `null`, Date, array of these or nested object of these; a function, bigint,
 * Map, class instance or `undefined` value is a type error (and still a `ValueSetError` at run
 * time, which also checks limits, finiteness and keys).
 *
 * @example
 * ```ts
 * interface TrackChanged { type: 'trackChanged'; title: string; tags: string[] }
 * const message: TrackChanged = { type: 'trackChanged', title: 'a', tags: [] };
 * bmp.sendMessageToBackground(message); // accepted: TrackChanged is ValueSetLike
 * ```
 */
export type ValueSetLike<T> = {
  [K in keyof T]: K extends string ? ValueSetLikeValue<T[K]> : never;
};

type ValueSetLikeValue<V> = V extends ValueSetValue
  ? V
  : V extends ValueSetLeaf
    ? V
    : V extends (...args: never[]) => unknown
      ? never
      : V extends readonly unknown[]
        ? { [I in keyof V]: ValueSetLikeValue<V[I]> }
        : V extends object
          ? ValueSetLike<V>
          : never;

/**
 * Size limits applied while a ValueSet is validated. Every limit is a positive integer.
 *
 * - `maxDepth`: containers (objects and arrays) nested inside each other, the top-level ValueSet
 *   being depth 1. At most 1 000.
 * - `maxKeys`: keys of one object (per level; arrays are bounded by `maxBytes` instead).
 * - `maxStringLength`: length of one string, keys included, counted in UTF-16 code units
 *   (`string.length`), not bytes.
 * - `maxBytes`: estimated encoded size of the whole value, see {@link estimatedSizeRules}.
 */
export interface ValueSetLimits {
  readonly maxDepth: number;
  readonly maxKeys: number;
  readonly maxStringLength: number;
  readonly maxBytes: number;
}

/** The limits used when none are given. */
export const defaultValueSetLimits: Readonly<ValueSetLimits> = Object.freeze({
  maxDepth: 8,
  maxKeys: 1024,
  maxStringLength: 65_536,
  maxBytes: 1_048_576,
});

/**
 * How the encoded size checked against `maxBytes` is estimated. The estimate is computed while the
 * value is walked, is the same in every JavaScript engine, and is close to (usually above) the size
 * of a structured clone: every value has a one-byte tag; a string adds a 4-byte length and 2 bytes
 * per UTF-16 code unit; a number or Date adds 8 bytes; an object or array adds a 4-byte count plus
 * its content; an object key costs 4 bytes plus 2 per code unit.
 */
export const estimatedSizeRules = Object.freeze({
  tag: 1,
  lengthPrefix: 4,
  bytesPerCodeUnit: 2,
  numberOrDate: 8,
});

const TAG = estimatedSizeRules.tag;
const PREFIX = estimatedSizeRules.lengthPrefix;
const UNIT = estimatedSizeRules.bytesPerCodeUnit;
const NUMBER_BYTES = TAG + estimatedSizeRules.numberOrDate;
const CONTAINER_BYTES = TAG + PREFIX;
const MAX_DEPTH_CEILING = 1000;
const QUOTE_MAX = 40;

/** A key that could reach an object's prototype when the value is copied by naive code. */
function isForbiddenKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype';
}

type LimitName = keyof ValueSetLimits;

/** The first rule a value breaks: what the walk returns instead of a value. */
class Problem {
  readonly path: PropertyKey[] = [];
  constructor(
    readonly message: string,
    readonly input: unknown,
    readonly limit?: LimitName,
  ) {}
}

interface Walk {
  bytes: number;
  readonly limits: ValueSetLimits;
  /** Build a plain-data copy while walking (the value to send), or only check. */
  readonly copy: boolean;
}

/**
 * `util.types.isProxy` where the platform has it (Node). Elsewhere Proxies cannot be told apart,
 * and the copy made while validating (see {@link copyValueSet}) is what keeps them off the wire.
 */
const isProxy: (value: object) => boolean = (() => {
  const node = (
    globalThis as {
      process?: {
        getBuiltinModule?: (id: string) => { types?: { isProxy?: (v: unknown) => boolean } };
      };
    }
  ).process;
  try {
    const check = node?.getBuiltinModule?.('node:util')?.types?.isProxy;
    if (typeof check === 'function') return (value: object) => check(value);
  } catch {
    // not available: fall back to the copy
  }
  return () => false;
})();

function quote(value: string): string {
  const shown = value.length > QUOTE_MAX ? `${value.slice(0, QUOTE_MAX)}…` : value;
  return `\`${shown}\``;
}

/** Describes an unsupported value for an error message, quoting it where that is useful. */
function describe(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return `bigint \`${value}n\``;
    case 'symbol':
      return `symbol \`${value.toString()}\``;
    case 'function':
      return `function \`${value.name || '(anonymous)'}\``;
    case 'number':
      return `\`${value}\``;
    case 'object': {
      if (value === null) return 'null';
      try {
        const proto = Object.getPrototypeOf(value);
        const name = proto?.constructor?.name;
        if (name === 'Object')
          return 'an object with another prototype (Object.create, or a realm)';
        if (typeof name === 'string' && name !== '') return `an instance of ${name}`;
      } catch {
        // fall through: describe it by its tag
      }
      return Object.prototype.toString.call(value);
    }
    default:
      return `\`${String(value)}\``;
  }
}

/** Quotes what a throwing getter or Proxy trap threw. */
function describeThrown(error: unknown): string {
  if (error instanceof Error) return `${error.name} \`${error.message}\``;
  try {
    return `\`${String(error)}\``;
  } catch {
    return 'a value that cannot be shown';
  }
}

function tooBig(walk: Walk, input: unknown): Problem {
  return new Problem(
    `Estimated encoded size passed maxBytes (${walk.limits.maxBytes}) here`,
    input,
    'maxBytes',
  );
}

const ACCESSOR_MESSAGE =
  'Accessor properties (getters and setters) are not allowed: only plain data properties cross';

/** The walk returns the value (or its copy) when it is valid, else a {@link Problem}. */
function visitValue(value: unknown, depth: number, walk: Walk): unknown {
  switch (typeof value) {
    case 'string':
      if (value.length > walk.limits.maxStringLength) {
        return new Problem(
          `String of ${value.length} UTF-16 code units is longer than maxStringLength (${walk.limits.maxStringLength}): ${quote(value)}`,
          value,
          'maxStringLength',
        );
      }
      walk.bytes += TAG + PREFIX + UNIT * value.length;
      break;
    case 'number':
      if (!Number.isFinite(value)) {
        return new Problem(`Expected a finite number, got \`${value}\``, value);
      }
      walk.bytes += NUMBER_BYTES;
      break;
    case 'boolean':
      walk.bytes += TAG;
      break;
    case 'object':
      if (value === null) {
        walk.bytes += TAG;
        break;
      }
      return visitObject(value, depth, walk);
    default:
      return new Problem(
        `Expected a string, finite number, boolean, null, Date, array or plain object, got ${describe(value)}`,
        value,
      );
  }
  return walk.bytes > walk.limits.maxBytes ? tooBig(walk, value) : value;
}

function visitObject(value: object, depth: number, walk: Walk): unknown {
  if (isProxy(value)) {
    return new Problem(
      'Expected plain data, got a Proxy: copy its contents into a plain object or array',
      undefined,
    );
  }
  try {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) return visitPlain(value, depth, walk);
    if (proto === Array.prototype && Array.isArray(value)) return visitArray(value, depth, walk);
    if (proto === Date.prototype) return visitDate(value, walk);
  } catch (error) {
    // A Proxy trap (where Proxies cannot be detected) threw while the value was read.
    return new Problem(`Reading this value threw ${describeThrown(error)}`, undefined);
  }
  return new Problem(
    `Expected a plain object, array or Date, got ${describe(value)}; class instances, Maps, Sets and typed arrays are not ValueSets`,
    value,
  );
}

function visitDate(value: object, walk: Walk): unknown {
  let time: number;
  try {
    time = Date.prototype.getTime.call(value as Date);
  } catch {
    return new Problem('Expected a Date, got an object that only inherits from Date', value);
  }
  if (Number.isNaN(time)) return new Problem('Expected a valid Date, got `Invalid Date`', value);
  walk.bytes += NUMBER_BYTES;
  if (walk.bytes > walk.limits.maxBytes) return tooBig(walk, value);
  return walk.copy ? new Date(time) : value;
}

function checkDepth(value: object, depth: number, walk: Walk): Problem | undefined {
  if (depth <= walk.limits.maxDepth) return undefined;
  return new Problem(
    `Nesting depth ${depth} is more than maxDepth (${walk.limits.maxDepth})`,
    value,
    'maxDepth',
  );
}

/**
 * Whether an array is dense and holds nothing but its elements: its enumerable own keys are
 * exactly `0 … length - 1`. One `Object.keys` call, the cheapest check there is.
 */
function isDenseData(value: readonly unknown[], length: number): boolean {
  const keys = Object.keys(value);
  return keys.length === length && (length === 0 || keys[length - 1] === String(length - 1));
}

/** The first enumerable own key of an array that is not an index (an expando), else undefined. */
function extraArrayKey(value: readonly unknown[], length: number): string | undefined {
  for (const name of Object.keys(value)) {
    const n = Number(name);
    if (!(Number.isInteger(n) && n >= 0 && n < length && String(n) === name)) return name;
  }
  return undefined;
}

function visitArray(value: readonly unknown[], depth: number, walk: Walk): unknown {
  const deep = checkDepth(value, depth, walk);
  if (deep) return deep;
  const length = value.length;
  walk.bytes += CONTAINER_BYTES;
  // Every element costs at least one byte: fail before walking an array that cannot fit.
  if (walk.bytes + length > walk.limits.maxBytes) return tooBig(walk, value);
  const dense = isDenseData(value, length);
  if (!dense) {
    const extra = extraArrayKey(value, length);
    if (extra !== undefined) {
      const found = new Problem(
        isForbiddenKey(extra)
          ? `Key \`${extra}\` is not allowed: \`__proto__\`, \`constructor\` and \`prototype\` could reach a prototype`
          : `Arrays may hold only their elements, got the extra own property ${quote(extra)}`,
        value,
      );
      found.path.push(extra);
      return found;
    }
  }
  const out: unknown[] | undefined = walk.copy ? new Array(length) : undefined;
  for (let i = 0; i < length; i++) {
    let item: unknown;
    if (!dense && !Object.hasOwn(value, i)) {
      item = new Problem(`Sparse arrays are not ValueSets: index ${i} is a hole`, undefined);
    } else {
      // Each element is read once, and the copy keeps what was read: nothing changes after.
      let element: unknown;
      try {
        element = value[i];
      } catch (error) {
        element = new Problem(`Reading this element threw ${describeThrown(error)}`, undefined);
      }
      item =
        element === undefined
          ? new Problem(
              'Expected a string, finite number, boolean, null, Date, array or plain object, got undefined',
              undefined,
            )
          : element instanceof Problem
            ? element
            : visitValue(element, depth + 1, walk);
    }
    if (item instanceof Problem) {
      item.path.unshift(i);
      return item;
    }
    if (out) out[i] = item;
  }
  return out ?? value;
}

function visitPlain(value: object, depth: number, walk: Walk): unknown {
  const deep = checkDepth(value, depth, walk);
  if (deep) return deep;
  const symbols = Object.getOwnPropertySymbols(value);
  if (symbols.length > 0) {
    return new Problem(`Symbol keys are not allowed, got \`${String(symbols[0])}\``, value);
  }
  const keys = Object.keys(value);
  if (keys.length > walk.limits.maxKeys) {
    return new Problem(
      `Object has ${keys.length} keys, more than maxKeys (${walk.limits.maxKeys})`,
      value,
      'maxKeys',
    );
  }
  walk.bytes += CONTAINER_BYTES;
  const out: Record<string, unknown> | undefined = walk.copy ? {} : undefined;
  for (const key of keys) {
    if (isForbiddenKey(key)) {
      const found = new Problem(
        `Key \`${key}\` is not allowed: \`__proto__\`, \`constructor\` and \`prototype\` could reach a prototype`,
        value,
      );
      found.path.push(key);
      return found;
    }
    if (key.length > walk.limits.maxStringLength) {
      return new Problem(
        `Key of ${key.length} UTF-16 code units is longer than maxStringLength (${walk.limits.maxStringLength}): ${quote(key)}`,
        key,
        'maxStringLength',
      );
    }
    walk.bytes += PREFIX + UNIT * key.length;
    // Read through the descriptor: a getter is never called, so what is checked is what is sent.
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    let item: unknown;
    if (descriptor === undefined) {
      item = new Problem('The property disappeared while it was read', undefined);
    } else if (!('value' in descriptor)) {
      item = new Problem(ACCESSOR_MESSAGE, undefined);
    } else {
      item = visitValue(descriptor.value, depth + 1, walk);
    }
    if (item instanceof Problem) {
      item.path.unshift(key);
      return item;
    }
    // `__proto__` was refused above, so this assignment cannot reach a prototype.
    if (out) out[key] = item;
  }
  return out ?? value;
}

/** Walks `value` once; returns the first rule it breaks, or the value (its copy with `copy`). */
function walkValueSet(value: unknown, limits: ValueSetLimits, copy: boolean): unknown {
  const walk: Walk = { bytes: 0, limits, copy };
  if (typeof value === 'object' && value !== null && !isProxy(value)) {
    let proto: unknown;
    try {
      proto = Array.isArray(value) ? Array.prototype : Object.getPrototypeOf(value);
    } catch {
      // a trap threw: the walk reports it
      return visitObject(value, 1, walk);
    }
    if (proto === Object.prototype || proto === null) return visitPlain(value, 1, walk);
  } else if (typeof value === 'object' && value !== null) {
    return visitObject(value, 1, walk);
  }
  return new Problem(
    `A ValueSet must be a plain object, got ${Array.isArray(value) ? 'an array' : describe(value)}`,
    value,
  );
}

function checkLimit(limits: Partial<ValueSetLimits>, name: LimitName, max: number): number {
  const value = limits[name] ?? defaultValueSetLimits[name];
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new TypeError(
      `ValueSet limit \`${name}\` must be an integer from 1 to ${max}, got \`${String(value)}\``,
    );
  }
  return value;
}

/**
 * Fills in missing limits with {@link defaultValueSetLimits} and checks them.
 *
 * @throws TypeError when a limit is not a positive integer (or `maxDepth` is above 1 000).
 */
export function resolveValueSetLimits(limits: Partial<ValueSetLimits> = {}): ValueSetLimits {
  return Object.freeze({
    maxDepth: checkLimit(limits, 'maxDepth', MAX_DEPTH_CEILING),
    maxKeys: checkLimit(limits, 'maxKeys', Number.MAX_SAFE_INTEGER),
    maxStringLength: checkLimit(limits, 'maxStringLength', Number.MAX_SAFE_INTEGER),
    maxBytes: checkLimit(limits, 'maxBytes', Number.MAX_SAFE_INTEGER),
  });
}

function issueOf(found: Problem, limits: ValueSetLimits) {
  return {
    code: 'custom' as const,
    message: found.message,
    path: found.path,
    input: found.input,
    params: found.limit === undefined ? {} : { limit: found.limit, maximum: limits[found.limit] },
  };
}

function buildSchema(limits: ValueSetLimits): z.ZodMiniType<ValueSet> {
  return z.custom<ValueSet>().check((payload) => {
    const found = walkValueSet(payload.value, limits, false);
    if (found instanceof Problem) payload.issues.push(issueOf(found, limits));
  });
}

const defaultSchema = buildSchema(defaultValueSetLimits);
const schemaCache = new WeakMap<object, z.ZodMiniType<ValueSet>>();
const limitsCache = new WeakMap<object, ValueSetLimits>();

function resolvedLimits(limits: Partial<ValueSetLimits> | undefined): ValueSetLimits {
  if (limits === undefined || limits === defaultValueSetLimits) return defaultValueSetLimits;
  let resolved = limitsCache.get(limits);
  if (!resolved) {
    resolved = resolveValueSetLimits(limits);
    limitsCache.set(limits, resolved);
  }
  return resolved;
}

/**
 * The zod schema of a ValueSet under `limits` (missing limits take their defaults). The schema is
 * built once per limits object and cached, so pass the same object on a hot path and do not
 * change it afterwards. It accepts the value unchanged (no copy) and reports the first rule broken
 * as one issue with its path; issues about a limit carry `params: { limit, maximum }`.
 */
export function valueSetSchema(limits?: Partial<ValueSetLimits>): z.ZodMiniType<ValueSet> {
  if (limits === undefined || limits === defaultValueSetLimits) return defaultSchema;
  let schema = schemaCache.get(limits);
  if (!schema) {
    schema = buildSchema(resolveValueSetLimits(limits));
    schemaCache.set(limits, schema);
  }
  return schema;
}

/** Message prefix of every {@link ValueSetError} raised by {@link parseValueSet}. */
export const VALUE_SET_ERROR_PREFIX = 'Invalid ValueSet:';

/**
 * Builds the {@link ValueSetError} for a failed zod parse: a short sentence, then
 * `z.prettifyError` output naming each path.
 */
export function valueSetErrorFrom(error: $ZodError, prefix = VALUE_SET_ERROR_PREFIX) {
  return new ValueSetError(`${prefix}\n${z.prettifyError(error)}`, { cause: error });
}

/**
 * Checks that `value` is a {@link ValueSet} within `limits` and returns it unchanged.
 *
 * Refused: anything but a plain object at the top; keys `__proto__`, `constructor`, `prototype`
 * at any depth; symbol keys; getters and setters; class instances, Maps, Sets, typed arrays,
 * functions, symbols, bigints, `undefined`, `NaN`, `±Infinity`, invalid Dates, sparse arrays;
 * anything past a limit. Validation never assigns to the value, so it cannot pollute a prototype.
 *
 * @throws ValueSetError whose message names the path (`→ at track.tags[2]`) and the rule or limit;
 * its `cause` is the zod error (`$ZodError` of `zod/v4/core`, the base of `z.ZodError`).
 * @example
 * ```ts
 * parseValueSet({ type: 'trackChanged', title: 'a', at: new Date() }); // returns the object
 * parseValueSet({ track: { tags: ['a', 'b', 1n] } });
 * // ValueSetError: Invalid ValueSet:
 * // ✖ Expected a string, finite number, boolean, null, Date, array or plain object, got bigint `1n`
 * //   → at track.tags[2]
 * ```
 */
export function parseValueSet(value: unknown, limits?: Partial<ValueSetLimits>): ValueSet {
  const result = valueSetSchema(limits).safeParse(value);
  if (!result.success) throw valueSetErrorFrom(result.error);
  return result.data;
}

/**
 * `true` when `value` is a {@link ValueSet} within `limits`; never throws for a bad value.
 */
export function isValueSet(value: unknown, limits?: Partial<ValueSetLimits>): value is ValueSet {
  return valueSetSchema(limits).safeParse(value).success;
}

/**
 * Checks `value` like {@link parseValueSet} and returns a plain-data copy of it, made while it was
 * checked: what is sent is exactly what was checked, whatever the original does afterwards. Every
 * property is read once, through its descriptor, so no getter ever runs; Proxies are refused where
 * the platform can tell them (Node), and elsewhere only their data is copied. This is what both
 * `sendMessageTo…` methods send.
 *
 * @throws ValueSetError naming the path, like {@link parseValueSet}.
 * @example
 * ```ts
 * const track = { title: 'a', tags: ['x'] };
 * const sent = copyValueSet(track); // { title: 'a', tags: ['x'] }, not the same object
 * track.tags.push(1n as never);     // the copy is unaffected
 * ```
 */
export function copyValueSet(value: unknown, limits?: Partial<ValueSetLimits>): ValueSet {
  const resolved = resolvedLimits(limits);
  const result = walkValueSet(value, resolved, true);
  if (result instanceof Problem) {
    throw valueSetErrorFrom(new $ZodRealError([issueOf(result, resolved)]));
  }
  return result as ValueSet;
}
