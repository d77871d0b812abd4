// Interactive mode: the terminal UI. Keys drive the player (play/pause, seek, volume go to the
// MediaPlayer proxy; list keys go to the task as messages); the screen follows the view model.
import { decodeKeys } from './keys.mjs';
import { startSession } from './session.mjs';
import { captureStderr, localeIsUtf8, openTerminal } from './terminal.mjs';
import { renderScreen } from './ui.mjs';

const FRAME_MS = 33;
const TICK_MS = 250;
const CLOSE_LIMIT_MS = 8_000;

/**
 * Runs the terminal UI until `q` (or Ctrl-C, SIGTERM, SIGHUP), then restores the terminal,
 * shuts the task down, disposes the system, closes the `inspector` if there is one (it gets
 * the media system's inspection events meanwhile) and exits 0.
 *
 * @example
 * await runInteractive({ tracks, options, exitWith: (code) => process.exit(code) });
 */
export async function runInteractive({ tracks, options, inspector = null, exitWith }) {
  const term = openTerminal(process.stdin, process.stdout);
  const early = [];
  let session = null;
  let release = captureStderr((line) => (session ? session.note(line) : early.push(line)));
  const restore = () => {
    term.restore();
    release();
    release = () => {};
  };
  const crash = (error) => {
    restore();
    console.error(error);
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);

  let queued = null;
  const draw = () => {
    queued = null;
    if (!session) return;
    term.draw(renderScreen(session.view, term.size));
  };
  const schedule = () => {
    if (queued === null) queued = setTimeout(draw, FRAME_MS);
  };

  session = await startSession({
    tracks,
    options: { ...options, unicode: localeIsUtf8() },
    inspect: inspector?.inspect,
    onChange: schedule,
  });
  if (inspector) session.note(`inspector: ${inspector.url}`);
  for (const line of early.splice(0)) session.note(line);

  let quitting = false;
  const quit = async () => {
    if (quitting) return;
    quitting = true;
    session.note('quitting...');
    draw();
    setTimeout(() => {
      restore();
      exitWith(1, 'shutting down took too long');
    }, CLOSE_LIMIT_MS).unref();
    await session.close();
    if (inspector) {
      await Promise.race([
        inspector.close().catch(() => {}),
        new Promise((resolve) => setTimeout(resolve, 2_000).unref()),
      ]);
    }
    restore();
    process.stdout.write('backbeat-play: bye\n');
    exitWith(0);
  };

  term.start((chunk) => {
    for (const action of decodeKeys(chunk)) {
      if (action === 'quit') quit();
      else session.dispatch(action);
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, quit);
  process.stdout.on('resize', () => {
    term.invalidate();
    draw();
  });
  setInterval(() => {
    session.refresh();
    draw();
  }, TICK_MS);
  draw();
}
