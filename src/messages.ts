import * as z from 'zod/mini';
import { $ZodRealError, type $ZodType } from 'zod/v4/core';
import type { MediaPlayerDataReceivedEventArgs } from './actors/task/backgroundMediaPlayerTaskView.js';
import type { ValueSetError } from './errors.js';
import {
  parseValueSet,
  type ValueSet,
  type ValueSetLimits,
  valueSetErrorFrom,
  valueSetSchema,
} from './valueSet.js';

/**
 * The schemas of a message set: message type -> zod schema of the fields (every key but `type`).
 * A schema must produce a plain object; use `z.object`, `z.strictObject` or `z.looseObject`.
 */
export type MessageDefinitions = Record<string, $ZodType<Record<string, unknown>, any>>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** Drops index signatures (`z.object({})` outputs `Record<string, never>`) and `type`. */
type KnownFields<T> = {
  [K in keyof T as string extends K
    ? never
    : number extends K
      ? never
      : K extends 'type'
        ? never
        : K]: T[K];
};

/** A message set built by {@link defineMessages}. */
export interface MessageSet<TDefs extends MessageDefinitions> {
  /** The message types, in definition order. */
  readonly types: readonly (keyof TDefs & string)[];
  /** The fields schema of each type, as given. */
  readonly definitions: Readonly<TDefs>;
  /**
   * Validates a received message: a ValueSet with a known `type` whose fields match its schema.
   * Returns `{ type, ...fields }` as parsed by the schema.
   *
   * @throws ValueSetError naming the path (`→ at type`, `→ at title`) on any mismatch.
   */
  parse(data: unknown): MessageFrom<TDefs>;
  /**
   * Builds the ValueSet `{ type, ...fields }`, validated like {@link MessageSet.parse}.
   *
   * @throws ValueSetError naming the path on any mismatch; nothing is built.
   */
  create<K extends keyof TDefs & string>(
    type: K,
    ...fields: FieldsArgs<TDefs, K>
  ): MessageFrom<TDefs, K>;
  /** `true` when `type` is one of this set's message types. */
  has(type: unknown): type is keyof TDefs & string;
  /**
   * Wraps a `messageReceivedFromForeground` / `messageReceivedFromBackground` handler: each
   * message is parsed first, so `e.data` is typed and `e.data.type` is the literal union of the
   * set's types (narrowing `e.data` in a `switch`). A message that does not parse goes to
   * `onInvalid` (default: `console.warn` of the error), never to `handler`.
   */
  listener(
    handler: (e: MediaPlayerDataReceivedEventArgs<MessageFrom<TDefs>>) => void,
    onInvalid?: (error: ValueSetError, data: ValueSet) => void,
  ): (e: MediaPlayerDataReceivedEventArgs) => void;
}

/** Any message set. */
export type AnyMessageSet = MessageSet<any>;

type DefinitionsOf<M> = M extends MessageSet<infer D> ? D : never;

type MessageFrom<TDefs extends MessageDefinitions, K extends keyof TDefs = keyof TDefs> = {
  [P in K & string]: Simplify<{ type: P } & KnownFields<z.output<TDefs[P]>>>;
}[K & string];

/** Fields may be left out when the schema accepts an empty object. */
type FieldsArgs<TDefs extends MessageDefinitions, K extends keyof TDefs> =
  Record<never, never> extends z.input<TDefs[K]>
    ? [fields?: MessageFields<MessageSet<TDefs>, K & string>]
    : [fields: MessageFields<MessageSet<TDefs>, K & string>];

/** The message types of a message set: `MessageTypeOf<typeof messages>` = `'trackChanged' | ...`. */
export type MessageTypeOf<M extends AnyMessageSet> = keyof DefinitionsOf<M> & string;

/** The union of every message of a set, discriminated by `type`. */
export type MessageOf<M extends AnyMessageSet> = MessageFrom<DefinitionsOf<M>>;

/** The message of one type: `MessageOfType<typeof messages, 'trackChanged'>`. */
export type MessageOfType<M extends AnyMessageSet, K extends MessageTypeOf<M>> = MessageFrom<
  DefinitionsOf<M>,
  K
>;

/** What a sender passes for a type: the schema's input without `type`. */
export type MessageFields<M extends AnyMessageSet, K extends MessageTypeOf<M>> = Simplify<
  KnownFields<z.input<DefinitionsOf<M>[K]>>
>;

/** Options of {@link defineMessages}. */
export interface DefineMessagesOptions {
  /** ValueSet limits every message is checked against (defaults: `defaultValueSetLimits`). */
  limits?: Partial<ValueSetLimits>;
}

