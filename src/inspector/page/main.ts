/**
 * The inspector page: the actor tree, the selected actor's statechart and snapshot, the
 * sequence of events and a timeline over the recording, all showing the system as it was after
 * the selected entry. Data comes from the source the query names (see `sources.ts`), from a
 * loaded file, or dropped onto the page; "Export" downloads the recording as it is.
 *
 * @packageDocumentation
 */
import type { Recording } from '../../protocol/recording.js';
import { inApp, orderedActors, renderActorTree, wireActorTree } from './actorTree.js';
import { type Diagram, renderDiagram } from './diagram.js';
import { h } from './dom.js';
import { cachedLayout } from './layout.js';
import {
  activePaths,
  emptyRecording,
  formatTime,
  lastAtOrBefore,
  parseRecordingText,
  RecordingModel,
  statusOf,
} from './model.js';
import { filteredEvents, renderSequence, WINDOW } from './sequence.js';
import { renderSnapshotTree, wireSnapshotTree } from './snapshotTree.js';
import { connect, type Source } from './sources.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const ui = {
  status: $<HTMLElement>('status'),
  counts: $<HTMLElement>('counts'),
  notice: $<HTMLElement>('notice'),
  error: $<HTMLElement>('error'),
  app: $<HTMLSelectElement>('app'),
  load: $<HTMLButtonElement>('load'),
  file: $<HTMLInputElement>('file'),
  exportButton: $<HTMLButtonElement>('export'),
  actors: $<HTMLElement>('actors'),
  chartTitle: $<HTMLElement>('chart-title'),
  chart: $<HTMLElement>('chart'),
  zoomIn: $<HTMLButtonElement>('zoom-in'),
  zoomOut: $<HTMLButtonElement>('zoom-out'),
  zoomFit: $<HTMLButtonElement>('zoom-fit'),
  snapshotTitle: $<HTMLElement>('snapshot-title'),
  snapshot: $<HTMLElement>('snapshot'),
  timeline: $<HTMLInputElement>('timeline'),
  timeLabel: $<HTMLElement>('time-label'),
  pause: $<HTMLButtonElement>('pause'),
  sequence: $<HTMLElement>('sequence'),
  earlier: $<HTMLButtonElement>('show-earlier'),
  later: $<HTMLButtonElement>('show-later'),
};

const model = new RecordingModel(emptyRecording());
const state = {
  /** The selected point in time: an entry's seq (-1: before any). */
  seq: -1,
  paused: false,
  selected: undefined as string | undefined,
  app: '',
  /** The event a sequence click moved to, while the timeline stays where it put it. */
  clicked: undefined as { event: number; at: number } | undefined,
  extraBefore: 0,
  extraAfter: 0,
  snapshotOpen: new Set<string>(['value', 'context']),
  zoom: undefined as number | undefined,
};

let source: Source | undefined;

// ---- rendering, coalesced ----

let scheduled = false;
function invalidate(): void {
  if (scheduled) return;
  scheduled = true;
  setTimeout(() => {
    scheduled = false;
    render();
  }, 0);
}

function follow(): void {
  if (!state.paused) {
    state.seq = model.lastSeq;
    state.clicked = undefined;
  } else if (state.seq > model.lastSeq) state.seq = model.lastSeq;
}

function ensureSelection(): void {
  const actors = model.recording.actors;
  if (
    state.selected !== undefined &&
    actors[state.selected] &&
    inApp(actors[state.selected], state.app)
  )
    return;
  const groups = orderedActors(model, state.app);
  const all = groups.flat();
  const pick =
    all.find((a) => a.definition !== undefined && a.parentId !== undefined) ??
    all.find((a) => a.definition !== undefined) ??
    all[0];
  state.selected = pick?.sessionId;
}

function render(): void {
  follow();
  ensureSelection();
  renderApps();
  renderCounts();
  renderTimeline();
  renderActorTree(ui.actors, { model, seq: state.seq, selected: state.selected, app: state.app });
  renderChart();
  renderSnapshot();
  renderEvents();
}

