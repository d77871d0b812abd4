// The page lifecycle binding (an internal, so this page imports src/) driving a small app that
// records each call with the page's visibility then. Calls and page transition events are also
// kept in sessionStorage (which outlives a reload), and a page with an `id` sends them to the
// server as a beacon when it is hidden for the last time (which outlives a closed tab).
import { followPageLifecycle } from '../../../../src/actors/foreground/pageLifecycle.ts';

const calls = [];
const events = [];
const show = () => {
  document.getElementById('state').textContent = app.state;
  document.getElementById('out').textContent = [
    `calls: ${calls.map((c) => `${c.call}(${c.visibility})`).join(' ')}`,
    `events: ${events.join(' ')}`,
  ].join('\n');
};
const params = new URLSearchParams(location.search);
const kept = (name) => JSON.parse(sessionStorage.getItem(name) ?? '[]');
const before = { calls: kept('calls'), events: kept('events') };
sessionStorage.clear();
const keep = (name, value) => {
  sessionStorage.setItem(name, JSON.stringify(value));
};
const record = (call) => {
  calls.push({ call, visibility: document.visibilityState });
  keep('calls', calls);
  show();
};

const app = {
  state: 'visible',
  suspend() {
    if (this.state === 'visible') this.state = 'suspended';
    record('suspend');
  },
  resume() {
    if (this.state === 'suspended') this.state = 'visible';
    record('resume');
  },
  async terminate() {
    this.state = 'terminated';
    record('terminate');
  },
};

for (const type of ['visibilitychange', 'freeze', 'resume']) {
  document.addEventListener(type, () => {
    events.push(`${type}:${document.visibilityState}`);
    show();
  });
}
for (const type of ['pagehide', 'pageshow']) {
  window.addEventListener(type, (event) => {
    events.push(`${type}:${event.persisted ? 'persisted' : 'not persisted'}`);
    keep('events', events);
    show();
  });
}

let stop = null;
const start = () => {
  stop = followPageLifecycle(app, { target: window });
};
const outcome = (work) => {
  try {
    work();
    return { ok: true };
  } catch (error) {
    return { ok: false, name: error.name, message: error.message };
  }
};

window.lifecycle = {
  app,
  calls,
  events,
  before,
  start,
  stop: () => stop?.(),
  badInputs: () => ({
    noApp: outcome(() => followPageLifecycle(null)),
    noTerminate: outcome(() => followPageLifecycle({ suspend() {}, resume() {} })),
    badTarget: outcome(() => followPageLifecycle(app, { target: 42 })),
  }),
};
if (!params.has('manual')) start();
// After the follower's listener, so the beacon carries what it did.
if (params.has('id')) {
  window.addEventListener('pagehide', () => {
    navigator.sendBeacon(`/beacon/${params.get('id')}`, JSON.stringify({ calls, events }));
  });
}
show();
