import { z } from 'zod';
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

interface Problem {
  message: string;
  path: PropertyKey[];
  input: unknown;
  limit?: LimitName;
}

interface Walk {
  bytes: number;
  readonly limits: ValueSetLimits;
}

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

function problem(message: string, input: unknown, limit?: LimitName): Problem {
  return limit === undefined ? { message, path: [], input } : { message, path: [], input, limit };
}

function tooBig(walk: Walk, input: unknown): Problem {
  return problem(
    `Estimated encoded size passed maxBytes (${walk.limits.maxBytes}) here`,
    input,
    'maxBytes',
  );
}

function visitValue(value: unknown, depth: number, walk: Walk): Problem | undefined {
  switch (typeof value) {
    case 'string':
      if (value.length > walk.limits.maxStringLength) {
        return problem(
          `String of ${value.length} UTF-16 code units is longer than maxStringLength (${walk.limits.maxStringLength}): ${quote(value)}`,
          value,
          'maxStringLength',
        );
      }
      walk.bytes += TAG + PREFIX + UNIT * value.length;
      break;
    case 'number':
      if (!Number.isFinite(value)) {
        return problem(`Expected a finite number, got \`${value}\``, value);
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
      return problem(
        `Expected a string, finite number, boolean, null, Date, array or plain object, got ${describe(value)}`,
        value,
      );
  }
  return walk.bytes > walk.limits.maxBytes ? tooBig(walk, value) : undefined;
}

function visitObject(value: object, depth: number, walk: Walk): Problem | undefined {
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return visitPlain(value, depth, walk);
  if (proto === Array.prototype && Array.isArray(value)) return visitArray(value, depth, walk);
  if (proto === Date.prototype) return visitDate(value, walk);
  return problem(
    `Expected a plain object, array or Date, got ${describe(value)}; class instances, Maps, Sets and typed arrays are not ValueSets`,
    value,
  );
}

function visitDate(value: object, walk: Walk): Problem | undefined {
  let time: number;
  try {
    time = Date.prototype.getTime.call(value as Date);
  } catch {
    return problem('Expected a Date, got an object that only inherits from Date', value);
  }
  if (Number.isNaN(time)) return problem('Expected a valid Date, got `Invalid Date`', value);
  walk.bytes += NUMBER_BYTES;
  return walk.bytes > walk.limits.maxBytes ? tooBig(walk, value) : undefined;
}

function checkDepth(value: object, depth: number, walk: Walk): Problem | undefined {
  if (depth <= walk.limits.maxDepth) return undefined;
  return problem(
    `Nesting depth ${depth} is more than maxDepth (${walk.limits.maxDepth})`,
    value,
    'maxDepth',
  );
}

function visitArray(value: readonly unknown[], depth: number, walk: Walk): Problem | undefined {
  const deep = checkDepth(value, depth, walk);
  if (deep) return deep;
  const length = value.length;
  walk.bytes += CONTAINER_BYTES;
  // Every element costs at least one byte: fail before walking an array that cannot fit.
  if (walk.bytes + length > walk.limits.maxBytes) return tooBig(walk, value);
  for (let i = 0; i < length; i++) {
    const item = value[i];
    let found: Problem | undefined;
    if (item === undefined) {
      found = problem(
        i in value
          ? 'Expected a string, finite number, boolean, null, Date, array or plain object, got undefined'
          : `Sparse arrays are not ValueSets: index ${i} is a hole`,
        item,
      );
    } else {
      found = visitValue(item, depth + 1, walk);
    }
    if (found) {
      found.path.unshift(i);
      return found;
    }
  }
  return undefined;
}

function visitPlain(value: object, depth: number, walk: Walk): Problem | undefined {
  const deep = checkDepth(value, depth, walk);
  if (deep) return deep;
  const symbols = Object.getOwnPropertySymbols(value);
  if (symbols.length > 0) {
    return problem(`Symbol keys are not allowed, got \`${String(symbols[0])}\``, value);
  }
  const keys = Object.keys(value);
  if (keys.length > walk.limits.maxKeys) {
    return problem(
      `Object has ${keys.length} keys, more than maxKeys (${walk.limits.maxKeys})`,
      value,
      'maxKeys',
    );
  }
  walk.bytes += CONTAINER_BYTES;
  const record = value as Record<string, unknown>;
  for (const key of keys) {
    if (isForbiddenKey(key)) {
      const found = problem(
        `Key \`${key}\` is not allowed: \`__proto__\`, \`constructor\` and \`prototype\` could reach a prototype`,
        value,
      );
      found.path.push(key);
      return found;
    }
    if (key.length > walk.limits.maxStringLength) {
      return problem(
        `Key of ${key.length} UTF-16 code units is longer than maxStringLength (${walk.limits.maxStringLength}): ${quote(key)}`,
        key,
        'maxStringLength',
      );
    }
    walk.bytes += PREFIX + UNIT * key.length;
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    let found: Problem | undefined;
    if (descriptor && !('value' in descriptor)) {
      found = problem(`Accessor properties (getters and setters) are not allowed`, undefined);
    } else {
      found = visitValue(record[key], depth + 1, walk);
    }
    if (found) {
      found.path.unshift(key);
      return found;
    }
  }
  return undefined;
}

/** Walks `value` once and returns the first rule it breaks, or `undefined` when it is a ValueSet. */
function findProblem(value: unknown, limits: ValueSetLimits): Problem | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return problem(
      `A ValueSet must be a plain object, got ${Array.isArray(value) ? 'an array' : describe(value)}`,
      value,
    );
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    return problem(`A ValueSet must be a plain object, got ${describe(value)}`, value);
  }
  return visitPlain(value, 1, { bytes: 0, limits });
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
 * @example
 * ```ts
 * resolveValueSetLimits({ maxDepth: 4 }); // { maxDepth: 4, maxKeys: 1024, ... }
 * ```
 */
