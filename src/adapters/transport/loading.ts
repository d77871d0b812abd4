/**
 * Loading a task main module, and checking the host options that name it.
 *
 * @packageDocumentation
 */
import type { TaskMain } from './types.js';

const toHref = (url: URL | string): string => (typeof url === 'string' ? url : url.href);

/**
 * Loads a task main module and checks its default export.
 */
export async function loadTaskMain(url: URL | string): Promise<TaskMain> {
  const href = toHref(url);
  const mod = (await import(/* @vite-ignore */ href)) as { default?: unknown };
  if (typeof mod.default !== 'function') {
    throw new TypeError(
      `Task main module \`${href}\` must default-export a function main(endpoint, init, context), got \`${typeof mod.default}\``,
    );
  }
  return mod.default as TaskMain;
}

const TYPESCRIPT_URL = /\.(?:c|m)?ts(?:[?#].*)?$/;

/**
 * True when `url` names a TypeScript file (`.ts`, `.mts`, `.cts`).
 */
export function isTypeScriptUrl(url: URL | string): boolean {
  return TYPESCRIPT_URL.test(toHref(url));
}

/**
 * Resolves a `tsx` entry point (`'tsx'` for `--import`, `'tsx/esm/api'` for `register()`) to a
 * URL, for starting a task from TypeScript sources; a clear error when tsx is not installed.
 */
export function resolveTsx(specifier: 'tsx' | 'tsx/esm/api'): string {
  try {
    return import.meta.resolve(specifier);
  } catch (error) {
    throw new Error(
      `Running a task from TypeScript sources needs the \`tsx\` package, and \`${specifier}\` could not be resolved; install tsx or run from the built JavaScript.`,
      { cause: error },
    );
  }
}

/**
 * URLs of Backbeat's runtime dependencies (zod, xstate), to load natively before tsx's hooks
 * are registered: modules loaded first never go through the hooks, which roughly halves the
 * start-up of a task run from TypeScript sources. Dependencies that cannot be resolved are
 * skipped.
 */
export function nativePreloads(): string[] {
  const urls: string[] = [];
  for (const specifier of ['zod/mini', 'xstate']) {
    try {
      urls.push(import.meta.resolve(specifier));
    } catch {
      // not resolvable from here: it will load through the hooks instead
    }
  }
  return urls;
}

/**
 * The absolute URL string of a host option `main`; a TypeError quoting anything else.
 */
export function mainHref(main: URL | string): string {
  if (typeof main !== 'string' && !(main instanceof URL)) {
    throw new TypeError(`Task main must be a URL or a URL string, got \`${String(main)}\``);
  }
  try {
    return new URL(toHref(main)).href;
  } catch (error) {
    throw new TypeError(`Task main must be an absolute URL, got \`${toHref(main)}\``, {
      cause: error,
    });
  }
}

/**
 * Checks a `memoryLimitMb` option; `undefined` means no limit.
 */
export function checkMemoryLimit(mb: number | undefined): number | undefined {
  if (mb === undefined) return undefined;
  if (typeof mb !== 'number' || !Number.isFinite(mb) || mb <= 0) {
    throw new RangeError(`memoryLimitMb must be a finite number > 0, got \`${String(mb)}\``);
  }
  return mb;
}
