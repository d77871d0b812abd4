import { describe, expect, it } from 'vitest';
import { raiseLater } from '../../src/actors/task/eventQueue.ts';
import { createTaskClock } from '../../src/actors/task/taskClock.ts';
import { VirtualClock } from '../../src/clock.ts';
import { Emitter } from '../../src/emitter.ts';
import { createFaultScope, outsideFaultScopes, reportFault } from '../../src/faults.ts';

describe('fault scopes', () => {
  it('an error an emitter reports while task code runs is the task fault', () => {
    const faults: unknown[] = [];
    const scope = createFaultScope((error) => faults.push(error));
    const events = new Emitter<{ tick: number }>();
    const seen: number[] = [];
    events.on('tick', () => {
      throw new Error('listener');
    });
    events.on('tick', (n) => seen.push(n));
    scope.run(() => events.emit('tick', 1));
    expect(seen).toEqual([1]);
    expect(faults).toEqual([new Error('listener')]);
  });

  it('an event queued by one task and delivered in a pass another task scheduled stays its own', async () => {
    const a: unknown[] = [];
    const b: unknown[] = [];
    const scopeA = createFaultScope((error) => a.push(error));
    const scopeB = createFaultScope((error) => b.push(error));
    // A schedules the shared queue's pass; B's event joins that pass.
    scopeA.run(() => raiseLater(() => reportFault(new Error('from a'))));
    scopeB.run(() => raiseLater(() => reportFault(new Error('from b'))));
    await Promise.resolve();
    await Promise.resolve();
    expect(a).toEqual([new Error('from a')]);
    expect(b).toEqual([new Error('from b')]);
  });

  it('follows the async context of the task, across awaits and timers', async () => {
    const faults: unknown[] = [];
    const scope = createFaultScope((error) => faults.push(error));
    await scope.run(async () => {
      await Promise.resolve();
      reportFault(new Error('after an await'));
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          reportFault(new Error('in a timer'));
          resolve();
        }, 0),
      );
    });
    expect(faults).toEqual([new Error('after an await'), new Error('in a timer')]);
    // Code run outside every scope is nobody's task: it reports as the foreground would.
    expect(outsideFaultScopes(() => scope.run(() => 'inside again'))).toBe('inside again');
  });

  it('a wrapped callback that throws is the task fault, not its caller’s; closed, it does nothing', () => {
    const faults: unknown[] = [];
    const scope = createFaultScope((error) => faults.push(error));
    let runs = 0;
    const callback = scope.wrap(() => {
      runs++;
      throw new Error('timer');
    });
    expect(() => callback()).not.toThrow();
    expect(faults).toEqual([new Error('timer')]);
    scope.close();
    callback();
    scope.fault(new Error('late'));
    expect(runs).toBe(1);
    expect(faults).toHaveLength(1);
  });
});

describe('a task clock', () => {
  it('routes each timer through bind and clears every pending timer on dispose', () => {
    const base = new VirtualClock();
    const faults: unknown[] = [];
    const scope = createFaultScope((error) => faults.push(error));
    const clock = createTaskClock(base, (fn) => scope.wrap(fn));
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(1), 10);
    clock.setTimeout(() => {
      throw new Error('in a timer');
    }, 20);
    clock.setTimeout(() => fired.push(3), 1_000);
    expect(() => base.advance(100)).not.toThrow();
    expect(fired).toEqual([1]);
    expect(faults).toEqual([new Error('in a timer')]);
    expect(clock.pending).toBe(1);
    clock.dispose();
    expect(base.pending).toBe(0);
    clock.setTimeout(() => fired.push(4), 1);
    base.advance(10_000);
    expect(fired).toEqual([1]);
  });
});
