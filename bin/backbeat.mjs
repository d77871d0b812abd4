#!/usr/bin/env node
// backbeat: Backbeat's command line. `backbeat inspect recording.json` serves a saved recording
// (exported from the inspector page, or written by the test kit) in the inspector, offline.
import { readFile } from 'node:fs/promises';

const NAME = 'backbeat';

const usage = `Usage: backbeat <command> [options]

Commands:
  inspect FILE [--port N]   open a saved recording (JSON) in the Backbeat inspector, served on
                            127.0.0.1 (default port: a free one), until Ctrl-C

Options:
  -h, --help                show this help

A recording is exported from the inspector page, or comes from a recorder's recording() or
from the test kit (createTestSystem({ record: true }), path.run(..., { saveRecordingTo })).`;

const say = (line) => process.stdout.write(`${line}\n`);
const oneLine = (error) =>
  String(error?.message ?? error)
    .split('\n')[0]
    .trim();

/** A problem with the command line or its file: one line on stderr, exit code 2. */
class UsageError extends Error {
  constructor(message, { showUsage = false } = {}) {
    super(message);
    this.name = 'UsageError';
    this.showUsage = showUsage;
  }
}

function parsePort(value) {
  if (!/^\d+$/.test(value) || Number(value) > 65_535) {
    throw new UsageError(
      `--port must be an integer from 0 to 65535 (0: a free port), got \`${value}\``,
    );
  }
  return Number(value);
}

/** The arguments of `inspect`: one file and an optional `--port N` / `--port=N`. */
function parseInspectArgs(argv) {
  let file = null;
  let port = 0;
  let portGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--port' || arg.startsWith('--port=')) {
      if (portGiven) throw new UsageError('option `--port` given twice');
      portGiven = true;
      const value = arg === '--port' ? argv[++i] : arg.slice('--port='.length);
      if (value === undefined) throw new UsageError('option `--port` needs a value');
      port = parsePort(value);
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option \`${arg}\` (see backbeat --help)`);
    } else if (file === null) {
      file = arg;
    } else {
      throw new UsageError(`inspect takes one recording file, got \`${file}\` and \`${arg}\``);
    }
  }
  if (file === null) throw new UsageError('inspect needs a recording file (JSON)');
  return { help: false, file, port };
}

/** Reads and checks a recording file; every problem is a UsageError naming the file. */
async function readRecording(file, loadRecording) {
  let text;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const why = error?.code === 'ENOENT' ? 'no such file' : oneLine(error);
    throw new UsageError(`cannot read \`${file}\`: ${why}`);
  }
  let json;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`\`${file}\` is not JSON: ${oneLine(error)}`);
  }
  try {
    return loadRecording(json);
  } catch (error) {
    // A RecordingError's message says what is wrong: `Not a Backbeat recording: \`format\` is …`.
    throw new UsageError(`\`${file}\`: ${oneLine(error)}`);
  }
}

async function inspect(argv) {
  const args = parseInspectArgs(argv);
  if (args.help) {
    say(usage);
    return;
  }
  const { loadRecording, startInspector } = await import('backbeat/inspector');
  const recording = await readRecording(args.file, loadRecording);
  let inspector;
  try {
    inspector = await startInspector({ port: args.port, recording });
  } catch (error) {
    const why =
      error?.code === 'PORT_IN_USE'
        ? 'the port is in use on 127.0.0.1 (--port 0 takes a free one)'
        : oneLine(error);
    throw new UsageError(`cannot start the inspector on port ${args.port}: ${why}`);
  }
  say(`inspector: ${inspector.url}`);
  say('press Ctrl-C to quit');
  await new Promise((resolve) => {
    for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(name, resolve);
  });
  await Promise.race([
    inspector.close().catch(() => {}),
    new Promise((resolve) => setTimeout(resolve, 2_000).unref()),
  ]);
  process.exit(0);
}

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    say(usage);
    return;
  }
  if (command === undefined) throw new UsageError('missing command', { showUsage: true });
  if (command === 'inspect') return inspect(rest);
  throw new UsageError(`unknown command \`${command}\``, { showUsage: true });
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`${NAME}: ${error.message}\n`);
  if (error.showUsage) process.stderr.write(`\n${usage}\n`);
  process.exit(2);
}
