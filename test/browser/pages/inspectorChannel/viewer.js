// A stand-in for the inspector page, as the real page talks on the channel: it says hello and
// keeps what the app answers (the recording, then deltas), checked against the feed's schema.
import { loadRecording } from 'backbeat/inspector';

const name = new URLSearchParams(location.search).get('channel');
document.getElementById('channel').textContent = String(name);
const feed = { messages: [], recording: null, errors: [] };
window.feed = feed;

const list = document.getElementById('messages');
const note = (text) => {
  const item = document.createElement('li');
  item.textContent = text;
  list.append(item);
};
const activeState = () => {
  const entries = feed.recording?.entries ?? [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const value = entries[i].record.snapshot?.value;
    if (value !== undefined) return value;
  }
  return undefined;
};

const channel = new BroadcastChannel(name);
channel.onmessage = ({ data }) => {
  feed.messages.push(data);
  if (data.kind === 'recording') {
    try {
      feed.recording = loadRecording(data.recording);
    } catch (error) {
      feed.errors.push(String(error));
    }
    note(
      `recording: ${Object.keys(data.recording.actors).length} actor(s), ${
        Object.keys(data.recording.definitions).join(', ') || 'no definitions'
      }, ${data.recording.entries.length} entries`,
    );
  } else if (data.kind === 'delta' && feed.recording) {
    Object.assign(feed.recording.definitions, data.definitions);
    Object.assign(feed.recording.actors, data.actors);
    feed.recording.entries.push(...data.entries);
    note(
      `delta: ${data.entries.map((e) => `#${e.seq} ${e.record.type} ${e.record.event?.type ?? ''}`).join(' · ')}`,
    );
  }
  document.getElementById('active').textContent = String(activeState());
};
channel.postMessage({ kind: 'hello' });
