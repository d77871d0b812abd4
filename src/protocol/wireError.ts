/**
 * Errors in wire form: what survives of an error that crosses a boundary, and how it becomes a
 * real error again on the other side.
 *
 * @packageDocumentation
 */

import * as z from 'zod/mini';
import * as errorClasses from '../errors.js';
import { english } from './zod.js';

english();

/**
 * An error in wire form: what survives of an error that crossed a boundary. `props` keeps the
 * error's other own fields whose values are primitives (`reason`, `limit`, `error`, …).
 */
export const SerializedErrorSchema = z.object({
  name: z.string(),
  message: z.string(),
  code: z.optional(z.string()),
  stack: z.optional(z.string()),
  props: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))),
});
/** An error in wire form: what survives of an error that crossed a boundary. */
export type SerializedError = z.infer<typeof SerializedErrorSchema>;

const RESERVED_ERROR_KEYS = new Set(['name', 'message', 'code', 'stack', 'cause']);

/**
 * Packs an error (or any thrown value) into its wire form: `name`, `message`, `code` when it is
 * a string, the stack, and the other own fields holding primitives.
 */
export function serializeError(error: unknown): SerializedError {
  if (typeof error !== 'object' || error === null || !('message' in error)) {
    return { name: 'Error', message: `Non-error value thrown: \`${String(error)}\`` };
  }
  const e = error as Record<string, unknown>;
  const out: SerializedError = {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : String(e.message),
  };
  if (typeof e.code === 'string') out.code = e.code;
  if (typeof e.stack === 'string') out.stack = e.stack;
  for (const key of Object.keys(e)) {
    const value = e[key];
    if (RESERVED_ERROR_KEYS.has(key)) continue;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      out.props ??= {};
      out.props[key] = value as string | number | boolean | null;
    }
  }
  return out;
}

type ErrorClass = new (...args: any[]) => Error;

const BUILTIN_ERRORS: Record<string, ErrorClass> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** Backbeat's own error classes by name (every Error subclass exported by errors.ts). */
const BACKBEAT_ERRORS: Record<string, ErrorClass> = Object.fromEntries(
  Object.values(errorClasses as Record<string, unknown>)
    .filter(
      (value): value is ErrorClass =>
        typeof value === 'function' && value.prototype instanceof Error,
    )
    .map((cls) => [cls.name, cls]),
);

/**
 * Rebuilds a real Error from its wire form. Built-in names (`RangeError`, `TypeError`, …) and
 * Backbeat's own error classes come back as instances of that class (`instanceof` works; the
 * class constructor is not run, the fields are copied); any other name gives an `Error` with
 * that `name`. `code`, the stack and `props` are copied onto it.
 */
export function reviveError(wire: SerializedError): Error {
  const builtin = Object.hasOwn(BUILTIN_ERRORS, wire.name) ? BUILTIN_ERRORS[wire.name] : undefined;
  const own = Object.hasOwn(BACKBEAT_ERRORS, wire.name) ? BACKBEAT_ERRORS[wire.name] : undefined;
  const error = (
    builtin
      ? new builtin(wire.message)
      : own
        ? Reflect.construct(Error, [wire.message], own)
        : new Error(wire.message)
  ) as Error & Record<string, unknown>;
  if (error.name !== wire.name) {
    Object.defineProperty(error, 'name', {
      value: wire.name,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  if (wire.code !== undefined) error.code = wire.code;
  for (const [key, value] of Object.entries(wire.props ?? {})) {
    if (!RESERVED_ERROR_KEYS.has(key) && key !== '__proto__') error[key] = value;
  }
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
}