function renderApps(): void {
  const apps = model.apps();
  const current = Array.from(ui.app.options)
    .slice(1)
    .map((o) => o.value);
  if (current.join('\n') !== apps.join('\n')) {
    ui.app.replaceChildren(
      h('option', { value: '' }, 'All apps'),
      ...apps.map((app) => h('option', { value: app }, app)),
    );
  }
  if (state.app !== '' && !apps.includes(state.app)) state.app = '';
  ui.app.value = state.app;
}

function renderCounts(): void {
  const { recording } = model;
  ui.counts.textContent = `${Object.keys(recording.actors).length} actors · ${recording.entries.length} entries · ${model.events.length} events · ${Object.keys(recording.definitions).length} machines`;
}

function renderTimeline(): void {
  const n = model.seqs.length;
  ui.timeline.disabled = n === 0;
  ui.timeline.min = '0';
  ui.timeline.max = String(Math.max(0, n - 1));
  const index = Math.max(0, lastAtOrBefore(model.seqs, state.seq));
  ui.timeline.value = String(index);
  const entry = model.entryAt(state.seq);
  const text = entry
    ? `${formatTime(entry.time - model.recording.startedAt)} · entry ${index + 1} of ${n}`
    : 'no entries';
  ui.timeLabel.textContent = text;
  ui.timeline.setAttribute('aria-valuetext', text);
  ui.pause.setAttribute('aria-pressed', String(state.paused));
  ui.pause.textContent = state.paused ? 'Paused: resume live' : 'Pause live updates';
  ui.pause.setAttribute('aria-label', 'Pause live updates');
}

// ---- the statechart ----

let diagram: { key: string; definition: unknown; view: Diagram } | undefined;
let pendingKey: string | undefined;

function selectedSnapshot(): unknown {
  return state.selected === undefined
    ? undefined
    : model.snapshotAt(state.selected, state.seq)?.snapshot;
}

