/**
 * The inspector page's data model and statechart layout, outside a browser: the state of every
 * actor at a point in time, deltas folded in, bad recordings named, and the elkjs layout of
 * Backbeat's own machines (containers around children, edge labels apart).
 */
import { describe, expect, test } from 'vitest';
import { serializeMachine } from '../../src/inspector/definition.js';
import {
  type DiagramLayout,
  type LaidOutState,
  layoutDefinition,
  transitionLabel,
} from '../../src/inspector/page/layout.js';
import {
  activePaths,
  lastAtOrBefore,
  parseRecording,
  parseRecordingText,
  RecordingLoadError,
  RecordingModel,
} from '../../src/inspector/page/model.js';
import { appSessionMachine } from '../../src/machines/appSession.js';
import { backgroundTaskMachine } from '../../src/machines/backgroundTask.js';
import { mediaPlayerMachine } from '../../src/machines/mediaPlayer.js';
import type { Recording } from '../../src/protocol/recording.js';
import { buildRecording } from './fixtures/recording.js';

describe('the page model', () => {
  test('active paths of a state value include every ancestor', () => {
    expect([...activePaths('running')]).toEqual(['running']);
    expect([...activePaths({ foreground: 'visible', task: { live: 'playing' } })].sort()).toEqual([
      'foreground',
      'foreground.visible',
      'task',
      'task.live',
      'task.live.playing',
    ]);
    expect([...activePaths(undefined)]).toEqual([]);
  });

  test('lastAtOrBefore finds the last index at or before a value', () => {
    const sorted = [2, 4, 4, 9];
    expect(lastAtOrBefore(sorted, 1)).toBe(-1);
    expect(lastAtOrBefore(sorted, 2)).toBe(0);
    expect(lastAtOrBefore(sorted, 4)).toBe(2);
    expect(lastAtOrBefore(sorted, 8)).toBe(2);
    expect(lastAtOrBefore(sorted, 100)).toBe(3);
  });

  test('each actor snapshot at a seq is its latest at or before it, also after deltas', () => {
    const { recording, moments } = buildRecording();
    const split = moments.playing as number;
    const first: Recording = {
      ...structuredClone(recording),
      entries: recording.entries.slice(0, split + 1),
    };
    const model = new RecordingModel(first);
    const player = Object.values(recording.actors).find((a) => a.name === 'music#1.1/mediaPlayer');
    const value = (seq: number) =>
      (
        model.snapshotAt(player?.sessionId as string, seq)?.snapshot as
          | { value?: unknown }
          | undefined
      )?.value;
    expect(value(split)).toBe('playing');
    expect(value(moments.taskAlive as number)).toBe('closed');
    expect(value(0)).toBeUndefined(); // not started yet
    model.apply({
      kind: 'delta',
      definitions: {},
      actors: {},
      entries: recording.entries.slice(split + 1),
    });
    expect(model.lastSeq).toBe(recording.entries.length - 1);
    expect(value(moments.paused as number)).toBe('paused');
    expect(value(model.lastSeq)).toBe('playing');
    expect(model.recording).toEqual(recording);
    // a repeated or out-of-order delta merges by seq
    model.apply({
      kind: 'delta',
      definitions: {},
      actors: {},
      entries: recording.entries.slice(5, 9),
    });
    expect(model.recording.entries.map((e) => e.seq)).toEqual(recording.entries.map((e) => e.seq));
    expect(model.events.length).toBe(
      recording.entries.filter((e) => e.record.type === '@xstate.event').length,
    );
  });

  test('a bad recording is rejected naming what is wrong', () => {
    const { recording } = buildRecording();
    const broken = structuredClone(recording) as unknown as { entries: { time: unknown }[] };
    (broken.entries[2] as { time: unknown }).time = 'soon';
    expect(() => parseRecording(broken)).toThrow(RecordingLoadError);
    expect(() => parseRecording(broken)).toThrow(/entries\.2\.time/);
    expect(() => parseRecording([])).toThrow(/got an array/);
    expect(() => parseRecording({ format: 'other' })).toThrow(/format is "other"/);
    expect(() => parseRecordingText('{')).toThrow(/not JSON/);
    expect(parseRecordingText(JSON.stringify(recording))).toEqual(recording);
  });

  test('transition labels: events, guards, eventless and delayed moves', () => {
    expect(transitionLabel({ event: 'PLAY', targets: ['playing'] })).toBe('PLAY');
    expect(transitionLabel({ event: 'GO', targets: ['b'], guard: 'ready' })).toBe('GO [ready]');
    expect(transitionLabel({ event: '', targets: ['c'] })).toBe('always');
    expect(transitionLabel({ event: 'xstate.after.500.m.a', targets: ['b'], delay: 500 })).toBe(
      'after 500 ms',
    );
    expect(transitionLabel({ event: 'xstate.after.x', targets: ['b'], delay: 'grace' })).toBe(
      'after grace',
    );
  });
});

