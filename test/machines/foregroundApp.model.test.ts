import { describe, expect, it } from 'vitest';
import { type AnyEventObject, createActor, initialTransition, transition } from 'xstate';
import {
  type ForegroundAppEvent,
  type ForegroundAppSnapshot,
  foregroundAppMachine,
} from '../../src/machines/foregroundApp.js';
import { createWalkModel, formatCoverage, graphCoverage } from '../support/graphCoverage.js';

const walkEvents: ForegroundAppEvent[] = [
  { type: 'APP_LAUNCHED' },
  { type: 'APP_SUSPENDED' },
  { type: 'APP_RESUMED' },
  { type: 'APP_TERMINATED' },
];

const model = createWalkModel(foregroundAppMachine, { events: walkEvents });
const paths = [...model.getShortestPaths(), ...model.getSimplePaths()];

type Step = { event: AnyEventObject; state: ForegroundAppSnapshot };
const stepsOf = (path: (typeof paths)[number]) => path.steps as unknown as Step[];

const visibilityEmitted = (actions: ReadonlyArray<{ type: string; params?: unknown }>) =>
  actions.flatMap((a) =>
    a.type === 'xstate.emit' ? [(a.params as { event: { visible: boolean } }).event.visible] : [],
  );

describe('foregroundAppMachine (model-based)', () => {
  it('reaches every state, event and transition', () => {
    const coverage = graphCoverage('foregroundApp', foregroundAppMachine, paths as never);
    console.log(formatCoverage(coverage));
    expect(coverage.states.missing).toEqual([]);
    expect(coverage.events.missing).toEqual([]);
    expect(coverage.transitions.missing).toEqual([]);
  });

  it('keeps every invariant at every step of every path', () => {
    expect(paths.length).toBeGreaterThan(2);
    for (const path of paths) {
      const steps = stepsOf(path);
      let [snapshot, actions] = initialTransition(foregroundAppMachine);
      let visible = false;
      let terminated = false;
      steps.forEach((step, i) => {
        if (i > 0) {
          // terminated is absorbing: nothing follows it.
          expect(terminated, path.description).toBe(false);
          [snapshot, actions] = transition(
            foregroundAppMachine,
            snapshot,
            step.event as ForegroundAppEvent,
          );
        }
        expect(snapshot.value).toEqual(step.state.value);

        // The tag and visibilityChanged follow the state: one emission per real change.
        const nowVisible = snapshot.matches('visible');
        expect(snapshot.hasTag('visible')).toBe(nowVisible);
        expect(visibilityEmitted(actions)).toEqual(nowVisible === visible ? [] : [nowVisible]);
        visible = nowVisible;

        terminated = snapshot.matches('terminated');
        expect(snapshot.status).toBe(terminated ? 'done' : 'active');
        if (terminated) {
          for (const event of walkEvents) expect(snapshot.can(event)).toBe(false);
          const [after] = transition(foregroundAppMachine, snapshot, { type: 'APP_LAUNCHED' });
          expect(after.value).toBe('terminated');
        }
      });
    }
  });

  it('agrees with a real actor on every path', () => {
    for (const path of paths) {
      const actor = createActor(foregroundAppMachine);
      const visibility: boolean[] = [];
      actor.on('visibilityChanged', ({ visible }) => visibility.push(visible));
      actor.start();
      let flips = 0;
      let wasVisible = false;
      for (const step of stepsOf(path).slice(1)) {
        actor.send(step.event as ForegroundAppEvent);
        expect(actor.getSnapshot().value).toEqual(step.state.value);
        const isVisible = actor.getSnapshot().hasTag('visible');
        if (isVisible !== wasVisible) flips++;
        wasVisible = isVisible;
      }
      expect(visibility).toHaveLength(flips);
      for (const [i, v] of visibility.entries()) expect(v).toBe(i % 2 === 0);
    }
  });
});
