import { readFile } from 'node:fs/promises';
import { createMediaSystem, type MediaSystem, TaskUnavailableError, ValueSetError } from 'backbeat';
import * as task from 'backbeat/task';
import { afterEach, describe, expect, it } from 'vitest';
import { hosts, nextMessage, taskUrl } from './helpers.ts';

let system: MediaSystem | undefined;
afterEach(async () => {
  await system?.dispose();
  system = undefined;
});

describe.each(hosts)('the task side is one module graph, on the %s host', (host) => {
  it("what the runtime hands a task is made of the classes the task imports from 'backbeat/task'", async () => {
    system = createMediaSystem();
    const bmp = system.launchApp({
      id: 'a',
      task: taskUrl('identity'),
      host,
    }).backgroundMediaPlayer;
    const ready = nextMessage(bmp, (d) => d.type === 'ready', 20_000);
    void bmp.current;
    expect(await ready).toEqual({
      type: 'ready',
      player: true,
      controls: true,
      list: true,
      item: true,
      source: true,
      error: true,
      errorName: 'ValueSetError',
    });
  });
});

describe('Backbeat errors made by another copy of the package in the same realm', () => {
  it('are instances of the class of the same name, and of no other class', () => {
    const fromTask = (() => {
      try {
        task.defineMessages({}).parse({ type: 1 });
      } catch (error) {
        return error;
      }
    })();
    expect(task.ValueSetError).not.toBe(ValueSetError);
    expect(fromTask).toBeInstanceOf(task.ValueSetError);
    expect(fromTask).toBeInstanceOf(ValueSetError);
    expect(new ValueSetError('x')).toBeInstanceOf(task.ValueSetError);
    expect(fromTask).toBeInstanceOf(Error);
    expect(fromTask).not.toBeInstanceOf(TaskUnavailableError);
    expect(new TaskUnavailableError('gone')).not.toBeInstanceOf(task.ValueSetError);
    const impostor = Object.assign(new Error('x'), { name: 'ValueSetError' });
    expect(impostor).not.toBeInstanceOf(ValueSetError);
    expect({ name: 'ValueSetError' }).not.toBeInstanceOf(task.ValueSetError);
  });
});

describe('the built task entry', () => {
  it('is the bundle, and leaves the native and optional packages to load on demand', async () => {
    const entry = new URL(import.meta.resolve('backbeat/task'));
    const code = await readFile(entry, 'utf8');
    expect(code).toMatch(/from"\.\/chunks\/[\w-]+\.js"/);
    expect(code).not.toMatch(/from\s*["']\.\/actors\//);
    const main = new URL('./actors/task/taskMain.node.js', entry);
    const mainCode = await readFile(main, 'utf8');
    expect(mainCode).toMatch(/import\("\.\.\/\.\.\/chunks\/webAudio-[\w-]+\.js"\)/);
    expect(mainCode).not.toMatch(/from\s*["']node-web-audio-api["']/);
  });
});

describe('fault scopes seen by two copies of the runtime in one realm', () => {
  it("a scope one copy entered is the other's too: its faults go to the task, not the process", async () => {
    type Faults = typeof import('../../src/faults.ts');
    // Two instances of the built module, as the foreground's files and the task bundle hold.
    const built = new URL('./faults.js', import.meta.resolve('backbeat'));
    const copy = (name: string): Promise<Faults> =>
      import(/* @vite-ignore */ `${built.href}?copy=${name}`);
    const foreground = await copy('foreground');
    const taskSide = await copy('task');
    expect(taskSide).not.toBe(foreground);
    const faults: unknown[] = [];
    const scope = foreground.createFaultScope((error) => faults.push(error));
    const boom = new Error('boom');
    let later: (() => void) | undefined;
    scope.run(() => {
      taskSide.reportFault(boom);
      later = taskSide.bindToFaultScope(() => taskSide.reportFault('later'));
    });
    later?.();
    expect(faults).toEqual([boom, 'later']);
    scope.close();
  });
});
