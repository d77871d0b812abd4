import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTestSystem, type LifecyclePath, lifecyclePaths } from 'backbeat/testing';
import { afterEach, describe, expect, it } from 'vitest';

const fixture = (path: string) => new URL(`../fixtures/${path}.mjs`, import.meta.url);
/**
 * The README's example task ("A task and its foreground"), taken from the README as it stands, so
 * the two cannot drift apart. Its player autoplays (MediaPlayer.autoPlay is on by default).
 */
const readmeTask = (() => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /```js\n(\/\/ task\.mjs[^\n]*\n[\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no ```js block starting with `// task.mjs`');
  const url = fixture('tasks/readmeTask.generated');
  writeFileSync(fileURLToPath(url), block);
  return url;
})();
const waitingTask = fixture('policy/player');

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});

/** Runs `path` on a fresh test system; the README's intro is 3 s, so the timeout is shorter. */
async function walk(path: LifecyclePath, task: URL, host: 'inline' | 'worker' = 'inline') {
  const system = createTestSystem({ deviceFamily: path.deviceFamily, inactivityTimeoutMs: 500 });
  dispose = () => system.dispose();
  const app = system.launchApp({ id: 'music', task, host });
  return path.run(system, app);
}

function expectEnding(run: Awaited<ReturnType<typeof walk>>, path: LifecyclePath) {
  expect(run.ending, path.description).toEqual(path.expected);
  expect(run.outcome, path.description).toBe(
    path.expected.task === 'alive'
      ? 'alive'
      : path.expected.task === 'canceled'
        ? 'completed'
        : 'terminated',
  );
}

describe('lifecycle paths of an autoplaying task', () => {
  it('start from the task playing: suspending it at once is no conditionLoss', () => {
    const paths = lifecyclePaths({ deviceFamily: 'mobile', autoPlay: true });
    expect(paths.every((p) => p.autoPlay && p.description.startsWith('autoplay → '))).toBe(true);
    expect(paths.some((p) => p.steps[0]!.event === 'play')).toBe(false);
    const suspend = paths.find((p) => p.steps[0]!.event === 'suspend');
    expect(suspend?.steps[0]?.expected).toMatchObject({
      player: 'playing',
      ending: { task: 'alive' },
    });
    expect(lifecyclePaths({ deviceFamily: 'mobile' }).every((p) => !p.autoPlay)).toBe(true);
  });

  it('refuse an autoPlay option that is not a boolean, quoting it', () => {
    expect(() => lifecyclePaths({ autoPlay: 'yes' as never })).toThrow(/autoPlay.*`yes`/);
  });

  describe.each(['desktop', 'mobile', 'other'] as const)(
    "the README's example task on %s",
    (deviceFamily) => {
      const paths = lifecyclePaths({ deviceFamily, autoPlay: true });
      it.each(paths.map((p) => [p.description, p] as const))('%s', async (_, path) => {
        const run = await walk(path, readmeTask);
        expectEnding(run, path);
        expect(run.errors).toEqual([]);
      });
    },
  );

  it("the README's example task on the worker host", async () => {
    const paths = lifecyclePaths({ deviceFamily: 'mobile', autoPlay: true })
      .filter((p) => p.steps.length === 1)
      .slice(0, 5);
    expect(paths.length).toBe(5);
    for (const path of paths) {
      const run = await walk(path, readmeTask, 'worker');
      expectEnding(run, path);
      await dispose?.();
      dispose = undefined;
    }
  });

  it('a path for a waiting task, run on an autoplaying one, says which paths to generate', async () => {
    const [path] = lifecyclePaths({ deviceFamily: 'mobile', events: ['suspend'] });
    await expect(walk(path!, readmeTask)).rejects.toMatchObject({
      code: 'LIFECYCLE_PATH_DIVERGED',
      message: expect.stringContaining('lifecyclePaths({ autoPlay: true })'),
    });
  });
});

describe('lifecycle paths of a task that waits for play()', () => {
  it.each(['desktop', 'mobile'] as const)('%s: every path is followed', async (deviceFamily) => {
    const paths = lifecyclePaths({ deviceFamily });
    expect(paths.length).toBeGreaterThan(1);
    for (const path of paths) {
      expectEnding(await walk(path, waitingTask), path);
      await dispose?.();
      dispose = undefined;
    }
  });

  it('an autoplay path, run on a waiting task, says which paths to generate', async () => {
    const [path] = lifecyclePaths({ deviceFamily: 'mobile', autoPlay: true, events: ['pause'] });
    await expect(walk(path!, waitingTask)).rejects.toMatchObject({
      code: 'LIFECYCLE_PATH_DIVERGED',
      message: expect.stringMatching(/playing by itself.*autoPlay: false/),
    });
  });
});