interface Box {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

function absolute(
  state: LaidOutState,
  ox: number,
  oy: number,
  out: Map<string, Box & { state: LaidOutState }>,
) {
  const box = {
    name: state.name,
    x: ox + state.x,
    y: oy + state.y,
    width: state.width,
    height: state.height,
    state,
  };
  out.set(state.name, box);
  for (const child of state.children) absolute(child, box.x, box.y, out);
  return out;
}

const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

function checkLayout(layout: DiagramLayout): void {
  const boxes = absolute(layout.root, 0, 0, new Map());
  for (const box of boxes.values()) {
    // every child inside its container; siblings apart
    for (const child of box.state.children) {
      const c = boxes.get(child.name) as Box;
      expect(c.x, `${c.name} inside ${box.name}`).toBeGreaterThanOrEqual(box.x);
      expect(c.y).toBeGreaterThanOrEqual(box.y);
      expect(c.x + c.width).toBeLessThanOrEqual(box.x + box.width + 0.01);
      expect(c.y + c.height).toBeLessThanOrEqual(box.y + box.height + 0.01);
    }
    const siblings = box.state.children.map((c) => boxes.get(c.name) as Box);
    for (let i = 0; i < siblings.length; i++) {
      for (let j = i + 1; j < siblings.length; j++) {
        expect(
          overlap(siblings[i] as Box, siblings[j] as Box),
          `${siblings[i]?.name} / ${siblings[j]?.name}`,
        ).toBe(false);
      }
    }
  }
  const labels = layout.edges.flatMap((e) =>
    e.labelBox ? [{ name: e.label, ...e.labelBox }] : [],
  );
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      expect(
        overlap(labels[i] as Box, labels[j] as Box),
        `labels ${labels[i]?.name} / ${labels[j]?.name}`,
      ).toBe(false);
    }
  }
  // labels clear of atomic states
  const atomic = [...boxes.values()].filter((b) => b.state.children.length === 0);
  for (const label of labels) {
    for (const state of atomic) {
      expect(overlap(label, state), `label ${label.name} on state ${state.name}`).toBe(false);
    }
  }
}

describe('the statechart layout', () => {
  test.each([
    ['backgroundTask', backgroundTaskMachine],
    ['mediaPlayer', mediaPlayerMachine],
    ['appSession', appSessionMachine],
  ])('%s: containers hold their children, labels do not overlap', async (id, machine) => {
    const definition = serializeMachine(machine);
    const layout = await layoutDefinition(definition);
    expect(layout.root.name).toBe(id);
    checkLayout(layout);
    const withTarget = (function count(n: typeof definition.root): number {
      return (
        n.transitions.reduce((sum, t) => sum + t.targets.length, 0) +
        Object.values(n.states).reduce((sum, c) => sum + count(c), 0)
      );
    })(definition.root);
    expect(layout.edges.filter((e) => !e.initial).length).toBe(withTarget);
  });
});