function renderChart(): void {
  const actor = model.actor(state.selected);
  if (!actor) {
    ui.chartTitle.textContent = 'Statechart';
    ui.chart.replaceChildren(h('p', { class: 'empty' }, 'No actor selected.'));
    diagram = undefined;
    return;
  }
  const key = actor.definition;
  const definition = key === undefined ? undefined : model.recording.definitions[key];
  ui.chartTitle.textContent = key ? `${actor.name} — ${key}` : actor.name;
  if (!definition) {
    diagram = undefined;
    pendingKey = undefined;
    ui.chart.replaceChildren(
      h(
        'p',
        { class: 'empty' },
        key === undefined
          ? 'no statechart (not a machine)'
          : `no statechart: machine "${key}" is not in the recording`,
      ),
    );
    return;
  }
  const drawKey = `${key}\u0000${JSON.stringify(definition).length}`;
  if (diagram?.key === drawKey && diagram.definition === definition) {
    markActive();
    return;
  }
  if (pendingKey === drawKey) return;
  pendingKey = drawKey;
  if (!diagram) ui.chart.replaceChildren(h('p', { class: 'empty' }, 'Laying out…'));
  cachedLayout(definition)
    .then((layout) => {
      if (pendingKey !== drawKey) return;
      pendingKey = undefined;
      const view = renderDiagram(layout);
      diagram = { key: drawKey, definition, view };
      state.zoom = undefined;
      ui.chart.replaceChildren(view.element);
      applyZoom();
      markActive();
    })
    .catch((error: unknown) => {
      if (pendingKey !== drawKey) return;
      pendingKey = undefined;
      diagram = undefined;
      ui.chart.replaceChildren(
        h(
          'p',
          { class: 'empty error-text' },
          `Could not lay out "${key}": ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    });
}

function markActive(): void {
  if (!diagram) return;
  const actor = model.actor(state.selected);
  const definition = actor?.definition ? model.recording.definitions[actor.definition] : undefined;
  const snapshot = selectedSnapshot();
  const active = new Set<string>();
  if (definition && typeof snapshot === 'object' && snapshot !== null && 'value' in snapshot) {
    active.add(definition.id);
    for (const path of activePaths((snapshot as { value: unknown }).value)) active.add(path);
  }
  diagram.view.setActive(active);
}

function fitScale(): number {
  if (!diagram) return 1;
  const width = ui.chart.clientWidth - 8;
  return width > 0 ? width / diagram.view.width : 1;
}

function applyZoom(): void {
  if (!diagram) return;
  // default: fit to the width, but never so small the labels cannot be read, nor over 1:1
  const scale = state.zoom ?? Math.min(1, Math.max(0.75, fitScale()));
  const { element, width, height } = diagram.view;
  element.setAttribute('width', String(Math.round(width * scale)));
  element.setAttribute('height', String(Math.round(height * scale)));
  ui.chart.dataset.zoom = scale.toFixed(2);
}

function zoomBy(factor: number): void {
  if (!diagram) return;
  const current = state.zoom ?? Number(ui.chart.dataset.zoom ?? 1);
  state.zoom = Math.min(4, Math.max(0.2, current * factor));
  applyZoom();
}

// ---- snapshot and events ----

function renderSnapshot(): void {
  const actor = model.actor(state.selected);
  const at = state.selected === undefined ? undefined : model.snapshotAt(state.selected, state.seq);
  if (!actor) {
    ui.snapshotTitle.textContent = 'Snapshot';
    ui.snapshot.replaceChildren();
    return;
  }
  const status = statusOf(at?.snapshot);
  ui.snapshotTitle.textContent = at
    ? `Snapshot of ${actor.name}${status ? ` (${status})` : ''}`
    : `Snapshot of ${actor.name}: none yet`;
  renderSnapshotTree(ui.snapshot, at?.snapshot ?? {}, state.snapshotOpen);
}

function currentEventSeq(): number {
  if (state.clicked && state.clicked.at === state.seq) return state.clicked.event;
  const events = filteredEvents(model, state.app);
  let lo = 0;
  let hi = events.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((events[mid]?.seq ?? 0) <= state.seq) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? -1 : (events[found]?.seq ?? -1);
}

let lastCurrent = -2;
function renderEvents(): void {
  const current = currentEventSeq();
  const { before, after } = renderSequence(ui.sequence, {
    model,
    app: state.app,
    currentEvent: current,
    seq: state.seq,
    extraBefore: state.extraBefore,
    extraAfter: state.extraAfter,
  });
  ui.earlier.hidden = before === 0;
  ui.earlier.textContent = `Show earlier (${before})`;
  ui.later.hidden = after === 0;
  ui.later.textContent = `Show later (${after})`;
  if (current !== lastCurrent) {
    lastCurrent = current;
    ui.sequence.querySelector('[aria-current="true"]')?.scrollIntoView({ block: 'nearest' });
  }
}

// ---- loading and exporting ----

function showError(text: string): void {
  ui.error.textContent = text;
  ui.error.hidden = text === '';
}

function showNotice(text: string): void {
  ui.notice.textContent = text;
  ui.notice.hidden = text === '';
}

function setStatus(text: string, kind: string): void {
  ui.status.textContent = text;
  ui.status.dataset.state = kind;
}

function loadRecording(recording: Recording): void {
  model.load(recording);
  state.clicked = undefined;
  state.extraBefore = 0;
  state.extraAfter = 0;
  if (state.paused && state.seq > model.lastSeq) state.seq = model.lastSeq;
  if (!state.paused) state.seq = model.lastSeq;
  if (state.selected !== undefined && !model.recording.actors[state.selected])
    state.selected = undefined;
  invalidate();
}

async function loadFile(file: File): Promise<void> {
  try {
    const recording = parseRecordingText(await file.text());
    source?.close();
    source = undefined;
    showError('');
    setStatus(`file ${file.name}`, 'offline');
    state.paused = false;
    loadRecording(recording);
  } catch (error) {
    showError(
      `Could not load ${file.name}: ${error instanceof Error ? error.message : String(error)}. The previous recording is still shown.`,
    );
  }
}

function exportRecording(): void {
  const text = JSON.stringify(model.recording, null, 2);
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = h('a', {
    href: url,
    download: `backbeat-recording-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// ---- wiring ----

function select(sessionId: string): void {
  if (state.selected === sessionId) return;
  state.selected = sessionId;
  invalidate();
}

function seekTo(seq: number): void {
  state.seq = seq;
  invalidate();
}

wireActorTree(ui.actors, select);
wireSnapshotTree(ui.snapshot, (path) => {
  if (state.snapshotOpen.has(path)) state.snapshotOpen.delete(path);
  else state.snapshotOpen.add(path);
  renderSnapshot();
});

ui.timeline.addEventListener('input', () => {
  const index = Number(ui.timeline.value);
  const seq = model.seqs[index];
  if (seq === undefined) return;
  if (index < model.seqs.length - 1) state.paused = true;
  state.clicked = undefined;
  seekTo(seq);
});

ui.pause.addEventListener('click', () => {
  state.paused = !state.paused;
  if (!state.paused) state.clicked = undefined;
  // the button answers at once; the rest of the view follows in the next render
  ui.pause.setAttribute('aria-pressed', String(state.paused));
  invalidate();
});

ui.app.addEventListener('change', () => {
  state.app = ui.app.value;
  state.extraBefore = 0;
  state.extraAfter = 0;
  invalidate();
});

ui.sequence.addEventListener('click', (event) => {
  const li = (event.target as HTMLElement).closest<HTMLElement>('[data-seq]');
  if (!li) return;
  const seq = Number(li.dataset.seq);
  const entry = model.entryAt(seq);
  if (!entry) return;
  // the snapshot after the event: the target's next snapshot (or the event itself)
  const target = entry.record.sessionId;
  let at = seq;
  for (let i = lastAtOrBefore(model.seqs, seq) + 1; i < model.recording.entries.length; i++) {
    const next = model.recording.entries[i];
    if (!next) break;
    if (next.record.sessionId === target && next.record.type === '@xstate.snapshot') {
      at = next.seq;
      break;
    }
    if (next.record.sessionId === target && next.record.type === '@xstate.event') break;
  }
  state.paused = true;
  state.clicked = { event: seq, at };
  if (model.actor(target)) state.selected = target;
  seekTo(at);
});

ui.sequence.addEventListener('keydown', (event) => {
  const li = (event.target as HTMLElement).closest<HTMLElement>('[data-seq]');
  if (!li) return;
  if (event.key === 'Enter' || event.key === ' ') {
    li.click();
    event.preventDefault();
  } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    const next = event.key === 'ArrowDown' ? li.nextElementSibling : li.previousElementSibling;
    (next as HTMLElement | null)?.focus();
    event.preventDefault();
  }
});

ui.earlier.addEventListener('click', () => {
  state.extraBefore += WINDOW;
  renderEvents();
});
ui.later.addEventListener('click', () => {
  state.extraAfter += WINDOW;
  renderEvents();
});

ui.zoomIn.addEventListener('click', () => zoomBy(1.25));
ui.zoomOut.addEventListener('click', () => zoomBy(0.8));
ui.zoomFit.addEventListener('click', () => {
  state.zoom = fitScale();
  applyZoom();
});
ui.chart.addEventListener(
  'wheel',
  (event) => {
    if (!event.ctrlKey && !event.metaKey) return;
    event.preventDefault();
    zoomBy(event.deltaY < 0 ? 1.1 : 1 / 1.1);
  },
  { passive: false },
);
window.addEventListener('resize', () => {
  if (state.zoom === undefined) applyZoom();
});

ui.load.addEventListener('click', () => ui.file.click());
ui.file.addEventListener('change', () => {
  const file = ui.file.files?.[0];
  ui.file.value = '';
  if (file) void loadFile(file);
});
ui.exportButton.addEventListener('click', exportRecording);

document.addEventListener('dragover', (event) => {
  if (!event.dataTransfer?.types.includes('Files')) return;
  event.preventDefault();
  document.body.classList.add('dropping');
});
document.addEventListener('dragleave', (event) => {
  if (event.relatedTarget === null) document.body.classList.remove('dropping');
});
document.addEventListener('drop', (event) => {
  document.body.classList.remove('dropping');
  const file = event.dataTransfer?.files[0];
  if (!file) return;
  event.preventDefault();
  void loadFile(file);
});

source = connect(new URLSearchParams(location.search), {
  message(message) {
    if (message.kind === 'recording') loadRecording(message.recording);
    else {
      model.apply(message);
      invalidate();
    }
  },
  ignored(reason) {
    showNotice(`Ignored ${reason}`);
  },
  status: setStatus,
  failed(what, reason) {
    showError(`Could not load ${what}: ${reason}`);
  },
});

render();
