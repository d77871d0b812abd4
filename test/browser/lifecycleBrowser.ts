/**
 * A headless Chromium whose pages have a real page lifecycle. Playwright's own launch turns on
 * focus emulation for every page it opens, and focus emulation keeps a page visible: a tab then
 * stays `visible` whatever is brought to the front, and `Page.setWebLifecycleState` cannot hide
 * it. So this Chromium is started with a DevTools port and attached over CDP with `noDefaults`:
 * in its default context no override is applied, and
 * - opening a second page (a tab of the same window) hides the first; `bringToFront` shows it;
 * - `Page.setWebLifecycleState` `frozen` hides the page and freezes it (`visibilitychange`, then
 *   `freeze`), `active` resumes it (`resume`) and leaves it hidden;
 * - a navigation fires `pagehide` in the page it leaves.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './harness.js';

/** A Chromium with real page lifecycles; `close` ends it and removes its profile. */
export interface LifecycleChromium {
  readonly browser: Browser;
  /** The default context: its pages are tabs of one window, with no focus emulation. */
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Resolves with the DevTools endpoint Chromium prints on stderr; rejects if it exits first. */
function devToolsEndpoint(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`Chromium printed no DevTools endpoint in ${timeoutMs} ms: ${seen}`)),
      timeoutMs,
    );
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      seen += chunk;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited (${code ?? signal}) before it listened: ${seen}`));
    });
  });
}

/** Starts Chromium with a DevTools port on 127.0.0.1 and attaches to it without overrides. */
export async function launchLifecycleChromium(): Promise<LifecycleChromium> {
  const profile = await mkdtemp(join(tmpdir(), 'backbeat-chromium-'));
  const child = spawn(
    CHROMIUM,
    [
      ...CHROMIUM_ARGS,
      '--remote-debugging-address=127.0.0.1',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      '--no-first-run',
      '--no-default-browser-check',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  /** Ends Chromium (killed if it has not exited 5 s after asked to) and removes its profile. */
  const close = async () => {
    if (running()) child.kill('SIGTERM');
    const killer = setTimeout(() => running() && child.kill('SIGKILL'), 5_000);
    await ended;
    clearTimeout(killer);
    // Its helper processes may still be letting go of files in the profile for a moment.
    await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  };
  try {
    const endpoint = await devToolsEndpoint(child, 15_000);
    const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true, isLocal: true });
    const context = browser.contexts()[0];
    if (!context) throw new Error('Chromium over CDP has no default context');
    return {
      browser,
      context,
      close: async () => {
        // Asked over CDP, Chromium shuts down with its helper processes; a disconnect alone
        // (browser.close() on a CDP connection) would leave it running.
        const session = await browser.newBrowserCDPSession();
        await session.send('Browser.close').catch(() => {});
        await browser.close();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
