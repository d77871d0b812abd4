// browser.rtt.call, browser.throughput.message and browser.gapless.gapSamples: the Node rows'
// measurements in headless Chromium, on a production build of bench/pages/ (Vite with the
// `backbeat/vite` plugin) served by `vite preview` on 127.0.0.1. Both halves of a row run in the
// same page and are timed there; Node only starts them and asks for one round at a time.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { noise } from '../fixtures/audio/media.mjs';
import {
  makeRow,
  measureHalves,
  measureRounds,
  NotAvailable,
  reasonOf,
  selected,
  startHalf,
  warn,
  withTimeout,
} from '../harness.mjs';
import { compareJoins, gaplessRow, lengthsFor } from './audioGapless.mjs';

const pages = fileURLToPath(new URL('../pages/', import.meta.url));
const screenshot = fileURLToPath(
  new URL('../../test-output/screenshots/bench-browser-gapless.png', import.meta.url),
);

/** Where Debian installs Chromium, unless BACKBEAT_CHROMIUM names another. */
const chromiumPath = () => process.env.BACKBEAT_CHROMIUM ?? '/usr/bin/chromium';
/** The browser tests' flags (test/browser/harness.ts). */
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--autoplay-policy=no-user-gesture-required',
];

async function importOrExplain(specifier, what) {
  try {
    return await import(specifier);
  } catch (error) {
    throw new NotAvailable(`${what}: ${reasonOf(error).replace(/^error: /, '')}`);
  }
}

/** Builds bench/pages/ into a temp folder; every warning Vite prints is kept as a bench warning. */
async function buildPages(vite, plugin) {
  const outDir = await mkdtemp(join(tmpdir(), 'backbeat-bench-pages-'));
  const logger = vite.createLogger('warn');
  const keep = (message) => warn(`vite build of bench/pages: ${message.split('\n')[0]}`);
  logger.warn = keep;
  logger.warnOnce = keep;
  logger.error = keep;
  try {
    await vite.build({
      configFile: false,
      root: pages,
      customLogger: logger,
      logLevel: 'warn',
      plugins: [plugin.backbeat()],
      // Every worker script a file of its own, as the task chunk is (no data: URLs).
      build: { outDir, emptyOutDir: true, assetsInlineLimit: 0 },
    });
  } catch (error) {
    await rm(outDir, { recursive: true, force: true });
    throw new NotAvailable(`vite build of bench/pages failed: ${reasonOf(error)}`);
  }
  return outDir;
}

/**
 * Builds and serves the bench page, launches Chromium and opens it. Returns the page and a
 * `close()` that ends all three; a missing piece becomes NotAvailable with its reason.
 */
