import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import {
  type ForegroundAppEvent,
  foregroundAppMachine,
  foregroundAppStates,
} from '../../src/machines/foregroundApp.js';

function startApp() {
  const actor = createActor(foregroundAppMachine);
  const visibility: boolean[] = [];
  actor.on('visibilityChanged', ({ visible }) => visibility.push(visible));
  actor.start();
  const send = (...types: ForegroundAppEvent['type'][]) => {
    for (const type of types) actor.send({ type });
  };
  return { actor, visibility, send, value: () => actor.getSnapshot().value };
}

describe('foregroundAppMachine', () => {
  it('starts not running and not visible, without announcing anything', () => {
    const app = startApp();
    expect(app.value()).toBe('notRunning');
    expect(app.actor.getSnapshot().hasTag('visible')).toBe(false);
    expect(app.visibility).toEqual([]);
  });

  it('becomes visible on APP_LAUNCHED', () => {
    const app = startApp();
    app.send('APP_LAUNCHED');
    expect(app.value()).toBe('visible');
    expect(app.actor.getSnapshot().hasTag('visible')).toBe(true);
    expect(app.visibility).toEqual([true]);
  });

  it('reports each change of visibility across suspend and resume', () => {
    const app = startApp();
    app.send('APP_LAUNCHED', 'APP_SUSPENDED', 'APP_RESUMED', 'APP_SUSPENDED');
    expect(app.value()).toBe('suspended');
    expect(app.actor.getSnapshot().hasTag('visible')).toBe(false);
    expect(app.visibility).toEqual([true, false, true, false]);
  });

  it('ignores events that do not apply to the current state', () => {
    const app = startApp();
    app.send('APP_SUSPENDED', 'APP_RESUMED');
    expect(app.value()).toBe('notRunning');
    app.send('APP_LAUNCHED', 'APP_LAUNCHED', 'APP_RESUMED');
    expect(app.value()).toBe('visible');
    app.send('APP_SUSPENDED', 'APP_SUSPENDED', 'APP_LAUNCHED');
    expect(app.value()).toBe('suspended');
    expect(app.visibility).toEqual([true, false]);
  });

  it('terminates from visible, reporting that it is no longer visible', () => {
    const app = startApp();
    app.send('APP_LAUNCHED', 'APP_TERMINATED');
    expect(app.value()).toBe('terminated');
    expect(app.actor.getSnapshot().status).toBe('done');
    expect(app.visibility).toEqual([true, false]);
  });

  it('terminates from notRunning and suspended without a visibility change', () => {
    const fromNotRunning = startApp();
    fromNotRunning.send('APP_TERMINATED');
    expect(fromNotRunning.value()).toBe('terminated');
    expect(fromNotRunning.visibility).toEqual([]);

    const fromSuspended = startApp();
    fromSuspended.send('APP_LAUNCHED', 'APP_SUSPENDED', 'APP_TERMINATED');
    expect(fromSuspended.value()).toBe('terminated');
    expect(fromSuspended.visibility).toEqual([true, false]);
  });

  it('accepts nothing once terminated', () => {
    const app = startApp();
    app.send('APP_LAUNCHED', 'APP_TERMINATED');
    const snapshot = app.actor.getSnapshot();
    for (const type of [
      'APP_LAUNCHED',
      'APP_SUSPENDED',
      'APP_RESUMED',
      'APP_TERMINATED',
    ] as const) {
      expect(snapshot.can({ type })).toBe(false);
    }
  });

  it('lists its states', () => {
    expect(Object.keys(foregroundAppMachine.states)).toEqual([...foregroundAppStates]);
  });
});
