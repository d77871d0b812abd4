import { describe, expect, it } from 'vitest';
import { type AnyEventObject, createActor, initialTransition, transition } from 'xstate';
import {
  type MediaPlayerEmitted,
  type MediaPlayerEvent,
  type MediaPlayerSnapshot,
  type MediaPlayerState,
  mediaPlayerMachine,
  mediaPlayerStates,
} from '../../src/machines/mediaPlayer.ts';
import { createWalkModel, formatCoverage, graphCoverage } from '../support/graphCoverage.ts';

const DURATION = 1_000;
const walkEvents: MediaPlayerEvent[] = [
  { type: 'SET_SOURCE', source: 'virtual:a?duration=1000' },
  { type: 'SET_SOURCE', source: 'virtual:b?duration=1000', play: true },
  { type: 'SET_SOURCE' },
  { type: 'OPENED', duration: DURATION, canSeek: true },
  { type: 'OPEN_FAILED', error: 'networkError', errorMessage: 'offline' },
  { type: 'FAILED', error: 'decodingError', errorMessage: 'bad frame' },
  { type: 'PLAY' },
  { type: 'PAUSE' },
  { type: 'STOP' },
  { type: 'BUFFERING_STARTED' },
  { type: 'BUFFERING_PROGRESS', progress: 0.5 },
  { type: 'BUFFERING_PROGRESS', progress: 3 },
  { type: 'BUFFERING_ENDED' },
  { type: 'ENDED' },
  { type: 'SEEK', position: 400 },
  { type: 'SEEK', position: 5_000 },
  { type: 'SEEK', position: -1 },
  { type: 'SEEK_COMPLETED' },
  { type: 'SET_VOLUME', volume: 0.5 },
  { type: 'SET_VOLUME', volume: 1.5 },
  { type: 'SET_VOLUME', volume: Number.NaN },
  { type: 'SET_MUTED', muted: true },
  { type: 'SET_RATE', rate: 2 },
  { type: 'SET_RATE', rate: 0 },
  { type: 'SET_RATE', rate: -1 },
  { type: 'SET_LOOPING', enabled: true },
  { type: 'SET_LOOPING', enabled: false },
  { type: 'SET_AUTOPLAY', enabled: false },
  { type: 'SET_AUTOPLAY', enabled: true },
];

type Ctx = MediaPlayerSnapshot['context'];
// What tells walk states apart besides the state value: the flags that change behaviour.
const project = (c: Ctx) => ({
  autoPlay: c.autoPlay,
  looping: c.isLoopingEnabled,
  playRequested: c.playRequested,
  atEnd: c.atEnd,
});
const model = createWalkModel(mediaPlayerMachine, { events: walkEvents, context: project });
const traversal = { input: {} } as Parameters<typeof model.getShortestPaths>[0];

