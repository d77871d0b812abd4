// The IndexedDB store, as an app imports it; the test drives it through `window.stores`.
import { createIndexedDbStateStore } from 'backbeat/store/indexedDb';

/** A valid checkpoint of two items, the second current, with `over` applied. */
const checkpoint = (over = {}) => ({
  version: 1,
  reason: 'paused',
  instanceId: 'music#1.1',
  items: [
    { uri: 'https://example.test/a.mp3', properties: { title: 'A', $price: 3 } },
    { uri: 'https://example.test/b.mp3' },
  ],
  currentItemIndex: 1,
  position: 250,
  currentState: 'paused',
  volume: 0.5,
  isMuted: false,
  playbackRate: 1,
  isLoopingEnabled: false,
  autoRepeatEnabled: false,
  shuffleEnabled: true,
  shuffledOrder: [1, 0],
  appState: { at: new Date(1_000), nested: { list: ['x', new Date(2_000)] }, n: null },
  ...over,
});

/** Runs `work`, resolving with its value or with the error's name, code and message. */
const outcome = async (work) => {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, name: error?.name, code: error?.code, message: String(error?.message) };
  }
};

/** Writes `value` under `key` straight into the store's object store, as other code could. */
const writeRaw = (name, key, value) =>
  new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction('playbackState', 'readwrite');
      tx.objectStore('playbackState').put(value, key);
      tx.oncomplete = () => {
        db.close();
        resolve();
      };
      tx.onabort = () => reject(tx.error);
    };
  });

/** Makes a database `name` at `version` with no object store at all. */
const makeForeignDatabase = (name, version) =>
  new Promise((resolve, reject) => {
    const open = indexedDB.open(name, version);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      open.result.close();
      resolve();
    };
  });

window.stores = { createIndexedDbStateStore, checkpoint, outcome, writeRaw, makeForeignDatabase };
document.getElementById('out').textContent = 'ready';
