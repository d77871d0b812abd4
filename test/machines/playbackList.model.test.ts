import { describe, expect, it } from 'vitest';
import { type AnyEventObject, createActor, initialTransition, transition } from 'xstate';
import {
  type CurrentItemChangedEmitted,
  isPermutation,
  type PlaybackListEvent,
  type PlaybackListSnapshot,
  type PlaybackListState,
  playbackListMachine,
  playbackListStates,
} from '../../src/machines/playbackList.ts';
import { createWalkModel, formatCoverage, graphCoverage } from '../support/graphCoverage.ts';

const E = {
  items3: { type: 'ITEMS_CHANGED', count: 3 },
  // Drops the middle of three items; from other counts the map is invalid and indexes stay.
  items2: { type: 'ITEMS_CHANGED', count: 2, moved: [0, 2] },
  items0: { type: 'ITEMS_CHANGED', count: 0 },
  start: { type: 'START' },
  next: { type: 'MOVE_NEXT' },
  previous: { type: 'MOVE_PREVIOUS' },
  to1: { type: 'MOVE_TO', index: 1 },
  to5: { type: 'MOVE_TO', index: 5 },
  opened: { type: 'ITEM_OPENED' },
  ended: { type: 'ITEM_ENDED' },
  failed: { type: 'ITEM_FAILED' },
  repeatOn: { type: 'SET_AUTO_REPEAT', enabled: true },
  repeatOff: { type: 'SET_AUTO_REPEAT', enabled: false },
  shuffleOn: { type: 'SET_SHUFFLE', enabled: true, seed: 7 },
  shuffleOff: { type: 'SET_SHUFFLE', enabled: false },
  shuffled: { type: 'SET_SHUFFLED_ITEMS', order: [2, 0, 1] },
  badShuffled: { type: 'SET_SHUFFLED_ITEMS', order: [0, 0, 1] },
  starting2: { type: 'SET_STARTING_ITEM', index: 2 },
  startingNone: { type: 'SET_STARTING_ITEM', index: -1 },
} as const satisfies Record<string, PlaybackListEvent>;
type Key = keyof typeof E;
const pick = (...keys: Key[]): PlaybackListEvent[] => keys.map((k) => E[k]);

const input = { seed: 1 };
type Ctx = PlaybackListSnapshot['context'];
const project = (c: Ctx) => ({
  n: c.itemCount,
  current: c.currentIndex,
  repeat: c.autoRepeatEnabled,
  shuffle: c.shuffleEnabled,
});

// Shortest paths over every event, told apart by count, current item and the two modes.
const model = createWalkModel(playbackListMachine, {
  events: Object.values(E),
  context: project,
});
const traversal = { input } as Parameters<typeof model.getShortestPaths>[0];
const shortestPaths = model.getShortestPaths(traversal);

// Simple paths explode over the full event set; two walks over subsets keep them in the
// thousands: list edits with playback, and navigation with playback.
const editWalk = createWalkModel(playbackListMachine, {
  events: pick('items3', 'items2', 'items0', 'start', 'next', 'ended', 'failed', 'opened'),
});
const navWalk = createWalkModel(playbackListMachine, {
  events: pick('items3', 'items0', 'start', 'next', 'previous', 'ended', 'failed', 'to1'),
});
const simplePaths = [...editWalk.getSimplePaths(traversal), ...navWalk.getSimplePaths(traversal)];

// Settings that change nothing the walks key on are self-loops that no generated path needs.
const scriptedPaths = [
  pick('items3', 'starting2', 'shuffleOn', 'shuffled', 'badShuffled', 'start', 'ended', 'ended'),
  pick('items3', 'shuffleOn', 'starting2', 'startingNone', 'repeatOn', 'start', 'previous'),
  pick('items3', 'start', 'shuffleOn', 'items2', 'ended', 'shuffleOff', 'repeatOff', 'to5'),
].flatMap((events) => model.getPathsFromEvents(events, traversal));
const paths = [...shortestPaths, ...simplePaths, ...scriptedPaths];

type Step = { event: AnyEventObject; state: PlaybackListSnapshot };
type Action = { type: string; params?: unknown };
const stepsOf = (path: (typeof paths)[number]) => path.steps as unknown as Step[];
const emittedBy = (actions: readonly Action[]): CurrentItemChangedEmitted[] =>
  actions.flatMap((a) =>
    a.type === 'xstate.emit' ? [(a.params as { event: CurrentItemChangedEmitted }).event] : [],
  );
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const reasonFor: Partial<Record<PlaybackListEvent['type'], string>> = {
  START: 'initialItem',
  ITEM_ENDED: 'endOfStream',
  ITEM_FAILED: 'error',
  MOVE_NEXT: 'appRequested',
  MOVE_PREVIOUS: 'appRequested',
  MOVE_TO: 'appRequested',
  ITEMS_CHANGED: 'appRequested',
};

