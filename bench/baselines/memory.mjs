// Runs bench/fixtures/memoryProbe.mjs in a fresh child process and returns the RSS growth it
// measured: one half of memory.idleTask (`bare` is the baseline, `backbeat` the value).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const probe = fileURLToPath(new URL('../fixtures/memoryProbe.mjs', import.meta.url));

/**
 * Megabytes of RSS growth for one idle task of `kind` ('bare' | 'backbeat'), in a fresh process.
 *
 * @example
 * const mb = await idleTaskGrowthMb('bare');
 */
export function idleTaskGrowthMb(kind, settleMs = 500) {
  return new Promise((resolve, reject) => {
    const child = fork(probe, [kind, String(settleMs)], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    let result = null;
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('message', (message) => {
      result = message;
    });
    child.on('exit', (code) => {
      if (result) resolve(result.growthBytes / 2 ** 20);
      else reject(new Error(`memory probe (${kind}) exited with ${code}: ${stderr.trim()}`));
    });
  });
}
