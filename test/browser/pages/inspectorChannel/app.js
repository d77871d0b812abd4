// An app of the built package: a small real xstate actor inspected through openInspector,
// which feeds the inspector page over a BroadcastChannel. `?target=` says where the page opens
// (`null`, `panel` or `window`); `?url=` is the page (the test's stand-in viewer).
import * as entry from 'backbeat/inspector';
import { createActor, createMachine } from 'xstate';

const params = new URLSearchParams(location.search);
const where = params.get('target') ?? 'null';
const target =
  where === 'panel' ? document.getElementById('panel') : where === 'window' ? 'window' : null;
const inspector = entry.openInspector({
  target,
  url: params.get('url') ?? undefined,
  channel: params.get('channel') ?? undefined,
});

const toggle = createMachine({
  id: 'toggle',
  initial: 'off',
  states: { off: { on: { FLIP: 'on' } }, on: { on: { FLIP: 'off' } } },
});
const actor = createActor(toggle, { inspect: inspector.inspect });
const show = () => {
  document.getElementById('state').textContent = String(actor.getSnapshot().value);
};
actor.subscribe(show);
actor.start();
show();
document.getElementById('url').textContent = inspector.url;

window.inspectedApp = {
  url: inspector.url,
  exports: Object.keys(entry).sort(),
  flip: () => actor.send({ type: 'FLIP' }),
  entries: () => inspector.recording().entries.length,
  close: () => inspector.close(),
};
