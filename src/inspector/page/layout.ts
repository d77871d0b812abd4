/**
 * Lays out a statechart with elkjs: every state node an ELK node (compound and parallel states
 * as containers with their children inside), every transition with a target an edge labelled
 * with its event, plus a small initial marker in each compound state pointing at its initial
 * child. Targetless transitions are listed inside their state instead of drawn as loops.
 * The result is plain geometry the diagram renders; it is cached per definition.
 *
 * @packageDocumentation
 */

import ElkModule from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type {
  MachineDefinition,
  StateNodeDefinition,
  TransitionDefinition,
} from '../../protocol/machineDefinition.js';

/** Fonts the diagram draws with (also used to measure labels). */
export const FONT = {
  state: '600 13px system-ui, sans-serif',
  detail: '11px system-ui, sans-serif',
  edge: '11px system-ui, sans-serif',
} as const;

const LINE = { state: 18, detail: 14, edge: 14 } as const;
const PAD = 8;
const INITIAL_SIZE = 10;

/** One laid-out state node; coordinates are relative to its parent's. */
export interface LaidOutState {
  /** Path joined with `.`; the root's is the machine id. */
  name: string;
  node: StateNodeDefinition;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Lines listed under the name: tags and targetless transitions. */
  details: string[];
  children: LaidOutState[];
  /** The initial marker inside a compound state (relative to this state). */
  initial?: { x: number; y: number; size: number };
  /** The parent is a parallel state: this is one of its regions. */
  region: boolean;
}

/** One laid-out transition, in absolute coordinates. */
export interface LaidOutEdge {
  id: string;
  source: string;
  target: string;
  label: string;
  /** Polyline points. */
  points: { x: number; y: number }[];
  labelBox?: { x: number; y: number; width: number; height: number };
  initial: boolean;
}

/** A laid-out statechart. */
export interface DiagramLayout {
  width: number;
  height: number;
  root: LaidOutState;
  edges: LaidOutEdge[];
}

let context: CanvasRenderingContext2D | null | undefined;

/** The width of `text` in `font` (measured on a canvas; estimated where there is none). */
export function measure(text: string, font: string): number {
  if (context === undefined) {
    context =
      typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  }
  if (!context) return text.length * (font.includes('13px') ? 7.5 : 6.2);
  context.font = font;
  return context.measureText(text).width;
}

/** The label of a transition: its event (`always` for eventless, `after X` for delayed), guard. */
export function transitionLabel(transition: TransitionDefinition): string {
  let event = transition.event;
  if (event === '') event = 'always';
  else if (transition.delay !== undefined) {
    event =
      typeof transition.delay === 'number'
        ? `after ${transition.delay} ms`
        : `after ${transition.delay}`;
  }
  return transition.guard === undefined ? event : `${event} [${transition.guard}]`;
}

/** The name of a state node: its path joined with `.`, the machine id for the root. */
export function stateName(definition: MachineDefinition, node: StateNodeDefinition): string {
  return node.path.length === 0 ? definition.id : node.path.join('.');
}

const elkId = (name: string) => `s:${name}`;

interface Built {
  elk: ElkNode;
  edges: {
    edge: ElkExtendedEdge;
    label: string;
    source: string;
    target: string;
    initial: boolean;
  }[];
}

function details(node: StateNodeDefinition): string[] {
  const lines: string[] = [];
  if (node.tags && node.tags.length > 0) lines.push(`tags: ${node.tags.join(', ')}`);
  for (const transition of node.transitions) {
    if (transition.targets.length === 0) lines.push(`${transitionLabel(transition)} ↺`);
  }
  return lines;
}

function headerSize(title: string, lines: string[]): { width: number; height: number } {
  let width = measure(title, FONT.state);
  for (const line of lines) width = Math.max(width, measure(line, FONT.detail));
  return { width: width + 2 * PAD, height: LINE.state + lines.length * LINE.detail + PAD };
}

