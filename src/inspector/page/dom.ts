/**
 * A tiny DOM builder: data always goes in as text (`textContent`), never as HTML.
 *
 * @packageDocumentation
 */

type Child = Node | string | null | undefined | false;

/** Creates `<tag>` with attributes (`class`, `aria-*`, …; `false`/`undefined` skip one) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** A short one-line preview of a JSON-like value. */
export function preview(value: unknown, max = 60): string {
  let text: string;
  if (value === undefined) text = 'undefined';
  else if (typeof value === 'string') text = JSON.stringify(value);
  else if (Array.isArray(value)) text = `Array(${value.length})`;
  else if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value);
    text = `{${keys.slice(0, 4).join(', ')}${keys.length > 4 ? ', …' : ''}}`;
  } else text = String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A state value as text: `running`, or the active leaves of a nested value (`a.b, c.d`). */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return '';
  const leaves: string[] = [];
  const walk = (v: unknown, prefix: string): void => {
    if (typeof v === 'string') leaves.push(prefix ? `${prefix}.${v}` : v);
    else if (typeof v === 'object' && v !== null) {
      const entries = Object.entries(v);
      if (entries.length === 0 && prefix) leaves.push(prefix);
      for (const [key, child] of entries) walk(child, prefix ? `${prefix}.${key}` : key);
    }
  };
  walk(value, '');
  return leaves.join(', ');
}
