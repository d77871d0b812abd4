import type { App, PlaybackCheckpoint, PlaybackStateStore, ValueSet } from 'backbeat';
import { createMemoryStateStore } from 'backbeat/store/memory';
import { type AppRecording, recordApp, type TestSystem } from 'backbeat/testing';

export const resumableTask = new URL('../fixtures/tasks/resumable.mjs', import.meta.url);
export const hosts = ['worker', 'process', 'inline'] as const;

/** A memory store that also lists, in order, every checkpoint saved to it. */
export function spyStore(inner: PlaybackStateStore = createMemoryStateStore()) {
  const saved: PlaybackCheckpoint[] = [];
  const store: PlaybackStateStore = {
    load: (key) => inner.load(key),
    save: (key, checkpoint) => {
      saved.push(structuredClone(checkpoint));
      return inner.save(key, checkpoint);
    },
    clear: (key) => inner.clear(key),
  };
  return { store, saved };
}

/** Starts an app's task and follows it: messages, lifecycle, playing. */
export function follow(system: TestSystem, app: App) {
  const recording: AppRecording = recordApp(app);
  const message = (type: string, instanceId?: string): Promise<ValueSet> =>
    system.waitFor(
      () =>
        recording.messages.find(
          (m) => m.type === type && (instanceId === undefined || m.instanceId === instanceId),
        ),
      {
        what: `a '${type}' message${instanceId ? ` from ${instanceId}` : ''}`,
        seen: () => `trail ${recording.trail.join(', ')}`,
      },
    );
  return { recording, message };
}

/** Sends a message to the app's task. */
export const tell = (app: App, data: ValueSet) =>
  app.backgroundMediaPlayer.sendMessageToBackground(data);

/** Waits (real time, message hops only) until the app's task has ended. */
export async function ended(system: TestSystem, app: App) {
  await system.waitFor(() => app.instanceId === null, { what: 'the task to end' });
}
