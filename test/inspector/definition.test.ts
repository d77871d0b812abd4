import { describe, expect, test } from 'vitest';
import { createMachine } from 'xstate';
import { serializeMachine } from '../../src/inspector/definition.js';
import { backgroundTaskMachine } from '../../src/machines/backgroundTask.js';
import { mediaPlayerMachine } from '../../src/machines/mediaPlayer.js';
import { MachineDefinitionSchema } from '../../src/protocol/machineDefinition.js';

describe('serializeMachine', () => {
  test('keeps nested, parallel and initial states, tags, guards, delays and eventless moves', () => {
    const machine = createMachine({
      id: 'm',
      initial: 'a',
      states: {
        a: {
          tags: ['alive'],
          on: {
            GO: {
              target: 'b',
              guard: function ready() {
                return true;
              },
            },
          },
        },
        b: {
          type: 'parallel',
          states: {
            x: { initial: 'x1', states: { x1: { after: { 500: 'x2' } }, x2: { type: 'final' } } },
            y: { always: { target: '#m.c' } },
          },
        },
        c: { description: 'done', on: { BACK: { target: 'a', reenter: true, actions: 'log' } } },
      },
    });
    const definition = serializeMachine(machine);
    expect(MachineDefinitionSchema.parse(JSON.parse(JSON.stringify(definition)))).toEqual(
      definition,
    );
    const { root } = definition;
    expect(root.initial).toBe('a');
    expect(root.states.a?.tags).toEqual(['alive']);
    expect(root.states.a?.transitions).toEqual([{ event: 'GO', targets: ['b'], guard: 'ready' }]);
    expect(root.states.b?.type).toBe('parallel');
    expect(root.states.b?.initial).toBeUndefined();
    const x = root.states.b?.states.x;
    expect(x?.initial).toBe('x1');
    expect(x?.states.x1?.path).toEqual(['b', 'x', 'x1']);
    expect(x?.states.x1?.transitions).toEqual([
      { event: 'xstate.after.500.m.b.x.x1', targets: ['b.x.x2'], delay: 500 },
    ]);
    expect(x?.states.x2?.type).toBe('final');
    expect(root.states.b?.states.y?.transitions).toEqual([{ event: '', targets: ['c'] }]);
    expect(root.states.c?.description).toBe('done');
    expect(root.states.c?.transitions).toEqual([
      { event: 'BACK', targets: ['a'], actions: ['log'], reenter: true },
    ]);
  });

  test("Backbeat's own machines serialize to valid definitions", () => {
    for (const machine of [backgroundTaskMachine, mediaPlayerMachine]) {
      const definition = serializeMachine(machine as never);
      expect(MachineDefinitionSchema.safeParse(definition).success).toBe(true);
      expect(definition.id).toBe(machine.id);
    }
    const task = serializeMachine(backgroundTaskMachine as never);
    expect(Object.keys(task.root.states)).toContain('running');
    const named = task.root.states.starting?.transitions.find((t) =>
      t.event.startsWith('xstate.after'),
    );
    expect(named?.delay).toBe('startTimeout');
  });
});
