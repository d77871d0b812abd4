import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { VirtualClock } from '../../src/clock.ts';
import { exclusivityMachine } from '../../src/machines/policies/exclusivity.ts';
import {
  DEFAULT_INACTIVITY_TIMEOUT_MS,
  inactivityTimeoutMachine,
} from '../../src/machines/policies/inactivityTimeout.ts';
import { sharedLifetimeMachine } from '../../src/machines/policies/sharedLifetime.ts';

function startExclusivity(enabled: boolean) {
  const actor = createActor(exclusivityMachine, { input: { enabled } }).start();
  const cancels: unknown[] = [];
  actor.on('cancelTask', (e) => cancels.push(e));
  return { actor, cancels };
}

describe('exclusivity policy', () => {
  it('cancels the older task when another app starts one', () => {
    const { actor, cancels } = startExclusivity(true);
    actor.send({ type: 'TASK_STARTED', appId: 'music' });
    expect(cancels).toEqual([]);
    expect(actor.getSnapshot().value).toBe('held');
    actor.send({ type: 'TASK_STARTED', appId: 'podcasts' });
    expect(cancels).toEqual([{ type: 'cancelTask', appId: 'music', reason: 'systemPolicy' }]);
    expect(actor.getSnapshot().context.holder).toBe('podcasts');
  });

  it('does not cancel an app restarting its own task', () => {
    const { actor, cancels } = startExclusivity(true);
    actor.send({ type: 'TASK_STARTED', appId: 'music' });
    actor.send({ type: 'TASK_STARTED', appId: 'music' });
    expect(cancels).toEqual([]);
  });

  it('frees the device when the holder ends, not when a loser ends', () => {
    const { actor, cancels } = startExclusivity(true);
    actor.send({ type: 'TASK_STARTED', appId: 'music' });
    actor.send({ type: 'TASK_STARTED', appId: 'podcasts' });
    actor.send({ type: 'TASK_ENDED', appId: 'music' });
    expect(actor.getSnapshot().value).toBe('held');
    actor.send({ type: 'TASK_ENDED', appId: 'podcasts' });
    expect(actor.getSnapshot().value).toBe('free');
    expect(actor.getSnapshot().context.holder).toBeNull();
    actor.send({ type: 'TASK_STARTED', appId: 'music' });
    expect(cancels).toHaveLength(1);
  });

  it('cancels the holder when audio is taken elsewhere, and frees the device', () => {
    const { actor, cancels } = startExclusivity(true);
    actor.send({ type: 'TAKEN_ELSEWHERE' });
    expect(cancels).toEqual([]);
    actor.send({ type: 'TASK_STARTED', appId: 'music' });
    actor.send({ type: 'TAKEN_ELSEWHERE' });
    expect(cancels).toEqual([{ type: 'cancelTask', appId: 'music', reason: 'systemPolicy' }]);
    expect(actor.getSnapshot().value).toBe('free');
    expect(actor.getSnapshot().context.holder).toBeNull();
    // The cancelled task ending later changes nothing; a new task holds again.
    actor.send({ type: 'TASK_ENDED', appId: 'music' });
    actor.send({ type: 'TASK_STARTED', appId: 'podcasts' });
    expect(cancels).toHaveLength(1);
    expect(actor.getSnapshot().context.holder).toBe('podcasts');
  });

  it('never cancels when disabled', () => {
    const { actor, cancels } = startExclusivity(false);
    expect(actor.getSnapshot().value).toBe('disabled');
    actor.send({ type: 'TASK_STARTED', appId: 'music' });
    actor.send({ type: 'TASK_STARTED', appId: 'podcasts' });
    actor.send({ type: 'TAKEN_ELSEWHERE' });
    expect(cancels).toEqual([]);
  });
});

function startInactivity(input: { enabled: boolean; timeoutMs?: number; appId?: string }) {
  const clock = new VirtualClock();
  const actor = createActor(inactivityTimeoutMachine, { input, clock }).start();
  const cancels: unknown[] = [];
  actor.on('cancelTask', (e) => cancels.push(e));
  return { clock, actor, cancels };
}

