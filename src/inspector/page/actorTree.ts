/**
 * The actor tree (`role="tree"`): every actor of the recording, grouped by side (the foreground,
 * then each task instance), nested by parent, each item named by the actor's name. Stopped
 * actors are dimmed, actors not yet started at the selected time are faded.
 *
 * @packageDocumentation
 */
import type { RecordedActor } from '../../protocol/recording.js';
import { h, valueText } from './dom.js';
import { type RecordingModel, statusOf } from './model.js';

/** What the tree shows. */
export interface ActorTreeView {
  model: RecordingModel;
  seq: number;
  selected: string | undefined;
  app: string;
}

/** The group an actor is listed in: `foreground`, or `task <instance>`. */
function groupOf(actor: RecordedActor): string {
  return actor.side === 'foreground'
    ? 'foreground'
    : `task ${actor.instanceId ?? actor.appId ?? ''}`.trim();
}

/** Whether the actor passes the app filter (actors of no app, the system's, always do). */
export function inApp(actor: RecordedActor | undefined, app: string): boolean {
  return app === '' || actor === undefined || actor.appId === undefined || actor.appId === app;
}

/** The actors in tree order (what keyboard navigation and the default selection follow). */
export function orderedActors(model: RecordingModel, app: string): RecordedActor[][] {
  const groups = new Map<string, RecordedActor[]>();
  for (const actor of Object.values(model.recording.actors)) {
    if (!inApp(actor, app)) continue;
    const key = groupOf(actor);
    const list = groups.get(key) ?? [];
    list.push(actor);
    groups.set(key, list);
  }
  const keys = [...groups.keys()].sort((a, b) =>
    a === 'foreground' ? -1 : b === 'foreground' ? 1 : a.localeCompare(b),
  );
  return keys.map((key) => groups.get(key) as RecordedActor[]);
}

/** Renders the tree into `tree` (a `role="tree"` element). */
export function renderActorTree(tree: HTMLElement, view: ActorTreeView): void {
  const { model, seq, selected, app } = view;
  const focused = (document.activeElement as HTMLElement | null)?.dataset.session;
  tree.replaceChildren();
  for (const actors of orderedActors(model, app)) {
    const first = actors[0] as RecordedActor;
    const label = groupOf(first);
    const ids = new Set(actors.map((a) => a.sessionId));
    const children = new Map<string, RecordedActor[]>();
    const roots: RecordedActor[] = [];
    for (const actor of actors) {
      if (
        actor.parentId !== undefined &&
        ids.has(actor.parentId) &&
        actor.parentId !== actor.sessionId
      ) {
        const list = children.get(actor.parentId) ?? [];
        list.push(actor);
        children.set(actor.parentId, list);
      } else roots.push(actor);
    }
    const seen = new Set<string>();
    const item = (actor: RecordedActor, level: number): HTMLElement => {
      seen.add(actor.sessionId);
      const at = model.snapshotAt(actor.sessionId, seq);
      const status = statusOf(at?.snapshot);
      const exists = model.existsAt(actor.sessionId, seq);
      const value =
        typeof at?.snapshot === 'object' && at.snapshot !== null
          ? valueText((at.snapshot as { value?: unknown }).value)
          : '';
      const kids = (children.get(actor.sessionId) ?? []).filter((k) => !seen.has(k.sessionId));
      const li = h('div', {
        role: 'treeitem',
        'aria-label': actor.name,
        'aria-level': level,
        'aria-selected': String(actor.sessionId === selected),
        'aria-expanded': kids.length > 0 ? 'true' : undefined,
        tabindex: actor.sessionId === selected ? 0 : -1,
        'data-session': actor.sessionId,
        class: [
          'actor',
          !exists ? 'future' : '',
          status && status !== 'active' ? 'stopped' : '',
          actor.sessionId === selected ? 'selected' : '',
        ]
          .filter(Boolean)
          .join(' '),
        title: [actor.name, actor.definition ? `machine ${actor.definition}` : 'no machine', status]
          .filter(Boolean)
          .join(' · '),
      });
      li.append(
        h(
          'div',
          { class: 'row' },
          h('span', { class: 'name' }, actor.name),
          value ? h('span', { class: 'state' }, value) : null,
          status && status !== 'active' ? h('span', { class: 'badge' }, status) : null,
          !exists ? h('span', { class: 'badge' }, 'not yet') : null,
        ),
      );
      if (kids.length > 0) {
        const group = h('div', { role: 'group' });
        for (const kid of kids) group.append(item(kid, level + 1));
        li.append(group);
      }
      return li;
    };
    const group = h('div', { role: 'group', 'aria-label': label });
    for (const actor of roots) group.append(item(actor, 1));
    // actors in a cycle of parents (not reachable from a root) still show
    for (const actor of actors) if (!seen.has(actor.sessionId)) group.append(item(actor, 1));
    tree.append(
      h(
        'li',
        { role: 'none', class: 'side' },
        h('div', { class: `side-label ${first.side}` }, label),
        group,
      ),
    );
  }
  if (!tree.querySelector('[tabindex="0"]')) {
    const first = tree.querySelector<HTMLElement>('[role="treeitem"]');
    if (first) first.tabIndex = 0;
  }
  if (focused !== undefined) {
    tree.querySelector<HTMLElement>(`[data-session="${CSS.escape(focused)}"]`)?.focus();
  }
}

/** Wires the tree: a click or Enter selects (`select(sessionId)`), arrows move. */
export function wireActorTree(tree: HTMLElement, select: (sessionId: string) => void): void {
  tree.addEventListener('click', (event) => {
    const li = (event.target as HTMLElement).closest<HTMLElement>('[role="treeitem"]');
    if (li?.dataset.session !== undefined) select(li.dataset.session);
  });
  tree.addEventListener('keydown', (event) => {
    const li = (event.target as HTMLElement).closest<HTMLElement>('[role="treeitem"]');
    if (!li) return;
    const items = Array.from(tree.querySelectorAll<HTMLElement>('[role="treeitem"]'));
    const i = items.indexOf(li);
    let next: HTMLElement | undefined;
    if (event.key === 'ArrowDown') next = items[i + 1];
    else if (event.key === 'ArrowUp') next = items[i - 1];
    else if (event.key === 'Home') next = items[0];
    else if (event.key === 'End') next = items[items.length - 1];
    else if (event.key === 'Enter' || event.key === ' ') {
      if (li.dataset.session !== undefined) select(li.dataset.session);
    } else return;
    event.preventDefault();
    if (next?.dataset.session !== undefined) {
      next.focus();
      select(next.dataset.session);
    }
  });
}