/** Any zod v4 schema: `zod` (classic) and `zod/mini` both build on the same core. */
function isZodSchema(value: unknown): value is MessageDefinitions[string] {
  const internals = (value as { _zod?: { run?: unknown } } | null | undefined)?._zod;
  return typeof internals?.run === 'function';
}

function formatTypes(types: readonly string[]): string {
  return types.map((t) => `'${t}'`).join(', ');
}

function typeError(message: string, input: unknown): ValueSetError {
  const error = new $ZodRealError([{ code: 'custom', message, path: ['type'], input }]);
  return valueSetErrorFrom(error, 'Invalid message:');
}

/**
 * Defines a typed message set: each message is a ValueSet `{ type, ...fields }` whose fields are
 * checked by the zod schema given for its type. Received data goes through `parse`, data to send
 * through `create`; both check the ValueSet rules first (so `__proto__` keys never reach a schema)
 * and check the result again (so a transforming schema cannot produce a non-ValueSet).
 *
 * @throws TypeError when a definition is not a zod schema or declares its own `type` field.
 * @example
 * ```ts
 * const messages = defineMessages({
 *   trackChanged: z.object({ title: z.string() }),
 *   skipNext: z.object({}),
 * });
 * const m = messages.create('trackChanged', { title: 'a' }); // { type: 'trackChanged', title: 'a' }
 * const received = messages.parse(e.data);
 * if (received.type === 'trackChanged') received.title;     // string
 * bmp.on('messageReceivedFromForeground', messages.listener((e) => {
 *   if (e.data.type === 'trackChanged') console.log(e.data.title); // typed
 * }));
 * ```
 */
export function defineMessages<const TDefs extends MessageDefinitions>(
  definitions: TDefs,
  options: DefineMessagesOptions = {},
): MessageSet<TDefs> {
  const schemas = new Map<string, MessageDefinitions[string]>();
  for (const type of Object.keys(definitions)) {
    const schema = definitions[type] as MessageDefinitions[string] | undefined;
    if (!isZodSchema(schema)) {
      throw new TypeError(
        `Message \`${type}\` must be defined by a zod schema, got \`${String(schema)}\``,
      );
    }
    const shape = (schema as { shape?: unknown }).shape;
    if (typeof shape === 'object' && shape !== null && Object.hasOwn(shape, 'type')) {
      throw new TypeError(
        `Message \`${type}\` must not declare a \`type\` field: it is added from the message name`,
      );
    }
    schemas.set(type, schema);
  }
  const types = Object.freeze([...schemas.keys()]) as readonly (keyof TDefs & string)[];
  const limits = options.limits;
  // Resolve the limits once so every call reuses the cached schema.
  valueSetSchema(limits);

  function build(type: string, fields: Record<string, unknown>): any {
    const schema = schemas.get(type);
    if (!schema) {
      throw typeError(
        `Unknown message type \`${type}\`; expected one of ${formatTypes(types)}`,
        type,
      );
    }
    const result = z.safeParse(schema, fields);
    if (!result.success) throw valueSetErrorFrom(result.error, `Invalid \`${type}\` message:`);
    // Checked again: a transforming schema could produce something that is not a ValueSet.
    return parseValueSet({ type, ...result.data }, limits);
  }

  const set: MessageSet<TDefs> = {
    types,
    definitions: Object.freeze({ ...definitions }),
    parse(data) {
      const { type, ...fields } = parseValueSet(data, limits);
      if (typeof type !== 'string') {
        throw typeError(
          `Expected a message type string, got ${type === undefined ? 'no type' : `\`${String(type)}\``}`,
          type,
        );
      }
      return build(type, fields);
    },
    create(type, ...args) {
      if (typeof type !== 'string') {
        throw typeError(`Expected a message type string, got \`${String(type)}\``, type);
      }
      const fields = parseValueSet(args[0] ?? {}, limits);
      if (Object.hasOwn(fields, 'type')) {
        throw typeError(
          `Fields must not contain \`type\`; it is the first argument (got \`${String(fields.type)}\`)`,
          fields.type,
        );
      }
      return build(type, fields);
    },
    has(type): type is keyof TDefs & string {
      return typeof type === 'string' && schemas.has(type);
    },
    listener(handler, onInvalid) {
      return (e) => {
        let data: MessageFrom<TDefs>;
        try {
          data = set.parse(e.data);
        } catch (error) {
          if (onInvalid) onInvalid(error as ValueSetError, e.data);
          else console.warn((error as Error).message);
          return;
        }
        handler({ data });
      };
    },
  };
  return set;
}
