/**
 * The built inspector page as files (Node): where its folder is, the content type of each
 * file, and which file a request path names. The inspector server and the Vite plugin serve
 * the page through these.
 *
 * @packageDocumentation
 */
import { extname, resolve, sep } from 'node:path';

/** Content types of the page's files, by extension. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The content type of a page file. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file in `dir` that a request path relative to the page names (`/` and `''` name
 * `index.html`), or null for a path that leaves `dir` or cannot be decoded.
 */
export function pageFileOf(dir: string, path: string): string | null {
  let relative: string;
  try {
    relative = decodeURIComponent(path === '' || path === '/' ? '/index.html' : path);
  } catch {
    return null;
  }
  if (relative.includes('\0')) return null;
  const file = resolve(dir, `.${relative.startsWith('/') ? relative : `/${relative}`}`);
  return file.startsWith(dir.endsWith(sep) ? dir : dir + sep) ? file : null;
}