function build(definition: MachineDefinition): Built {
  const edges: Built['edges'] = [];
  const byName = new Map<string, ElkNode>();
  let edgeCount = 0;
  const visit = (node: StateNodeDefinition): ElkNode => {
    const name = stateName(definition, node);
    const title = node.path.length === 0 ? name : node.key;
    const lines = details(node);
    const header = headerSize(title, lines);
    const children = Object.values(node.states);
    const elk: ElkNode = { id: elkId(name) };
    byName.set(name, elk);
    if (children.length === 0) {
      elk.width = Math.max(72, header.width + (node.type === 'final' ? 6 : 0));
      elk.height = Math.max(36, header.height + (node.type === 'final' ? 6 : 0));
    } else {
      elk.children = children.map(visit);
      elk.layoutOptions = {
        'elk.padding': `[top=${header.height + PAD},left=${PAD * 2},bottom=${PAD * 2},right=${PAD * 2}]`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${header.width + 2 * PAD}, ${header.height + 2 * PAD})`,
      };
      if (node.type === 'parallel') {
        // regions side by side, spaced apart so their dashed borders read as separate
        elk.layoutOptions['elk.spacing.componentComponent'] = '28';
      }
      if (node.type === 'compound' && node.initial !== undefined) {
        const marker: ElkNode = {
          id: `i:${name}`,
          width: INITIAL_SIZE,
          height: INITIAL_SIZE,
        };
        elk.children.unshift(marker);
        const target =
          node.path.length === 0 ? node.initial : [...node.path, node.initial].join('.');
        edges.push({
          edge: { id: `e${edgeCount++}`, sources: [marker.id], targets: [elkId(target)] },
          label: '',
          source: `i:${name}`,
          target,
          initial: true,
        });
      }
    }
    return elk;
  };
  const root = visit(definition.root);
  const walk = (node: StateNodeDefinition): void => {
    const source = stateName(definition, node);
    for (const transition of node.transitions) {
      const label = transitionLabel(transition);
      for (const target of transition.targets) {
        const targetName = target === '' ? definition.id : target;
        if (!byName.has(targetName)) continue;
        const width = measure(label, FONT.edge) + 8;
        edges.push({
          edge: {
            id: `e${edgeCount++}`,
            sources: [elkId(source)],
            targets: [elkId(targetName)],
            labels: [{ text: label, width, height: LINE.edge + 2 }],
          },
          label,
          source,
          target: targetName,
          initial: false,
        });
      }
    }
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(definition.root);
  const top: ElkNode = {
    id: 'top',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48',
      'elk.spacing.nodeNode': '28',
      'elk.spacing.edgeLabel': '4',
      'elk.spacing.edgeNode': '16',
      'elk.spacing.edgeEdge': '12',
      'elk.layered.spacing.edgeNodeBetweenLayers': '16',
      'elk.edgeLabels.inline': 'false',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.padding': '[top=12,left=12,bottom=12,right=12]',
    },
    children: [root],
    edges: edges.map((e) => e.edge),
  };
  return { elk: top, edges };
}

interface ElkResultEdge extends ElkExtendedEdge {
  container?: string;
}

type ElkConstructor = new () => {
  layout(graph: ElkNode): Promise<ElkNode>;
};

function elkConstructor(): ElkConstructor {
  // the bundled build is CommonJS: its module object is the constructor, with itself as `default`
  const module = ElkModule as unknown as ElkConstructor & { default?: ElkConstructor };
  return module.default ?? module;
}

let elk: InstanceType<ElkConstructor> | undefined;

/** Lays out a machine definition (ELK layered, hierarchical). */
export async function layoutDefinition(definition: MachineDefinition): Promise<DiagramLayout> {
  elk ??= new (elkConstructor())();
  const built = build(definition);
  const result = await elk.layout(built.elk);
  // absolute offsets of every ELK node, to place edges (whose points are relative to their container)
  const offsets = new Map<string, { x: number; y: number }>();
  offsets.set('top', { x: 0, y: 0 });
  const states = new Map<string, ElkNode>();
  const collect = (node: ElkNode, ox: number, oy: number): void => {
    for (const child of node.children ?? []) {
      const x = ox + (child.x ?? 0);
      const y = oy + (child.y ?? 0);
      offsets.set(child.id, { x, y });
      states.set(child.id, child);
      collect(child, x, y);
    }
  };
  collect(result, 0, 0);
  const edgesById = new Map<string, ElkResultEdge>();
  const gather = (node: ElkNode): void => {
    for (const edge of (node.edges ?? []) as ElkResultEdge[]) edgesById.set(edge.id, edge);
    for (const child of node.children ?? []) gather(child);
  };
  gather(result);

  const toState = (node: StateNodeDefinition, region: boolean): LaidOutState => {
    const name = stateName(definition, node);
    const elkNode = states.get(elkId(name));
    const marker = states.get(`i:${name}`);
    const laid: LaidOutState = {
      name,
      node,
      x: elkNode?.x ?? 0,
      y: elkNode?.y ?? 0,
      width: elkNode?.width ?? 0,
      height: elkNode?.height ?? 0,
      details: details(node),
      children: Object.values(node.states).map((child) => toState(child, node.type === 'parallel')),
      region,
    };
    if (marker) laid.initial = { x: marker.x ?? 0, y: marker.y ?? 0, size: INITIAL_SIZE };
    return laid;
  };

  const edges: LaidOutEdge[] = [];
  for (const { edge, label, source, target, initial } of built.edges) {
    const laid = edgesById.get(edge.id);
    const section = laid?.sections?.[0];
    if (!laid || !section) continue;
    const offset = offsets.get(laid.container ?? 'top') ?? { x: 0, y: 0 };
    const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map(
      (p) => ({ x: p.x + offset.x, y: p.y + offset.y }),
    );
    const out: LaidOutEdge = { id: edge.id, source, target, label, points, initial };
    const box = laid.labels?.[0];
    if (box && label) {
      out.labelBox = {
        x: (box.x ?? 0) + offset.x,
        y: (box.y ?? 0) + offset.y,
        width: box.width ?? 0,
        height: box.height ?? 0,
      };
    }
    edges.push(out);
  }
  return {
    width: result.width ?? 0,
    height: result.height ?? 0,
    root: toState(definition.root, false),
    edges,
  };
}

const cache = new Map<string, Promise<DiagramLayout>>();

/** {@link layoutDefinition}, once per definition (by content: a reloaded recording reuses it). */
export function cachedLayout(definition: MachineDefinition): Promise<DiagramLayout> {
  const key = JSON.stringify(definition);
  let layout = cache.get(key);
  if (!layout) {
    layout = layoutDefinition(definition);
    cache.set(key, layout);
    // a failed layout is not kept, so the next selection tries again
    layout.catch(() => cache.delete(key));
  }
  return layout;
}
