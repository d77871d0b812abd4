import { writeFileSync } from 'node:fs';
import { loadRecording } from 'backbeat/inspector';
import { createTestSystem } from 'backbeat/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BACKBEAT_BIN, type RunningCli, runCli, spawnCli, tempDir } from './support.ts';

// The inspector from the command line: `backbeat-play --inspect` serves the running player's
// recording and stays up after the playlist; `backbeat inspect FILE` serves a saved one.
// These runs use the build in dist/ (`npm run build` first). Every wait is on the output.

const tmp = tempDir('backbeat-inspect-');
afterAll(() => tmp.remove());

let running: RunningCli | undefined;
afterEach(() => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill('SIGKILL');
  }
  running = undefined;
});

const INSPECTOR_LINE = /^inspector: (http:\/\/127\.0\.0\.1:(\d+)\/)$/m;

async function getJson(url: string): Promise<{ status: number; type: string; body: unknown }> {
  const response = await fetch(url);
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: await response.json(),
  };
}

describe('backbeat-play --inspect', () => {
  it('prints the inspector URL, records both sides, stays up after the playlist and exits 0 on SIGINT', async () => {
    running = spawnCli(['--inspect', '--sink', 'none', '--no-mpris'], {
      env: { BACKBEAT_DEMO_SECONDS: '1' },
    });
    const [, url, port] = await running.waitForOutput(INSPECTOR_LINE);
    expect(Number(port)).toBeGreaterThan(0); // --inspect alone: a free port

    const [ended] = await running.waitForOutput(
      /^playlist ended; inspector still open at (\S+) — press Ctrl-C to quit$/m,
      30_000,
    );
    expect(ended).toContain(url);
    const stdout = running.stdout();
    // The playback ran as without --inspect, and was shut down before the wait.
    expect(stdout).toMatch(/\] end of playlist\n/);
    expect(stdout.indexOf('done: 4 track(s) started, 0 failed')).toBeGreaterThan(-1);
    expect(stdout.indexOf('done: ')).toBeLessThan(stdout.indexOf('playlist ended;'));
    expect(stdout).not.toContain('\u001b[');

    // The player is still up: its recording is served, with the actors of both sides.
    const { status, type, body } = await getJson(`${url}recording.json`);
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/json/);
    const recording = loadRecording(body);
    const actors = Object.values(recording.actors);
    const foreground = actors.filter((a) => a.side === 'foreground').map((a) => a.name);
    const task = actors.filter((a) => a.side === 'task').map((a) => a.name);
    expect(foreground).toContain('mediaSystem');
    expect(foreground).toContain('app:backbeat-play');
    expect(
      task.some((name) => /^backbeat-play#[^/]+\/mediaPlayer$/.test(name)),
      task.join(),
    ).toBe(true);
    expect(recording.entries.length).toBeGreaterThan(10);
    const definitions = Object.keys(recording.definitions);
    expect(definitions.length).toBeGreaterThan(1);
    expect(recording.entries.some((e) => e.side === 'task')).toBe(true);
    expect(recording.entries.some((e) => e.side === 'foreground')).toBe(true);

    running.child.kill('SIGINT');
    const result = await running.exited();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/took too long/);
  }, 45_000);

  it('--timeout limits the playback, not the wait after it; the outcome is the exit code', async () => {
    running = spawnCli(['--inspect=0', '--sink', 'none', '--no-mpris', '--timeout', '1'], {
      env: { BACKBEAT_DEMO_SECONDS: '5' },
    });
    const [, url] = await running.waitForOutput(INSPECTOR_LINE);
    await running.waitForOutput(
      /^playback stopped; inspector still open at \S+ — press Ctrl-C to quit$/m,
      30_000,
    );
    // written to stderr just before that line to stdout, through a pipe of its own
    await running.waitForOutput(
      /^backbeat-play: gave up after 1 s \(--timeout\)$/m,
      5_000,
      'stderr',
    );
    expect((await getJson(`${url}recording.json`)).status).toBe(200);
    running.child.kill('SIGTERM');
    const result = await running.exited();
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).not.toMatch(/end of playlist/);
  }, 45_000);

  it('a port in use is a one-line error, exit 2', async () => {
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const result = await runCli([`--inspect=${port}`, '--sink', 'none', '--no-mpris'], {
        env: { BACKBEAT_DEMO_SECONDS: '1' },
      });
      expect(result.code, result.stdout + result.stderr).toBe(2);
      expect(result.stderr).toMatch(
        new RegExp(
          `^backbeat-play: cannot start the inspector on port ${port}: the port is in use on 127\\.0\\.0\\.1 \\(--inspect alone takes a free one\\)\\n$`,
        ),
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('backbeat inspect FILE', () => {
  /** A real recording: the test kit's, of an app that played for a while. */
  async function testKitRecording() {
    const system = createTestSystem({ record: true });
    try {
      const app = system.launchApp({
        id: 'music',
        task: new URL('../fixtures/policy/player.mjs', import.meta.url),
      });
      const recorded = system.record(app);
      await system.waitFor(() => recorded.taskState === 'alive');
      await app.backgroundMediaPlayer.current.play();
      await system.advance(1_000);
      app.suspend();
      await system.advance(1_000);
      return system.recording();
    } finally {
      await system.dispose();
    }
  }

  it('serves the saved recording at /recording.json until Ctrl-C, then exits 0', async () => {
    const saved = await testKitRecording();
    const file = tmp.path('session.json');
    writeFileSync(file, JSON.stringify(saved));
    running = spawnCli(['inspect', file, '--port', '0'], { script: BACKBEAT_BIN });
    const [, url] = await running.waitForOutput(INSPECTOR_LINE);
    await running.waitForOutput(/^press Ctrl-C to quit$/m);
    const { status, body } = await getJson(`${url}recording.json`);
    expect(status).toBe(200);
    expect(body).toEqual(saved);
    expect(Object.values(saved.actors).some((a) => a.side === 'task')).toBe(true);
    running.child.kill('SIGINT');
    const result = await running.exited();
    expect(result.code, result.stderr).toBe(0);
  });

  it.each([
    ['missing.json', null, /^backbeat: cannot read `[^`]*missing\.json`: no such file\n$/],
    ['broken.json', '{"format": ', /^backbeat: `[^`]*broken\.json` is not JSON: .+\n$/],
    [
      'other.json',
      JSON.stringify({ format: 'something-else', entries: [] }),
      /^backbeat: `[^`]*other\.json`: Not a Backbeat recording: `format` is `"something-else"`.*\n$/,
    ],
  ])(
    '%s: a one-line message naming the file and what is wrong, exit 2',
    async (name, text, message) => {
      const file = tmp.path(name);
      if (text !== null) writeFileSync(file, text);
      const result = await runCli(['inspect', file], { script: BACKBEAT_BIN });
      expect(result.code, result.stdout + result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    },
  );

  it.each([
    [[], /^backbeat: missing command\n\nUsage: backbeat <command>/],
    [['play'], /^backbeat: unknown command `play`\n\nUsage: backbeat <command>/],
    [['inspect'], /^backbeat: inspect needs a recording file \(JSON\)\n$/],
    [['inspect', 'a.json', '--port', 'abc'], /--port must be an integer .* got `abc`\n$/],
    [['inspect', 'a.json', '--verbose'], /^backbeat: unknown option `--verbose`/],
  ])('%j: usage error, exit 2', async (args, message) => {
    const result = await runCli(args, { script: BACKBEAT_BIN, cwd: tmp.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('--help prints the usage and exits 0', async () => {
    const result = await runCli(['--help'], { script: BACKBEAT_BIN });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: backbeat <command> \[options\]/);
    expect(result.stdout).toContain('inspect FILE [--port N]');
  });
});
