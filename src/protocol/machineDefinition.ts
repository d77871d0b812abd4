/**
 * A machine definition as plain data: what crosses a task boundary once per machine (in the
 * first inspection record of an actor running it) so the inspector can draw its statechart,
 * and what a recording keeps of every machine it saw.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { english } from './zod.js';

english();

/** The kinds of xstate state node. */
export const STATE_NODE_TYPES = ['atomic', 'compound', 'parallel', 'final', 'history'] as const;

/** One transition of a state node, as the inspector draws it. */
export const TransitionDefinitionSchema = z.object({
  /** The event type (`PLAY`, `xstate.after.1000.task.canceling`, or `` for eventless). */
  event: z.string(),
  /** Target state paths, joined with `.` (empty: a targetless transition). */
  targets: z.array(z.string()),
  /** The guard's name, when there is one. */
  guard: z.optional(z.string()),
  /** The actions' names. */
  actions: z.optional(z.array(z.string())),
  /** The `after` delay of a delayed transition: ms, or the name of a configured delay. */
  delay: z.optional(z.union([z.number(), z.string()])),
  /** Re-enters its source state. */
  reenter: z.optional(z.boolean()),
});
/** One transition of a state node. */
export type TransitionDefinition = z.infer<typeof TransitionDefinitionSchema>;

/** A state node with its children, as plain data. */
export interface StateNodeDefinition {
  /** The node's key in its parent (the machine id for the root). */
  key: string;
  /** Keys from the root down to this node: `[]` for the root, `['alive', 'running']`. */
  path: string[];
  type: (typeof STATE_NODE_TYPES)[number];
  /** The initial child's key (compound nodes). */
  initial?: string | undefined;
  tags?: string[] | undefined;
  description?: string | undefined;
  /** Entry and exit action names. */
  entry?: string[] | undefined;
  exit?: string[] | undefined;
  /** Child nodes by key, in document order. */
  states: Record<string, StateNodeDefinition>;
  /** This node's own transitions (eventless ones with event ``). */
  transitions: TransitionDefinition[];
}

/** A state node with its children, as plain data. */
export const StateNodeDefinitionSchema: z.ZodMiniType<StateNodeDefinition> = z.object({
  key: z.string(),
  path: z.array(z.string()),
  type: z.enum(STATE_NODE_TYPES),
  initial: z.optional(z.string()),
  tags: z.optional(z.array(z.string())),
  description: z.optional(z.string()),
  entry: z.optional(z.array(z.string())),
  exit: z.optional(z.array(z.string())),
  get states() {
    return z.record(z.string(), StateNodeDefinitionSchema);
  },
  transitions: z.array(TransitionDefinitionSchema),
});

/** A machine as plain data: what the inspector draws. */
export const MachineDefinitionSchema = z.object({
  /** The machine id (`backgroundTask`, `mediaPlayer`, or the task's own machine's). */
  id: z.string(),
  root: StateNodeDefinitionSchema,
});
/** A machine as plain data. */
export type MachineDefinition = z.infer<typeof MachineDefinitionSchema>;