// Simple paths over every event and flag explode (any state can switch source), so they are
// taken over the lifecycle events alone, with source switches and failures offered only from
// `closed` and `playing`: about 1 400 paths, each a different order of the same few moves.
const lifecycleEvents = walkEvents.filter(
  (e) =>
    !(e.type === 'SET_SOURCE' && e.play) &&
    [
      'SET_SOURCE',
      'OPENED',
      'OPEN_FAILED',
      'FAILED',
      'PLAY',
      'PAUSE',
      'STOP',
      'BUFFERING_STARTED',
      'BUFFERING_ENDED',
      'ENDED',
    ].includes(e.type),
);
const lifecycleModel = createWalkModel(mediaPlayerMachine, { events: lifecycleEvents });
const lifecycleTraversal = {
  input: {},
  filterEvents: (s: MediaPlayerSnapshot, e: MediaPlayerEvent) =>
    (e.type !== 'SET_SOURCE' && e.type !== 'FAILED') || s.matches('closed') || s.matches('playing'),
} as unknown as Parameters<typeof model.getSimplePaths>[0];
const shortestPaths = model.getShortestPaths(traversal);
const simplePaths = lifecycleModel.getSimplePaths(lifecycleTraversal);
// Events that change nothing the walk keys on (settings, seek confirmations) are self-loops
// that shortest paths never need; one scripted path takes each of them.
const scriptedPaths = model.getPathsFromEvents(
  [
    { type: 'SET_SOURCE', source: 'virtual:a?duration=1000' },
    { type: 'OPENED', duration: DURATION, canSeek: true },
    { type: 'SET_VOLUME', volume: 0.5 },
    { type: 'SET_VOLUME', volume: 1.5 },
    { type: 'SET_MUTED', muted: true },
    { type: 'SET_RATE', rate: 2 },
    { type: 'SET_RATE', rate: -1 },
    { type: 'SEEK', position: 5_000 },
    { type: 'SEEK_COMPLETED' },
    { type: 'BUFFERING_STARTED' },
    { type: 'BUFFERING_PROGRESS', progress: 0.5 },
    { type: 'BUFFERING_ENDED' },
    { type: 'SET_LOOPING', enabled: true },
    { type: 'ENDED' },
  ],
  traversal,
);
const paths = [...shortestPaths, ...simplePaths, ...scriptedPaths];

type Step = { event: AnyEventObject; state: MediaPlayerSnapshot };
type Action = { type: string; params?: unknown };
const stepsOf = (path: (typeof paths)[number]) => path.steps as unknown as Step[];
const emittedBy = (actions: readonly Action[]): MediaPlayerEmitted[] =>
  actions.flatMap((a) =>
    a.type === 'xstate.emit' ? [(a.params as { event: MediaPlayerEmitted }).event] : [],
  );
const stateOf = (s: MediaPlayerSnapshot) => s.value as MediaPlayerState;
const types = (emitted: readonly MediaPlayerEmitted[], type: MediaPlayerEmitted['type']) =>
  emitted.filter((e) => e.type === type);

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Replays one path through the pure transition function, checking the invariants at every
 * step; returns the violations (plain checks: the walk has tens of thousands of steps).
 */
