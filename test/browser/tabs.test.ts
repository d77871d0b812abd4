import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backbeat } from '../../dist/vite.js';
import {
  launchChromium,
  openPage,
  type PageLog,
  type PageServer,
  saveScreenshot,
  servePages,
} from './harness.js';

// What the page exposes (test/browser/pages/tabs/main.js).
interface Task {
  appId: string;
  instanceId: string;
  state: string;
  tab?: 'other';
}
interface Outcome {
  ok: boolean;
  name?: string;
  message?: string;
}
interface Tabs {
  trail: string[];
  share(): void;
  stop(): void;
  start(appId: string): string;
  complete(appId: string): void;
  dispose(): void;
  backgroundTasks(): Task[];
  held(): Promise<string[]>;
  badInputs(): Record<'noSystem' | 'badName' | 'noLocks', Outcome>;
}
declare const window: { tabs: Tabs; tabsApp: TabsApp };

let browser: Browser;
let server: PageServer;
let context: BrowserContext;
let logs: PageLog[];

beforeAll(async () => {
  [browser, server] = await Promise.all([
    launchChromium(),
    servePages(new URL('./pages/tabs/', import.meta.url), { plugins: [backbeat()] }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
// One context per test: its tabs are one origin's, with their own locks.
beforeEach(async () => {
  context = await browser.newContext();
  logs = [];
});
afterEach(async () => {
  for (const log of logs) expect(log.errors).toEqual([]);
  await context.close();
});

async function tab(query = ''): Promise<Page> {
  const { page, log } = await openPage(context, `${server.url}${query}`);
  logs.push(log);
  await page.waitForFunction(() => 'tabs' in window, null, { timeout: 10_000 });
  return page;
}
/**
 * Waits until the page's tab does (or, with `held: false`, does not) hold the audio lock. The
 * page answers with a promise, so it is asked from here in a bounded poll: a waitForFunction
 * predicate that returns a promise would end at once.
 */
async function untilAudioLock(page: Page, held: boolean): Promise<void> {
  const holds = async () =>
    (await page.evaluate(() => window.tabs.held())).includes('backbeat.audio');
  for (let i = 0; i < 400 && (await holds()) !== held; i++) await page.waitForTimeout(25);
  expect(await holds(), `the tab ${held ? 'holds' : 'has let go of'} the audio lock`).toBe(held);
}

const tasksOf = (page: Page) => page.evaluate(() => window.tabs.backgroundTasks());
/** Waits until `page`'s backgroundTasks() equals `expected` (as JSON); returns them. */
async function until(page: Page, expected: Task[]): Promise<Task[]> {
  const want = JSON.stringify(expected);
  await page
    .waitForFunction((w) => JSON.stringify(window.tabs.backgroundTasks()) === w, want, {
      timeout: 10_000,
    })
    .catch(async () => {
      throw new Error(
        `backgroundTasks() never became ${want}; it is ${JSON.stringify(await tasksOf(page))}`,
      );
    });
  return tasksOf(page);
}

describe('tabs of one origin, exclusivity on', () => {
  it("the second tab's task start cancels the first tab's with systemPolicy, and each sees the other's task", async () => {
    const first = await tab();
    const second = await tab();
    const a = await first.evaluate(() => window.tabs.start('music'));
    // The first tab's task holds audio; the second tab lists it as another tab's.
    await untilAudioLock(first, true);
    await until(second, [{ appId: 'music', instanceId: a, state: 'alive', tab: 'other' }]);

    const b = await second.evaluate(() => window.tabs.start('podcasts'));
    await first.waitForFunction(() => window.tabs.trail.includes('audioTakenElsewhere'), null, {
      timeout: 10_000,
    });
    expect(await first.evaluate(() => window.tabs.trail)).toEqual([
      'music:starting',
      'music:alive',
      'audioTakenElsewhere',
      'music:canceling',
    ]);
    expect(await second.evaluate(() => window.tabs.trail)).toEqual([
      'podcasts:starting',
      'podcasts:alive',
    ]);
    await until(first, [
      { appId: 'music', instanceId: a, state: 'canceling' },
      { appId: 'podcasts', instanceId: b, state: 'alive', tab: 'other' },
    ]);
    await until(second, [
      { appId: 'podcasts', instanceId: b, state: 'alive' },
      { appId: 'music', instanceId: a, state: 'canceling', tab: 'other' },
    ]);

    // The cancelled task completes: it leaves both lists; the lock stays with the second tab.
    await first.evaluate(() => window.tabs.complete('music'));
    await until(second, [{ appId: 'podcasts', instanceId: b, state: 'alive' }]);
    await until(first, [{ appId: 'podcasts', instanceId: b, state: 'alive', tab: 'other' }]);
    expect(await second.evaluate(() => window.tabs.trail)).not.toContain('audioTakenElsewhere');
    await saveScreenshot(first, 'tabs-first-after-steal');
    await saveScreenshot(second, 'tabs-second-holds-audio');

    // The first tab starts again: now the second tab's task is the one cancelled.
    await first.evaluate(() => window.tabs.start('music'));
    await second.waitForFunction(() => window.tabs.trail.includes('podcasts:canceling'), null, {
      timeout: 10_000,
    });
    expect((await second.evaluate(() => window.tabs.trail)).slice(-2)).toEqual([
      'audioTakenElsewhere',
      'podcasts:canceling',
    ]);
  });

  it('a tab with no live task lets the audio lock go; a later start takes it without cancelling anyone', async () => {
    const first = await tab();
    const second = await tab();
    await first.evaluate(() => window.tabs.start('music'));
    await untilAudioLock(first, true);
    await first.evaluate(() => window.tabs.complete('music'));
    await untilAudioLock(first, false);
    await second.evaluate(() => window.tabs.start('podcasts'));
    await untilAudioLock(second, true);
    expect(await first.evaluate(() => window.tabs.trail)).toEqual([
      'music:starting',
      'music:alive',
      'music:completed',
    ]);
  });

  it("a closed tab's tasks leave the other tabs' lists; a stopped share says goodbye", async () => {
    const first = await tab();
    const second = await tab();
    const third = await tab('?exclusivity=off');
    const b = await second.evaluate(() => window.tabs.start('podcasts'));
    const c = await third.evaluate(() => window.tabs.start('radio'));
    await until(first, [
      { appId: 'podcasts', instanceId: b, state: 'alive', tab: 'other' },
      { appId: 'radio', instanceId: c, state: 'alive', tab: 'other' },
    ]);
    // Closed without a word: its presence lock is released, which the others wait for.
    await second.close();
    await until(first, [{ appId: 'radio', instanceId: c, state: 'alive', tab: 'other' }]);
    await third.evaluate(() => window.tabs.stop());
    await until(first, []);
    // A stopped share hears nothing more.
    expect(await third.evaluate(() => window.tabs.backgroundTasks())).toEqual([
      { appId: 'radio', instanceId: c, state: 'alive' },
    ]);
  });

  it('a tab that joins late learns the tasks of the tabs already there', async () => {
    const first = await tab();
    const a = await first.evaluate(() => window.tabs.start('music'));
    const late = await tab();
    await until(late, [{ appId: 'music', instanceId: a, state: 'alive', tab: 'other' }]);
  });

  it('a disposed system leaves the tabs: its tasks end, the lock goes, the others forget it', async () => {
    const first = await tab();
    const second = await tab();
    await first.evaluate(() => window.tabs.start('music'));
    await second.waitForFunction(() => window.tabs.backgroundTasks().length === 1);
    await first.evaluate(() => window.tabs.dispose());
    await until(second, []);
    await untilAudioLock(first, false);
  });
});

describe('tabs of one origin, exclusivity off', () => {
  it('takes no lock and cancels nothing, and still shares the lists', async () => {
    const first = await tab('?exclusivity=off');
    const second = await tab('?exclusivity=off');
    const a = await first.evaluate(() => window.tabs.start('music'));
    const b = await second.evaluate(() => window.tabs.start('podcasts'));
    await until(first, [
      { appId: 'music', instanceId: a, state: 'alive' },
      { appId: 'podcasts', instanceId: b, state: 'alive', tab: 'other' },
    ]);
    expect(await first.evaluate(() => window.tabs.held())).not.toContain('backbeat.audio');
    expect(await first.evaluate(() => window.tabs.trail)).toEqual([
      'music:starting',
      'music:alive',
    ]);
  });
});

describe('bad input', () => {
  it('refuses a system that cannot share, a bad name and missing Web Locks, quoting them', async () => {
    const page = await tab('?manual');
    const outcomes = await page.evaluate(() => window.tabs.badInputs());
    expect(outcomes.noSystem).toMatchObject({ ok: false, name: 'TypeError' });
    expect(outcomes.noSystem.message).toMatch(
      /a media system from createMediaSystem\(\), got `\{\}`/,
    );
    expect(outcomes.badName.message).toMatch(/\{ name \} as a non-empty string, got ``/);
    expect(outcomes.noLocks.message).toMatch(/needs Web Locks \(navigator.locks\), got `\{\}`/);
  });
});

// app.html: a real app of the built package (test/browser/pages/tabs/app.js).
interface TabsApp {
  states: string[];
  messages: Array<{ type: string; reason?: string }>;
  start(): void;
  backgroundTasks(): Task[];
}

async function appTab(query: string): Promise<Page> {
  const { page, log } = await openPage(context, `${server.url}app.html${query}`);
  logs.push(log);
  await page.waitForFunction(() => 'tabsApp' in window, null, { timeout: 10_000 });
  return page;
}
const appTasks = (page: Page) => page.evaluate(() => window.tabsApp.backgroundTasks());
/** Waits until the app's last task state is `state`. */
async function untilLastState(page: Page, state: string): Promise<void> {
  await page
    .waitForFunction((s) => window.tabsApp.states.at(-1) === s, state, { timeout: 10_000 })
    .catch(async () => {
      const seen = await page.evaluate(() => window.tabsApp.states);
      throw new Error(`the task never reached ${state}; its states: ${seen.join(', ')}`);
    });
}
/** Waits until the app's system lists `expected` (as JSON) in backgroundTasks(). */
async function untilAppTasks(page: Page, expected: Task[]): Promise<void> {
  const want = JSON.stringify(expected);
  await page
    .waitForFunction((w) => JSON.stringify(window.tabsApp.backgroundTasks()) === w, want, {
      timeout: 10_000,
    })
    .catch(async () => {
      throw new Error(
        `backgroundTasks() never became ${want}; it is ${JSON.stringify(await appTasks(page))}`,
      );
    });
}

describe.each(['worker', 'inline'])('real apps in two tabs, on mobile (%s host)', (host) => {
  it("the second tab's task start cancels the first's with systemPolicy, and each lists the other's task", async () => {
    const first = await appTab(`?app=music&host=${host}`);
    const second = await appTab(`?app=podcasts&host=${host}`);
    await first.evaluate(() => window.tabsApp.start());
    await untilLastState(first, 'alive');
    await untilAppTasks(second, [
      { appId: 'music', instanceId: 'music#1.1', state: 'alive', tab: 'other' },
    ]);

    await second.evaluate(() => window.tabsApp.start());
    await untilLastState(first, 'completed');
    expect(await first.evaluate(() => window.tabsApp.states)).toEqual([
      'starting',
      'running',
      'alive',
      'canceling:systemPolicy',
      'completed',
    ]);
    expect(await first.evaluate(() => window.tabsApp.messages)).toEqual([
      { type: 'canceled', reason: 'systemPolicy' },
    ]);
    await untilAppTasks(first, [
      { appId: 'podcasts', instanceId: 'podcasts#1.1', state: 'alive', tab: 'other' },
    ]);
    expect(await appTasks(second)).toEqual([
      { appId: 'podcasts', instanceId: 'podcasts#1.1', state: 'alive' },
    ]);
    expect(await second.evaluate(() => window.tabsApp.states)).toEqual([
      'starting',
      'running',
      'alive',
    ]);
    await saveScreenshot(first, `tabs-app-first-${host}`);
    await saveScreenshot(second, `tabs-app-second-${host}`);
  });
});
