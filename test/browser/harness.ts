/**
 * Browser tests run in a real headless Chromium (Debian's `/usr/bin/chromium`, driven by
 * playwright-core) against pages that a Vite dev server serves on 127.0.0.1. A page imports the
 * built package by its entries (`backbeat`, `backbeat/task`, …) exactly as an app would, so the
 * `browser` conditions of the package's exports and imports decide what it loads.
 *
 * Screenshots go to `test-output/screenshots/` (not tracked): look at them.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import {
  build,
  createLogger,
  createServer,
  type InlineConfig,
  preview,
  type ViteDevServer,
} from 'vite';

/** Where Debian installs Chromium (`apt-get install chromium`). */
export const CHROMIUM = process.env.BACKBEAT_CHROMIUM ?? '/usr/bin/chromium';

/** The flags every browser test runs Chromium with. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--autoplay-policy=no-user-gesture-required',
];

const root = fileURLToPath(new URL('../..', import.meta.url));
const screenshots = `${root}test-output/screenshots`;

/** Launches headless Chromium; close it in `afterAll`. */
export function launchChromium(options: { args?: string[] } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}

/** A Vite dev server for one folder of pages. */
export interface PageServer {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  readonly vite: ViteDevServer;
  close(): Promise<void>;
}

/**
 * Serves `dir` (a folder with `index.html` or other pages) with Vite's dev server on 127.0.0.1
 * and a free port. `config` is merged into the server's config (plugins, aliases). Each server
 * has its own dependency cache: servers of test files that run at once would otherwise
 * optimize their different dependencies into one folder, over each other.
 */
export async function servePages(
  dir: string | URL,
  config: InlineConfig = {},
): Promise<PageServer> {
  const folder = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const cacheDir = config.cacheDir ?? (await mkdtemp(join(tmpdir(), 'backbeat-vite-')));
  const vite = await createServer({
    configFile: false,
    root: folder,
    logLevel: 'warn',
    clearScreen: false,
    cacheDir,
    ...config,
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, ...config.server },
  });
  await vite.listen();
  const address = vite.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('The page server has no port');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    vite,
    close: async () => {
      await vite.close();
      if (!config.cacheDir) await rm(cacheDir, { recursive: true, force: true });
    },
  };
}

/** A production build of a folder of pages (see {@link buildPages}). */
export interface BuiltPages {
  /** The folder the build wrote. */
  readonly outDir: string;
  /** Every warning and error Vite logged while building. */
  readonly warnings: string[];
}

/**
 * Builds `dir` with Vite (`vite build`) into a fresh temporary folder, recording what Vite warns
 * about (a Node module reached from the browser graph is such a warning).
 */
export async function buildPages(
  dir: string | URL,
  config: InlineConfig = {},
): Promise<BuiltPages> {
  const folder = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const outDir = await mkdtemp(join(tmpdir(), 'backbeat-pages-'));
  const warnings: string[] = [];
  const logger = createLogger('warn');
  logger.warn = (message) => warnings.push(message);
  logger.warnOnce = (message) => warnings.push(message);
  logger.error = (message) => warnings.push(message);
  await build({
    configFile: false,
    root: folder,
    customLogger: logger,
    ...config,
    build: { outDir, emptyOutDir: true, ...config.build },
  });
  return { outDir, warnings };
}

/** Serves a folder {@link buildPages} wrote, with `vite preview`, on 127.0.0.1 and a free port. */
export async function servePreview(outDir: string): Promise<Omit<PageServer, 'vite'>> {
  const server = await preview({
    configFile: false,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('The preview server has no port');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => server.close(),
  };
}

/** What a page logged and threw, kept for the assertion messages of a failing test. */
export interface PageLog {
  readonly lines: string[];
  readonly errors: string[];
}

/**
 * Opens `url` in a new page of `context` (or of a fresh context of `browser`), recording its
 * console and uncaught errors, and waits for the load event.
 */
export async function openPage(
  target: Browser | BrowserContext,
  url: string,
): Promise<{ page: Page; log: PageLog }> {
  const page = await target.newPage();
  const log: PageLog = { lines: [], errors: [] };
  page.on('console', (message) => log.lines.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => log.errors.push(`${error.name}: ${error.message}`));
  await page.goto(url, { waitUntil: 'load' });
  return { page, log };
}

/** Saves a screenshot of `page` as `test-output/screenshots/NAME.png`; returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(screenshots, { recursive: true });
  const path = `${screenshots}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