function checkPath(path: (typeof paths)[number]): string[] {
  const problems: string[] = [];
  let [snapshot, actions] = initialTransition(mediaPlayerMachine, {}) as [
    MediaPlayerSnapshot,
    readonly Action[],
  ];
  // Whether the track would be sounding, following only the commands the machine emits (the
  // runtime closes the track when the player closes or opens another source).
  let sounding = false;
  let prev: MediaPlayerSnapshot | null = null;
  stepsOf(path).forEach((step, i) => {
    const check = (ok: boolean, what: string) => {
      if (!ok) problems.push(`${path.description} (step ${i}): ${what}`);
    };
    if (i > 0) {
      prev = snapshot;
      [snapshot, actions] = transition(
        mediaPlayerMachine,
        snapshot,
        step.event as MediaPlayerEvent,
      ) as [MediaPlayerSnapshot, readonly Action[]];
    }
    check(same(snapshot.value, step.state.value), 'pure transition disagrees with the walk');
    const state = stateOf(snapshot);
    const ctx = snapshot.context;
    const emitted = emittedBy(actions);

    // Ranges.
    check(ctx.volume >= 0 && ctx.volume <= 1, `volume ${ctx.volume} outside 0–1`);
    check(Number.isFinite(ctx.playbackRate) && ctx.playbackRate > 0, 'rate not > 0');
    check(ctx.bufferingProgress >= 0 && ctx.bufferingProgress <= 1, 'bufferingProgress range');
    check(ctx.naturalDuration >= 0, 'negative duration');

    // Context shape per state.
    if (ctx.error !== null) check(state === 'closed', 'error outside closed');
    if (state === 'closed' || state === 'opening') {
      check(
        !ctx.canSeek && !ctx.canPause && ctx.naturalDuration === 0,
        'media facts while not open',
      );
    } else {
      check(ctx.canPause && ctx.naturalDuration === DURATION, 'open media without its facts');
    }
    if (state !== 'closed') check(typeof ctx.source === 'string', 'no source while not closed');
    if (ctx.playRequested) check(state === 'opening', 'playRequested outside opening');
    if (ctx.atEnd) check(state === 'paused', 'atEnd outside paused');

    // currentStateChanged is emitted exactly on a change of state, naming the new state.
    const before = prev ? stateOf(prev) : undefined;
    const changes = types(emitted, 'currentStateChanged').map(
      (e) => (e as { state: string }).state,
    );
    check(same(changes, state === before ? [] : [state]), `currentStateChanged ${changes}`);

    // Output commands keep the track sounding exactly while playing or buffering.
    if (state === 'closed' || state === 'opening') sounding = false;
    for (const e of emitted) {
      if (e.type === 'startOutput') sounding = true;
      if (e.type === 'pauseOutput') sounding = false;
      if (e.type === 'seekTo') {
        check(e.position >= 0 && e.position <= ctx.naturalDuration, `seekTo ${e.position}`);
      }
    }
    check(sounding === (state === 'playing' || state === 'buffering'), `sounding=${sounding}`);

    if (!prev) return;
    const p = prev as MediaPlayerSnapshot;
    // Change events say exactly what changed.
    const volumeMoved = p.context.volume !== ctx.volume || p.context.isMuted !== ctx.isMuted;
    check(types(emitted, 'volumeChanged').length === (volumeMoved ? 1 : 0), 'volumeChanged');
    const rateEvents = types(emitted, 'mediaPlayerRateChanged');
    check(
      same(
        rateEvents,
        p.context.playbackRate !== ctx.playbackRate
          ? [{ type: 'mediaPlayerRateChanged', newRate: ctx.playbackRate }]
          : [],
      ),
      'mediaPlayerRateChanged',
    );
    const failedNow = p.context.error === null && ctx.error !== null;
    check(types(emitted, 'mediaFailed').length === (failedNow ? 1 : 0), 'mediaFailed');
    const openedNow = stateOf(p) === 'opening' && state !== 'opening' && state !== 'closed';
    check(types(emitted, 'mediaOpened').length === (openedNow ? 1 : 0), 'mediaOpened');
    if (types(emitted, 'mediaEnded').length > 0) {
      check(state === 'paused' && !ctx.isLoopingEnabled, 'mediaEnded while looping or not paused');
    }
  });
  return problems;
}

describe('mediaPlayerMachine (model-based)', () => {
  it('reaches every state, event and transition', () => {
    const coverage = graphCoverage('mediaPlayer', mediaPlayerMachine, paths as never);
    console.log(formatCoverage(coverage));
    expect(coverage.states.missing).toEqual([]);
    expect(coverage.events.missing).toEqual([]);
    expect(coverage.transitions.missing).toEqual([]);
    const seen = new Set(paths.flatMap((p) => stepsOf(p).map((s) => stateOf(s.state))));
    expect([...seen].sort()).toEqual([...mediaPlayerStates].sort());
  });

  it('keeps every invariant at every step of every path', () => {
    expect(shortestPaths.length).toBeGreaterThan(100);
    expect(simplePaths.length).toBeGreaterThan(500);
    const problems = paths.flatMap(checkPath);
    expect(problems.slice(0, 10)).toEqual([]);
  }, 60_000);

  it('agrees with a real actor on every shortest path', () => {
    for (const path of shortestPaths) {
      const actor = createActor(mediaPlayerMachine, { input: {} }).start();
      for (const step of stepsOf(path).slice(1)) {
        actor.send(step.event as MediaPlayerEvent);
        expect(actor.getSnapshot().value).toEqual(step.state.value);
        expect(project(actor.getSnapshot().context)).toEqual(project(step.state.context));
      }
      actor.stop();
    }
  });
});
