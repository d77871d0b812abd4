#!/usr/bin/env node
// backbeat-play: a command-line player. The foreground (this process) is a terminal UI; the
// playback is a background task (task.mjs) in a worker thread, a child process or inline,
// making real sound through the Web Audio adapter.
import { demoSecondsFrom, parseArgs, UsageError, usage } from './args.mjs';
import { resolveInputs } from './inputs.mjs';

const NAME = 'backbeat-play';

const say = (line) => process.stdout.write(`${line}\n`);
const complain = (line) => process.stderr.write(`${NAME}: ${line}\n`);
const oneLine = (error) =>
  String(error?.message ?? error)
    .split('\n')[0]
    .trim();

function exitWith(code, message) {
  if (message) complain(message);
  process.exit(code);
}

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) exitWith(2, error.message);
  throw error;
}
if (options.help) {
  say(usage);
  process.exit(0);
}

let tracks;
let demo = null;
try {
  if (options.inputs.length > 0) {
    tracks = resolveInputs(options.inputs, process.cwd());
  } else {
    const seconds = demoSecondsFrom(process.env);
    const { createDemoPlaylist } = await import('./demo.mjs');
    demo = createDemoPlaylist({ seconds });
    tracks = demo.tracks;
  }
} catch (error) {
  if (error instanceof UsageError) exitWith(2, error.message);
  throw error;
}
process.on('exit', () => demo?.remove());

if (options.render) {
  const { renderPlaylist } = await import('./render.mjs');
  try {
    const done = await renderPlaylist(tracks, options.render, { sampleRate: options.sampleRate });
    say(
      `${NAME}: rendered ${done.items} item(s), ${done.seconds.toFixed(3)} s at ${done.sampleRate} Hz, ${done.channels} channel(s) to ${done.file}`,
    );
    process.exit(0);
  } catch (error) {
    exitWith(2, `cannot render: ${oneLine(error)}`);
  }
}

// --inspect: the inspector is up before the media system, so it sees every actor from the start.
let inspector = null;
if (options.inspect !== null) {
  try {
    const { startInspector } = await import('backbeat/inspector');
    inspector = await startInspector({ port: options.inspect });
  } catch (error) {
    const why =
      error?.code === 'PORT_IN_USE'
        ? 'the port is in use on 127.0.0.1 (--inspect alone takes a free one)'
        : oneLine(error);
    exitWith(2, `cannot start the inspector on port ${options.inspect}: ${why}`);
  }
  say(`inspector: ${inspector.url}`);
}

const interactive = Boolean(process.stdout.isTTY && process.stdin.isTTY);
if (interactive) {
  const { runInteractive } = await import('./interactive.mjs');
  await runInteractive({ tracks, options, inspector, exitWith });
} else {
  const { runPlain } = await import('./plain.mjs');
  await runPlain({ tracks, options, inspector, exitWith, say });
}
