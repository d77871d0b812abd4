import { describe, expect, it } from 'vitest';
import { PlaybackCheckpointer } from '../../src/actors/task/checkpoint.ts';
import { MediaPlayer } from '../../src/actors/task/mediaPlayer.ts';
import { MediaPlaybackList } from '../../src/actors/task/playbackList.ts';
import {
  currentTaskEnvironment,
  provideTaskEnvironment,
  resolveEnvironment,
  type TaskEnvironment,
} from '../../src/actors/task/taskEnvironment.ts';
import { createTaskInspection } from '../../src/actors/task/taskInspection.ts';
import { createVirtualAudio } from '../../src/adapters/audio/virtual.ts';
import { systemClock, VirtualClock } from '../../src/clock.ts';
import { createFaultScope, type FaultScope } from '../../src/faults.ts';
import type { InspectRecord } from '../../src/protocol.ts';

/*
 * The environment of a task (clock, audio adapter, inspection observer) as its player classes
 * find it. These tests stand in for the inline host: each task is a fault scope, and the
 * environment is provided through the scope's `wrap`, as the task main does with `context.bind`.
 * (Worker and process hosts, whose realm holds one task, are covered end to end in
 * inspection.test.ts.)
 */

interface FakeTask {
  scope: FaultScope;
  environment: TaskEnvironment;
  records: InspectRecord[];
  faults: unknown[];
}

function inlineTask(): FakeTask {
  const faults: unknown[] = [];
  const scope = createFaultScope((error) => faults.push(error));
  const clock = new VirtualClock();
  const inspection = createTaskInspection({ enabled: true });
  const records: InspectRecord[] = [];
  inspection.connect((record) => records.push(record));
  const environment: TaskEnvironment = {
    clock,
    audio: createVirtualAudio({ clock }),
    inspect: inspection.inspect,
  };
  provideTaskEnvironment(environment, { kind: 'inline', bind: (fn) => scope.wrap(fn) });
  return { scope, environment, records, faults };
}

const announced = (records: InspectRecord[]) =>
  records.filter((r) => r.type === '@xstate.actor').map((r) => r.name);

describe('task environment', () => {
  it('outside every task there is none: the system clock, no audio, no inspection', () => {
    expect(currentTaskEnvironment()).toBeUndefined();
    expect(resolveEnvironment(undefined)).toEqual({
      clock: systemClock,
      audio: undefined,
      inspect: undefined,
    });
    expect(() => new MediaPlayer()).toThrow(TypeError);
    expect(() => new MediaPlayer()).toThrow(/audio adapter with open\(\), got `undefined`/);
    expect(new MediaPlaybackList().currentItemIndex).toBe(-1);
  });

  it('each inline task finds its own environment, in its async continuations and timers too', async () => {
    const one = inlineTask();
    const two = inlineTask();
    expect(one.scope.run(() => currentTaskEnvironment())).toBe(one.environment);
    expect(two.scope.run(() => currentTaskEnvironment())).toBe(two.environment);
    expect(currentTaskEnvironment()).toBeUndefined();

    const later = (task: FakeTask) =>
      task.scope.run(
        () =>
          new Promise<TaskEnvironment | undefined>((resolve) =>
            setTimeout(() => resolve(currentTaskEnvironment()), 0),
          ),
      );
    const [fromOne, fromTwo] = await Promise.all([later(one), later(two)]);
    expect(fromOne).toBe(one.environment);
    expect(fromTwo).toBe(two.environment);
    // A callback the task hands out (a timer of a shared clock) runs in its environment.
    let wrapped: TaskEnvironment | undefined;
    two.scope.wrap(() => {
      wrapped = currentTaskEnvironment();
    })();
    expect(wrapped).toBe(two.environment);
    expect([...one.faults, ...two.faults]).toEqual([]);
  });

  it("the player classes a task's code builds report to that task's observer only", () => {
    const one = inlineTask();
    const two = inlineTask();
    const outside = new MediaPlaybackList();
    one.scope.run(() => new MediaPlaybackList());
    // No audio given: the player makes sound through its task's adapter.
    const player = two.scope.run(() => {
      new MediaPlaybackList();
      return new MediaPlayer();
    });
    outside.autoRepeatEnabled = true;

    expect(announced(one.records)).toEqual(['playbackList']);
    expect(announced(two.records)).toEqual(['playbackList', 'mediaPlayer']);
    const sessions = (task: FakeTask) => new Set(task.records.map((r) => r.sessionId));
    for (const id of sessions(one)) expect(sessions(two).has(id)).toBe(false);
    expect(player.currentState).toBe('closed');
    player.dispose();
  });

  it('a clock or an observer that is not one is a TypeError quoting it', () => {
    expect(() => new MediaPlaybackList({ clock: 42 as never })).toThrow(TypeError);
    expect(() => new MediaPlaybackList({ clock: 42 as never })).toThrow(/`clock`.*got `42`/);
    expect(() => new MediaPlaybackList({ inspect: 'yes' as never })).toThrow(
      /`inspect`.*got `yes`/,
    );
    const seen: string[] = [];
    new MediaPlaybackList({ inspect: { next: (event) => seen.push(event.type) } });
    expect(seen).toContain('@xstate.actor');
  });

  it('what an object is given wins over its task environment', () => {
    const task = inlineTask();
    const clock = new VirtualClock();
    const resolved = task.scope.run(() => resolveEnvironment({ clock }));
    expect(resolved.clock).toBe(clock);
    expect(resolved.audio).toBe(task.environment.audio);
    expect(resolved.inspect).toBe(task.environment.inspect);

    const own: InspectRecord[] = [];
    const inspection = createTaskInspection({ enabled: true });
    inspection.connect((record) => own.push(record));
    task.scope.run(() => new MediaPlaybackList({ inspect: inspection.inspect }));
    expect(announced(own)).toEqual(['playbackList']);
    expect(announced(task.records)).toEqual([]);
  });

  it("a playlist restored from a checkpoint runs in the task's environment it was given", () => {
    const task = inlineTask();
    const player = new MediaPlayer(task.environment);
    const checkpointer = new PlaybackCheckpointer({
      player,
      environment: task.environment,
      instanceId: 'app#1.1',
      intervalMs: 5_000,
      send: () => {},
    });
    // Restored from outside every scope: the environment is handed over, not looked up.
    const list = checkpointer.restore(
      {
        version: 1,
        reason: 'paused',
        instanceId: 'app#1.0',
        items: [{ uri: 'virtual:a?duration=1000' }],
        currentItemIndex: 0,
        position: 0,
        currentState: 'paused',
        volume: 1,
        isMuted: false,
        playbackRate: 1,
        isLoopingEnabled: false,
        autoRepeatEnabled: false,
        shuffleEnabled: false,
        shuffledOrder: [],
        appState: null,
      },
      false,
    );
    expect(list.items).toHaveLength(1);
    expect(announced(task.records)).toEqual(['mediaPlayer', 'playbackList']);
    checkpointer.stop();
    player.dispose();
  });
});
