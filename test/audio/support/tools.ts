import { execFileSync, spawnSync } from 'node:child_process';
import { it } from 'vitest';

/** Debian packages that provide each encoder the audio tests use. */
const packages: Record<string, string> = {
  flac: 'flac',
  lame: 'lame',
  opusenc: 'opus-tools',
  oggenc: 'vorbis-tools',
};

const found = new Map<string, boolean>();

/** Whether `program` runs on this machine. */
export function hasProgram(program: string): boolean {
  let ok = found.get(program);
  if (ok === undefined) {
    const result = spawnSync(program, ['--version'], { stdio: 'ignore' });
    ok = result.error === undefined;
    found.set(program, ok);
  }
  return ok;
}

/** The part of vitest's `it` these tests use. */
type TestFn = (name: string, fn: () => unknown) => void;

/**
 * `it` when `program` is installed. When it is missing: outside CI the test is skipped with a
 * one-line reason; in CI (`CI=true`) the test runs and fails, naming the package to install.
 */
export function itWith(program: string): TestFn {
  if (hasProgram(program)) return it;
  const pkg = packages[program] ?? program;
  if (process.env.CI === 'true') {
    return (name: string) =>
      it(name, () => {
        throw new Error(`${program} is required in CI: install the Debian package ${pkg}`);
      });
  }
  console.warn(`[skip] ${program} not installed (apt-get install ${pkg}): its tests are skipped`);
  return (name: string, fn: () => unknown) =>
    it.skip(`${name} [skipped: ${program} not installed]`, fn);
}

/** Runs `program` with `args`, throwing with its stderr on failure. */
export function run(program: string, args: string[]): void {
  execFileSync(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
