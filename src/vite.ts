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
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import type { Plugin } from 'vite';

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
 * ```
 */
export function backbeat(): Plugin {
  return {
    name: 'backbeat',
    enforce: 'pre',
    apply: 'build',
    async transform(code, id) {
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
