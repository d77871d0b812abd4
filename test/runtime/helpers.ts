import type { BackgroundMediaPlayer, TaskStateChangedEventArgs, ValueSet } from 'backbeat';
import { waitFor } from 'backbeat/testing';

/** URL of a fixture task module. */
export const taskUrl = (name: string): URL =>
  new URL(`../fixtures/tasks/${name}.mjs`, import.meta.url);

export const hosts = ['worker', 'process', 'inline'] as const;

/**
 * Resolves with the first message from the background, from now on, that matches; rejects
 * after `ms` of real time.
 */
export async function nextMessage(
  bmp: BackgroundMediaPlayer,
  match: (data: ValueSet) => boolean,
  ms = 10_000,
): Promise<ValueSet> {
  const seen: ValueSet[] = [];
  const off = bmp.on('messageReceivedFromBackground', ({ data }) => seen.push(data));
  try {
    return await waitFor(() => seen.find(match), {
      timeoutMs: ms,
      what: 'a matching message from the background',
      seen: () => JSON.stringify(seen.map((d) => d.type)),
    });
  } finally {
    off();
  }
}

/** Resolves when the task reaches `state`, from now on; rejects after `ms` of real time. */
export async function taskState(
  bmp: BackgroundMediaPlayer,
  state: TaskStateChangedEventArgs['state'],
  ms = 10_000,
): Promise<TaskStateChangedEventArgs> {
  const seen: TaskStateChangedEventArgs[] = [];
  const off = bmp.on('taskStateChanged', (e) => seen.push(e));
  try {
    return await waitFor(() => seen.find((e) => e.state === state), {
      timeoutMs: ms,
      what: `the task to reach '${state}'`,
      seen: () => seen.map((e) => e.state).join(', ') || 'no state change',
    });
  } finally {
    off();
  }
}

/** Records every taskStateChanged of a BackgroundMediaPlayer. */
export function recordStates(bmp: BackgroundMediaPlayer): string[] {
  const states: string[] = [];
  bmp.on('taskStateChanged', ({ state, reason }) =>
    states.push(reason ? `${state}:${reason}` : state),
  );
  return states;
}
