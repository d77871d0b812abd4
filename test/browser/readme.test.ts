// The README's two snippets, copied out of README.md as they are, run in a page bundled by Vite:
// the task module in a module Web Worker, the foreground on the page.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backbeat } from '../../dist/vite.js';
import {
  buildPages,
  launchChromium,
  openPage,
  saveScreenshot,
  servePages,
  servePreview,
} from './harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Inside the package, so that the page's `backbeat` resolves to it; not tracked.
const pageDir = `${root}test-output/readme-page`;

/** The README's code block that starts with `// NAME`. */
function snippet(readme: string, name: string): string {
  const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const block = blocks.find((code) => code.startsWith(`// ${name}`));
  if (!block) throw new Error(`README.md has no js block starting with // ${name}`);
  return block;
}

let browser: Browser;
const servers: Record<string, { url: string; close(): Promise<void> }> = {};

beforeAll(async () => {
  const readme = await readFile(`${root}README.md`, 'utf8');
  await rm(pageDir, { recursive: true, force: true });
  await mkdir(pageDir, { recursive: true });
  await writeFile(`${pageDir}/task.mjs`, snippet(readme, 'task.mjs'));
  await writeFile(`${pageDir}/main.mjs`, snippet(readme, 'main.mjs'));
  await writeFile(
    `${pageDir}/index.html`,
    '<!doctype html><meta charset="utf-8"><title>README</title><h1>The README in a page</h1><script type="module" src="./main.mjs"></script>\n',
  );
  let built: Awaited<ReturnType<typeof buildPages>>;
  [browser, servers.dev, built] = await Promise.all([
    launchChromium(),
    servePages(pageDir, { plugins: [backbeat()] }),
    buildPages(pageDir, { plugins: [backbeat()] }),
  ]);
  expect(built.warnings).toEqual([]);
  servers.build = await servePreview(built.outDir);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await Promise.all(Object.values(servers).map((server) => server.close()));
});

describe.each(['dev', 'build'])(
  "the README's task and foreground, unchanged, in a page (%s)",
  (mode) => {
    it('start the task in a Web Worker, answer the call, carry the messages and dispose', async () => {
      const { page, log } = await openPage(browser, servers[mode]!.url);
      // main.mjs ends with `await system.dispose()`: the task is canceled, completes and ends.
      const seen = async (text: string) => {
        for (let i = 0; i < 400 && !log.lines.some((line) => line.includes(text)); i += 1) {
          await page.waitForTimeout(25);
        }
        return log.lines.some((line) => line.includes(text));
      };
      expect(await seen('completed')).toBe(true);
      await saveScreenshot(page, `readme-${mode}`);
      expect(log.errors).toEqual([]);
      const states = log.lines.filter((line) =>
        /^log: (starting|running|alive|canceling|completed)/.test(line),
      );
      // Its taskStateChanged listener is registered after the line that starts the task.
      expect(states).toEqual([
        'log: running undefined',
        'log: alive undefined',
        'log: canceling abort',
        'log: completed undefined',
      ]);
      expect(log.lines.some((line) => /track.*initialItem/.test(line))).toBe(true);
    });
  },
);
