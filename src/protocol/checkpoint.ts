/**
 * The playback checkpoint contract ("Resume"): the player and list state a task leaves behind
 * for the foreground's store, and how a stored one is checked before it is handed back.
 *
 * @packageDocumentation
 */

import * as z from 'zod/mini';
import { ProtocolError } from '../errors.js';
import { mediaPlayerStates } from '../machines/mediaPlayer.js';
import { parseValueSet, type ValueSet } from '../valueSet.js';
import { isPlainObject } from './plain.js';
import { english } from './zod.js';

english();

/** Why a checkpoint was taken. */
const CHECKPOINT_REASONS = ['canceled', 'paused', 'itemChanged', 'interval', 'requested'] as const;

/** A ValueSet's shape at first sight; {@link parsePlaybackCheckpoint} checks it in full. */
const valueSetRecord = z.custom<ValueSet>(isPlainObject, { message: 'Expected a ValueSet' });

const checkpointItem = z.object({
  uri: z.string().check(z.minLength(1)),
  /** The ValueSet-valued entries of the source's `customProperties`. */
  properties: z.optional(valueSetRecord),
});

const index = z.int().check(z.minimum(0));

/**
 * The player and list state a task left behind, as checkpointed: the items by URI (with their
 * ValueSet-valued custom properties), the current item, position, volume, rate, shuffle order,
 * repeat, and the app's own ValueSet. A shape of version 1; another version is refused.
 */
export const PlaybackCheckpointSchema = z
  .object({
    version: z.literal(1),
    reason: z.enum(CHECKPOINT_REASONS),
    instanceId: z.string().check(z.minLength(1)),
    items: z.array(checkpointItem),
    currentItemIndex: z.int().check(z.minimum(-1)),
    position: z.number().check(z.minimum(0)),
    currentState: z.enum(mediaPlayerStates),
    volume: z.number().check(z.minimum(0), z.maximum(1)),
    isMuted: z.boolean(),
    playbackRate: z.number().check(z.positive()),
    isLoopingEnabled: z.boolean(),
    autoRepeatEnabled: z.boolean(),
    shuffleEnabled: z.boolean(),
    shuffledOrder: z.array(index),
    appState: z.nullable(valueSetRecord),
  })
  .check(
    z.superRefine((c, ctx) => {
      if (c.currentItemIndex >= c.items.length) {
        ctx.issues.push({
          code: 'custom',
          input: c.currentItemIndex,
          path: ['currentItemIndex'],
          message: `currentItemIndex \`${c.currentItemIndex}\` is past the ${c.items.length} item(s)`,
        });
      }
      const order = c.shuffledOrder;
      const permutation =
        order.length === 0 ||
        (order.length === c.items.length &&
          new Set(order).size === order.length &&
          order.every((i) => i < c.items.length));
      if (!permutation) {
        ctx.issues.push({
          code: 'custom',
          input: order,
          path: ['shuffledOrder'],
          message: `shuffledOrder \`${JSON.stringify(order)}\` is not an order of the ${c.items.length} item(s)`,
        });
      }
    }),
  );
/** A playback checkpoint (see {@link PlaybackCheckpointSchema}). */
export type PlaybackCheckpoint = z.infer<typeof PlaybackCheckpointSchema>;

/**
 * Checks a value as a {@link PlaybackCheckpoint}: the shape, then `appState` and each item's
 * `properties` as ValueSets. Throws a {@link ProtocolError} naming what is wrong.
 *
 * @example
 * ```ts
 * const checkpoint = parsePlaybackCheckpoint(JSON.parse(text));
 * checkpoint.items[checkpoint.currentItemIndex]?.uri;
 * ```
 */
export function parsePlaybackCheckpoint(data: unknown): PlaybackCheckpoint {
  const result = PlaybackCheckpointSchema.safeParse(data);
  if (!result.success) {
    throw new ProtocolError(`Invalid playback checkpoint:\n${z.prettifyError(result.error)}`, {
      cause: result.error,
    });
  }
  const checkpoint = result.data;
  try {
    if (checkpoint.appState !== null) checkpoint.appState = parseValueSet(checkpoint.appState);
    for (const item of checkpoint.items) {
      if (item.properties !== undefined) item.properties = parseValueSet(item.properties);
    }
  } catch (error) {
    throw new ProtocolError(
      `Invalid playback checkpoint: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return checkpoint;
}