export function resolveValueSetLimits(limits: Partial<ValueSetLimits> = {}): ValueSetLimits {
  return Object.freeze({
    maxDepth: checkLimit(limits, 'maxDepth', MAX_DEPTH_CEILING),
    maxKeys: checkLimit(limits, 'maxKeys', Number.MAX_SAFE_INTEGER),
    maxStringLength: checkLimit(limits, 'maxStringLength', Number.MAX_SAFE_INTEGER),
    maxBytes: checkLimit(limits, 'maxBytes', Number.MAX_SAFE_INTEGER),
  });
}

function buildSchema(limits: ValueSetLimits): z.ZodType<ValueSet> {
  return z.custom<ValueSet>().check((payload) => {
    const found = findProblem(payload.value, limits);
    if (!found) return;
    payload.issues.push({
      code: 'custom',
      message: found.message,
      path: found.path,
      input: found.input,
      params: found.limit === undefined ? {} : { limit: found.limit, maximum: limits[found.limit] },
    });
  });
}

const defaultSchema = buildSchema(defaultValueSetLimits);
const schemaCache = new WeakMap<object, z.ZodType<ValueSet>>();

/**
 * The zod schema of a ValueSet under `limits` (missing limits take their defaults). The schema is
 * built once per limits object and cached, so pass the same object on a hot path and do not
 * change it afterwards. It accepts the value unchanged (no copy) and reports the first rule broken
 * as one issue with its path; issues about a limit carry `params: { limit, maximum }`.
 *
 * @example
 * ```ts
 * const envelope = z.object({ seq: z.number(), data: valueSetSchema() });
 * envelope.parse({ seq: 1, data: { type: 'skipNext' } });
 * ```
 */
export function valueSetSchema(limits?: Partial<ValueSetLimits>): z.ZodType<ValueSet> {
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
 *
 * @example
 * ```ts
 * const result = valueSetSchema().safeParse(input);
 * if (!result.success) throw valueSetErrorFrom(result.error, 'Invalid message:');
 * ```
 */
export function valueSetErrorFrom(error: z.ZodError, prefix = VALUE_SET_ERROR_PREFIX) {
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
 * its `cause` is the `z.ZodError`.
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
 *
 * @example
 * ```ts
 * isValueSet({ a: [1, 2] }); // true
 * isValueSet({ a: undefined }); // false
 * ```
 */
export function isValueSet(value: unknown, limits?: Partial<ValueSetLimits>): value is ValueSet {
  return valueSetSchema(limits).safeParse(value).success;
}
