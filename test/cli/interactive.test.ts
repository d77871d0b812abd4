import { execFileSync, spawnSync } from 'node:child_process';
import { waitFor } from 'backbeat/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN, tempDir } from './support.ts';

// The terminal UI, driven as a person would: tmux runs the player in a 100x30 pane, send-keys
// types, capture-pane reads the screen.

const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
if (!hasTmux && process.env.CI === 'true') {
  throw new Error('tmux is missing, and CI must run the interactive test (install tmux)');
}
if (!hasTmux) console.log('[skip] interactive backbeat-play test: tmux is not installed');

const socket = `backbeat-cli-${process.pid}`;
const session = 'player';
const tmux = (...args: string[]) =>
  execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', session);
const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

const tmp = tempDir();
afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  tmp.remove();
});

/** Waits until the screen passes `test` and returns it; fails with the last screen after `ms`. */
async function waitForScreen(test: (text: string) => boolean, what: string, ms = 8_000) {
  let text = '';
  return waitFor(
    () => {
      text = screen();
      return test(text) && text;
    },
    {
      timeoutMs: ms,
      intervalMs: 100,
      what: `the screen to show ${what}`,
      seen: () => `last screen:\n${text}`,
    },
  );
}

const positionOf = (text: string) =>
  text
    .match(/^ (\d+):(\d\d) /m)
    ?.slice(1)
    .map(Number);

describe.skipIf(!hasTmux)('backbeat-play in a terminal', () => {
  it('shows title, artist and progress; n skips, space pauses, q quits and restores the terminal', async () => {
    const marker = tmp.path('exit');
    const command = [
      'before=$(stty -g)',
      `BACKBEAT_DEMO_SECONDS=12 LANG=C.UTF-8 ${shellQuote(process.execPath)} ${shellQuote(MAIN)} --no-mpris`,
      'code=$?',
      '[ "$before" = "$(stty -g)" ] && state=restored || state=changed',
      `echo "EXITED $code TTY-$state" | tee ${shellQuote(marker)}`,
      'sleep 60',
    ].join('; ');
    tmux('new-session', '-d', '-x', '100', '-y', '30', '-s', session, command);

    let text = await waitForScreen(
      (s) => s.includes('Sunrise in C') && / \d+:\d\d .* 0:12/.test(s),
      'the first track with its progress',
    );
    expect(text).toContain('by The Sine Waves');
    expect(text).toContain('track 1 of 4');
    expect(text).toMatch(/Playing/);
    expect(text).toMatch(/task (running|alive)/);
    expect(tmux('display', '-p', '-t', session, '#{alternate_on}').trim()).toBe('1');

    tmux('send-keys', '-t', session, 'n');
    text = await waitForScreen(
      (s) => s.includes('Drift in A Minor') && s.includes('track 2 of 4'),
      'the second track after n',
    );
    expect(text).toContain('by Pure Tone Collective');
    expect(text).toMatch(/track 2\/4: "Drift in A Minor" .*\(appRequested\)/);

    tmux('send-keys', '-t', session, ' ');
    text = await waitForScreen((s) => /Paused/.test(s), 'the paused state after space');
    const paused = positionOf(text);
    expect(paused).toHaveLength(2);
    const pausedAt = Date.now();

    // The clock stands still while paused: more than a second of real time later (a running
    // clock would show another second by then), the screen drawn for a volume change still
    // shows the paused position.
    await waitFor(() => Date.now() - pausedAt >= 1_200, {
      intervalMs: 100,
      what: 'over a second of real time while paused',
    });
    tmux('send-keys', '-t', session, '-');
    text = await waitForScreen((s) => s.includes('volume 90%'), 'the volume after -');
    expect(text).toMatch(/Paused/);
    expect(positionOf(text)).toEqual(paused);

    tmux('send-keys', '-t', session, 'q');
    text = await waitForScreen((s) => s.includes('EXITED'), 'the shell after q');
    expect(text).toContain('EXITED 0 TTY-restored');
    expect(text).toContain('backbeat-play: bye');
    expect(text).not.toContain('Sunrise in C'); // the player's screen is gone
    expect(tmux('display', '-p', '-t', session, '#{alternate_on} #{cursor_flag}').trim()).toBe(
      '0 1',
    );
  }, 40_000);

  it('--inspect: the URL is printed and shown, and the player stays up after the playlist until q', async () => {
    const name = 'inspect';
    const marker = tmp.path('exit-inspect');
    const command = [
      `BACKBEAT_DEMO_SECONDS=0.4 LANG=C.UTF-8 ${shellQuote(process.execPath)} ${shellQuote(MAIN)} --no-mpris --sink none --inspect`,
      `echo "EXITED $?" | tee ${shellQuote(marker)}`,
      'sleep 60',
    ].join('; ');
    tmux('new-session', '-d', '-x', '100', '-y', '30', '-s', name, command);
    const shown = () => tmux('capture-pane', '-p', '-t', name);
    const waitForPane = (test: (text: string) => boolean, what: string) => {
      let text = '';
      return waitFor(
        () => {
          text = shown();
          return test(text) && text;
        },
        { timeoutMs: 15_000, intervalMs: 100, what, seen: () => `last screen:\n${text}` },
      );
    };
    const url = /inspector: (http:\/\/127\.0\.0\.1:\d+\/)/;
    let text = await waitForPane(
      (s) => url.test(s) && s.includes('end of playlist'),
      'the inspector URL and the end of the playlist',
    );
    expect(tmux('display', '-p', '-t', name, '#{alternate_on}').trim()).toBe('1');
    const address = text.match(url)![1]!;
    const response = await fetch(`${address}recording.json`);
    expect(response.status).toBe(200);
    const recording = (await response.json()) as { actors: Record<string, { side: string }> };
    expect(Object.values(recording.actors).some((a) => a.side === 'task')).toBe(true);

    tmux('send-keys', '-t', name, 'q');
    text = await waitForPane((s) => s.includes('EXITED'), 'the shell after q');
    expect(text).toContain('EXITED 0');
    // The line printed before the terminal UI took the screen is there once the UI is gone.
    expect(text).toContain(`inspector: ${address}`);
    await expect(fetch(`${address}recording.json`)).rejects.toThrow(); // closed with the player
  }, 40_000);
});
