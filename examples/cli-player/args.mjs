// Command-line options of backbeat-play: parsing and checking, with no side effects. Every
// problem is a UsageError whose message is one line naming the bad value; main.mjs prints it
// and exits with code 2.

/**
 * A problem with the command line (exit code 2).
 *
 * @example
 * throw new UsageError('unknown option `--loud` (see --help)');
 */
export class UsageError extends Error {
  constructor(message) {
    super(message);
    this.name = 'UsageError';
  }
}

export const devices = ['desktop', 'mobile', 'other'];
export const hosts = ['worker', 'process', 'inline'];
export const sinks = ['auto', 'device', 'none'];

/** Default hard time limit of a non-interactive run, in seconds. */
export const DEFAULT_TIMEOUT_SECONDS = 600;

export const usage = `Usage: backbeat-play [options] [files or URLs...]

Plays audio files (wav, mp3, flac, ogg, opus) or http(s) URLs as one gapless playlist, with the
playback in a background task. With no files, plays a short synthesized demo playlist.

Options:
  --device desktop|mobile|other  device family whose policies apply (default desktop)
  --host worker|process|inline   where the background task runs (default worker)
  --sink auto|device|none        audio output; auto falls back to a silent sink (default auto)
  --render FILE                  render the whole playlist offline to a WAV file, then exit
  --sample-rate N                with --render: output sample rate (default: the first item's)
  --timeout SECONDS              non-interactive runs: give up after this long (default ${DEFAULT_TIMEOUT_SECONDS});
                                 with --inspect it limits the playback, not the wait after it
  --inspect[=PORT]               serve the Backbeat inspector on 127.0.0.1 (default port: a free
                                 one), print its URL, and stay up after the playlist until quit
  --no-mpris                     do not publish the player on the D-Bus session bus (MPRIS)
  -h, --help                     show this help

Keys: space play/pause, n next, p previous, left/right seek 10 s, +/- volume, m mute,
      s shuffle, r repeat, v hide/show the foreground (app suspend/resume), q quit.

When standard input or output is not a terminal, events are printed as plain lines and the
player exits at the end of the playlist (exit code 0); with --inspect it stays up until
Ctrl-C (SIGINT) or SIGTERM, so the inspector page can still be read.
Environment: BACKBEAT_DEMO_SECONDS sets the length of each demo track (default 4).`;

const valued = new Set(['--device', '--host', '--sink', '--render', '--sample-rate', '--timeout']);
const flags = new Set(['--no-mpris', '--help', '-h']);
/** Options that take a value only after `=` (`--inspect` or `--inspect=PORT`). */
const optionalValued = new Set(['--inspect']);

function oneOf(option, allowed, value) {
  if (!allowed.includes(value)) {
    throw new UsageError(
      `${option} must be ${allowed.join(', ').replace(/, ([^,]*)$/, ' or $1')}, got \`${value}\``,
    );
  }
  return value;
}

function number(option, value, { min, max, integer }) {
  const n = Number(value);
  const ok = value.trim() !== '' && Number.isFinite(n) && n >= min && n <= max;
  if (!ok || (integer && !Number.isInteger(n))) {
    const kind = integer ? 'an integer' : 'a number';
    throw new UsageError(`${option} must be ${kind} from ${min} to ${max}, got \`${value}\``);
  }
  return n;
}

function port(option, value) {
  if (value === '') throw new UsageError(`option \`${option}\` needs a port after \`=\`, got \`\``);
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65_535) {
    throw new UsageError(
      `${option} port must be an integer from 0 to 65535 (0: a free port), got \`${value}\``,
    );
  }
  return n;
}

/**
 * Parses the arguments after the program name. `inspect` is null without `--inspect`, else
 * the port to serve the inspector on (0: a free one).
 *
 * @example
 * parseArgs(['--device', 'mobile', 'a.flac']);
 * // { device: 'mobile', host: 'worker', inputs: ['a.flac'], ... }
 */
export function parseArgs(argv) {
  const options = {
    help: false,
    device: 'desktop',
    host: 'worker',
    sink: 'auto',
    render: null,
    sampleRate: null,
    timeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
    mpris: true,
    inspect: null,
    inputs: [],
  };
  const seen = new Set();
  let i = 0;
  while (i < argv.length) {
    const arg = String(argv[i++]);
    if (arg === '--') {
      options.inputs.push(...argv.slice(i).map(String));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      options.inputs.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg;
    if (!valued.has(name) && !flags.has(name) && !optionalValued.has(name)) {
      throw new UsageError(`unknown option \`${name}\` (see --help)`);
    }
    if (seen.has(name)) throw new UsageError(`option \`${name}\` given twice`);
    seen.add(name);
    if (flags.has(name)) {
      if (eq > 0) throw new UsageError(`option \`${name}\` takes no value, got \`${arg}\``);
      if (name === '--no-mpris') options.mpris = false;
      else options.help = true;
      continue;
    }
    if (optionalValued.has(name)) {
      options.inspect = eq > 0 ? port(name, arg.slice(eq + 1)) : 0; // --inspect alone: a free port
      continue;
    }
    let value;
    if (eq > 0) value = arg.slice(eq + 1);
    else if (i < argv.length) value = String(argv[i++]);
    else throw new UsageError(`option \`${name}\` needs a value`);
    if (value === '') throw new UsageError(`option \`${name}\` needs a value, got \`\``);
    switch (name) {
      case '--device':
        options.device = oneOf(name, devices, value);
        break;
      case '--host':
        options.host = oneOf(name, hosts, value);
        break;
      case '--sink':
        options.sink = oneOf(name, sinks, value);
        break;
      case '--render':
        options.render = value;
        break;
      case '--sample-rate':
        options.sampleRate = number(name, value, { min: 3000, max: 384_000, integer: true });
        break;
      case '--timeout':
        options.timeoutSeconds = number(name, value, { min: 0.1, max: 86_400, integer: false });
        break;
    }
  }
  if (options.inspect !== null && options.render !== null) {
    throw new UsageError('option `--inspect` does not apply with --render FILE');
  }
  if (options.sampleRate !== null && options.render === null) {
    throw new UsageError('option `--sample-rate` only applies with --render FILE');
  }
  return options;
}

/**
 * Reads BACKBEAT_DEMO_SECONDS: the length of each demo track in seconds (default 4).
 *
 * @example
 * demoSecondsFrom({ BACKBEAT_DEMO_SECONDS: '1' }); // 1
 */
export function demoSecondsFrom(env) {
  const raw = env.BACKBEAT_DEMO_SECONDS;
  if (raw === undefined || raw === '') return 4;
  return number('BACKBEAT_DEMO_SECONDS', raw, { min: 0.2, max: 60, integer: false });
}
