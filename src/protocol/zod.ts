/**
 * zod as the contract uses it: `zod/mini` (zod v4, small to load; each file imports it itself, so
 * a bundle keeps only what the contract uses), with English messages, and an `object` whose parser is compiled once per schema, as full zod's is (zod/mini's own
 * `object` interprets its shape on every parse, several times slower on the hot path; the compiled
 * one costs its compilation on its first parse, so it is for the shapes that cross all the time).
 *
 * @packageDocumentation
 */

import * as z from 'zod/mini';
import * as core from 'zod/v4/core';
import en from 'zod/v4/locales/en.js';

let configured = false;
/** zod/mini ships without messages: makes the errors the contract reports read in English. */
export function english(): void {
  if (configured) return;
  configured = true;
  z.config(en());
}
english();

const CompiledObject = core.$constructor(
  'BackbeatCompiledObject',
  (inst: z.ZodMiniObject, def: z.ZodMiniObject['_zod']['def']) => {
    core.$ZodObjectJIT.init(inst, def);
    z.ZodMiniType.init(inst, def);
  },
);

/** `z.object` with a compiled parser (same schema type, same checks, same errors). */
export function object<const Shape extends core.$ZodLooseShape>(
  shape: Shape,
): z.ZodMiniObject<Shape, core.$strip> {
  return new CompiledObject({ type: 'object', shape }) as unknown as z.ZodMiniObject<
    Shape,
    core.$strip
  >;
}
