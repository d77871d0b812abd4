/**
 * A statechart as plain data: {@link serializeMachine} turns an xstate machine into the
 * {@link MachineDefinition} the inspector draws. It keeps the structure (nested and parallel
 * states, initial states, tags, descriptions) and each transition's event, targets, guard and
 * actions by name; functions (inline guards and actions) are named by their function name, or
 * `inline`.
 *
 * @packageDocumentation
 */
import type { AnyStateMachine } from 'xstate';
import type {
  MachineDefinition,
  StateNodeDefinition,
  TransitionDefinition,
} from '../protocol/machineDefinition.js';

/** What an xstate state node has that a definition keeps (the parts xstate's types hide). */
interface XStateNode {
  key: string;
  path: string[];
  type: StateNodeDefinition['type'];
  initial?: { target?: readonly XStateNode[] };
  tags?: readonly string[];
  description?: string;
  entry?: readonly unknown[];
  exit?: readonly unknown[];
  states: Record<string, XStateNode>;
  transitions: Map<string, readonly XTransition[]>;
  always?: readonly XTransition[];
  after?: readonly (XTransition & { delay?: unknown })[];
}

interface XTransition {
  eventType: string;
  target?: readonly XStateNode[];
  guard?: unknown;
  actions?: readonly unknown[];
  reenter?: boolean;
  delay?: unknown;
}

/** The name of a guard or an action: its `type`, its function's name, or `inline`. */
function nameOf(thing: unknown): string {
  if (typeof thing === 'string') return thing;
  if (typeof thing === 'function')
    return thing.name && thing.name !== 'anonymous' ? thing.name : 'inline';
  if (thing && typeof thing === 'object') {
    const type = (thing as { type?: unknown }).type;
    if (typeof type === 'string') return type;
    if (typeof type === 'function') return nameOf(type);
  }
  return 'inline';
}

function names(list: readonly unknown[] | undefined): string[] | undefined {
  if (!list || list.length === 0) return undefined;
  return list.map(nameOf);
}

function transition(t: XTransition): TransitionDefinition {
  const out: TransitionDefinition = {
    event: t.eventType,
    targets: (t.target ?? []).map((node) => node.path.join('.')),
  };
  if (t.guard !== undefined) out.guard = nameOf(t.guard);
  const actions = names(t.actions);
  if (actions) out.actions = actions;
  if (typeof t.delay === 'number' || typeof t.delay === 'string') out.delay = t.delay;
  if (t.reenter) out.reenter = true;
  return out;
}

function node(n: XStateNode): StateNodeDefinition {
  const states: Record<string, StateNodeDefinition> = {};
  for (const [key, child] of Object.entries(n.states)) states[key] = node(child);
  const transitions: TransitionDefinition[] = [];
  // delayed transitions are in `transitions` under their xstate.after.* event, with `after` also
  // listing them: take the delay from there
  const delays = new Map<string, unknown>();
  for (const t of n.after ?? []) delays.set(t.eventType, t.delay);
  for (const list of n.transitions.values()) {
    for (const t of list) {
      const delay = delays.get(t.eventType);
      transitions.push(transition(delay === undefined ? t : { ...t, delay }));
    }
  }
  for (const t of n.always ?? []) transitions.push(transition({ ...t, eventType: '' }));
  const out: StateNodeDefinition = {
    key: n.key,
    path: [...n.path],
    type: n.type,
    states,
    transitions,
  };
  const initial = n.initial?.target?.[0];
  if (initial && n.type === 'compound') out.initial = initial.key;
  if (n.tags && n.tags.length > 0) out.tags = [...n.tags];
  if (n.description) out.description = n.description;
  const entry = names(n.entry);
  if (entry) out.entry = entry;
  const exit = names(n.exit);
  if (exit) out.exit = exit;
  return out;
}

/**
 * Turns an xstate machine into plain data the inspector can draw: every state node with its
 * path, type, initial state, tags and transitions (events, target paths, guard and action
 * names). The result is JSON and crosses any boundary.
 *
 * @example
 * ```ts
 * import { serializeMachine } from 'backbeat/inspector';
 * const definition = serializeMachine(chapterMachine);
 * definition.root.states.reading.transitions[0]; // { event: 'NEXT', targets: ['reading'] }
 * ```
 */
export function serializeMachine(machine: AnyStateMachine): MachineDefinition {
  return { id: machine.id, root: node(machine.root as unknown as XStateNode) };
}
