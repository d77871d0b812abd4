import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backbeat } from '../../dist/vite.js';
import {
  type BuiltPages,
  buildPages,
  launchChromium,
  openPage,
  saveScreenshot,
  servePages,
  servePreview,
} from './harness.js';

const pages = new URL('./pages/host/', import.meta.url);
let browser: Browser;
let built: BuiltPages;
const servers: Record<string, { url: string; close(): Promise<void> }> = {};

beforeAll(async () => {
  [browser, servers.dev, built] = await Promise.all([
    launchChromium(),
    servePages(pages, { plugins: [backbeat()] }),
    buildPages(pages, { plugins: [backbeat()] }),
  ]);
  servers.build = await servePreview(built.outDir);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await Promise.all(Object.values(servers).map((server) => server.close()));
});

const modes = ['dev', 'build'] as const;
let mode: (typeof modes)[number] = 'dev';

async function run(name: string, host: string) {
  const { page, log } = await openPage(browser, servers[mode]!.url);
  await page.waitForFunction(() => (window as { ready?: boolean }).ready === true);
  const result = await page.evaluate(
    ([n, h]) =>
      (window as unknown as { scenario: (n: string, h: string) => unknown }).scenario(n!, h!),
    [name, host],
  );
  await saveScreenshot(page, `host-${mode}-${name}-${host}`);
  await page.close();
  return { result: result as any, log };
}

describe('the production build', () => {
  it('reaches nothing Node-only: Vite warns about nothing, and no bundle names a Node module', async () => {
    expect(built.warnings).toEqual([]);
    const { readdir, readFile } = await import('node:fs/promises');
    const assets = await readdir(`${built.outDir}/assets`);
    const scripts = assets.filter((file) => file.endsWith('.js'));
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    // An import of a Node module, or Vite's stand-in for one it left out of the browser graph.
    const nodeOnly =
      /(?:from|import\(|require\()\s*["'`](?:node:|worker_threads|child_process|fs["'`])|node-web-audio-api|dbus-next|__vite-browser-external/g;
    const found: string[] = [];
    for (const file of scripts) {
      const code = await readFile(`${built.outDir}/assets/${file}`, 'utf8');
      for (const match of code.matchAll(nodeOnly)) found.push(`${file}: ${match[0]}`);
    }
    expect(found).toEqual([]);
  });
});

describe.each(modes)('served by Vite (%s)', (served) => {
  beforeAll(() => {
    mode = served;
  });

  describe.each(['worker', 'inline'])('a page, host %s', (host) => {
    it('runs the task: a proxy whose calls answer, background-only members, messages in order and held, a ValueSetError at the sender', async () => {
      const { result, log } = await run('player', host);
      expect(log.errors).toEqual([]);
      expect(result.states).toEqual(['starting', 'running', 'alive']);
      expect(result.volume).toBe(0.25);
      expect(result.currentState).toBe('playing');
      expect(result.item).toBe('virtual:one?duration=60000');
      expect(result.sourceError).toEqual({ name: 'BackgroundOnlyError', isBackgroundOnly: true });
      expect(result.valueSetError.isValueSetError).toBe(true);
      expect(result.valueSetError.message).toMatch(/n/);
      expect(result.early).toEqual([...Array(20).keys()]);
      expect(result.echoes).toEqual([...Array(50).keys()]);
      expect(result.refused.name).toBe('ValueSetError');
      expect(result.afterDispose.at(-1)).toMatch(/^(completed|terminated)/);
    });

    it('delivers a press of the system media controls to the task', async () => {
      const { result } = await run('controls', host);
      expect(result).toEqual({
        first: 'virtual:one?duration=60000',
        delivered: true,
        second: 'virtual:two?duration=60000',
      });
    });

    it('completes a task whose run returns without a deferral', async () => {
      const { result } = await run('noDeferral', host);
      expect(result.messages).toEqual([{ type: 'ran' }]);
      expect(result.states).toEqual(['starting', 'running', 'completed']);
    });

    it('cancels a task that never played when a mobile page suspends, completes it after its deferral, and delivers its message on resume', async () => {
      const { result } = await run('deferral', host);
      expect(result.heldWhileSuspended).toBe(false);
      expect(result.canceled).toEqual({ type: 'canceled', reason: 'conditionLoss' });
      expect(result.states).toEqual([
        'starting',
        'running',
        'alive',
        'canceling:conditionLoss',
        'completed',
      ]);
    });

    it('rejects a pending call with TaskUnavailableError when the task crashes, and starts a new instance on the next read of current', async () => {
      const { result } = await run('crash', host);
      expect(result.call).toEqual({
        settled: 'rejected',
        isTaskUnavailable: true,
        name: 'TaskUnavailableError',
      });
      expect(result.states.at(-1)).toBe('alive');
      expect(result.states).toContain('terminated:crashed');
      expect(result.errors.join('\n')).toMatch(/asked to crash \(test\)/);
      expect(result.firstVolume).toBe(0.5);
      expect(result.restartedVolume).toBe(0.75);
      expect(result.oldProxyState).toBe('closed');
    });

    it('ends a module that is not a task, and its pending call rejects', async () => {
      const { result } = await run('notATask', host);
      expect(result.call).toBe('TaskUnavailableError');
      expect(result.states.at(-1)).toMatch(/^terminated/);
    });
  });

  describe('a page, host worker', () => {
    it('terminates a task whose event loop stops answering, and its pending call rejects', async () => {
      const { result } = await run('busy', 'worker');
      expect(result.call).toBe('TaskUnavailableError');
      expect(result.states).toEqual(['starting', 'running', 'alive', 'terminated:unresponsive']);
    });

    it('ends a task with an unhandled rejection as crashed', async () => {
      const { result } = await run('rejection', 'worker');
      expect(result.states).toEqual(['starting', 'running', 'alive', 'terminated:crashed']);
    });
  });

  describe('a page', () => {
    it('has no process host', async () => {
      const { result } = await run('processHost', 'worker');
      expect(result.threw.name).toBe('TypeError');
      expect(result.threw.message).toMatch(/'worker' or 'inline'.*`process`/);
    });
  });
});
