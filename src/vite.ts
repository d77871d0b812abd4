/**
 * `backbeat/vite`: the Vite plugin for a page that launches Backbeat tasks.
 *
 * A task module is the script of its Web Worker, so it must reach the browser built, with its
 * imports resolved. The dev server already serves every module that way; a production build
 * would copy a file named by `new URL('./task.mjs', import.meta.url)` as it is. So, in a build,
 * the plugin turns each such URL whose file imports `backbeat/task` into the URL of an entry
 * chunk of that module, with its exports kept: it shares Backbeat's chunks with the page (the
 * inline host imports the same classes), and a module worker loads it with its imports. Other
 * `new URL(…)` expressions are left to Vite.
 *
 * It also puts the inspector page (`backbeat/inspector`'s `openInspector`) on the page's origin,
 * at {@link INSPECTOR_PATH}: the dev server serves it from the package, and a build emits it
 * when asked to (`backbeat({ inspector: true })`), since an app rarely ships its inspector.
 *
 * @packageDocumentation
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { contentTypeOf, pageFileOf } from './inspector/pageFiles.js';

/** Where the plugin puts the inspector page on the app's origin (`openInspector`'s default). */
export const INSPECTOR_PATH = '/__backbeat/inspector/';

/** The built inspector page in the package (`npm run build` makes it). */
const pageDir = fileURLToPath(new URL('./inspector/page/', import.meta.url));

async function pageFiles(dir = pageDir, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const name = `${prefix}${entry.name}`;
    if (entry.isDirectory()) out.push(...(await pageFiles(join(dir, entry.name), `${name}/`)));
    else out.push(name);
  }
  return out;
}

/** Options of {@link backbeat}. */
export interface BackbeatPluginOptions {
  /**
   * The inspector page at {@link INSPECTOR_PATH}: the dev server always serves it unless this is
   * `false`; `true` also emits it into a build.
   */
  inspector?: boolean;
}

const NEW_URL = /new\s+URL\(\s*(['"])([^'"`$]+)\1\s*,\s*import\.meta\.url\s*\)/g;
const IMPORTS_TASK_ENTRY = /(?:from|import)\s*\(?\s*['"]backbeat\/task['"]/;

async function isTaskModule(file: string): Promise<boolean> {
  try {
    return IMPORTS_TASK_ENTRY.test(await readFile(file, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * The Vite plugin that bundles the task modules a page launches, for `host: 'worker'` (a module
 * Web Worker) and `host: 'inline'` alike. Add it to `plugins` in `vite.config.js`.
 *
 * @example
 * ```js
 * // vite.config.js
 * import { defineConfig } from 'vite';
 * import { backbeat } from 'backbeat/vite';
 *
 * export default defineConfig({ plugins: [backbeat()] });
 * // main.js, unchanged from Node:
 * // system.launchApp({ id: 'music', task: new URL('./task.mjs', import.meta.url) });
 * // the inspector page, in dev: openInspector() opens /__backbeat/inspector/
 * ```
 */
export function backbeat(options: BackbeatPluginOptions = {}): Plugin {
  let building = false;
  return {
    name: 'backbeat',
    enforce: 'pre',
    configResolved(config) {
      building = config.command === 'build';
    },
    configureServer(server) {
      if (options.inspector === false) return;
      server.middlewares.use(async (req, res, next) => {
        const path = (req.url ?? '').split('?')[0] ?? '';
        if (`${path}/` === INSPECTOR_PATH) {
          res.statusCode = 301;
          res.setHeader('Location', `${INSPECTOR_PATH}${(req.url ?? '').slice(path.length)}`);
          res.end();
          return;
        }
        if (!path.startsWith(INSPECTOR_PATH)) return next();
        const file = pageFileOf(pageDir, path.slice(INSPECTOR_PATH.length));
        if (!file) {
          res.statusCode = 404;
          res.end();
          return;
        }
        try {
          const body = await readFile(file);
          res.setHeader('Content-Type', contentTypeOf(file));
          res.end(body);
        } catch {
          res.statusCode = 404;
          res.setHeader('Content-Type', 'text/plain; charset=utf-8');
          res.end(`No inspector page file ${path} (is the package built? npm run build)`);
        }
      });
    },
    async generateBundle() {
      if (options.inspector !== true) return;
      const names = await pageFiles().catch((error: unknown) => {
        throw new Error(
          `backbeat({ inspector: true }): the inspector page is not built (${String(error)}); run npm run build in the backbeat package`,
        );
      });
      for (const name of names) {
        this.emitFile({
          type: 'asset',
          fileName: `${INSPECTOR_PATH.slice(1)}${name}`,
          source: await readFile(join(pageDir, name)),
        });
      }
    },
    async transform(code, id) {
      if (!building) return null;
      if (!code.includes('import.meta.url') || id.includes('/node_modules/') || id.includes('?')) {
        return null;
      }
      const found = [...code.matchAll(NEW_URL)];
      if (found.length === 0) return null;
      const imports: string[] = [];
      let out = '';
      let last = 0;
      for (const match of found) {
        const specifier = match[2]!;
        const resolved = await this.resolve(specifier, id);
        if (!resolved || resolved.external || !(await isTaskModule(resolved.id))) continue;
        const ref = this.emitFile({
          type: 'chunk',
          id: resolved.id,
          preserveSignature: 'strict',
        });
        imports.push(ref);
        out += `${code.slice(last, match.index)}new URL(import.meta.ROLLUP_FILE_URL_${ref}, import.meta.url)`;
        last = match.index + match[0].length;
      }
      if (imports.length === 0) return null;
      return { code: `${out}${code.slice(last)}`, map: null };
    },
  };
}