async function openBenchPage(config) {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) throw new NotAvailable(`no Chromium at ${executablePath}`);
  const { chromium } = await importOrExplain('playwright-core', 'import playwright-core');
  const vite = await importOrExplain('vite', 'import vite');
  const plugin = await importOrExplain('backbeat/vite', "import 'backbeat/vite'");
  const closers = [];
  const close = async () => {
    for (const c of closers.reverse()) {
      try {
        await c();
      } catch (error) {
        warn(`browser bench close: ${reasonOf(error)}`);
      }
    }
  };
  try {
    const outDir = await buildPages(vite, plugin);
    closers.push(() => rm(outDir, { recursive: true, force: true }));
    const server = await vite.preview({
      configFile: false,
      logLevel: 'warn',
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0, strictPort: false },
    });
    closers.push(() => server.close());
    const { port } = server.httpServer.address();
    const browser = await chromium.launch({
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    closers.push(() => browser.close());
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
    await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'load' });
    await page
      .waitForFunction(() => window.benchReady === true, null, { timeout: config.timeoutMs })
      .catch(() => {
        throw new NotAvailable(`the bench page did not load: ${errors[0] ?? 'no error reported'}`);
      });
    const version = browser.version();
    return { page, version, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Thrown in the page: keep the page's message, not playwright's wrapping. */
function pageReason(error) {
  const text = error?.message ?? String(error);
  const inner = /Error: (.*)/.exec(text.split('\n')[0]);
  return new NotAvailable(inner ? inner[1] : text.split('\n')[0]);
}

/** Starts the page half `name`; the returned half runs `method(...args)` there. */
function pageHalf(page, name) {
  return async () => {
    await page
      .evaluate((n) => window.bench.start(n), name)
      .catch((e) => {
        throw pageReason(e);
      });
    return {
      run: (method, ...args) =>
        page
          .evaluate(([n, m, a]) => window.bench.run(n, m, ...a), [name, method, args])
          .catch((e) => {
            throw pageReason(e);
          }),
      close: () => page.evaluate((n) => window.bench.close(n), name),
    };
  };
}

async function rttRow(config, page) {
  const warm = (half) => half.run('calls', config.rttWarmup, 0);
  const started = {
    baseline: await startHalf(pageHalf(page, 'rawEcho'), warm, config.timeoutMs),
    value: await startHalf(pageHalf(page, 'backbeatCall'), warm, config.timeoutMs),
  };
  const r = await measureHalves(config, started, (half, round) =>
    half.run('calls', config.rttIterations, round),
  );
  return makeRow({
    id: 'browser.rtt.call',
    unit: 'us/call',
    better: 'lower',
    value: r.value,
    baseline: r.baseline,
  });
}

async function throughputRow(config, page) {
  const warm = (half) => half.run('burst', Math.min(config.messages, 2000));
  const started = {
    baseline: await startHalf(pageHalf(page, 'rawCounter'), warm, config.timeoutMs),
    value: await startHalf(pageHalf(page, 'backbeatMessages'), warm, config.timeoutMs),
  };
  const r = await measureHalves(config, started, (half) => half.run('burst', config.messages));
  return makeRow({
    id: 'browser.throughput.message',
    unit: 'msg/s',
    better: 'higher',
    value: r.value,
    baseline: r.baseline,
    extra: { messagesPerRound: config.messages },
  });
}

async function gaplessBrowserRow(config, page) {
  const { half, reason } = await startHalf(pageHalf(page, 'engine'), () => {}, config.timeoutMs);
  const details = [];
  const silence = [];
  let sampleRate = null;
  try {
    const r = await measureRounds(
      config.rounds,
      {
        value:
          half &&
          (async (round) => {
            const items = lengthsFor(round).map((n, i) => noise(n, round * 31 + i + 1));
            const played = await half.run(
              'playList',
              items.map((item) => Array.from(item)),
            );
            sampleRate = played.sampleRate;
            silence.push(played.silenceAfter);
            const result = compareJoins(Float32Array.from(played.out), items);
            details.push(result);
            return result.worst;
          }),
      },
      config.timeoutMs,
    );
    if (reason !== null) r.value.reason = reason;
    if (details.length) {
      await mkdir(dirname(screenshot), { recursive: true });
      await page.screenshot({ path: screenshot, fullPage: true }).catch((error) => {
        warn(`browser.gapless.gapSamples screenshot: ${reasonOf(error)}`);
      });
    }
    return gaplessRow('browser.gapless.gapSamples', r.value, details, {
      sampleRate,
      silenceAfterRmsPerRound: silence,
    });
  } finally {
    if (half) await withTimeout(half.close(), config.timeoutMs, 'engine close').catch(() => {});
  }
}

const rows = [
  { id: 'browser.rtt.call', unit: 'us/call', better: 'lower', measure: rttRow },
  { id: 'browser.throughput.message', unit: 'msg/s', better: 'higher', measure: throughputRow },
  {
    id: 'browser.gapless.gapSamples',
    unit: 'samples',
    better: 'lower',
    measure: gaplessBrowserRow,
  },
];

function unavailable({ id, unit, better }, reason) {
  const none = { samples: [], reason };
  if (id === 'browser.gapless.gapSamples') return gaplessRow(id, none, []);
  return makeRow({ id, unit, better, value: none, baseline: { samples: [], reason: null } });
}

/** Measures the browser rows that `config` selects, in one page of one Chromium. */
export async function runBrowser(config) {
  const wanted = rows.filter((row) => selected(config, row.id));
  if (wanted.length === 0) return [];
  let opened;
  try {
    opened = await openBenchPage(config);
  } catch (error) {
    const reason = reasonOf(error);
    return wanted.map((row) => unavailable(row, reason));
  }
  try {
    const out = [];
    for (const row of wanted) {
      try {
        const measured = await row.measure(config, opened.page);
        out.push({ ...measured, browser: `Chromium ${opened.version}`, build: 'vite build' });
      } catch (error) {
        out.push(unavailable(row, reasonOf(error)));
      }
    }
    return out;
  } finally {
    await opened.close();
  }
}