describe('inactivity timeout policy', () => {
  it('fires exactly at timeoutMs after the foreground hides while not playing', () => {
    const { clock, actor, cancels } = startInactivity({
      enabled: true,
      timeoutMs: 10_000,
      appId: 'music',
    });
    expect(actor.getSnapshot().value).toBe('watching');
    actor.send({ type: 'FOREGROUND_VISIBLE', visible: false });
    expect(actor.getSnapshot().value).toBe('counting');
    clock.advance(9_999);
    expect(cancels).toEqual([]);
    clock.advance(1);
    expect(cancels).toEqual([{ type: 'cancelTask', appId: 'music', reason: 'idleTask' }]);
    expect(actor.getSnapshot().value).toBe('expired');
  });

  it('defaults to five minutes', () => {
    const { clock, actor, cancels } = startInactivity({ enabled: true });
    expect(actor.getSnapshot().context.timeoutMs).toBe(DEFAULT_INACTIVITY_TIMEOUT_MS);
    actor.send({ type: 'FOREGROUND_VISIBLE', visible: false });
    clock.advance(299_999);
    expect(cancels).toHaveLength(0);
    clock.advance(1);
    expect(cancels).toHaveLength(1);
  });

  it('does not count while playing, and counts from the moment playback stops', () => {
    const { clock, actor, cancels } = startInactivity({ enabled: true, timeoutMs: 1_000 });
    actor.send({ type: 'PLAYING', playing: true });
    actor.send({ type: 'FOREGROUND_VISIBLE', visible: false });
    expect(actor.getSnapshot().value).toBe('watching');
    clock.advance(5_000);
    actor.send({ type: 'PLAYING', playing: false });
    expect(actor.getSnapshot().value).toBe('counting');
    clock.advance(999);
    expect(cancels).toHaveLength(0);
    clock.advance(1);
    expect(cancels).toHaveLength(1);
  });

  it('is reset by the foreground resuming', () => {
    const { clock, actor, cancels } = startInactivity({ enabled: true, timeoutMs: 1_000 });
    actor.send({ type: 'FOREGROUND_VISIBLE', visible: false });
    clock.advance(900);
    actor.send({ type: 'FOREGROUND_VISIBLE', visible: true });
    expect(actor.getSnapshot().value).toBe('watching');
    clock.advance(5_000);
    expect(cancels).toHaveLength(0);
    actor.send({ type: 'FOREGROUND_VISIBLE', visible: false });
    clock.advance(999);
    expect(cancels).toHaveLength(0);
    clock.advance(1);
    expect(cancels).toHaveLength(1);
  });

  it('is reset by playback starting', () => {
    const { clock, actor, cancels } = startInactivity({ enabled: true, timeoutMs: 1_000 });
    actor.send({ type: 'FOREGROUND_VISIBLE', visible: false });
    clock.advance(900);
    actor.send({ type: 'PLAYING', playing: true });
    clock.advance(900);
    actor.send({ type: 'PLAYING', playing: false });
    clock.advance(900);
    expect(cancels).toHaveLength(0);
    clock.advance(100);
    expect(cancels).toHaveLength(1);
  });

  it('keeps the running timer when a fact leaves both conditions unchanged', () => {
    const { clock, actor, cancels } = startInactivity({ enabled: true, timeoutMs: 1_000 });
    actor.send({ type: 'FOREGROUND_VISIBLE', visible: false });
    clock.advance(600);
    actor.send({ type: 'PLAYING', playing: false });
    actor.send({ type: 'FOREGROUND_VISIBLE', visible: false });
    clock.advance(400);
    expect(cancels).toHaveLength(1);
  });

  it('stops watching when the task ends', () => {
    const { clock, actor, cancels } = startInactivity({ enabled: true, timeoutMs: 1_000 });
    actor.send({ type: 'FOREGROUND_VISIBLE', visible: false });
    actor.send({ type: 'TASK_ENDED' });
    expect(actor.getSnapshot().status).toBe('done');
    clock.advance(10_000);
    expect(cancels).toHaveLength(0);
    expect(clock.pending).toBe(0);
  });

  it('starts counting at once when created for an inactive task', () => {
    const clock = new VirtualClock();
    const actor = createActor(inactivityTimeoutMachine, {
      input: { enabled: true, timeoutMs: 50, foregroundVisible: false, playing: false },
      clock,
    }).start();
    expect(actor.getSnapshot().value).toBe('counting');
    clock.advance(50);
    expect(actor.getSnapshot().value).toBe('expired');
  });

  it('never counts when disabled, but still records the facts', () => {
    const { clock, actor, cancels } = startInactivity({ enabled: false, timeoutMs: 1_000 });
    actor.send({ type: 'FOREGROUND_VISIBLE', visible: false });
    expect(actor.getSnapshot().value).toBe('disabled');
    expect(actor.getSnapshot().context.foregroundVisible).toBe(false);
    clock.advance(1_000_000);
    expect(cancels).toHaveLength(0);
    expect(clock.pending).toBe(0);
  });

  it('refuses a bad timeout, quoting it', () => {
    const actor = createActor(inactivityTimeoutMachine, {
      input: { enabled: true, timeoutMs: -5 },
    });
    const errors: unknown[] = [];
    actor.subscribe({ error: (e) => errors.push(e) });
    actor.start();
    expect(String(errors[0])).toContain('got `-5`');
  });
});

describe('shared lifetime policy', () => {
  it('cancels the task with terminating when the foreground shuts down', () => {
    const actor = createActor(sharedLifetimeMachine, {
      input: { enabled: true, appId: 'music' },
    }).start();
    const cancels: unknown[] = [];
    actor.on('cancelTask', (e) => cancels.push(e));
    actor.send({ type: 'FOREGROUND_TERMINATED' });
    expect(cancels).toEqual([{ type: 'cancelTask', appId: 'music', reason: 'terminating' }]);
    expect(actor.getSnapshot().value).toBe('foregroundGone');
    actor.send({ type: 'FOREGROUND_TERMINATED' });
    expect(cancels).toHaveLength(1);
    actor.send({ type: 'TASK_ENDED' });
    expect(actor.getSnapshot().status).toBe('done');
  });

  it('lets the task end without touching the foreground', () => {
    const actor = createActor(sharedLifetimeMachine, { input: { enabled: true } }).start();
    const emitted: unknown[] = [];
    actor.on('*', (e) => emitted.push(e));
    actor.send({ type: 'TASK_ENDED' });
    expect(actor.getSnapshot().value).toBe('ended');
    expect(emitted).toEqual([]);
  });

  it('does nothing on foreground shutdown when disabled', () => {
    const actor = createActor(sharedLifetimeMachine, { input: { enabled: false } }).start();
    const cancels: unknown[] = [];
    actor.on('cancelTask', (e) => cancels.push(e));
    expect(actor.getSnapshot().value).toBe('disabled');
    actor.send({ type: 'FOREGROUND_TERMINATED' });
    expect(cancels).toEqual([]);
  });
});
