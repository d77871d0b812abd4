// The inspector on a running quickstart, as a person uses it: its page in a real Chromium,
// served by `startInspector` from the package and fed live by Server-Sent Events, with the
// quickstart's background task in a worker thread.
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, createMediaSystem, type MediaSystem } from 'backbeat';
import { type Inspector, type Recording, startInspector } from 'backbeat/inspector';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeMachine } from '../../src/inspector/definition.js';
import { backgroundTaskMachine } from '../../src/machines/backgroundTask.js';
import type { StateNodeDefinition } from '../../src/protocol/machineDefinition.js';
import { launchChromium, openPage, saveScreenshot } from './harness.js';
import { isCurrent, select, until } from './inspectorViews.js';

const task = new URL('../../examples/quickstart/task.mjs', import.meta.url);

let browser: Browser;
let inspector: Inspector;
let system: MediaSystem;
let app: App;

beforeAll(async () => {
  [browser, inspector] = await Promise.all([launchChromium(), startInspector({ port: 0 })]);
  system = createMediaSystem({ inspect: inspector.inspect });
  app = system.launchApp({ id: 'quickstart', task, host: 'worker' });
  const bmp = app.backgroundMediaPlayer;
  const player = bmp.current;
  bmp.sendMessageToBackground({ type: 'start' });
  await player.setVolume(0.8);
}, 60_000);
afterAll(async () => {
  await system?.dispose();
  await inspector?.close();
  await browser?.close();
});

/** Every state path of a definition, as the diagram names its nodes. */
function statePaths(node: StateNodeDefinition): string[] {
  return Object.values(node.states).flatMap((child) => [
    child.path.join('.'),
    ...statePaths(child),
  ]);
}

/** The index on the timeline of the first entry after which `app:quickstart` was suspended. */
function suspendedAt(recording: Recording): number {
  const session = Object.values(recording.actors).find((a) => a.name === 'app:quickstart');
  return recording.entries.findIndex((entry) => {
    const snapshot = entry.record.snapshot as { value?: { foreground?: string } } | undefined;
    return (
      entry.record.sessionId === session?.sessionId && snapshot?.value?.foreground === 'suspended'
    );
  });
}

describe('the inspector on a running quickstart', () => {
  let page: Page;
  let suspendIndex = -1;

  it("shows the task's backgroundTask statechart with all its states, the active ones marked", async () => {
    ({ page } = await openPage(browser, inspector.url));
    await page.getByRole('status').filter({ hasText: 'live' }).waitFor();
    await page.getByRole('treeitem', { name: 'mediaSystem', exact: true }).waitFor();
    await page.getByRole('treeitem', { name: 'quickstart#1.1/mediaPlayer', exact: true }).waitFor();
    await select(page, 'task:quickstart');
    const states = statePaths(serializeMachine(backgroundTaskMachine as never).root);
    expect(states).toEqual(expect.arrayContaining(['notStarted', 'starting', 'running']));
    for (const path of ['backgroundTask', ...states]) {
      await page.getByRole('group', { name: path, exact: true }).waitFor();
    }
    // the task runs: exactly the states its snapshot is in are current
    await until(() => isCurrent(page, 'alive'), 'the task to be alive in the diagram');
    expect(await isCurrent(page, 'notStarted')).toBe(false);
    await saveScreenshot(page, 'inspector-backgroundTask');
  });

  it('shows a message the foreground sends in the sequence view, between the app and its task', async () => {
    const sent = page.getByRole('list', { name: 'Sequence' }).getByRole('listitem', {
      name: /^message app:quickstart → quickstart#1\.1/,
    });
    const before = await sent.count();
    app.backgroundMediaPlayer.sendMessageToBackground({ type: 'hello', from: 'test' });
    await until(async () => (await sent.count()) > before, 'the message in the sequence view');
    await expect(sent.last().textContent()).resolves.toContain('foreground→task');
  });

  it("after app.suspend() the foreground's active state changes within 500 ms", async () => {
    await select(page, 'app:quickstart');
    await until(() => isCurrent(page, 'foreground.visible'), 'the app to be visible');
    const started = performance.now();
    app.suspend();
    await until(() => isCurrent(page, 'foreground.suspended'), 'the app to be suspended', 2_000);
    const took = performance.now() - started;
    expect(await isCurrent(page, 'foreground.visible')).toBe(false);
    await saveScreenshot(page, 'inspector-suspended');
    expect(took).toBeLessThan(500);
  });

  it('scrubbing the timeline back shows the earlier active state', async () => {
    suspendIndex = suspendedAt(inspector.recording());
    expect(suspendIndex).toBeGreaterThan(0);
    await page.getByRole('slider', { name: 'Timeline' }).fill(String(suspendIndex - 1));
    await until(() => isCurrent(page, 'foreground.visible'), 'the visible state before suspend');
    expect(await isCurrent(page, 'foreground.suspended')).toBe(false);
    // moving back paused the live view: it stays there while the system goes on
    await expect(
      page.getByRole('button', { name: 'Pause live updates' }).getAttribute('aria-pressed'),
    ).resolves.toBe('true');
    await page.getByRole('slider', { name: 'Timeline' }).fill(String(suspendIndex));
    await until(() => isCurrent(page, 'foreground.suspended'), 'the suspended state again');
    await saveScreenshot(page, 'inspector-scrubbed');
  });

  it('an exported recording loads in a fresh page and shows the same', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export' }).click(),
    ]);
    const file = join(tmpdir(), `backbeat-inspector-${process.pid}.json`);
    await download.saveAs(file);
    const exported = JSON.parse(await readFile(file, 'utf8')) as Recording;
    expect(exported.format).toBe('backbeat.recording');
    expect(suspendedAt(exported)).toBe(suspendIndex);

    const context = await browser.newContext();
    const { page: fresh } = await openPage(context, inspector.url);
    await fresh.getByLabel('Load recording').setInputFiles(file);
    await fresh.getByText(`${exported.entries.length} entries`).waitFor();
    await select(fresh, 'app:quickstart');
    await until(() => isCurrent(fresh, 'foreground.suspended'), 'the loaded recording at its end');
    await fresh.getByRole('slider', { name: 'Timeline' }).fill(String(suspendIndex - 1));
    await until(
      () => isCurrent(fresh, 'foreground.visible'),
      'the loaded recording, scrubbed back',
    );
    await select(fresh, 'task:quickstart');
    await fresh.getByRole('group', { name: 'running', exact: true }).waitFor();
    await saveScreenshot(fresh, 'inspector-loaded');
    await context.close();
  }, 60_000);
});
