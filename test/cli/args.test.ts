import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './support.ts';

// The example's modules are plain .mjs; loaded by URL they are untyped (any) here.
const load = (name: string) =>
  import(new URL(`../../examples/cli-player/${name}`, import.meta.url).href);

const tmp = tempDir();
afterAll(() => tmp.remove());

describe('backbeat-play command line', () => {
  it.each([
    [['--bogus'], /^backbeat-play: unknown option `--bogus` \(see --help\)\n$/],
    [
      ['--device', 'tablet'],
      /^backbeat-play: --device must be desktop, mobile or other, got `tablet`\n$/,
    ],
    [
      ['--host=thread'],
      /^backbeat-play: --host must be worker, process or inline, got `thread`\n$/,
    ],
    [['--render'], /^backbeat-play: option `--render` needs a value\n$/],
    [
      ['--render', 'x.wav', '--sample-rate', 'fast'],
      /--sample-rate must be an integer .* got `fast`/,
    ],
    [['missing-file.flac'], /^backbeat-play: cannot read `missing-file.flac`: no such file\n$/],
    [['ftp://example.org/a.mp3'], /unsupported URL scheme `ftp:`/],
    [
      ['--inspect=abc'],
      /^backbeat-play: --inspect port must be an integer from 0 to 65535 \(0: a free port\), got `abc`\n$/,
    ],
    [['--inspect=70000'], /--inspect port must be an integer .* got `70000`/],
    [['--inspect', '--render', 'x.wav'], /`--inspect` does not apply with --render FILE/],
  ])('%j: one-line error naming the problem, exit 2', async (args, message) => {
    const result = await runCli(args, { cwd: tmp.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });

  it('--help prints the usage and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: backbeat-play \[options\] \[files or URLs\.\.\.\]/);
    for (const option of [
      '--device',
      '--render',
      '--sample-rate',
      '--host',
      '--no-mpris',
      '--inspect[=PORT]',
    ]) {
      expect(result.stdout).toContain(option);
    }
  });

  it('parses options and inputs', async () => {
    const { parseArgs, UsageError } = await load('args.mjs');
    expect(
      parseArgs(['--device', 'mobile', 'a.wav', '--host=process', '--no-mpris', '--', '-b.wav']),
    ).toMatchObject({
      device: 'mobile',
      host: 'process',
      mpris: false,
      inputs: ['a.wav', '-b.wav'],
    });
    expect(parseArgs([])).toMatchObject({
      device: 'desktop',
      host: 'worker',
      sink: 'auto',
      mpris: true,
      render: null,
    });
    expect(() => parseArgs(['--device', 'mobile', '--device', 'other'])).toThrow(UsageError);
    expect(() => parseArgs(['--no-mpris=yes'])).toThrow(/takes no value/);
  });

  it('--inspect takes an optional port after `=`: none is port 0 (a free one)', async () => {
    const { parseArgs, UsageError } = await load('args.mjs');
    expect(parseArgs([]).inspect).toBeNull();
    expect(parseArgs(['--inspect']).inspect).toBe(0);
    expect(parseArgs(['--inspect=0']).inspect).toBe(0);
    expect(parseArgs(['--inspect=8123', 'a.wav'])).toMatchObject({
      inspect: 8123,
      inputs: ['a.wav'],
    });
    // A separate word after --inspect is an input, not its port.
    expect(parseArgs(['--inspect', '8123'])).toMatchObject({ inspect: 0, inputs: ['8123'] });
    for (const bad of ['abc', '-1', '1.5', '65536', ' 80', '0x50']) {
      expect(() => parseArgs([`--inspect=${bad}`]), bad).toThrow(UsageError);
      expect(() => parseArgs([`--inspect=${bad}`]), bad).toThrow(`got \`${bad}\``);
    }
    expect(() => parseArgs(['--inspect='])).toThrow(/needs a port after `=`/);
    expect(() => parseArgs(['--inspect', '--inspect=1'])).toThrow(/given twice/);
  });

  it('turns paths into file: URLs, passes http(s) through, names tracks after files', async () => {
    const { resolveInput } = await load('inputs.mjs');
    const path = tmp.path('Nina - Song Title.wav');
    (await import('node:fs')).writeFileSync(path, 'x');
    expect(resolveInput('Nina - Song Title.wav', tmp.dir)).toEqual({
      uri: new URL(`file://${path}`).href,
      title: 'Song Title',
      artist: 'Nina',
    });
    expect(resolveInput('https://example.org/music/My%20Tune.mp3', tmp.dir)).toEqual({
      uri: 'https://example.org/music/My%20Tune.mp3',
      title: 'My Tune',
      artist: '',
    });
  });

  it('decodes keys: list keys go to the task, the rest to the player', async () => {
    const { decodeKeys, taskActions } = await load('keys.mjs');
    expect(decodeKeys(' np\x1b[C\x1b[D+-srq\x03x')).toEqual([
      'playPause',
      'next',
      'previous',
      'seekForward',
      'seekBack',
      'volumeUp',
      'volumeDown',
      'shuffle',
      'repeat',
      'quit',
      'quit',
    ]);
    expect(decodeKeys('\x1bOC\x1b')).toEqual(['seekForward']);
    expect([...taskActions].sort()).toEqual(['next', 'previous', 'quit', 'repeat', 'shuffle']);
  });

  it('renders a screen that fits the terminal', async () => {
    const { renderScreen, formatTime, progressBar } = await load('ui.mjs');
    expect(formatTime(83_400)).toBe('1:23');
    expect(formatTime(3_723_000)).toBe('1:02:03');
    expect(formatTime(Number.NaN)).toBe('--:--');
    expect(progressBar(30_000, 60_000, 10, false)).toBe('=====-----');
    const view = {
      unicode: false,
      device: 'desktop',
      host: 'worker',
      taskState: 'alive',
      index: 1,
      count: 4,
      title: 'A title far too long to fit '.repeat(5),
      artist: 'Someone',
      state: 'paused',
      position: 61_000,
      duration: 122_000,
      volume: 0.8,
      muted: false,
      shuffle: true,
      repeat: false,
      ended: false,
      events: Array.from({ length: 40 }, (_, i) => ({ at: i * 100, text: `event ${i}` })),
    };
    const lines = renderScreen(view, { columns: 60, rows: 24 });
    expect(lines).toHaveLength(24);
    for (const { text } of lines) expect(text.length).toBeLessThanOrEqual(60);
    const screen = lines.map((l: { text: string }) => l.text).join('\n');
    expect(screen).toContain('|| Paused');
    expect(screen).toContain('track 2 of 4');
    expect(screen).toContain('by Someone');
    expect(screen).toMatch(/1:01 +=+-+ +2:02/);
    expect(screen).toContain('volume 80%');
    expect(screen).toContain('shuffle on');
    expect(screen).toContain('event 39'); // the newest events are the ones shown
    expect(screen).not.toContain('event 0\n');
  });
});
