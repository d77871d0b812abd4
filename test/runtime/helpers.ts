import type { BackgroundMediaPlayer, TaskStateChangedEventArgs, ValueSet } from 'backbeat';

/** URL of a fixture task module. */
export const taskUrl = (name: string): URL =>
  new URL(`../fixtures/tasks/${name}.mjs`, import.meta.url);

export const hosts = ['worker', 'process', 'inline'] as const;

/** Resolves with the first message from the background that matches; rejects after `ms`. */
export function nextMessage(
  bmp: BackgroundMediaPlayer,
  match: (data: ValueSet) => boolean,
  ms = 10_000,
): Promise<ValueSet> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching message within ${ms} ms`));
    }, ms);
    const off = bmp.on('messageReceivedFromBackground', ({ data }) => {
      if (!match(data)) return;
      clearTimeout(timer);
      off();
      resolve(data);
    });
  });
}

/** Resolves when the task reaches `state`; rejects after `ms` of real time. */
export function taskState(
  bmp: BackgroundMediaPlayer,
  state: TaskStateChangedEventArgs['state'],
  ms = 10_000,
): Promise<TaskStateChangedEventArgs> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`task did not reach '${state}' within ${ms} ms`));
    }, ms);
    const off = bmp.on('taskStateChanged', (e) => {
      if (e.state !== state) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

/** Records every taskStateChanged of a BackgroundMediaPlayer. */
export function recordStates(bmp: BackgroundMediaPlayer): string[] {
  const states: string[] = [];
  bmp.on('taskStateChanged', ({ state, reason }) =>
    states.push(reason ? `${state}:${reason}` : state),
  );
  return states;
}

/** Lets real time pass (only for real process events, never for policy timeouts). */
export const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
