/**
 * The sequence view (`role="list"`, `aria-label="Sequence"`): the `@xstate.event` entries in
 * time order, each item named by its event type, with its time, its source and target actors
 * and their sides (an event crossing the task boundary is marked). Only a window of items is in
 * the DOM (around the selected event, or the newest while live); "Show earlier" / "Show later"
 * widen it, so thousands of entries stay cheap.
 *
 * @packageDocumentation
 */
import type { RecordingEntry } from '../../protocol/recording.js';
import { h } from './dom.js';
import { eventTypeOf, formatTime, type RecordingModel } from './model.js';

/** How many items one window holds (and how many "show more" adds). */
export const WINDOW = 200;

/** What the sequence view shows. */
export interface SequenceView {
  model: RecordingModel;
  app: string;
  /** The seq of the event to mark current (`aria-current`), or -1. */
  currentEvent: number;
  /** The selected point in time: later events are shown as not yet happened. */
  seq: number;
  /** Extra items shown before / after the window. */
  extraBefore: number;
  extraAfter: number;
}

let memo:
  | { model: RecordingModel; version: number; app: string; events: RecordingEntry[] }
  | undefined;

/** The events that pass the app filter (all when `app` is ``); kept until the model changes. */
export function filteredEvents(model: RecordingModel, app: string): RecordingEntry[] {
  if (app === '') return model.events;
  if (memo?.model === model && memo.version === model.version && memo.app === app)
    return memo.events;
  const events = model.events.filter((entry) => {
    const target = model.actor(entry.record.sessionId);
    const source = model.actor(entry.record.sourceId);
    const touches = (actor: typeof target) => actor?.appId === app;
    return touches(target) || touches(source);
  });
  memo = { model, version: model.version, app, events };
  return events;
}

function side(model: RecordingModel, sessionId: string | undefined, entry: RecordingEntry) {
  return (
    model.actor(sessionId)?.side ?? (sessionId === entry.record.sessionId ? entry.side : undefined)
  );
}

/** Renders the window of events into `list`; returns how many are hidden before and after. */
export function renderSequence(
  list: HTMLElement,
  view: SequenceView,
): { before: number; after: number; total: number } {
  const { model } = view;
  const events = filteredEvents(model, view.app);
  // the window ends at the current event (or the newest), plus what "show more" added
  let anchor = events.length - 1;
  if (view.currentEvent >= 0) {
    let lo = 0;
    let hi = events.length - 1;
    anchor = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((events[mid] as RecordingEntry).seq <= view.currentEvent) {
        anchor = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
  }
  const end = Math.min(events.length, Math.max(anchor + 1 + WINDOW / 4, WINDOW) + view.extraAfter);
  const start = Math.max(0, end - WINDOW - view.extraBefore - view.extraAfter);
  const startedAt = model.recording.startedAt;
  const items: HTMLElement[] = [];
  for (let i = start; i < end; i++) {
    const entry = events[i] as RecordingEntry;
    const type = eventTypeOf(entry);
    const target = model.actor(entry.record.sessionId);
    const source = model.actor(entry.record.sourceId);
    const targetName = target?.name ?? entry.record.sessionId;
    const sourceName = source?.name ?? entry.record.sourceId;
    const targetSide = side(model, entry.record.sessionId, entry);
    const sourceSide = side(model, entry.record.sourceId, entry);
    const crossing =
      sourceSide !== undefined && targetSide !== undefined && sourceSide !== targetSide
        ? `${sourceSide}→${targetSide}`
        : undefined;
    const time = formatTime(entry.time - startedAt);
    const current = entry.seq === view.currentEvent;
    items.push(
      h(
        'li',
        {
          role: 'listitem',
          'aria-label': `${type} ${sourceName ? `${sourceName} → ` : '→ '}${targetName} ${time}`,
          'aria-current': current ? 'true' : undefined,
          'data-seq': entry.seq,
          class: `event${entry.seq > view.seq ? ' later' : ''}${crossing ? ` crossing ${crossing === 'foreground→task' ? 'to-task' : 'to-foreground'}` : ''}${current ? ' current' : ''}`,
          tabindex: current ? 0 : -1,
        },
        h('span', { class: 'time' }, time),
        h('span', { class: 'type' }, type),
        h(
          'span',
          { class: 'route' },
          sourceName ? h('span', { class: `actor-name ${sourceSide ?? ''}` }, sourceName) : null,
          h('span', { class: 'arrow', 'aria-hidden': 'true' }, ' → '),
          h('span', { class: `actor-name ${targetSide ?? ''}` }, targetName),
        ),
        crossing ? h('span', { class: 'badge crossing-badge' }, crossing) : null,
      ),
    );
  }
  // one item is reachable with Tab: the current one, or else the first
  if (!items.some((item) => item.tabIndex === 0) && items[0]) items[0].tabIndex = 0;
  list.replaceChildren(...items);
  return { before: start, after: events.length - end, total: events.length };
}
