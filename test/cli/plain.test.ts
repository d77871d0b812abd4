import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { linesMatching, runCli, tempDir, testSignal } from './support.ts';

// Without a terminal the player prints its events as lines, plays the list once and exits.
// These runs use the build in dist/ (`npm run build` first).

const tmp = tempDir();
afterAll(() => tmp.remove());

const demoTitles = ['Sunrise in C', 'Drift in A Minor', 'Lift in F', 'Home by G'];

describe('backbeat-play without a terminal', () => {
  it('plays the demo playlist in order to its end and exits 0', async () => {
    const result = await runCli([], {
      env: { BACKBEAT_DEMO_SECONDS: '0.6', DBUS_SESSION_BUS_ADDRESS: undefined },
    });
    expect(result.stderr).not.toContain('\u001b[');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).not.toContain('\u001b['); // no escape sequences: plain lines

    const tracks = linesMatching(result.stdout, /\] track \d\/4: /);
    expect(tracks.map((line) => line.match(/"(.*)"/)?.[1])).toEqual(demoTitles);
    expect(tracks[0]).toContain('by The Sine Waves (initialItem)');
    expect(tracks[1]).toContain('(endOfStream)');

    const lines = result.stdout.split('\n');
    const endAt = lines.findIndex((line) => line.endsWith('] end of playlist'));
    const lastTrackAt = lines.findIndex((line) => line.includes('"Home by G"'));
    expect(endAt).toBeGreaterThan(lastTrackAt);
    // Lifecycle events as they happen, the player state, and a clean shutdown of the task.
    expect(result.stdout).toMatch(/\] task starting\n/);
    expect(result.stdout).toMatch(/\] task running\n/);
    expect(result.stdout).toMatch(/\] player playing\n/);
    expect(lines.findIndex((line) => /\] task completed$/.test(line))).toBeGreaterThan(endAt);
    expect(result.stdout).toMatch(/done: 4 track\(s\) started, 0 failed/);
    // No session bus: the media controls say so once, and the run goes on.
    expect(linesMatching(result.stdout + result.stderr, /no D-Bus session bus/)).toHaveLength(1);
  }, 30_000);

  it.each(['process', 'inline'])(
    'plays the demo with the task on the %s host',
    async (host) => {
      const result = await runCli(['--no-mpris', '--host', host], {
        env: { BACKBEAT_DEMO_SECONDS: '0.3' },
      });
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain(`${host} host`);
      expect(linesMatching(result.stdout, /\] track \d\/4: /)).toHaveLength(4);
      expect(result.stdout).toMatch(/\] end of playlist\n/);
    },
    30_000,
  );

  it('reports a file that fails while playing, with its URI, and plays the rest', async () => {
    const a = tmp.writeWav('Ada - First.wav', [testSignal(8_820, 1)]);
    const broken = tmp.path('broken.wav');
    writeFileSync(broken, 'this is not audio');
    const c = tmp.writeWav('Last.wav', [testSignal(8_820, 3)]);
    const result = await runCli(['--no-mpris', a, broken, c]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const brokenUri = pathToFileURL(broken).href;
    expect(result.stdout).toContain(`mediaFailed ${brokenUri}: `);
    expect(result.stdout).toContain(`itemFailed ${brokenUri}: `);
    const tracks = linesMatching(result.stdout, /\] track \d\/3: /);
    expect(tracks.map((line) => line.replace(/^.*\] /, ''))).toEqual([
      'track 1/3: "First" by Ada (initialItem)',
      'track 2/3: "broken" (endOfStream)',
      'track 3/3: "Last" (error)',
    ]);
    expect(result.stdout).toMatch(/end of playlist/);
    expect(result.stdout).toMatch(/done: 3 track\(s\) started, 1 failed/);
  }, 30_000);

  it('never hangs: the hard time limit ends a run with exit 1 and says why', async () => {
    const result = await runCli(['--no-mpris', '--timeout', '1'], {
      env: { BACKBEAT_DEMO_SECONDS: '5' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^backbeat-play: gave up after 1 s \(--timeout\)$/m);
    expect(result.stdout).not.toMatch(/end of playlist/);
  }, 30_000);
});
