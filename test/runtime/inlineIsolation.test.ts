import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../fixtures/inline/foreground.mjs', import.meta.url));

/** Runs the foreground script in its own process; resolves with its exit code and output. */
function runForeground(mode: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [script, mode], { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? null) : 0;
      resolve({ code: typeof code === 'number' ? code : null, stdout, stderr });
    });
  });
}

describe('an inline task cannot take its foreground process down', () => {
  it.each([
    ['throwInHandler', 'a throw in its message handler'],
    ['throwInPlayerHandler', 'a throw in a player event handler'],
    ['throwInTimer', 'a throw in a timer it set'],
    ['throwInTick', 'a throw in process.nextTick'],
    ['rejectLater', 'an unhandled rejection'],
  ])(
    '%s (%s): the task ends crashed, the process lives and exits 0',
    async (mode) => {
      const { code, stdout, stderr } = await runForeground(mode);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const result = JSON.parse(stdout.trim());
      expect(result.reason).toBe('crashed');
      expect(result.states).toContain('terminated:crashed');
      expect(result.fresh).toBe('ready');
      expect(result.timers).toBe(0);
    },
    60_000,
  );

  it('dispose() while the task plays leaves no timer behind: the process ends by itself', async () => {
    const { code, stdout, stderr } = await runForeground('dispose');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout.trim()).timers).toBe(0);
  }, 60_000);
});
