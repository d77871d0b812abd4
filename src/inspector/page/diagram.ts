/**
 * Draws a laid-out statechart as SVG. Each state node is a `<g role="group">` named by its path
 * (the root by the machine id), nested as the states are, so a container holds its children;
 * the active ones carry `aria-current="true"`. Edges are drawn above, labelled with their event.
 *
 * @packageDocumentation
 */
import { type DiagramLayout, FONT, type LaidOutState } from './layout.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number> = {},
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

/** A drawn diagram: its SVG and a way to mark the active states. */
export interface Diagram {
  readonly element: SVGSVGElement;
  readonly width: number;
  readonly height: number;
  /** Marks exactly these state names active (`aria-current="true"`). */
  setActive(names: ReadonlySet<string>): void;
}

let markerCount = 0;

/** Renders a {@link DiagramLayout} as SVG. */
export function renderDiagram(layout: DiagramLayout): Diagram {
  const markerId = `bb-arrow-${markerCount++}`;
  const root = svg('svg', {
    class: 'diagram',
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    width: layout.width,
    height: layout.height,
    // a group, not an image: an image's children (the states) would be hidden from the tree
    role: 'group',
    'aria-label': `Statechart of ${layout.root.name}`,
  });
  const defs = svg('defs');
  const marker = svg('marker', {
    id: markerId,
    viewBox: '0 0 10 10',
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: 'auto-start-reverse',
  });
  marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }));
  defs.append(marker);
  root.append(defs);

  const states = new Map<string, SVGGElement>();
  const draw = (state: LaidOutState, parent: SVGElement): void => {
    const g = svg('g', {
      role: 'group',
      'aria-label': state.name,
      class: `state ${state.node.type}${state.region ? ' region' : ''}${state.children.length ? ' container' : ''}`,
      transform: `translate(${state.x},${state.y})`,
      'data-state': state.name,
    });
    const title = svg('title');
    title.textContent = [state.name, state.node.description].filter(Boolean).join(' — ');
    g.append(title);
    g.append(
      svg('rect', {
        class: 'box',
        width: state.width,
        height: state.height,
        rx: state.children.length ? 8 : 6,
      }),
    );
    if (state.node.type === 'final') {
      g.append(
        svg('rect', {
          class: 'final-inner',
          x: 3,
          y: 3,
          width: Math.max(0, state.width - 6),
          height: Math.max(0, state.height - 6),
          rx: 4,
        }),
      );
    }
    const label = svg('text', { class: 'label', x: 8, y: 17, style: `font: ${FONT.state}` });
    label.textContent =
      state.node.path.length === 0
        ? state.name
        : state.node.key + (state.node.type === 'history' ? ' (H)' : '');
    g.append(label);
    state.details.forEach((line, i) => {
      const text = svg('text', {
        class: 'detail',
        x: 8,
        y: 17 + 15 + i * 14,
        style: `font: ${FONT.detail}`,
      });
      text.textContent = line;
      g.append(text);
    });
    if (state.initial) {
      const { x, y, size } = state.initial;
      g.append(
        svg('circle', { class: 'initial', cx: x + size / 2, cy: y + size / 2, r: size / 2 }),
      );
    }
    parent.append(g);
    states.set(state.name, g);
    for (const child of state.children) draw(child, g);
  };
  draw(layout.root, root);

  const edgeLayer = svg('g', { class: 'edges', 'aria-hidden': 'true' });
  const edgesBySource = new Map<string, SVGGElement[]>();
  for (const edge of layout.edges) {
    const g = svg('g', { class: `edge${edge.initial ? ' initial-edge' : ''}` });
    const d = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
    g.append(svg('path', { d, 'marker-end': `url(#${markerId})` }));
    if (edge.labelBox && edge.label) {
      const { x, y, width, height } = edge.labelBox;
      g.append(svg('rect', { class: 'edge-label-bg', x, y, width, height, rx: 3 }));
      const text = svg('text', {
        class: 'edge-label',
        x: x + width / 2,
        y: y + height - 4,
        'text-anchor': 'middle',
        style: `font: ${FONT.edge}`,
      });
      text.textContent = edge.label;
      g.append(text);
    }
    edgeLayer.append(g);
    const list = edgesBySource.get(edge.source) ?? [];
    list.push(g);
    edgesBySource.set(edge.source, list);
  }
  root.append(edgeLayer);

  let active = new Set<string>();
  return {
    element: root,
    width: layout.width,
    height: layout.height,
    setActive(names) {
      for (const name of active) {
        if (names.has(name)) continue;
        states.get(name)?.removeAttribute('aria-current');
        for (const edge of edgesBySource.get(name) ?? []) edge.classList.remove('enabled');
      }
      for (const name of names) {
        if (active.has(name)) continue;
        states.get(name)?.setAttribute('aria-current', 'true');
        for (const edge of edgesBySource.get(name) ?? []) edge.classList.add('enabled');
      }
      active = new Set(names);
    },
  };
}
