import type { AnyStateMachine, AnyStateNode, EventObject } from 'xstate';
import { TestModel } from 'xstate/graph';

/** What a set of generated paths reached of one machine: states, events and transitions. */
export interface GraphCoverage {
  machine: string;
  states: { covered: number; total: number; missing: string[] };
  events: { covered: number; total: number; missing: string[] };
  transitions: { covered: number; total: number; missing: string[] };
}

interface PathLike {
  state: { _nodes?: readonly AnyStateNode[] } & object;
  steps: ReadonlyArray<{ event: EventObject; state: object }>;
}

function allNodes(machine: AnyStateMachine): AnyStateNode[] {
  const out: AnyStateNode[] = [];
  const walk = (node: AnyStateNode) => {
    out.push(node);
    for (const child of Object.values(node.states) as AnyStateNode[]) walk(child);
  };
  walk(machine.root);
  return out;
}

function transitionKey(t: { source: AnyStateNode; eventType: string }, index: number): string {
  return `${t.source.id} --${t.eventType}#${index}`;
}

function isUserEvent(type: string): boolean {
  return !type.startsWith('xstate.done') && !type.startsWith('xstate.error') && type !== '*';
}

/**
 * Every `after` transition of a machine as a sendable event, so a graph walk (which never waits)
 * can take delayed transitions explicitly.
 */
export function delayEvents(machine: AnyStateMachine): EventObject[] {
  const out: EventObject[] = [];
  for (const node of allNodes(machine)) {
    for (const t of node.after) out.push({ type: t.eventType });
  }
  return out;
}

/**
 * Computes which states, events and transition definitions the given paths reached.
 * A transition definition is identified by its source node, event type and position.
 */
export function graphCoverage(
  name: string,
  machine: AnyStateMachine,
  paths: ReadonlyArray<PathLike>,
): GraphCoverage {
  const nodes = allNodes(machine);
  const allStates = new Set(nodes.map((n) => n.id));
  const allTransitions = new Set<string>();
  const allEvents = new Set<string>();
  for (const node of nodes) {
    for (const [eventType, defs] of node.transitions) {
      if (!isUserEvent(eventType)) continue;
      allEvents.add(eventType);
      defs.forEach((d: any, i: number) => {
        allTransitions.add(transitionKey({ source: node, eventType: d.eventType ?? eventType }, i));
      });
    }
  }

  const seenStates = new Set<string>();
  const seenEvents = new Set<string>();
  const seenTransitions = new Set<string>();
  for (const path of paths) {
    let prev: any;
    const states = path.steps.length ? path.steps.map((s) => s.state) : [path.state];
    path.steps.forEach((step, i) => {
      const snapshot = step.state as any;
      if (i > 0) prev = path.steps[i - 1]?.state;
      for (const n of (snapshot._nodes ?? []) as AnyStateNode[]) seenStates.add(n.id);
      if (isUserEvent(step.event.type)) seenEvents.add(step.event.type);
      if (prev) {
        for (const t of machine.getTransitionData(prev, step.event) as any[]) {
          const defs = t.source.transitions.get(t.eventType) ?? [];
          const idx = defs.indexOf(t);
          seenTransitions.add(transitionKey(t, Math.max(idx, 0)));
        }
      }
    });
    for (const s of states)
      for (const n of ((s as any)._nodes ?? []) as AnyStateNode[]) seenStates.add(n.id);
  }
  // The first step of each path is the initial state reached by xstate.init.
  const pick = (all: Set<string>, seen: Set<string>) => ({
    covered: [...all].filter((x) => seen.has(x)).length,
    total: all.size,
    missing: [...all].filter((x) => !seen.has(x)),
  });
  return {
    machine: name,
    states: pick(allStates, seenStates),
    events: pick(allEvents, seenEvents),
    transitions: pick(allTransitions, seenTransitions),
  };
}

/** One line for the test output, e.g. `[graph] mediaPlayer: states 7/7, events 15/15, transitions 40/40`. */
export function formatCoverage(c: GraphCoverage): string {
  const miss = [
    ...c.states.missing.map((s) => `state ${s}`),
    ...c.events.missing.map((e) => `event ${e}`),
    ...c.transitions.missing.map((t) => `transition ${t}`),
  ];
  return `[graph] ${c.machine}: states ${c.states.covered}/${c.states.total}, events ${c.events.covered}/${c.events.total}, transitions ${c.transitions.covered}/${c.transitions.total}${miss.length ? ` (missing: ${miss.join('; ')})` : ''}`;
}

/**
 * A `TestModel` for any machine, delayed transitions included: `createTestModel` refuses
 * machines with `after`, so this builds the model directly with the same state+transition
 * serialization and offers each `after` transition as an explicit event. `context` picks the
 * part of the context that distinguishes states (default: none, so paths stay finite).
 */
export function createWalkModel<TMachine extends AnyStateMachine>(
  machine: TMachine,
  options: {
    events: readonly EventObject[];
    context?: (context: any) => unknown;
  },
): TestModel<any, any, any> {
  const events = [...options.events, ...delayEvents(machine)];
  const pickContext = options.context ?? (() => undefined);
  const key = (s: any) => JSON.stringify([s.value, pickContext(s.context)]);
  return new TestModel(
    machine as any,
    {
      serializeState: (state: any, event: any, prev: any) =>
        `${key(state)}${event && prev && key(prev) !== key(state) ? ` via ${JSON.stringify(event)} from ${key(prev)}` : ''}`,
      serializeEvent: (e: any) => JSON.stringify(e),
      stateMatcher: (state: any, k: string) =>
        k.startsWith('#') ? state._nodes.includes(machine.getStateNodeById(k)) : state.matches(k),
      events: (state: any) => events.filter((e) => state.can(e)),
    } as any,
  );
}
