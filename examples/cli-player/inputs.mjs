// Turns the command line's files and URLs into playlist tracks: { uri, title, artist }.
// Paths become file: URLs after a readability check; http(s) URLs pass through.
import { accessSync, constants, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UsageError } from './args.mjs';

const schemeLike = /^[a-z][a-z0-9+.-]+:/i;

function checkReadable(path, shown) {
  let stat;
  try {
    stat = statSync(path);
    accessSync(path, constants.R_OK);
  } catch (error) {
    const why =
      error?.code === 'ENOENT'
        ? 'no such file'
        : error?.code === 'EACCES'
          ? 'permission denied'
          : String(error?.message ?? error).split('\n')[0];
    throw new UsageError(`cannot read \`${shown}\`: ${why}`);
  }
  if (!stat.isFile()) throw new UsageError(`cannot read \`${shown}\`: not a file`);
}

/**
 * Title and artist from a file name: "Artist - Title.flac" gives both, else the name is the title.
 *
 * @example
 * describeName('Nina Simone - Sinnerman.mp3'); // { title: 'Sinnerman', artist: 'Nina Simone' }
 */
export function describeName(name) {
  let stem = name;
  try {
    stem = decodeURIComponent(name);
  } catch {}
  stem = stem.slice(0, stem.length - extname(stem).length) || stem;
  const dash = stem.indexOf(' - ');
  if (dash > 0 && dash < stem.length - 3) {
    return { title: stem.slice(dash + 3).trim(), artist: stem.slice(0, dash).trim() };
  }
  return { title: stem.replaceAll('_', ' ').trim() || name, artist: '' };
}

/**
 * Resolves one command-line input to a track; throws a UsageError for an unreadable file or an
 * unsupported URL scheme.
 *
 * @example
 * resolveInput('music/a.flac', '/home/me'); // { uri: 'file:///home/me/music/a.flac', title: 'a', artist: '' }
 */
export function resolveInput(input, cwd) {
  if (schemeLike.test(input) && !/^[a-z]:[\\/]/i.test(input)) {
    let url;
    try {
      url = new URL(input);
    } catch {
      throw new UsageError(`not a valid URL: \`${input}\``);
    }
    if (url.protocol === 'http:' || url.protocol === 'https:') {
      const last = url.pathname.split('/').filter(Boolean).pop() ?? url.hostname;
      return { uri: url.href, ...describeName(last) };
    }
    if (url.protocol === 'file:') {
      const path = fileURLToPath(url);
      checkReadable(path, input);
      return { uri: url.href, ...describeName(basename(path)) };
    }
    throw new UsageError(
      `unsupported URL scheme \`${url.protocol}\` in \`${input}\` (use a file path, a file: or an http(s) URL)`,
    );
  }
  const path = resolve(cwd, input);
  checkReadable(path, input);
  return { uri: pathToFileURL(path).href, ...describeName(basename(path)) };
}

/**
 * Resolves every input, in order.
 *
 * @example
 * resolveInputs(['a.wav', 'https://example.org/b.mp3'], process.cwd());
 */
export function resolveInputs(inputs, cwd) {
  return inputs.map((input) => resolveInput(input, cwd));
}
