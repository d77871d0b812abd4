// examples/browser-player as a person uses it: real buttons, found by their accessible names,
// in a real Chromium; on the dev server (`npm run browser`) and on its production build.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildPages,
  launchChromium,
  openPage,
  saveScreenshot,
  servePages,
  servePreview,
} from './harness.js';
import { isCurrent, select, until } from './inspectorViews.js';

const example = new URL('../../examples/browser-player/', import.meta.url);
const config = { configFile: new URL('vite.config.js', example).pathname };
let browser: Browser;
const servers: Record<string, { url: string; close(): Promise<void> }> = {};

beforeAll(async () => {
  let built: Awaited<ReturnType<typeof buildPages>>;
  [browser, servers.dev, built] = await Promise.all([
    launchChromium(),
    servePages(example, config),
    buildPages(example, config),
  ]);
  expect(built.warnings).toEqual([]);
  servers.build = await servePreview(built.outDir);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await Promise.all(Object.values(servers).map((server) => server.close()));
});

const text = (page: Page, id: string) => page.getByTestId(id).textContent();

describe.each(['dev', 'build'])('the browser player (%s)', (mode) => {
  it('plays real sound, pauses and moves through the playlist from its buttons, showing the title, the task state and the Media Session', async () => {
    const { page, log } = await openPage(browser, servers[mode]!.url);
    await page.getByTestId('task-state').filter({ hasText: 'alive' }).waitFor();
    await page.getByTestId('title').filter({ hasText: 'Dawn Chorus' }).waitFor();
    await page.getByRole('button', { name: 'Play' }).click();
    await page.getByRole('button', { name: 'Pause' }).and(page.locator(':enabled')).waitFor();
    const before = await text(page, 'position');
    await page
      .getByTestId('position')
      .filter({ hasNotText: before ?? '' })
      .waitFor();
    // Real sound leaves the page's engine, and the Media Session shows the task's item and state.
    const level = await page.evaluate(async () => {
      const { engine } = (window as any).backbeatPlayer;
      const analyser = engine.context.createAnalyser();
      engine.outputNode.connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      let peak = 0;
      for (let i = 0; i < 40 && peak < 0.01; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        analyser.getFloatTimeDomainData(samples);
        for (const x of samples) peak = Math.max(peak, Math.abs(x));
      }
      engine.outputNode.disconnect(analyser);
      return peak;
    });
    expect(level).toBeGreaterThan(0.01);
    await page.waitForFunction(
      () =>
        navigator.mediaSession.metadata?.title === 'Dawn Chorus' &&
        navigator.mediaSession.playbackState === 'playing',
    );

    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByTestId('title').filter({ hasText: 'Midday Drift' }).waitFor();
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByTestId('title').filter({ hasText: 'Dawn Chorus' }).waitFor();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Play' }).and(page.locator(':enabled')).waitFor();
    const state = await page.evaluate(
      () => (window as any).backbeatPlayer.app.backgroundMediaPlayer.current.snapshot.currentState,
    );
    expect(state).toBe('paused');

    await page.getByRole('slider', { name: 'Seek' }).fill('500');
    await page.getByTestId('position').filter({ hasText: '0:08' }).waitFor();
    await saveScreenshot(page, `browser-player-${mode}`);
    expect(await text(page, 'task-state')).toBe('alive');
    expect(log.errors).toEqual([]);
  });

  it('its Inspect link opens the inspector, where both sides move as the music plays', async () => {
    const { page, log } = await openPage(browser, servers[mode]!.url);
    await page.getByTestId('task-state').filter({ hasText: 'alive' }).waitFor();
    const [inspector] = await Promise.all([
      page.context().waitForEvent('page'),
      page.getByRole('link', { name: 'Inspect' }).click(),
    ]);
    const pageErrors: string[] = [];
    inspector.on('pageerror', (error) => pageErrors.push(`${error.name}: ${error.message}`));
    await inspector.waitForLoadState('load');
    expect(new URL(inspector.url()).pathname).toBe('/__backbeat/inspector/');
    await inspector.getByRole('status').filter({ hasText: 'live' }).waitFor();

    // the foreground's side: the system and the app's session; the task's: its lifecycle and player
    await inspector.getByRole('treeitem', { name: 'mediaSystem', exact: true }).waitFor();
    await select(inspector, 'task:browser-player');
    await until(() => isCurrent(inspector, 'alive'), 'the task to be alive in the diagram');
    const player = /^browser-player#[^/]+\/mediaPlayer$/;
    await inspector.getByRole('treeitem', { name: player }).waitFor();
    await select(inspector, player);
    await inspector.getByRole('group', { name: 'playing', exact: true }).waitFor();
    expect(await isCurrent(inspector, 'playing')).toBe(false);

    // Play in the app: the call crosses in the sequence view, the task's player goes to playing
    await page.getByRole('button', { name: 'Play' }).click();
    await until(() => isCurrent(inspector, 'playing'), "the task's player to be playing", 10_000);
    const call = inspector
      .getByRole('list', { name: 'Sequence' })
      .getByRole('listitem', { name: /^call\.play app:browser-player → browser-player#/ });
    await until(async () => (await call.count()) > 0, 'the play call in the sequence view');
    await saveScreenshot(inspector, `browser-player-inspector-${mode}`);

    await page.getByRole('button', { name: 'Pause' }).click();
    await until(() => isCurrent(inspector, 'paused'), "the task's player to be paused", 10_000);
    expect(pageErrors).toEqual([]);
    expect(log.errors).toEqual([]);
    await page.context().close();
  });
});