/** Replays one path through the pure transition function; returns the invariant violations. */
function checkPath(path: (typeof paths)[number]): string[] {
  const problems: string[] = [];
  let [snapshot, actions] = initialTransition(playbackListMachine, input) as [
    PlaybackListSnapshot,
    readonly Action[],
  ];
  let prev: PlaybackListSnapshot | null = null;
  stepsOf(path).forEach((step, i) => {
    const check = (ok: boolean, what: string) => {
      if (!ok) problems.push(`${path.description} (step ${i}): ${what}`);
    };
    if (i > 0) {
      prev = snapshot;
      [snapshot, actions] = transition(
        playbackListMachine,
        snapshot,
        step.event as PlaybackListEvent,
      ) as [PlaybackListSnapshot, readonly Action[]];
    }
    check(same(snapshot.value, step.state.value), 'pure transition disagrees with the walk');
    const state = snapshot.value as PlaybackListState;
    const c = snapshot.context;
    const n = c.itemCount;

    // Indexes in range; orders are permutations; order follows the shuffle mode.
    check(
      Number.isInteger(c.currentIndex) && c.currentIndex >= -1 && c.currentIndex < n,
      'currentIndex',
    );
    check(c.startingIndex >= -1 && c.startingIndex < n, 'startingIndex');
    check(isPermutation(c.order, n), `order ${c.order} not a permutation of ${n}`);
    check(isPermutation(c.shuffleOrder, n), `shuffleOrder ${c.shuffleOrder}`);
    check(
      same(c.order, c.shuffleEnabled ? c.shuffleOrder : c.order.map((_, k) => k)),
      'order does not follow shuffleEnabled',
    );
    check(c.failedInRow >= 0 && c.failedInRow <= Math.max(n, 1), 'failedInRow');

    // The state says whether there are items and whether one is current.
    check((state === 'empty') === (n === 0), `state ${state} with ${n} items`);
    check(
      (state === 'active') === c.currentIndex >= 0,
      `state ${state}, current ${c.currentIndex}`,
    );

    // currentItemChanged: at most once a step, from the old current to the new one, with the
    // reason of the event that moved it.
    const changes = emittedBy(actions);
    check(changes.length <= 1, 'more than one change in a step');
    if (!prev) return;
    const p = prev as PlaybackListSnapshot;
    const change = changes[0];
    if (change) {
      check(change.oldIndex === p.context.currentIndex, 'oldIndex is not the previous current');
      check(change.newIndex === c.currentIndex, 'newIndex is not the new current');
      check(change.reason === reasonFor[step.event.type as PlaybackListEvent['type']], 'reason');
    } else if (step.event.type !== 'ITEMS_CHANGED') {
      check(c.currentIndex === p.context.currentIndex, 'current moved without an event');
    }
  });
  return problems;
}

describe('playbackListMachine (model-based)', () => {
  it('reaches every state, event and transition', () => {
    const coverage = graphCoverage('playbackList', playbackListMachine, paths as never);
    console.log(formatCoverage(coverage));
    expect(coverage.states.missing).toEqual([]);
    expect(coverage.events.missing).toEqual([]);
    expect(coverage.transitions.missing).toEqual([]);
    const seen = new Set(paths.flatMap((p) => stepsOf(p).map((s) => s.state.value as string)));
    expect([...seen].sort()).toEqual([...playbackListStates].sort());
  });

  it('keeps every invariant at every step of every path', () => {
    expect(shortestPaths.length).toBeGreaterThan(100);
    expect(simplePaths.length).toBeGreaterThan(1000);
    const problems = paths.flatMap(checkPath);
    expect(problems.slice(0, 10)).toEqual([]);
  }, 60_000);

  it('agrees with a real actor on every shortest path', () => {
    for (const path of shortestPaths) {
      const actor = createActor(playbackListMachine, { input }).start();
      for (const step of stepsOf(path).slice(1)) {
        actor.send(step.event as PlaybackListEvent);
        expect(actor.getSnapshot().value).toEqual(step.state.value);
        expect(project(actor.getSnapshot().context)).toEqual(project(step.state.context));
      }
      actor.stop();
    }
  });
});
