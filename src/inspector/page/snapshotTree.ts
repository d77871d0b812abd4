/**
 * The snapshot of the selected actor as an expandable tree (`role="tree"`): objects and arrays
 * expand, leaves show their JSON. Expansion is remembered by path across re-renders.
 *
 * @packageDocumentation
 */
import { h, preview } from './dom.js';

/** At most this many children of one object or array are listed. */
const MAX_CHILDREN = 200;

/** Renders `value`'s entries into `tree` (a `role="tree"` element), keeping expansion in `open`. */
export function renderSnapshotTree(tree: HTMLElement, value: unknown, open: Set<string>): void {
  const focused = (document.activeElement as HTMLElement | null)?.dataset.path;
  tree.replaceChildren();
  if (typeof value !== 'object' || value === null) {
    tree.append(item('(snapshot)', value, '', 1, open));
  } else {
    for (const [key, child] of Object.entries(value)) tree.append(item(key, child, key, 1, open));
  }
  const first = tree.querySelector<HTMLElement>('[role="treeitem"]');
  if (first) first.tabIndex = 0;
  if (focused !== undefined) {
    tree.querySelector<HTMLElement>(`[data-path="${CSS.escape(focused)}"]`)?.focus();
  }
}

function item(key: string, value: unknown, path: string, level: number, open: Set<string>) {
  const expandable = typeof value === 'object' && value !== null && Object.keys(value).length > 0;
  const expanded = expandable && open.has(path);
  const li = h('div', {
    role: 'treeitem',
    'aria-level': level,
    'aria-expanded': expandable ? String(expanded) : undefined,
    'aria-label': `${key}: ${preview(value, 200)}`,
    tabindex: -1,
    'data-path': path,
    class: expandable ? 'branch' : 'leaf',
  });
  const row = h(
    'div',
    { class: 'row' },
    h('span', { class: 'twisty', 'aria-hidden': 'true' }, expandable ? (expanded ? '▾' : '▸') : ''),
    h('span', { class: 'key' }, key),
    h('span', { class: 'sep' }, ': '),
    h(
      'span',
      { class: `value ${value === null ? 'null' : typeof value}` },
      expandable ? preview(value) : leafText(value),
    ),
  );
  li.append(row);
  if (expanded) {
    const group = h('div', { role: 'group' });
    const entries = Object.entries(value as object);
    for (const [childKey, child] of entries.slice(0, MAX_CHILDREN)) {
      group.append(item(childKey, child, `${path}.${childKey}`, level + 1, open));
    }
    if (entries.length > MAX_CHILDREN) {
      group.append(
        h(
          'li',
          { role: 'treeitem', 'aria-level': level + 1, class: 'leaf more' },
          `… ${entries.length - MAX_CHILDREN} more`,
        ),
      );
    }
    li.append(group);
  }
  return li;
}

function leafText(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? '[]' : '{}';
  return JSON.stringify(value);
}

/** Wires clicks and keys of a snapshot tree: toggling calls `toggle(path)`. */
export function wireSnapshotTree(tree: HTMLElement, toggle: (path: string) => void): void {
  tree.addEventListener('click', (event) => {
    const li = (event.target as HTMLElement).closest<HTMLElement>('[role="treeitem"]');
    if (!li || li.dataset.path === undefined) return;
    li.focus();
    if (li.hasAttribute('aria-expanded')) toggle(li.dataset.path);
  });
  tree.addEventListener('keydown', (event) => {
    const li = (event.target as HTMLElement).closest<HTMLElement>('[role="treeitem"]');
    if (!li) return;
    const items = Array.from(tree.querySelectorAll<HTMLElement>('[role="treeitem"]'));
    const i = items.indexOf(li);
    const expanded = li.getAttribute('aria-expanded');
    if (event.key === 'ArrowDown') items[i + 1]?.focus();
    else if (event.key === 'ArrowUp') items[i - 1]?.focus();
    else if (
      (event.key === 'Enter' ||
        event.key === ' ' ||
        (event.key === 'ArrowRight' && expanded === 'false') ||
        (event.key === 'ArrowLeft' && expanded === 'true')) &&
      expanded !== null &&
      li.dataset.path !== undefined
    ) {
      toggle(li.dataset.path);
    } else return;
    event.preventDefault();
  });
}
